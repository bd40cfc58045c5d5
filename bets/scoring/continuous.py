"""Scores of numeric and date claims: pure numpy over a claim's CDF forecasts, no ORM.

The interface the claim kinds call (all times float epoch seconds; a date claim's values and
range are epoch seconds too):

- ``ContinuousAxis(range_min, range_max, zero_point, open_lower_bound, open_upper_bound,
  inbound_outcome_count=200)``: the claim's range. ``zero_point`` None is a linear scale, else
  Metaculus' log scale.
- ``unscaled_location(value, axis) -> float``: where a value sits on the CDF's own [0, 1] axis
  (Metaculus' ``scaled_location_to_unscaled_location``, same arithmetic).
- ``resolution_bucket(resolution, axis) -> int``: the PMF bucket of a resolution, a number or
  ``"below_lower_bound"`` / ``"above_upper_bound"`` (a plain value beyond an open bound means the
  same). 0 is below the range, 1..n inbound (``range_min`` itself is in 1, ``range_max`` in n), n+1
  above. A resolution beyond a closed bound is a ValueError.
- ``continuous_scores(*, resolution, axis, open_time, close_time, actual_close_time,
  participants, cdfs, start_times, end_times) -> dict[int, ContinuousScores]``: per participant
  the time-averaged ``baseline``, ``peer``, ``coverage`` (Metaculus' numbers) and ``crps`` (a Crux
  addition: the mean CRPS over the participant's covered time).
- ``continuous_spot_scores(*, resolution, axis, spot_time, actual_close_time, participants, cdfs,
  start_times, end_times) -> dict[int, SpotScores]``: ``baseline`` and ``peer`` at the spot time.
- ``crps(cdfs, resolution, axis) -> np.ndarray`` and ``pit(cdfs, resolution, axis) ->
  np.ndarray``: one value per CDF row; ``pit_histogram(values, weights, ...)`` bins PIT values.

``cdfs`` is a 2-D array, one row per forecast, each the n+1 = 201 CDF values at the range's n+1
evenly spaced points of the unscaled axis (Metaculus' ``continuous_cdf``): ``cdf[0]`` is
P(below the range), ``cdf[n]`` is 1 - P(above the range). The PMF Metaculus scores is
``[cdf[0], diff(cdf), 1 - cdf[n]]`` (n+2 buckets).

Scores, as Metaculus' ``score_math`` (see ``bets.scoring.timeline`` for the time averaging):
baseline ``100 * ln(pmf[b] / base) / 2`` with ``base = 0.05`` for an out-of-range bucket and
``(1 - 0.05 * open_bounds) / n`` inbound; peer ``100 * N/(N-1) * ln(pmf[b] / G) / 2``, G the
geometric mean of the standing forecasts' ``pmf[b]``.

CRPS (Crux's, documented in docs/scoring.md for the methodology page): on the unscaled axis
u in [0, 1] (linear in the value, or in log(value - zero_point) on a log scale), with the
forecast's CDF F linear between its n+1 points and the outcome y clamped into the range,
``CRPS = integral_0^1 (F(u) - 1[u >= y])^2 du``. It lies in [0, 1], near 0 for a sharp forecast
that was right, and lower is better; mass outside the range counts only through F at the ends
(a threshold-weighted CRPS, which stays a proper score). For a linear claim, times
``range_max - range_min`` gives it in the claim's unit.

PIT (for the calibration histogram): ``F(y)`` at an inbound outcome; for an outcome below the
range the middle of the mass below it, ``cdf[0] / 2``, and above it ``(1 + cdf[n]) / 2``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt

from bets.claims.aggregation import forecast_columns
from bets.scoring.maths import _wilson_interval
from bets.scoring.timeline import OutcomeRows, spot_scores, time_averaged

__all__ = [
    "BELOW",
    "ABOVE",
    "ContinuousAxis",
    "ContinuousScores",
    "PitBin",
    "SpotScores",
    "continuous_scores",
    "continuous_spot_scores",
    "crps",
    "pit",
    "pit_histogram",
    "resolution_bucket",
    "unscaled_location",
]

BELOW = "below_lower_bound"
ABOVE = "above_upper_bound"
Resolution = float | Literal["below_lower_bound", "above_upper_bound"]


@dataclass(frozen=True)
class ContinuousAxis:
    range_min: float
    range_max: float
    zero_point: float | None
    open_lower_bound: bool
    open_upper_bound: bool
    inbound_outcome_count: int = 200

    def __post_init__(self) -> None:
        if not (math.isfinite(self.range_min) and math.isfinite(self.range_max)):
            raise ValueError("range_min and range_max must be finite")
        if self.range_max <= self.range_min:
            raise ValueError("range_max must be above range_min")
        if self.zero_point is not None and self.range_min <= self.zero_point <= self.range_max:
            raise ValueError("zero_point must lie outside the range")
        if self.inbound_outcome_count < 1:
            raise ValueError("inbound_outcome_count must be at least 1")


@dataclass(frozen=True)
class ContinuousScores:
    baseline: float
    peer: float
    coverage: float
    crps: float


@dataclass(frozen=True)
class SpotScores:
    baseline: float
    peer: float


@dataclass(frozen=True)
class PitBin:
    lower: float
    upper: float
    share: float  # time-weighted share of PIT values in the bin; 1/n_bins if calibrated
    count: int
    ci_low: float
    ci_high: float


# --- locations -----------------------------------------------------------------------------------


def unscaled_location(value: float, axis: ContinuousAxis) -> float:
    """Metaculus' scaled_location_to_unscaled_location, operation for operation, so that a value
    on a bucket edge lands in the same bucket as theirs."""
    lo, hi, zero = axis.range_min, axis.range_max, axis.zero_point
    if zero is not None:
        deriv_ratio = (hi - zero) / (lo - zero)
        with np.errstate(invalid="ignore"):  # past the zero point: NaN, handled by the caller
            return float(
                (np.log((value - lo) * (deriv_ratio - 1) + (hi - lo)) - np.log(hi - lo))
                / np.log(deriv_ratio)
            )
    return (value - lo) / (hi - lo)


def _location(resolution: Resolution, axis: ContinuousAxis) -> float:
    if resolution == BELOW:
        location = -1.0  # Metaculus' bucket_index_to_unscaled_location for bucket 0
    elif resolution == ABOVE:
        location = 2.0
    elif isinstance(resolution, str):
        raise ValueError(f"resolution must be a number, {BELOW!r} or {ABOVE!r}")
    elif not math.isfinite(resolution):
        raise ValueError("resolution must be a finite number")
    else:
        location = unscaled_location(float(resolution), axis)
        if math.isnan(location):  # a log scale cannot place a value past its zero point
            location = -1.0 if resolution < axis.range_min else 2.0
    if location < 0 and not axis.open_lower_bound:
        raise ValueError("resolution is below the range, whose lower bound is closed")
    if location > 1 and not axis.open_upper_bound:
        raise ValueError("resolution is above the range, whose upper bound is closed")
    return location


def resolution_bucket(resolution: Resolution, axis: ContinuousAxis) -> int:
    """Metaculus' unscaled_location_to_bucket_index (range_min in bucket 1, range_max in n)."""
    location = _location(resolution, axis)
    n = axis.inbound_outcome_count
    if location < 0:
        return 0
    if location > 1:
        return n + 1
    if location == 1:
        return n
    return max(int(location * n + 1 - 1e-10), 1)


# --- per-row values ------------------------------------------------------------------------------


def _cdf_matrix(cdfs: npt.ArrayLike, axis: ContinuousAxis) -> np.ndarray:
    matrix = np.asarray(cdfs, dtype=float)
    n = axis.inbound_outcome_count
    if matrix.ndim != 2 or matrix.shape[1] != n + 1:
        if matrix.size == 0:
            return matrix.reshape(0, n + 1)
        raise ValueError(f"cdfs must be a 2-D array with {n + 1} values per forecast")
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0) or np.any(matrix > 1):
        raise ValueError("cdfs must hold numbers in [0, 1]")
    if np.any(np.diff(matrix, axis=1) < 0):
        raise ValueError("cdfs must not decrease")
    return matrix


def _bucket_mass(matrix: np.ndarray, bucket: int) -> np.ndarray:
    """Column ``bucket`` of Metaculus' get_pmf, computed the same way (one subtraction)."""
    n = matrix.shape[1] - 1
    if bucket == 0:
        return matrix[:, 0]
    if bucket == n + 1:
        return 1 - matrix[:, n]
    return matrix[:, bucket] - matrix[:, bucket - 1]


def _outcome_rows(
    resolution: Resolution, axis: ContinuousAxis, participants: npt.ArrayLike, cdfs: npt.ArrayLike,
    start_times: npt.ArrayLike, end_times: npt.ArrayLike, with_crps: bool,
) -> OutcomeRows:
    matrix = _cdf_matrix(cdfs, axis)
    pid, _, start, end = forecast_columns(
        participants, np.full(len(matrix), 0.5), start_times, end_times
    )
    bucket = resolution_bucket(resolution, axis)
    mass = _bucket_mass(matrix, bucket)
    if np.any(mass <= 0):
        raise ValueError("a forecast gives the resolution's bucket no probability")
    n = axis.inbound_outcome_count
    if bucket in (0, n + 1):
        base = 0.05
    else:
        base = (1 - 0.05 * (int(axis.open_lower_bound) + int(axis.open_upper_bound))) / n
    return OutcomeRows(
        participants=pid, start=start, end=end, ln_p=np.log(mass),
        baseline=100 * np.log(mass / base) / 2,
        extra=_crps(matrix, _location(resolution, axis)) if with_crps else None,
    )


def continuous_scores(
    *, resolution: Resolution, axis: ContinuousAxis, open_time: float, close_time: float,
    actual_close_time: float, participants: npt.ArrayLike, cdfs: npt.ArrayLike,
    start_times: npt.ArrayLike, end_times: npt.ArrayLike,
) -> dict[int, ContinuousScores]:
    """Time-averaged baseline, peer, coverage and mean CRPS of each participant with time inside
    the window (others get no entry). Rows: one per forecast, ``end_times`` np.inf while
    standing, a participant's rows not overlapping."""
    rows = _outcome_rows(resolution, axis, participants, cdfs, start_times, end_times, True)
    totals = time_averaged(rows, open_time=open_time, close_time=close_time,
                           actual_close_time=actual_close_time, peer_scale=0.5)
    assert totals.extra_mean is not None
    return {
        int(i): ContinuousScores(
            baseline=float(totals.baseline[k]), peer=float(totals.peer[k]),
            coverage=float(totals.coverage[k]), crps=float(totals.extra_mean[k]),
        )
        for k, i in enumerate(totals.ids)
    }


def continuous_spot_scores(
    *, resolution: Resolution, axis: ContinuousAxis, spot_time: float, actual_close_time: float,
    participants: npt.ArrayLike, cdfs: npt.ArrayLike, start_times: npt.ArrayLike,
    end_times: npt.ArrayLike,
) -> dict[int, SpotScores]:
    """Spot baseline and spot peer of each participant with a forecast standing at
    ``min(spot_time, actual_close_time)`` (see ``bets.scoring.timeline.spot_scores``)."""
    rows = _outcome_rows(resolution, axis, participants, cdfs, start_times, end_times, False)
    found = spot_scores(rows, spot_time=spot_time, actual_close_time=actual_close_time,
                        peer_scale=0.5)
    return {pid: SpotScores(baseline=b, peer=p) for pid, (b, p) in found.items()}


# --- CRPS and PIT -------------------------------------------------------------------------------


def _split(matrix: np.ndarray, location: float) -> tuple[int, float, np.ndarray]:
    """Segment j holding the clamped location, its fraction t along it, and F there."""
    n = matrix.shape[1] - 1
    u = min(max(location, 0.0), 1.0)
    j = min(int(math.floor(u * n)), n - 1)
    t = u * n - j
    return j, t, matrix[:, j] + t * (matrix[:, j + 1] - matrix[:, j])


def _crps(matrix: np.ndarray, location: float) -> np.ndarray:
    """The integral of a squared linear function over a width h from a to b is
    h * (a^2 + a*b + b^2) / 3: F^2 left of the outcome, (1 - F)^2 right of it, and the segment
    holding the outcome split there."""
    h = 1.0 / (matrix.shape[1] - 1)
    j, t, f_y = _split(matrix, location)
    a, b = matrix[:, :j], matrix[:, 1:j + 1]
    below = (a * a + a * b + b * b).sum(axis=1)
    a, b = 1 - matrix[:, j + 1:-1], 1 - matrix[:, j + 2:]
    above = (a * a + a * b + b * b).sum(axis=1)
    a_j, b_j, g = matrix[:, j], 1 - matrix[:, j + 1], 1 - f_y
    left = t * (a_j * a_j + a_j * f_y + f_y * f_y)
    right = (1 - t) * (g * g + g * b_j + b_j * b_j)
    return h * (below + left + right + above) / 3


def crps(cdfs: npt.ArrayLike, resolution: Resolution, axis: ContinuousAxis) -> np.ndarray:
    """CRPS of each CDF row on the unscaled axis (formula in the module docstring), exact for
    the piecewise-linear CDF."""
    return _crps(_cdf_matrix(cdfs, axis), _location(resolution, axis))


def pit(cdfs: npt.ArrayLike, resolution: Resolution, axis: ContinuousAxis) -> np.ndarray:
    """Where the outcome fell in each CDF row (mid-mass outside the range; module docstring)."""
    matrix = _cdf_matrix(cdfs, axis)
    location = _location(resolution, axis)
    if location < 0:
        return matrix[:, 0] / 2
    if location > 1:
        return (1 + matrix[:, -1]) / 2
    return _split(matrix, location)[2]


def pit_histogram(
    values: npt.ArrayLike, weights: npt.ArrayLike, *, n_bins: int = 10, confidence: float = 0.95
) -> list[PitBin]:
    """Time-weighted histogram of PIT values with a Wilson interval on each bin's share, using
    the effective sample size (sum w)^2 / sum w^2 as ``bets.scoring.maths.calibration`` does.
    A calibrated forecaster's shares sit near 1/n_bins. Every bin is returned, empty ones too."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    if v.ndim != 1 or w.shape != v.shape:
        raise ValueError("values and weights must be 1-D and of equal length")
    if not np.all((v >= 0) & (v <= 1)):
        raise ValueError("PIT values must lie in [0, 1]")
    if not np.all(np.isfinite(w) & (w >= 0)):
        raise ValueError("weights must be finite and non-negative")
    if n_bins < 1 or not 0 < confidence < 1:
        raise ValueError("n_bins must be >= 1 and confidence in (0, 1)")
    keep = w > 0
    v, w = v[keep], w[keep]
    edges = np.arange(n_bins + 1) / n_bins
    idx = np.clip(np.searchsorted(edges, v, side="right") - 1, 0, n_bins - 1)
    relative = w / w.max() if w.size else w  # keeps w * w from underflowing
    total, total_sq = relative.sum(), (relative * relative).sum()
    share = np.bincount(idx, weights=relative, minlength=n_bins) / (total if total else 1.0)
    count = np.bincount(idx, minlength=n_bins)
    n_effective = float(total * total / total_sq) if total_sq else 0.0
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    bins = []
    for i in range(n_bins):
        low, high = (
            _wilson_interval(float(share[i]), n_effective, z) if n_effective else (0.0, 1.0)
        )
        bins.append(PitBin(lower=float(edges[i]), upper=float(edges[i + 1]),
                           share=float(share[i]), count=int(count[i]), ci_low=low, ci_high=high))
    return bins
