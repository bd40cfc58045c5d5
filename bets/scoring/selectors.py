"""Reads that are more than a one-line queryset. Scoring maths stays in bets.scoring."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Avg, Count, F, Max, Q, QuerySet, Sum

from bets.common.caching import VersionedLRU, responses
from bets.common.types import AuthUser
from bets.models import Claim, Forecast, Score
from bets.scoring import maths

User = get_user_model()

# score type -> (column, aggregate, higher is better)
LEADERBOARD_TYPES = {
    "peer": ("peer", Sum, True),
    "baseline": ("baseline", Sum, True),
    "brier": ("brier", Avg, False),
    "log": ("log", Avg, True),
}
# Brier and log exist for binary claims only (null on the other kinds' rows): their boards
# rank, count and average coverage over binary claims, so a participant who forecast only
# numeric claims is absent there rather than ranked on nothing.
BINARY_ONLY_TYPES = frozenset({"brier", "log"})


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    username: str
    value: float
    claims: int
    coverage: float


def leaderboard_uncached_queryset(
    *,
    score_type: str = "peer",
    tag: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_claims: int = 1,
) -> QuerySet:
    """The leaderboard straight from the score table, uncached (the reference that the cached
    `leaderboard_queryset` must equal; also handy in the shell)."""
    column, aggregate, higher_is_better = LEADERBOARD_TYPES[score_type]
    value_order = "-value" if higher_is_better else "value"
    scores = _filtered_scores(tag=tag, since=since, until=until)
    if score_type in BINARY_ONLY_TYPES:
        scores = scores.filter(brier__isnull=False)
    return (
        scores
        .values("participant_id", username=F("participant__username"))
        .annotate(value=aggregate(column), claims=Count("id"), coverage=Avg("coverage"))
        .filter(claims__gte=max(1, min_claims))
        .order_by(value_order, "-claims", "username")
    )


def leaderboard_queryset(
    *,
    score_type: str = "peer",
    tag: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_claims: int = 1,
) -> tuple[dict, ...]:
    """One row per participant: value, claims (resolved, scored) and mean coverage, ranked.

    Ties are broken by more claims, then username, so the order never depends on the plan.
    Returns an immutable sequence (sliceable, len(); Django's and DRF's paginators take it)
    served from a per-process cache keyed by the filters and `scores_version()`, so any
    score written or deleted anywhere makes the next call recompute.
    """
    column, _, higher_is_better = LEADERBOARD_TYPES[score_type]
    filters = (tag or None, since, until)
    version = scores_version()
    key = (score_type, max(1, min_claims), *filters, version)
    ranked = _RANKED.get(key)
    if not isinstance(ranked, tuple):  # not cached (a key holds one kind of entry only)
        aggregates = _RANKED.get(("aggregates", *filters, version))
        if not isinstance(aggregates, list):
            aggregates = _leaderboard_aggregates(tag=tag, since=since, until=until)
            _RANKED.put(("aggregates", *filters, version), aggregates)
        ranked = _rank(aggregates, score_type, column, higher_is_better, max(1, min_claims))
        _RANKED.put(key, ranked)
    return ranked


def _filtered_scores(*, tag: str | None, since: datetime | None, until: datetime | None
                     ) -> QuerySet[Score]:
    scores = Score.objects.all()
    if tag:
        scores = scores.filter(claim__tags__name=tag)
    if since:
        scores = scores.filter(resolved_at__gte=since)
    if until:
        scores = scores.filter(resolved_at__lt=until)
    return scores


def scores_version() -> tuple[int, int]:
    """A stamp that changes whenever any score row is written or deleted.

    On PostgreSQL a trigger sets a one-row counter from a sequence in the writing transaction
    (migrations 0003 and 0004 ops_score_version*), so this is a primary-key read, and a
    version seen inside a transaction that rolls back is never reused. Elsewhere (SQLite) it is
    (row count, highest id): score rows are only inserted or deleted, never updated in place,
    an insert always raises max(id) and a delete alone lowers the count. Either way it is read
    before the aggregate, so a cached entry can only be newer than its stamp, never older.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version FROM crux_score_version WHERE id = 1")
            row = cursor.fetchone()
        if row is not None:
            return (-1, row[0])
    agg = Score.objects.aggregate(n=Count("id"), top=Max("id"))
    return agg["n"], agg["top"] or 0


def _leaderboard_aggregates(*, tag: str | None, since: datetime | None,
                            until: datetime | None) -> list[dict]:
    """Every participant's aggregates for all score types in one GROUP BY pass (no join:
    usernames are looked up for the grouped ids afterwards, which is much cheaper)."""
    # Plain dicts (the type checker sees the values() row shape), each given its username.
    rows = cast(list[dict[str, Any]], list(
        _filtered_scores(tag=tag, since=since, until=until)
        .values("participant_id")
        # Before the `brier` aggregate is named, so that these read the column.
        .annotate(
            binary_claims=Count("brier"),
            binary_coverage=Avg("coverage", filter=Q(brier__isnull=False)),
        )
        .annotate(
            peer=Sum("peer"),
            baseline=Sum("baseline"),
            brier=Avg("brier"),
            log=Avg("log"),
            claims=Count("id"),
            coverage=Avg("coverage"),
        )
        .order_by()
    ))
    names = dict(
        User.objects.filter(pk__in=[r["participant_id"] for r in rows]).values_list(
            "pk", "username"
        )
    )
    for r in rows:
        # A participant deleted between the two queries keeps a placeholder name.
        r["username"] = names.get(r["participant_id"], f"#{r['participant_id']}")
    return rows


def _rank(aggregates: list[dict], score_type: str, column: str, higher_is_better: bool,
          min_claims: int) -> tuple[dict, ...]:
    sign = -1 if higher_is_better else 1
    prefix = "binary_" if score_type in BINARY_ONLY_TYPES else ""
    kept = [
        {
            "participant_id": r["participant_id"],
            "username": r["username"],
            "value": r[column],
            "claims": r[prefix + "claims"],
            "coverage": r[prefix + "coverage"],
        }
        for r in aggregates
        if r[prefix + "claims"] >= min_claims
    ]
    kept.sort(key=lambda r: (sign * r["value"], -r["claims"], r["username"]))
    return tuple(kept)


# Ranked leaderboards, one per score type and filter (see bets.common.caching): a tuple of
# rows under each (type, min_claims, filters, version), and the aggregates they are ranked
# from, a list, under ("aggregates", filters, version).
_RANKED: VersionedLRU[tuple[dict, ...] | list[dict]] = VersionedLRU(16)


def leaderboard_cache_clear() -> None:
    _RANKED.clear()
    responses.clear()


def leaderboard_rows(rows: Iterable[dict], *, offset: int = 0) -> list[LeaderboardRow]:
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


def participant_track_record(*, user: AuthUser) -> dict:
    """Totals and averages over the participant's scored claims (Brier and log over binary
    claims, CRPS over numeric and date claims: the rows that have them)."""
    agg = Score.objects.filter(participant=user).aggregate(
        claims=Count("id"),
        peer_total=Sum("peer"),
        baseline_total=Sum("baseline"),
        peer_mean=Avg("peer"),
        baseline_mean=Avg("baseline"),
        brier_mean=Avg("brier"),
        log_mean=Avg("log"),
        crps_mean=Avg("crps"),
        coverage_mean=Avg("coverage"),
    )
    agg["forecast_claims"] = (
        Forecast.objects.filter(participant=user).values("claim").distinct().count()
    )
    return agg


def participant_score_history(*, user: AuthUser) -> QuerySet:
    """Each score shows its claim by title and outcome: the claim's other columns (its long
    texts among them) stay in the database."""
    return (
        Score.objects.filter(participant=user)
        .select_related("claim")
        .only(*(f.name for f in Score._meta.concrete_fields), "claim__title", "claim__outcome",
              "claim__resolution")
        .order_by("resolved_at", "claim_id")
    )


def participant_calibration(*, user: AuthUser, n_bins: int = 10) -> list[maths.CalibrationBin]:
    """Calibration over resolved claims, each forecast weighted by the time it stood inside
    the claim's scoring window."""
    rows = Forecast.objects.filter(
        # Binary claims' calibration; the other kinds' (a PIT histogram) is apart.
        participant=user, claim__status=Claim.Status.RESOLVED, claim__kind=Claim.Kind.BINARY,
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
    return maths.calibration(
        probabilities=np.array(probabilities),
        outcomes=np.array(outcomes),
        weights=np.array(weights),
        n_bins=n_bins,
    )


