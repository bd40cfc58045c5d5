"""Scores: computing a resolved claim's scores and writing them, exactly once per resolution."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.db import transaction
from django.db.models import QuerySet

from bets.claims.arrays import forecast_arrays
from bets.claims.locking import claim_lock
from bets.common import sql
from bets.models import Claim
from bets.scoring import maths, store


def claim_compute_scores(claim: Claim) -> dict[int, maths.ParticipantScores]:
    participants, probabilities, starts, ends = forecast_arrays(claim.pk)
    # Only resolved claims are scored, and resolving always records when it happened.
    actual_resolve_time = cast(datetime, claim.actual_resolve_time)
    return maths.binary_scores(
        outcome=claim.outcome == Claim.Outcome.YES,
        open_time=claim.open_time.timestamp(),
        close_time=claim.close_time.timestamp(),
        actual_close_time=actual_resolve_time.timestamp(),
        participants=participants,
        probabilities=probabilities,
        start_times=starts,
        end_times=ends,
    )


@transaction.atomic
def claim_score(*, claim_id: int, seq: int) -> bool:
    """Write the scores of resolution `seq` of a claim, replacing earlier ones.

    Takes the claim's row lock; returns False (and writes nothing) when the resolution is
    stale or already scored, so running it twice or concurrently scores once.
    """
    claim = claim_lock(claim_id)
    if claim.status != Claim.Status.RESOLVED or claim.resolution_seq != seq:
        return False
    if claim.scored_seq == seq:
        return False
    results = claim_compute_scores(claim)
    store.scores_replace(claim=claim, results=results, seq=seq)
    sql.update(Claim, {"scored_seq": seq}, "id = %s", [claim.pk])
    return True


def claims_needing_scores() -> QuerySet[Claim]:
    """Resolved claims whose current resolution has no scores yet (for the catch-up sweep)."""
    from django.db.models import F

    return Claim.objects.filter(status=Claim.Status.RESOLVED).exclude(
        scored_seq=F("resolution_seq")
    )
