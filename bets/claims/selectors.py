"""Reads about claims: who may see which claim, listings, the community forecast."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bets.claims import aggregation
from bets.claims.arrays import forecast_arrays
from bets.claims.community import community_rebuild
from bets.common.types import Viewer
from bets.models import Claim, ClaimCommunity, CommunityPoint, Forecast


def claim_community_history(*, claim: Claim) -> list[tuple[float, float, int]]:
    participants, probabilities, starts, ends = forecast_arrays(claim.pk)
    if not len(participants):
        return []
    until = (claim.actual_resolve_time or min(timezone.now(), claim.close_time)).timestamp()
    return aggregation.community_history(
        participants=participants,
        probabilities=probabilities,
        start_times=starts,
        end_times=ends,
        until=until,
    )


def claims_community_now(claim_ids: Iterable[int]) -> dict[int, float]:
    """The current community forecast (recency-weighted median of the standing forecasts,
    oldest first) of each claim that has at least one standing forecast."""
    rows = (
        # Binary claims' only: the other kinds' aggregate is ClaimCommunity.distribution.
        Forecast.objects.filter(claim_id__in=list(claim_ids), end_time__isnull=True,
                                probability__isnull=False)
        .order_by("claim_id", "start_time", "participant_id")
        .values_list("claim_id", "probability")
    )
    by_claim: dict[int, list[float]] = defaultdict(list)
    for claim_id, p in rows:
        if p is not None:
            by_claim[claim_id].append(p)
    return {cid: aggregation.community_forecast(np.array(ps)) for cid, ps in by_claim.items()}


# Proposals and rejected claims are seen only by their author and by moderators.
HIDDEN_STATUSES = (Claim.Status.PROPOSED, Claim.Status.REJECTED)


def claim_visible_to(claim: Claim, user: Viewer) -> bool:
    if claim.status not in HIDDEN_STATUSES:
        return True
    return bool(user.is_authenticated and (user.is_staff or user.pk == claim.author_id))


def claims_visible_to(user: Viewer) -> QuerySet:
    """The queryset form of claim_visible_to."""
    qs = Claim.objects.all()
    if user.is_authenticated and user.is_staff:
        return qs
    if user.is_authenticated:
        return qs.filter(~Q(status__in=HIDDEN_STATUSES) | Q(author=user))
    return qs.exclude(status__in=HIDDEN_STATUSES)


def claims_awaiting_review() -> QuerySet:
    return (
        Claim.objects.filter(status=Claim.Status.PROPOSED)
        .select_related("author")
        .prefetch_related("tags")
        .order_by("created_at", "id")
    )


def claim_visible_or_404(*, claim_id: int, user: Viewer) -> Claim:
    """The claim if `user` may see it; Http404 otherwise. A hidden claim and a missing one
    answer alike, so ids of proposals cannot be discovered."""
    # The community summary and the dry run are one-to-one rows every claim page shows.
    claim = (Claim.objects.select_related("author", "community", "dry_run")
             .filter(pk=claim_id).first())
    if claim is None or not claim_visible_to(claim, user):
        raise Http404("No such claim.")
    return claim


# A chart is about this many pixels wide: a longer history is read as the last step of each
# of this many equal slices of time, so a claim with 10,000 forecasters costs the page a few
# hundred rows, not 10,000.
CHART_COLUMNS = 300

_POINTS_SQL = """
    SELECT t, probability, forecasters FROM (
        SELECT DISTINCT ON (col) t, probability, forecasters FROM (
            SELECT date_part('epoch', at) AS t, probability, forecasters,
                   LEAST(%(cols)s - 1, GREATEST(0, floor(
                       (date_part('epoch', at) - %(start)s) / %(span)s * %(cols)s)))::int AS col
            FROM bets_communitypoint WHERE claim_id = %(claim)s
        ) AS points ORDER BY col, t DESC
    ) AS last_of_each ORDER BY t
"""


def claim_community_stored(*, claim: Claim, start: float, end: float
                           ) -> tuple[ClaimCommunity | None, list[tuple[float, float, int]]]:
    """The stored community summary of a claim and its history between epoch seconds
    `start` and `end`: (ClaimCommunity or None, [(epoch seconds, probability, forecasters),
    ...]), at most CHART_COLUMNS steps (the last one of each slice of time). A claim whose
    forecasts arrived without the stored aggregates (an import) has them rebuilt once, here."""
    # Fetched with the claim by claim_visible_or_404; read here otherwise.
    summary: ClaimCommunity | None = getattr(claim, "community", None)
    if summary is None:
        if not Forecast.objects.filter(claim_id=claim.pk).exists():
            return None, []
        summary = community_rebuild(claim_id=claim.pk)
    span = max(end - start, 1.0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _POINTS_SQL,
                {"cols": CHART_COLUMNS, "start": start, "span": span, "claim": claim.pk},
            )
            return summary, [(float(t), p, n) for t, p, n in cursor.fetchall()]
    by_column: dict[int, tuple[float, float, int]] = {}
    for at, p, n in (
        CommunityPoint.objects.filter(claim_id=claim.pk)
        .order_by("at")
        .values_list("at", "probability", "forecasters")
    ):
        t = at.timestamp()
        column = min(CHART_COLUMNS - 1, max(0, int((t - start) / span * CHART_COLUMNS)))
        by_column[column] = (t, p, n)
    return summary, [by_column[c] for c in sorted(by_column)]
