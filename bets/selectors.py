"""Reads that are more than a one-line queryset. Scoring maths stays in bets.scoring."""

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.utils import timezone

from bets import scoring
from bets.models import Claim, Forecast, Score

User = get_user_model()

# score type -> (column, aggregate, higher is better)
LEADERBOARD_TYPES = {
    "peer": ("peer", Sum, True),
    "baseline": ("baseline", Sum, True),
    "brier": ("brier", Avg, False),
    "log": ("log", Avg, True),
}


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    username: str
    value: float
    claims: int
    coverage: float


def leaderboard_queryset(
    *,
    score_type: str = "peer",
    tag: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_claims: int = 1,
) -> QuerySet:
    """One row per participant: value, claims (resolved, scored) and mean coverage, ranked.

    Ties are broken by more claims, then username, so the order never depends on the plan.
    """
    column, aggregate, higher_is_better = LEADERBOARD_TYPES[score_type]
    scores = Score.objects.all()
    if tag:
        scores = scores.filter(claim__tags__name=tag)
    if since:
        scores = scores.filter(resolved_at__gte=since)
    if until:
        scores = scores.filter(resolved_at__lt=until)
    value_order = "-value" if higher_is_better else "value"
    return (
        scores.values("participant_id", username=F("participant__username"))
        .annotate(value=aggregate(column), claims=Count("id"), coverage=Avg("coverage"))
        .filter(claims__gte=max(1, min_claims))
        .order_by(value_order, "-claims", "username")
    )


def leaderboard_rows(rows, *, offset: int = 0) -> list[LeaderboardRow]:
    return [
        LeaderboardRow(
            rank=offset + i + 1,
            username=r["username"],
            value=r["value"],
            claims=r["claims"],
            coverage=r["coverage"],
        )
        for i, r in enumerate(rows)
    ]


def participant_track_record(*, user) -> dict:
    """Totals and averages over the participant's scored claims."""
    agg = Score.objects.filter(participant=user).aggregate(
        claims=Count("id"),
        peer_total=Sum("peer"),
        baseline_total=Sum("baseline"),
        peer_mean=Avg("peer"),
        baseline_mean=Avg("baseline"),
        brier_mean=Avg("brier"),
        log_mean=Avg("log"),
        coverage_mean=Avg("coverage"),
    )
    agg["forecast_claims"] = (
        Forecast.objects.filter(participant=user).values("claim").distinct().count()
    )
    return agg


def participant_score_history(*, user) -> QuerySet:
    return (
        Score.objects.filter(participant=user)
        .select_related("claim")
        .order_by("resolved_at", "claim_id")
    )


def participant_calibration(*, user, n_bins: int = 10) -> list[scoring.CalibrationBin]:
    """Calibration over resolved claims, each forecast weighted by the time it stood inside
    the claim's scoring window."""
    rows = Forecast.objects.filter(
        participant=user, claim__status=Claim.Status.RESOLVED
    ).values_list(
        "probability",
        "start_time",
        "end_time",
        "claim__open_time",
        "claim__close_time",
        "claim__actual_resolve_time",
        "claim__outcome",
    )
    probabilities, outcomes, weights = [], [], []
    for p, start, end, open_t, close_t, actual, outcome in rows:
        window_end = min(close_t, actual) if actual else close_t
        lo, hi = max(start, open_t), min(end or window_end, window_end)
        stood = (hi - lo).total_seconds()
        if stood <= 0:
            continue
        probabilities.append(p)
        outcomes.append(1.0 if outcome == Claim.Outcome.YES else 0.0)
        weights.append(stood)
    if not probabilities:
        return []
    return scoring.calibration(
        probabilities=np.array(probabilities),
        outcomes=np.array(outcomes),
        weights=np.array(weights),
        n_bins=n_bins,
    )


def claim_community_history(*, claim: Claim) -> list[tuple[float, float, int]]:
    rows = list(
        Forecast.objects.filter(claim=claim).values_list(
            "participant_id", "probability", "start_time", "end_time"
        )
    )
    if not rows:
        return []
    until = (claim.actual_resolve_time or min(timezone.now(), claim.close_time)).timestamp()
    return scoring.community_history(
        participants=np.array([r[0] for r in rows], dtype=np.int64),
        probabilities=np.array([r[1] for r in rows]),
        start_times=np.array([r[2].timestamp() for r in rows]),
        end_times=np.array([r[3].timestamp() if r[3] else np.inf for r in rows]),
        until=until,
    )


def claim_standing_forecast(*, claim: Claim, user):
    if not user.is_authenticated:
        return None
    return Forecast.objects.filter(claim=claim, participant=user, end_time__isnull=True).first()


def claims_for_listing(*, status: str | None = None, tag: str | None = None) -> QuerySet:
    qs = Claim.objects.exclude(status__in=[Claim.Status.PROPOSED, Claim.Status.REJECTED])
    if status:
        qs = qs.filter(status=status)
    if tag:
        qs = qs.filter(tags__name=tag)
    return qs.prefetch_related("tags").annotate(
        forecasters=Count(
            "forecasts__participant", distinct=True, filter=Q(forecasts__end_time__isnull=True)
        )
    )
