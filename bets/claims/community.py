"""Keep the stored community forecast (bets.models.community) in step with the forecasts.

forecast_submit and forecast_withdraw call community_record under the claim's row lock, in
their own transaction, so a page reads the community forecast, its history and the histogram
from a few stored rows instead of recomputing them from every forecast. Claims whose forecasts
arrived another way (an import) are rebuilt whole by community_rebuild.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bets.claims import aggregation
from bets.claims.arrays import forecast_arrays
from bets.claims.locking import claim_lock
from bets.models import Claim, ClaimCommunity, CommunityPoint, Forecast
from bets.models.community import HISTOGRAM_BINS


def histogram_counts(probabilities: npt.ArrayLike) -> list[int]:
    """Counts of probabilities in HISTOGRAM_BINS equal bins over [0, 1]."""
    counts, _edges = np.histogram(
        np.asarray(probabilities, dtype=float), bins=HISTOGRAM_BINS, range=(0.0, 1.0)
    )
    return [int(c) for c in counts]


def community_record(*, claim_id: int, at: datetime) -> ClaimCommunity:
    """Store the community forecast of the forecasts standing now, as a step starting `at`.

    Call it inside the transaction that changed the claim's forecasts, holding the claim's
    row lock (bets.claims.locking.claim_lock), so two changes never store steps out of order.
    """
    probabilities = np.fromiter(
        Forecast.objects.filter(claim_id=claim_id, end_time__isnull=True)
        # Oldest first is what the recency weights mean; the id breaks ties as maths does.
        .order_by("start_time", "participant_id")
        .values_list("probability", flat=True),
        dtype=float,
    )
    now_p = aggregation.community_forecast(probabilities) if probabilities.size else None
    if now_p is not None:
        # Two changes at one moment are one step, as in aggregation.community_history.
        CommunityPoint.objects.update_or_create(
            claim_id=claim_id,
            at=at,
            defaults={"probability": now_p, "forecasters": int(probabilities.size)},
        )
    summary, _created = ClaimCommunity.objects.update_or_create(
        claim_id=claim_id,
        defaults={
            "probability": now_p,
            "forecasters": int(probabilities.size),
            "histogram": histogram_counts(probabilities),
            "updated_at": timezone.now(),
        },
    )
    return summary


def distribution_aggregate(*, kind: str, values: list[list[float | None]]
                           ) -> list[float | None]:
    """The community CDF or option probabilities of the standing forecasts (oldest first):
    Metaculus' recency-weighted aggregate for the kind (bets/claims/aggregation.py); an
    option nobody has priced yet (added in a grace period) is null."""
    matrix = np.array([[np.nan if v is None else v for v in row] for row in values], dtype=float)
    if kind == Claim.Kind.MULTIPLE_CHOICE:
        aggregate = aggregation.multiple_choice_community_forecast(matrix)
    else:
        aggregate = aggregation.continuous_community_forecast(matrix)
    return [None if np.isnan(v) else float(v) for v in aggregate]


def community_record_distribution(*, claim: Claim, at: datetime) -> ClaimCommunity:
    """community_record for numeric, date and multiple-choice claims: the aggregate of the
    standing forecasts, stored as the claim's summary. Call it holding the claim's row lock.
    (No history steps yet: CommunityPoint holds binary probabilities; the fan chart over time
    comes with the aggregation above.)"""
    column = "probabilities" if claim.kind == Claim.Kind.MULTIPLE_CHOICE else "cdf"
    values = list(
        # Standing now: an option added with a grace period ends forecasts in the future.
        Forecast.objects.filter(Q(end_time__isnull=True) | Q(end_time__gt=at),
                                claim_id=claim.pk)
        .order_by("start_time", "participant_id").values_list(column, flat=True)
    )
    summary, _created = ClaimCommunity.objects.update_or_create(
        claim_id=claim.pk,
        defaults={
            "probability": None,
            "distribution": (distribution_aggregate(kind=claim.kind, values=values)
                             if values else None),
            "forecasters": len(values),
            "histogram": [],
            "updated_at": timezone.now(),
        },
    )
    return summary


@transaction.atomic
def community_rebuild(*, claim_id: int) -> ClaimCommunity:
    """Recompute a claim's stored history and summary from all its forecasts. Locks the
    claim's row, so it never interleaves with a forecast being recorded."""
    claim = claim_lock(claim_id, columns=("id", "kind"))
    if claim.kind != Claim.Kind.BINARY:
        return community_record_distribution(claim=claim, at=timezone.now())
    participants, probabilities, starts, ends = forecast_arrays(claim.pk)
    history = (
        aggregation.community_history(
            participants=participants,
            probabilities=probabilities,
            start_times=starts,
            end_times=ends,
            until=float("inf"),
        )
        if len(participants)
        else []
    )
    CommunityPoint.objects.filter(claim_id=claim.pk).delete()
    CommunityPoint.objects.bulk_create(
        CommunityPoint(
            claim_id=claim.pk,
            at=datetime.fromtimestamp(t, tz=UTC),
            probability=p,
            forecasters=n,
        )
        for t, p, n in history
    )
    # The summary follows the same order rule as community_record.
    standing_p = [
        p for p in Forecast.objects.filter(claim_id=claim.pk, end_time__isnull=True)
        .order_by("start_time", "participant_id")
        .values_list("probability", flat=True) if p is not None
    ]
    summary, _created = ClaimCommunity.objects.update_or_create(
        claim_id=claim.pk,
        defaults={
            "probability": (
                aggregation.community_forecast(np.array(standing_p)) if standing_p else None
            ),
            "forecasters": len(standing_p),
            "histogram": histogram_counts(standing_p),
            "updated_at": timezone.now(),
        },
    )
    return summary
