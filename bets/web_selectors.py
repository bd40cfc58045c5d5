"""Reads for the server-rendered pages (beyond what bets.selectors already offers)."""

from collections import defaultdict

import numpy as np

from bets import scoring
from bets.models import Claim, Forecast


def claims_community_now(claim_ids) -> dict[int, float]:
    """The current community forecast (recency-weighted median of standing forecasts) of each
    claim that has at least one standing forecast."""
    rows = (
        Forecast.objects.filter(claim_id__in=list(claim_ids), end_time__isnull=True)
        .order_by("claim_id", "start_time", "participant_id")
        .values_list("claim_id", "probability")
    )
    by_claim: dict[int, list[float]] = defaultdict(list)
    for claim_id, p in rows:
        by_claim[claim_id].append(p)
    return {cid: scoring.community_forecast(np.array(ps)) for cid, ps in by_claim.items()}


def claim_visible_to(claim: Claim, user) -> bool:
    """Proposals and rejected claims are seen only by their author and by moderators."""
    if claim.status not in (Claim.Status.PROPOSED, Claim.Status.REJECTED):
        return True
    return bool(user.is_authenticated and (user.is_staff or user.pk == claim.author_id))


def moderation_queue():
    return (
        Claim.objects.filter(status=Claim.Status.PROPOSED)
        .select_related("author")
        .prefetch_related("tags")
        .order_by("created_at", "id")
    )
