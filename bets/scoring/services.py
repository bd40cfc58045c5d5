"""Scores: computing a resolved claim's scores and writing them, exactly once per resolution."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import cast

import numpy as np
from django.db import transaction
from django.db.models import QuerySet

from bets.claims.arrays import forecast_arrays
from bets.claims.continuous.choices import all_options
from bets.claims.continuous.fields import claim_scale, resolution_bucket_index
from bets.claims.continuous.scale import ABOVE, BELOW, date_parse
from bets.claims.locking import claim_lock
from bets.common import sql
from bets.models import Claim, Forecast
from bets.scoring import continuous, maths, store
from bets.scoring.continuous import ContinuousAxis
from bets.scoring.multiple_choice import multiple_choice_scores


def claim_distribution_inputs(claim: Claim) -> dict[str, object]:
    """What scoring a numeric, date or multiple-choice claim needs, as numpy columns in the
    order forecast_arrays uses ((start_time, id)): participants, start and end epochs (inf
    while standing), one row per forecast of its CDF (201 values) or option probabilities
    (nan for an option the forecast did not cover: added later), the bucket the resolution
    fell in (Metaculus' string_location_to_bucket_index), the resolution as
    bets.scoring.continuous takes it (a number, a date's epoch seconds, or below/above the
    range; a multiple-choice claim's option label), the range and the claim's times."""
    column = "probabilities" if claim.kind == Claim.Kind.MULTIPLE_CHOICE else "cdf"
    rows = list(Forecast.objects.filter(claim_id=claim.pk).order_by("start_time", "id")
                .values_list("participant_id", column, "start_time", "end_time"))
    actual_resolve_time = cast(datetime, claim.actual_resolve_time)
    options = all_options(claim.options_history) if claim.options_history else None
    resolution = cast(str, claim.resolution)
    return {
        "participants": np.array([r[0] for r in rows], dtype=np.int64),
        "values": np.array([[np.nan if v is None else v for v in r[1]] for r in rows],
                           dtype=float),
        "start_times": np.array([r[2].timestamp() for r in rows], dtype=float),
        "end_times": np.array([r[3].timestamp() if r[3] else np.inf for r in rows], dtype=float),
        "resolution_bucket": resolution_bucket_index(
            resolution, kind=claim.kind, scale=claim_scale(claim), options=options),
        "resolution": _scoring_resolution(claim.kind, resolution),
        "range_min": claim.range_min,
        "range_max": claim.range_max,
        "zero_point": claim.zero_point,
        "open_lower_bound": claim.open_lower_bound,
        "open_upper_bound": claim.open_upper_bound,
        "open_time": claim.open_time.timestamp(),
        "close_time": claim.close_time.timestamp(),
        "actual_close_time": actual_resolve_time.timestamp(),
    }


def _scoring_resolution(kind: str, resolution: str) -> float | str:
    """Claim.resolution as the pure scoring takes it: Metaculus writes a number as text and a
    date as ISO text; the CDF axis of a date claim is epoch seconds, so its resolution is too."""
    if kind == Claim.Kind.MULTIPLE_CHOICE or resolution in (BELOW, ABOVE):
        return resolution
    if kind == Claim.Kind.DATE:
        return date_parse(resolution, field="resolution")
    return float(resolution)


def claim_compute_distribution_scores(claim: Claim) -> Mapping[int, store.Scored]:
    """Baseline, peer and coverage (and CRPS for numeric and date claims) of a numeric, date or
    multiple-choice claim, from bets/scoring/continuous.py and multiple_choice.py on the
    claim's inputs (claim_distribution_inputs). Their rows leave Brier and log null."""
    inputs = claim_distribution_inputs(claim)
    participants, starts, ends = (cast(np.ndarray, inputs[name])
                                  for name in ("participants", "start_times", "end_times"))
    open_time, close_time, actual_close_time = (
        cast(float, inputs[name]) for name in ("open_time", "close_time", "actual_close_time"))
    values = cast(np.ndarray, inputs["values"])
    bucket = cast(int, inputs["resolution_bucket"])
    if claim.kind == Claim.Kind.MULTIPLE_CHOICE:
        return multiple_choice_scores(
            resolution_index=bucket, open_time=open_time, close_time=close_time,
            actual_close_time=actual_close_time, participants=participants,
            probabilities=values, start_times=starts, end_times=ends)
    axis = ContinuousAxis(
        range_min=cast(float, inputs["range_min"]), range_max=cast(float, inputs["range_max"]),
        zero_point=cast("float | None", inputs["zero_point"]),
        open_lower_bound=bool(inputs["open_lower_bound"]),
        open_upper_bound=bool(inputs["open_upper_bound"]),
    )
    resolution = cast(continuous.Resolution, inputs["resolution"])
    # The claim's own bucket (what the resolution service and the pages use) and the scoring's
    # must agree; a disagreement is a bug in one of the two, never a score to store.
    if continuous.resolution_bucket(resolution, axis) != bucket:
        raise ValueError(f"claim {claim.pk}: resolution {resolution!r} falls in bucket "
                         f"{bucket} for the claim but not for its scoring")
    return continuous.continuous_scores(
        resolution=resolution, axis=axis, open_time=open_time, close_time=close_time,
        actual_close_time=actual_close_time, participants=participants, cdfs=values,
        start_times=starts, end_times=ends)


def claim_compute_scores(claim: Claim) -> Mapping[int, store.Scored]:
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
