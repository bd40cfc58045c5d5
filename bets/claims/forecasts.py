"""Forecasts as intervals: a new forecast closes the standing one; history is never edited."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import SupportsFloat

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bets.claims.community import community_record, community_record_distribution
from bets.claims.continuous.cdf import cdf_from_points, cdf_validate
from bets.claims.continuous.choices import (
    all_options,
    options_added,
    probabilities_from_weights,
    probabilities_validate,
)
from bets.claims.continuous.fields import claim_scale
from bets.claims.continuous.scale import location_parse, number_parse
from bets.claims.locking import claim_lock
from bets.claims.services import claim_accepts_forecasts
from bets.common.errors import Conflict, Forbidden, InvalidInput
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
    # A forecast may stand with an end already set (an option added with a grace period).
    standing = Forecast.objects.filter(Q(end_time__isnull=True) | Q(end_time__gt=now),
                                       claim=claim, participant=participant)
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
    if claim.kind != Claim.Kind.BINARY:
        raise InvalidInput(f"This is a {claim.get_kind_display().lower()} claim: give "
                           f"{_FORMS[claim.kind]}, not a probability.", field="probability")
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
    if claim.kind == Claim.Kind.BINARY:
        community_record(claim_id=claim.pk, at=end)
    else:
        community_record_distribution(claim=claim, at=end)
    previous.refresh_from_db()
    return previous


_FORMS: dict[str, str] = {
    Claim.Kind.NUMERIC: "quantiles or a cdf",
    Claim.Kind.DATE: "by_date points, quantiles or a cdf",
    Claim.Kind.MULTIPLE_CHOICE: "probabilities (or weights) per option",
}
_INPUTS = ("cdf", "quantiles", "by_date", "probabilities", "weights")


@dataclass(frozen=True)
class Distribution:
    """A forecast of a numeric, date or multiple-choice claim, ready to store: `cdf` or
    `probabilities` (in the order of every option ever offered, None for one not offered
    now), and what the participant gave (`distribution_input`)."""

    cdf: list[float] | None
    probabilities: list[float | None] | None
    distribution_input: dict


def _pairs(rows: object, *, kind: str, field: str, key: str) -> list[tuple[float, float]]:
    """[{key: value or date, "p": probability}, ...] as (location, probability) pairs."""
    if not isinstance(rows, list | tuple) or not rows:
        raise InvalidInput(f"Give a list of {{{key!r}: ..., 'p': ...}} rows.", field=field)
    pairs = []
    for row in rows:
        if not isinstance(row, Mapping) or set(row) != {key, "p"}:
            raise InvalidInput(f"Each row has exactly {key!r} and 'p'.", field=field)
        pairs.append((location_parse(row[key], kind=kind, field=field),
                      number_parse(row["p"], field=field)))
    return pairs


def forecast_distribution_parse(claim: Claim, given: Mapping[str, object]) -> Distribution:
    """Turn one of the input forms into what is stored, or refuse it naming the field:
    `cdf` (201 numbers), `quantiles` ([{"value", "p"}]: P(answer < value) = p) with optional
    `below`/`above` (the mass beyond an open bound), `by_date` ([{"date", "p"}]: P(before
    date) = p), `probabilities` (one per option, or {label: p}) or `weights` (numbers per
    option, renormalised). Pure: the web preview calls it without storing anything."""
    forms = [name for name in _INPUTS if given.get(name) is not None]
    if len(forms) != 1:
        raise InvalidInput(f"Give exactly one of: {_FORMS.get(claim.kind, 'a probability')}.",
                           field=forms[1] if len(forms) > 1 else "cdf")
    form = forms[0]
    scale = claim_scale(claim)
    if claim.kind == Claim.Kind.MULTIPLE_CHOICE:
        if form not in ("probabilities", "weights"):
            raise InvalidInput("Give probabilities (or weights) per option.", field=form)
        current = list(claim.options or [])
        if form == "weights":
            weights = given["weights"]
            values = probabilities_from_weights(
                list(weights) if isinstance(weights, list | tuple) else [weights], current)
        else:
            values = probabilities_validate(given["probabilities"], current)
        by_label = dict(zip(current, values, strict=True))
        ever = all_options(claim.options_history or [[None, current]])
        return Distribution(None, [by_label.get(label) for label in ever],
                            {form: given[form]})
    if scale is None or form in ("probabilities", "weights") or (
            form == "by_date" and claim.kind != Claim.Kind.DATE):
        raise InvalidInput(f"Give {_FORMS.get(claim.kind, 'a probability')}.", field=form)
    if form == "cdf":
        return Distribution(cdf_validate(given["cdf"], scale), None, {"cdf": "raw"})
    key = "date" if form == "by_date" else "value"
    pairs = _pairs(given[form], kind=claim.kind, field=form, key=key)
    bounds = {name: None if given.get(name) is None else number_parse(given[name], field=name)
              for name in ("below", "above")}
    cdf = cdf_from_points(pairs, scale, kind=claim.kind, field=form, **bounds)
    kept = {name: given[name] for name in (form, "below", "above") if given.get(name) is not None}
    return Distribution(cdf, None, kept)


@transaction.atomic
def forecast_submit_distribution(*, claim_id: int, participant: AuthUser,
                                 given: Mapping[str, object], now: datetime | None = None
                                 ) -> Forecast:
    """Record a forecast of a numeric, date or multiple-choice claim from one of the input
    forms (forecast_distribution_parse). Locks the claim row, as forecast_submit does, and
    stores nothing when the input is refused."""
    now = now or timezone.now()
    claim = _lock_open_claim(claim_id, now)
    if claim.kind == Claim.Kind.BINARY:
        raise InvalidInput("This is a binary claim: give a probability.", field="probability")
    parsed = forecast_distribution_parse(claim, given)
    start = _close_standing(claim, participant, now)
    if claim.criteria_frozen_at is None:
        Claim.objects.filter(pk=claim.pk).update(criteria_frozen_at=now)
    forecast = Forecast.objects.create(
        claim=claim, participant=participant, cdf=parsed.cdf, probabilities=parsed.probabilities,
        distribution_input=parsed.distribution_input, start_time=start,
    )
    community_record_distribution(claim=claim, at=start)
    return forecast


@transaction.atomic
def claim_options_add(*, claim_id: int, moderator: AuthUser, new_options: Sequence[str],
                      grace_period_end: datetime, now: datetime | None = None) -> Claim:
    """Add options to an open multiple-choice claim as Metaculus does
    (multiple_choice_add_options): they go before the last option (the catch-all), the
    options history gains (grace_period_end, options), every stored forecast gets null for
    the new options, and every forecast standing at grace_period_end ends then, so each
    forecaster gives the new options a probability or stops counting. Locks the claim row."""
    if not moderator.is_staff:
        raise Forbidden("Only moderators add options to a claim.")
    now = now or timezone.now()
    claim = _lock_open_claim(claim_id, now)
    if claim.kind != Claim.Kind.MULTIPLE_CHOICE:
        raise InvalidInput("Only a multiple-choice claim has options.", field="new_options")
    if not new_options:
        raise InvalidInput("Give at least one option to add.", field="new_options")
    if not now < grace_period_end <= claim.close_time:
        raise InvalidInput("The grace period ends in the future, by the close time.",
                           field="grace_period_end")
    current = list(claim.options or [])
    options = options_added(current, list(new_options))
    added = len(options) - len(current)
    claim.options = options
    claim.options_history = [*(claim.options_history or []),
                             [grace_period_end.isoformat(), options]]
    claim.save(update_fields=["options", "options_history", "updated_at"])
    forecasts = list(Forecast.objects.filter(claim=claim))
    for forecast in forecasts:
        values = list(forecast.probabilities or [])
        forecast.probabilities = [*values[:-1], *[None] * added, values[-1]]
        if forecast.start_time < grace_period_end and (
                forecast.end_time is None or forecast.end_time > grace_period_end):
            forecast.end_time = grace_period_end
    Forecast.objects.bulk_update(forecasts, ["probabilities", "end_time"])
    community_record_distribution(claim=claim, at=now)
    return claim
