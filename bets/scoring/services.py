"""Scores: computing a resolved claim's scores and writing them, exactly once per resolution."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import numpy as np
from django.db import transaction
from django.db.models import QuerySet

from bets.claims.arrays import forecast_arrays
from bets.claims.continuous.choices import all_options
from bets.claims.continuous.fields import claim_scale, resolution_bucket_index
from bets.claims.locking import claim_lock
from bets.common import sql
from bets.models import Claim, Forecast
from bets.scoring import maths, store


def claim_distribution_inputs(claim: Claim) -> dict[str, object]:
    """What scoring a numeric, date or multiple-choice claim needs, as numpy columns in the
    order forecast_arrays uses ((start_time, id)): participants, start and end epochs (inf
    while standing), one row per forecast of its CDF (201 values) or option probabilities
    (nan for an option the forecast did not cover: added later), the bucket the resolution
    fell in (Metaculus' string_location_to_bucket_index) and the claim's times."""
    column = "probabilities" if claim.kind == Claim.Kind.MULTIPLE_CHOICE else "cdf"
    rows = list(Forecast.objects.filter(claim_id=claim.pk).order_by("start_time", "id")
                .values_list("participant_id", column, "start_time", "end_time"))
    actual_resolve_time = cast(datetime, claim.actual_resolve_time)
    options = all_options(claim.options_history) if claim.options_history else None
    return {
        "participants": np.array([r[0] for r in rows], dtype=np.int64),
        "values": np.array([[np.nan if v is None else v for v in r[1]] for r in rows],
                           dtype=float),
        "start_times": np.array([r[2].timestamp() for r in rows], dtype=float),
        "end_times": np.array([r[3].timestamp() if r[3] else np.inf for r in rows], dtype=float),
        "resolution_bucket": resolution_bucket_index(
            cast(str, claim.resolution), kind=claim.kind, scale=claim_scale(claim),
            options=options),
        "open_lower_bound": claim.open_lower_bound,
        "open_upper_bound": claim.open_upper_bound,
        "open_time": claim.open_time.timestamp(),
        "close_time": claim.close_time.timestamp(),
        "actual_close_time": actual_resolve_time.timestamp(),
    }


def claim_compute_distribution_scores(claim: Claim) -> dict[int, maths.ParticipantScores]:
    """SEAM (scores of the new kinds): baseline, peer and coverage of a numeric, date or
    multiple-choice claim come from bets/scoring/continuous.py, being written apart from
    its inputs here (claim_distribution_inputs). Until it is wired, such a claim resolves,
    settles and records its resolution, and has no score rows."""
    claim_distribution_inputs(claim)  # computed now, so a bad stored row fails loudly here
    return {}


def claim_compute_scores(claim: Claim) -> dict[int, maths.ParticipantScores]:
    if claim.kind != Claim.Kind.BINARY:
        return claim_compute_distribution_scores(claim)
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
