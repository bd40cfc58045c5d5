"""Reads the API needs beyond bets.selectors."""

import numpy as np
from django.db.models import Q, QuerySet

from bets import scoring
from bets.models import Claim, Forecast
from bets.selectors import claims_for_listing

HIDDEN = (Claim.Status.PROPOSED, Claim.Status.REJECTED)


def claim_community_forecast(*, claim: Claim) -> float | None:
    """The recency-weighted median of the forecasts standing now; None when nobody forecasts."""
    standing = Forecast.objects.filter(claim=claim, end_time__isnull=True).order_by(
        "start_time", "id"
    )
    probabilities = list(standing.values_list("probability", flat=True))
    if not probabilities:
        return None
    return scoring.community_forecast(np.array(probabilities, dtype=float))


def claims_visible_to(user) -> QuerySet:
    """Public claims, plus proposals and rejections to moderators and to their own authors."""
    qs = Claim.objects.all()
    if user.is_authenticated and user.is_staff:
        return qs
    if user.is_authenticated:
        return qs.filter(~Q(status__in=HIDDEN) | Q(author=user))
    return qs.exclude(status__in=HIDDEN)


def claims_for_api_listing(*, user, status: str | None, tag: str | None) -> QuerySet:
    """Newest first. The explicit order matters: Django drops Meta.ordering from the
    GROUP BY query that counts forecasters, and pages of an unordered query overlap."""
    if status not in HIDDEN:
        qs = claims_for_listing(status=status, tag=tag)
    else:
        qs = claims_visible_to(user).filter(status=status).prefetch_related("tags")
        if tag:
            qs = qs.filter(tags__name=tag)
    return qs.order_by("-created_at", "-id")
