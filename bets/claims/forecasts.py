"""Forecasts as intervals: a new forecast closes the standing one; history is never edited."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import SupportsFloat

from django.db import transaction
from django.utils import timezone

from bets.claims.community import community_record
from bets.claims.locking import claim_lock
from bets.claims.services import claim_accepts_forecasts
from bets.common.errors import Conflict, InvalidInput
from bets.common.types import AuthUser
from bets.models import Claim, Forecast
from bets.models.claims import PROBABILITY_MAX, PROBABILITY_MIN


def probability_parse(value: str | SupportsFloat, *, field: str = "probability") -> float:
    """A finite float in [0.001, 0.999]; bools and strings that are not numbers are refused."""
    if isinstance(value, bool):
        raise InvalidInput("A probability must be a number.", field=field)
    try:
        p = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int with 400 digits
        raise InvalidInput("A probability must be a number.", field=field) from None
    if not math.isfinite(p) or not PROBABILITY_MIN <= p <= PROBABILITY_MAX:
        raise InvalidInput(
            f"A probability must be between {PROBABILITY_MIN} and {PROBABILITY_MAX}.", field=field
        )
    return p


def _lock_open_claim(claim_id: int, now: datetime) -> Claim:
    claim = claim_lock(claim_id)
    if not claim_accepts_forecasts(claim, now=now):
        if claim.status == Claim.Status.OPEN and now < claim.open_time:
            raise Conflict(
                f"This claim opens for forecasts at {claim.open_time:%Y-%m-%d %H:%M} UTC."
            )
        raise Conflict(f"This claim is not open for forecasts (it is {claim.status}).")
    return claim


def _close_standing(claim: Claim, participant: AuthUser, now: datetime) -> datetime:
    """End the standing forecast at `now`; returns the time the next forecast may start."""
    standing = Forecast.objects.filter(claim=claim, participant=participant, end_time__isnull=True)
    previous = standing.first()
    if previous is None:
        return now
    # Two submissions within one clock tick would make a zero-length interval; nudge forward.
    end = max(now, previous.start_time + timedelta(microseconds=1))
    standing.update(end_time=end)
    return end


@transaction.atomic
def forecast_submit(
    *, claim_id: int, participant: AuthUser, probability: str | SupportsFloat,
    now: datetime | None = None,
) -> Forecast:
    """Record a forecast. Locks the claim row so one participant's intervals never overlap."""
    p = probability_parse(probability)
    now = now or timezone.now()
    claim = _lock_open_claim(claim_id, now)
    start = _close_standing(claim, participant, now)
    if claim.criteria_frozen_at is None:
        Claim.objects.filter(pk=claim.pk).update(criteria_frozen_at=now)
    forecast = Forecast.objects.create(
        claim=claim, participant=participant, probability=p, start_time=start
    )
    community_record(claim_id=claim.pk, at=start)
    return forecast


@transaction.atomic
def forecast_withdraw(*, claim_id: int, participant: AuthUser, now: datetime | None = None
                      ) -> Forecast:
    """End the participant's standing forecast. Locks the claim row."""
    now = now or timezone.now()
    claim = _lock_open_claim(claim_id, now)
    previous = Forecast.objects.filter(
        claim=claim, participant=participant, end_time__isnull=True
    ).first()
    if previous is None:
        raise Conflict("You have no standing forecast on this claim.")
    end = _close_standing(claim, participant, now)
    community_record(claim_id=claim.pk, at=end)
    previous.refresh_from_db()
    return previous
