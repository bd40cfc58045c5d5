"""Scoring maths for binary claims: pure functions over numpy arrays, no ORM.

Selectors load forecast rows and hand them here as arrays; nothing in this module touches the
database, so the same code scores a live claim, an imported history and a test case.

Conventions (Metaculus-compatible, so Crux scores can be compared with theirs):

- Times are float epoch seconds. A forecast row stands on ``[start, end)``; ``end`` is ``np.inf``
  while it still stands. A participant's rows must not overlap (a new forecast closes the old one).
- Every row is clipped to the scoring window ``[open_time, T_ac)`` with
  ``T_ac = min(close_time, actual_close_time)``. Time-averaged scores (baseline, peer, coverage)
  divide by the SCHEDULED window ``close_time - open_time``, as Metaculus does: a claim that
  resolves early gives everyone proportionally less, and time without a forecast earns 0.
- Baseline: ``100 * (log2(p_o) + 1)`` per forecast, p_o the probability given to what happened.
- Peer: at each moment with N >= 2 standing forecasts, ``100 * N/(N-1) * ln(p_i / G)`` with G the
  geometric mean of every standing p_o (i included); 0 while a forecaster is alone. The peer
  scores of one claim sum to zero.

Brier and log score (a Crux choice; Metaculus publishes no time-averaged version of these):
they are a time-weighted MEAN over the time the participant's own forecasts stood inside the
window, not a sum divided by the whole window. Dividing by the window would make silence look
good: not forecasting contributes ``0``, which is the best Brier score there is. So Brier and log
say how good the forecasts were while they stood, and coverage says how long that was. A
participant with no covered time gets no row at all rather than an invented score.

Deliberate difference from Metaculus' ``score_math.get_geometric_means``: it skips moments at
which nobody has a forecast standing (their "TODO: doesn't account for going from 1 active
forecast to 0"), so when the last two or more forecasters withdraw at the same instant, their peer
scores keep accruing over the empty gap that follows. Here a score accrues only while its
forecast stands. Apart from that, results agree with their code to rounding (see
``tests/scoring_reference.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from bets.claims.aggregation import forecast_columns as _forecast_columns

__all__ = [
    "CalibrationBin",
    "ParticipantScores",
    "binary_scores",
    "calibration",
    "rank",
]


@dataclass(frozen=True)
class ParticipantScores:
    baseline: float
    peer: float
    coverage: float
    brier: float
    log: float


@dataclass(frozen=True)
class CalibrationBin:
    lower: float
    upper: float
    mean_forecast: float
    observed_frequency: float
    count: int
    weight: float
    ci_low: float
    ci_high: float


# --- input checks ------------------------------------------------------------------------------


def _reject_overlaps(pid: np.ndarray, start: np.ndarray, end: np.ndarray) -> None:
    """Two standing rows of one participant would count them twice in every peer comparison."""
    order = np.lexsort((end, start, pid))  # by participant, then start; empty rows first on ties
    pid, start, end = pid[order], start[order], end[order]
    clash = (pid[1:] == pid[:-1]) & (end[:-1] > start[1:])
    if clash.any():
        who = int(pid[1:][clash][0])
        raise ValueError(f"participant {who} has overlapping forecasts")


def _check_window(open_time: float, close_time: float, actual_close_time: float) -> None:
    if not (math.isfinite(open_time) and math.isfinite(close_time)):
        raise ValueError("open_time and close_time must be finite")
    if close_time <= open_time:
        raise ValueError("close_time must be after open_time")
    if math.isnan(actual_close_time):
        raise ValueError("actual_close_time must be a time")


# --- binary scores -----------------------------------------------------------------------------


def _peer_integrals(
    start: np.ndarray,
    end: np.ndarray,
    ln_p: np.ndarray,
    fallback: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Integral over each row's [start, end) of its peer density 100*N/(N-1)*ln(p_i/G).

    Rewritten as 100*(ln p_i * N/(N-1) - L/(N-1)), L = sum of standing ln p_o, so the two
    factors that depend on the moment, not on the row, can be prefix-summed once over the
    segments between event times; each row's integral is then a difference of two prefix sums.
    Moments with N < 2 contribute 0 (nobody to compare with), including empty gaps.

    ``fallback = (missing, ln_bucket, ln_other)`` is Metaculus' multiple-choice rule for options
    some forecasts lack (added or deleted later): a row marked ``missing`` scores its own ``ln_p``
    (the catch-all's) as usual, but while any missing row stands, the geometric mean of the
    moment is taken over every standing row's catch-all ``ln_other`` instead of ``ln_bucket``
    (their gmean of a column holding NaN is NaN, and they then read the catch-all's column).
    """
    times = np.unique(np.concatenate([start, end]))
    first = np.searchsorted(times, start)
    past = np.searchsorted(times, end)
    m = len(times)
    # Standing count and sum of ln p_o on each segment [times[k], times[k+1]), by difference arrays.
    n = np.cumsum(np.bincount(first, minlength=m) - np.bincount(past, minlength=m))[:-1]
    def standing_sum(values: np.ndarray) -> np.ndarray:
        return np.cumsum(
            np.bincount(first, weights=values, minlength=m)
            - np.bincount(past, weights=values, minlength=m)
        )[:-1]

    if fallback is None:
        ln_sum = standing_sum(ln_p)
    else:
        missing, ln_bucket, ln_other = fallback
        any_missing = standing_sum(missing.astype(float)) > 0.5
        ln_sum = np.where(any_missing, standing_sum(ln_other),
                          standing_sum(np.where(missing, 0.0, ln_bucket)))
    dt = np.diff(times)
    several = n >= 2
    denominator = np.where(several, n - 1, 1)
    a = np.where(several, n / denominator, 0.0) * dt
    b = np.where(several, ln_sum / denominator, 0.0) * dt
    prefix_a = np.concatenate([[0.0], np.cumsum(a)])
    prefix_b = np.concatenate([[0.0], np.cumsum(b)])
    own_a = prefix_a[past] - prefix_a[first]
    own_b = prefix_b[past] - prefix_b[first]
    return 100.0 * (ln_p * own_a - own_b)


def binary_scores(
    *,
    outcome: bool,
    open_time: float,
    close_time: float,
    actual_close_time: float,
    participants: np.ndarray,
    probabilities: np.ndarray,
    start_times: np.ndarray,
    end_times: np.ndarray,
) -> dict[int, ParticipantScores]:
    """Baseline, peer, coverage, Brier and log score of each participant on a resolved claim.

    Times are float seconds (epoch). probabilities = P(yes). end_times uses np.inf for a forecast
    still standing. participants: int ids, one per forecast row (a participant may have many
    non-overlapping rows). Participants with no time inside the scoring window get no entry.
    """
    _check_window(open_time, close_time, actual_close_time)
    pid, p_yes, start, end = _forecast_columns(participants, probabilities, start_times, end_times)
    _reject_overlaps(pid, start, end)

    start = np.maximum(start, open_time)
    end = np.minimum(end, min(close_time, actual_close_time))
    inside = end > start  # rows that never stood inside the window score nothing
    pid, p_yes, start, end = pid[inside], p_yes[inside], start[inside], end[inside]
    if pid.size == 0:
        return {}

    o = 1.0 if outcome else 0.0
    p_o = p_yes if outcome else 1.0 - p_yes
    ln_p = np.log(p_o)
    stood = end - start
    total = close_time - open_time

    ids, row_of = np.unique(pid, return_inverse=True)

    def per_participant(values: np.ndarray) -> np.ndarray:
        return np.bincount(row_of, weights=values, minlength=len(ids))

    covered = per_participant(stood)
    baseline = per_participant(100.0 * (np.log2(p_o) + 1.0) * stood) / total
    peer = per_participant(_peer_integrals(start, end, ln_p)) / total
    brier = per_participant((p_yes - o) ** 2 * stood) / covered
    log = per_participant(ln_p * stood) / covered
    coverage = covered / total
    return {
        int(i): ParticipantScores(
            baseline=float(baseline[k]),
            peer=float(peer[k]),
            coverage=float(coverage[k]),
            brier=float(brier[k]),
            log=float(log[k]),
        )
        for k, i in enumerate(ids)
    }


# --- calibration -------------------------------------------------------------------------------


def _wilson_interval(frequency: float, n: float, z: float) -> tuple[float, float]:
    """Wilson score interval: unlike the normal approximation it stays inside [0, 1] and does
    not collapse to a point when a bin's observed frequency is 0 or 1."""
    z2n = z * z / n
    centre = (frequency + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(frequency * (1 - frequency) / n + z2n / (4 * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def calibration(
    *, probabilities: npt.ArrayLike, outcomes: npt.ArrayLike, weights: npt.ArrayLike,
    n_bins: int = 10, confidence: float = 0.95
) -> list[CalibrationBin]:
    """Bins forecasts weighted by the time they stood; binomial (Wilson) interval per bin using
    the effective sample size (sum w)^2/sum w^2. Empty bins are omitted.

    Bins are [i/n, (i+1)/n), the last one closed so that p = 1 has a home. Rows with zero
    weight never stood and are ignored. The effective sample size keeps one forecast that stood
    for months from looking like many independent observations.
    """
    p = np.asarray(probabilities, dtype=float)
    o = np.asarray(outcomes, dtype=float)
    w = np.asarray(weights, dtype=float)
    if not (p.ndim == o.ndim == w.ndim == 1 and len(p) == len(o) == len(w)):
        raise ValueError("probabilities, outcomes and weights must be 1-D and of equal length")
    if not np.all((p >= 0) & (p <= 1)):
        raise ValueError("probabilities must lie in [0, 1]")
    if not np.all((o == 0) | (o == 1)):
        raise ValueError("outcomes must be 0/1 or booleans")
    if not np.all(np.isfinite(w) & (w >= 0)):
        raise ValueError("weights must be finite and non-negative")
    if n_bins < 1 or not 0 < confidence < 1:
        raise ValueError("n_bins must be >= 1 and confidence in (0, 1)")

    keep = w > 0
    p, o, w = p[keep], o[keep], w[keep]
    # i/n is correctly rounded, so a forecast of exactly 0.57 lands in [0.57, 0.58), which
    # floor(0.57 * 100) = 56 would not do.
    edges = np.arange(n_bins + 1) / n_bins
    idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, n_bins - 1)

    def per_bin(values: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(idx, weights=values, minlength=n_bins)

    count, total = per_bin(), per_bin(w)
    # The effective sample size does not depend on the unit of w; rescaling each bin to a
    # largest weight of 1 keeps w * w from underflowing to 0 when weights are tiny.
    bin_max = np.zeros(n_bins)
    np.maximum.at(bin_max, idx, w)
    relative = w / bin_max[idx]
    relative_sum, relative_sq = per_bin(relative), per_bin(relative * relative)
    forecast_sum, outcome_sum = per_bin(relative * p), per_bin(relative * o)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    bins = []
    for i in np.flatnonzero(count):
        frequency = float(outcome_sum[i] / relative_sum[i])
        n_effective = float(relative_sum[i] ** 2 / relative_sq[i])
        low, high = _wilson_interval(frequency, n_effective, z)
        bins.append(
            CalibrationBin(
                lower=float(edges[i]),
                upper=float(edges[i + 1]),
                mean_forecast=float(forecast_sum[i] / relative_sum[i]),
                observed_frequency=frequency,
                count=int(count[i]),
                weight=float(total[i]),
                ci_low=low,
                ci_high=high,
            )
        )
    return bins


# --- ranking -----------------------------------------------------------------------------------


def rank(
    values: dict[int, float], *, higher_is_better: bool, tiebreak: dict[int, tuple]
) -> list[int]:
    """Deterministic ordering for leaderboards: by value, then by the tiebreak tuple, then by id.

    Tiebreak tuples sort ascending (pass e.g. ``(-coverage,)`` to favour more coverage); an id
    missing from ``tiebreak`` counts as ``()``. NaN values go last, so one undefined score cannot
    scramble the order of the rest.
    """

    def key(participant: int) -> tuple[bool, float, tuple, int]:
        value = float(values[participant])
        undefined = math.isnan(value)
        signed = 0.0 if undefined else (-value if higher_is_better else value)
        return (undefined, signed, tiebreak.get(participant, ()), participant)

    return sorted(values, key=key)
