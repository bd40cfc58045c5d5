"""Continuous forecasts: Metaculus' CDF rules, and the CDF made from a quantile table or a
date ladder; readouts from a CDF (the probability below a threshold, a quantile)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bets.claims.continuous.scale import (
    CDF_POINTS,
    INBOUND_OUTCOME_COUNT,
    MAX_STEP,
    MIN_STEP,
    OPEN_BOUND_MIN,
    Scale,
    location_text,
    number_parse,
    scaled_location_to_unscaled_location,
    unscaled_location_to_scaled_location,
)
from bets.common.errors import InvalidInput
from bets.models.claims import PROBABILITY_MAX, PROBABILITY_MIN


def cdf_validate(values: object, scale: Scale, *, field: str = "cdf") -> list[float]:
    """Metaculus' continuous_validation: 201 numbers, rounded to 10 places, each step at
    least 0.01/200 and at most 0.2 (steps rounded to 9 places), cdf[0] = 0 at a closed lower
    bound and >= 0.001 at an open one, mirrored above. Returns the rounded CDF."""
    if not isinstance(values, list | tuple) or len(values) != CDF_POINTS:
        raise InvalidInput(f"Give the CDF as a list of {CDF_POINTS} numbers.", field=field)
    raw = [number_parse(v, field=field) for v in values]
    cdf = np.round(np.array(raw, dtype=float), 10)
    steps = np.round(np.diff(cdf), 9)
    problems = []
    if (steps < MIN_STEP).any():
        i = int(np.argmax(steps < MIN_STEP))
        problems.append(f"it must rise by at least {MIN_STEP} at every step (from point {i} "
                        f"to {i + 1} it goes {cdf[i]:.6g} to {cdf[i + 1]:.6g})")
    if (steps > MAX_STEP).any():
        i = int(np.argmax(steps > MAX_STEP))
        problems.append(f"it may rise by at most {MAX_STEP} at any step (from point {i} to "
                        f"{i + 1} it rises {steps[i]:.6g})")
    if scale.open_lower_bound and not cdf[0] >= OPEN_BOUND_MIN:
        problems.append(f"the lower bound is open, so cdf[0] must be at least {OPEN_BOUND_MIN}")
    if not scale.open_lower_bound and cdf[0] != 0.0:
        problems.append("the lower bound is closed, so cdf[0] must be 0")
    if scale.open_upper_bound and not cdf[-1] <= 1 - OPEN_BOUND_MIN:
        problems.append(f"the upper bound is open, so the last value must be at most "
                        f"{1 - OPEN_BOUND_MIN}")
    if not scale.open_upper_bound and cdf[-1] != 1.0:
        problems.append("the upper bound is closed, so the last value must be 1")
    if problems:
        raise InvalidInput("This CDF is not valid: " + "; ".join(problems) + ".", field=field)
    return [float(v) for v in cdf]


def _pchip(x: npt.NDArray, y: npt.NDArray, at: npt.NDArray) -> npt.NDArray:
    """Monotone cubic interpolation (Fritsch and Carlson): never overshoots its points, so a
    CDF through increasing points stays increasing."""
    h, delta = np.diff(x), np.diff(y) / np.diff(x)
    d = np.zeros_like(y)
    if len(x) == 2:
        d[:] = delta[0]
    else:
        w1, w2 = 2 * h[1:] + h[:-1], h[1:] + 2 * h[:-1]
        same = delta[:-1] * delta[1:] > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            harmonic = (w1 + w2) / (w1 / delta[:-1] + w2 / delta[1:])
        d[1:-1] = np.where(same, harmonic, 0.0)
        for end, (h0, h1, d0, d1) in ((0, (h[0], h[1], delta[0], delta[1])),
                                      (-1, (h[-1], h[-2], delta[-1], delta[-2]))):
            slope = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1)
            d[end] = 0.0 if slope * d0 <= 0 else (3 * d0 if abs(slope) > 3 * abs(d0) else slope)
    i = np.clip(np.searchsorted(x, at, side="right") - 1, 0, len(x) - 2)
    t = (at - x[i]) / h[i]
    h00, h10 = (1 + 2 * t) * (1 - t) ** 2, t * (1 - t) ** 2
    h01, h11 = t**2 * (3 - 2 * t), t**2 * (t - 1)
    return h00 * y[i] + h10 * h[i] * d[i] + h01 * y[i + 1] + h11 * h[i] * d[i + 1]


def cdf_made_valid(cdf: npt.NDArray) -> list[float]:
    """Keep cdf[0] and cdf[-1]; give every step at least a hair over the minimum and at most
    the cap, moving the difference to the other steps in proportion to what they hold."""
    total = float(cdf[-1] - cdf[0])
    floor = MIN_STEP * 1.02  # a margin so rounding to 10 places keeps every step above it
    free = np.maximum(np.diff(cdf) - floor, 0.0)
    free = free / free.sum() if free.sum() > 0 else np.full(INBOUND_OUTCOME_COUNT,
                                                            1 / INBOUND_OUTCOME_COUNT)
    capped = np.zeros(INBOUND_OUTCOME_COUNT, dtype=bool)
    for _ in range(INBOUND_OUTCOME_COUNT):
        spare = total - floor * INBOUND_OUTCOME_COUNT - (MAX_STEP * 0.999 - floor) * capped.sum()
        share = np.where(capped, 0.0, free)
        steps = np.where(capped, MAX_STEP * 0.999, floor + spare * share / share.sum())
        over = (steps > MAX_STEP * 0.999) & ~capped
        if not over.any():
            break
        capped |= over
    out = np.round(np.concatenate([[cdf[0]], cdf[0] + np.cumsum(steps)]), 10)
    out[-1] = round(float(cdf[-1]), 10)
    return [float(v) for v in out]


def cdf_from_points(points: Sequence[tuple[float, float]], scale: Scale, *, kind: str,
                    below: float | None = None, above: float | None = None,
                    field: str = "quantiles") -> list[float]:
    """A valid CDF through points (value in the claim's units, P(answer < value)): a quantile
    table or a date ladder. Monotone interpolation in the unscaled space; an open bound's
    mass is `below`/`above` when given, else extrapolated (at least 0.001)."""
    if not 1 <= len(points) <= CDF_POINTS - 2:
        raise InvalidInput("Give at least one point (and at most 199).", field=field)
    ordered = sorted(points)
    xs = scaled_location_to_unscaled_location([v for v, _ in ordered], scale)
    ps = np.array([p for _, p in ordered], dtype=float)
    for (value, p), u in zip(ordered, xs, strict=True):
        shown = location_text(value, kind=kind)
        if not 0 < u < 1:
            raise InvalidInput(f"{shown} is outside the range; every point lies strictly "
                               "between range_min and range_max.", field=field)
        if not PROBABILITY_MIN <= p <= PROBABILITY_MAX:
            raise InvalidInput(f"The probability at {shown} must be between "
                               f"{PROBABILITY_MIN} and {PROBABILITY_MAX}.", field=field)
    if (np.diff(xs) <= 0).any() or (np.diff(ps) <= 0).any():
        raise InvalidInput("Higher values need higher probabilities: the points must rise "
                           "together (no two at one value).", field=field)
    lo = _bound_mass(below, open_=scale.open_lower_bound, first=ps[0], slope=(
        ps[0] - (ps[1] - ps[0]) / (xs[1] - xs[0]) * xs[0] if len(ps) > 1 else ps[0] / 2),
        name="below", side="lower")
    hi = 1 - _bound_mass(above, open_=scale.open_upper_bound, first=1 - ps[-1], slope=(
        1 - ps[-1] - (ps[-1] - ps[-2]) / (xs[-1] - xs[-2]) * (1 - xs[-1])
        if len(ps) > 1 else (1 - ps[-1]) / 2), name="above", side="upper")
    if not lo < ps[0] or not ps[-1] < hi:
        raise InvalidInput("The mass beyond a bound must leave room for the points.",
                           field="below" if lo >= ps[0] else "above")
    knots_x = np.concatenate([[0.0], xs, [1.0]])
    knots_y = np.concatenate([[lo], ps, [hi]])
    cdf = _pchip(knots_x, knots_y, np.linspace(0, 1, CDF_POINTS))
    return cdf_validate(cdf_made_valid(cdf), scale, field=field)


def _bound_mass(given: float | None, *, open_: bool, first: float, slope: float, name: str,
                side: str) -> float:
    """The probability beyond one bound: 0 at a closed bound; at an open one what was given
    (from 0.001 up to the first point) or the tail extrapolated linearly."""
    if not open_:
        if given:
            raise InvalidInput(f"The {side} bound is closed: nothing can fall beyond it.",
                               field=name)
        return 0.0
    if given is None:
        return float(min(max(slope, OPEN_BOUND_MIN), first / 2))
    if not OPEN_BOUND_MIN <= given < first:
        raise InvalidInput(f"The probability beyond the {side} bound is at least "
                           f"{OPEN_BOUND_MIN} and below that of the nearest point.", field=name)
    return given


def cdf_probability_below(cdf: Sequence[float], value: float, scale: Scale) -> float:
    """P(answer < value) from a CDF, linear between its points (for bets on a threshold
    and readouts such as "P(score >= 0.90) = 34%"). Beyond a bound the CDF knows only the
    mass beyond it, so a value there reads as the bound."""
    if value <= scale.range_min:
        return float(cdf[0])
    if value >= scale.range_max:
        return float(cdf[-1])
    u = float(scaled_location_to_unscaled_location(value, scale))
    return float(np.interp(u, np.linspace(0, 1, len(cdf)), np.asarray(cdf, dtype=float)))


def cdf_quantile(cdf: Sequence[float], q: float, scale: Scale) -> float | None:
    """The value below which the CDF puts probability q (None when it lies beyond a bound)."""
    values = np.asarray(cdf, dtype=float)
    if not values[0] <= q <= values[-1]:
        return None
    u = float(np.interp(q, values, np.linspace(0, 1, len(values))))
    return float(unscaled_location_to_scaled_location(u, scale))
