"""The community aggregate of a claim's forecasts: pure functions over numpy arrays, no ORM.

It belongs to claims (every claim page shows it, and forecasts update it under the claim's
lock), and scoring builds on the same validated forecast columns; so it sits here, below
both, and scoring imports it, never the reverse. Conventions as in bets.scoring.maths: times
are float epoch seconds, a row stands on ``[start, end)`` and ``end`` is ``np.inf`` while it
stands. The arithmetic is Metaculus' recency-weighted median (their ``aggregations.py``).

Numeric, date and multiple-choice claims (Metaculus' ``RecencyWeightedAggregation``):

- ``continuous_community_forecast(cdfs_oldest_first) -> np.ndarray``: the recency-weighted MEAN
  of the standing CDFs (rows of 201 values), a valid CDF again.
- ``multiple_choice_community_forecast(probabilities_oldest_first) -> np.ndarray``: the
  recency-weighted median of each option's column, then 0.001 taken off every present option,
  renormalised and squeezed back into [0.001, 1 - 0.001 * (K - 1)]; NaN columns (options a
  forecast lacks) as they fall in Metaculus' sort (NaN sorts last).
- ``distribution_community_history(*, kind, participants, values, start_times, end_times,
  until) -> list[(time, aggregate row, number of forecasters)]``, as ``community_history``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "Columns",
    "community_forecast",
    "community_history",
    "continuous_community_forecast",
    "distribution_community_history",
    "forecast_columns",
    "multiple_choice_community_forecast",
]

# (participant ids, P(yes), start epochs, end epochs): one entry per forecast row.
Columns = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def forecast_columns(participants: npt.ArrayLike, probabilities: npt.ArrayLike,
                     start_times: npt.ArrayLike, end_times: npt.ArrayLike) -> Columns:
    """Validated 1-D columns (ids, P(yes), starts, ends): bad rows fail here, not as NaN scores."""
    pid = np.asarray(participants)
    if pid.size == 0:
        pid = pid.astype(np.int64)  # np.asarray([]) is float; an empty claim is still valid
    p_yes = np.asarray(probabilities, dtype=float)
    start = np.asarray(start_times, dtype=float)
    end = np.asarray(end_times, dtype=float)
    if pid.dtype.kind not in "iu":
        raise TypeError("participants must be integer ids")
    if not all(a.ndim == 1 for a in (pid, p_yes, start, end)):
        raise ValueError("participants, probabilities, start_times and end_times must be 1-D")
    if not len(pid) == len(p_yes) == len(start) == len(end):
        raise ValueError("participants, probabilities, start_times and end_times differ in length")
    # 0 and 1 would score -inf: a forecast must leave room for being wrong.
    if not np.all((p_yes > 0) & (p_yes < 1)):
        raise ValueError("probabilities must lie strictly between 0 and 1")
    if not np.all(np.isfinite(start)):
        raise ValueError("start_times must be finite")
    if np.any(np.isnan(end)) or np.any(end < start):
        raise ValueError("end_times must be np.inf or not earlier than their start_times")
    return pid.astype(np.int64), p_yes, start, end


# --- the community forecast -----------------------------------------------------------------------


def _recency_weights(n: int) -> np.ndarray:
    """Metaculus' generate_recency_weights: exp(sqrt(k) - sqrt(n)) for the k-th oldest of n.

    Metaculus leaves two or fewer forecasts unweighted, so their median is the plain average.
    """
    if n <= 2:
        return np.ones(n)
    return np.exp(np.sqrt(np.arange(n) + 1.0) - np.sqrt(n))


def community_forecast(probabilities_oldest_first: np.ndarray) -> float:
    """Metaculus recency-weighted median of each participant's latest forecast.

    Same arithmetic as their weighted_percentile_2d at the 50th percentile, so the numbers match:
    the median is the mean of the first values whose normalised cumulative weight reaches (>=)
    and passes (>) one half; they differ only when a value's weight ends exactly at one half.
    """
    p = np.asarray(probabilities_oldest_first, dtype=float)
    if p.ndim != 1 or p.size == 0:
        raise ValueError("community_forecast needs a non-empty 1-D array of probabilities")
    order = np.argsort(p, kind="stable")
    values = p[order]
    weights = _recency_weights(p.size)[order]
    cumulative = np.cumsum(weights) / np.sum(weights)
    left = int(np.argmax(cumulative >= 0.5))
    right = int(np.argmax(cumulative > 0.5))
    return float(0.5 * (values[left] + values[right]))


def community_history(
    *, participants: npt.ArrayLike, probabilities: npt.ArrayLike, start_times: npt.ArrayLike,
    end_times: npt.ArrayLike, until: float
) -> list[tuple[float, float, int]]:
    """(time, community forecast, number of forecasters) at each moment the set of standing
    forecasts changes, up to and including ``until``.

    Moments at which nothing stands produce no point (a forecast must exist to take a median
    of), as in Metaculus' history; the next point after such a gap is always emitted.
    """
    pid, p_yes, start, end = forecast_columns(participants, probabilities, start_times, end_times)
    events = np.unique(np.concatenate([start, end[np.isfinite(end)]]))
    history: list[tuple[float, float, int]] = []
    previous: tuple[int, ...] = ()
    for t in events[events <= until]:
        standing = np.flatnonzero((start <= t) & (end > t))
        # Oldest first is what the recency weights mean; the id only makes ties deterministic.
        standing = standing[np.lexsort((pid[standing], start[standing]))]
        key = tuple(standing.tolist())
        if key == previous:
            continue  # e.g. a zero-length row: the moment is an event, but nothing changed
        previous = key
        if standing.size:
            history.append((float(t), community_forecast(p_yes[standing]), int(standing.size)))
    return history


# --- numeric, date and multiple-choice claims --------------------------------------------


def continuous_community_forecast(cdfs_oldest_first: npt.ArrayLike) -> np.ndarray:
    """Metaculus' recency-weighted aggregate of CDFs: np.average of the rows with the recency
    weights (plain mean for two or fewer). A mean of CDFs is a CDF, so nothing needs fixing."""
    values = np.asarray(cdfs_oldest_first, dtype=float)
    if values.ndim != 2 or values.shape[0] == 0:
        raise ValueError("continuous_community_forecast needs a non-empty 2-D array of CDFs")
    weights = None if values.shape[0] <= 2 else _recency_weights(values.shape[0])
    return np.asarray(np.average(values, axis=0, weights=weights), dtype=float)


def multiple_choice_community_forecast(probabilities_oldest_first: npt.ArrayLike) -> np.ndarray:
    """Metaculus' recency-weighted median per option (their weighted_percentile_2d at 50 and
    MedianAggregatorMixin's renormalisation), NaN kept where an option has no median."""
    values = np.asarray(probabilities_oldest_first, dtype=float)
    if values.ndim != 2 or values.shape[0] == 0:
        raise ValueError("multiple_choice_community_forecast needs a non-empty 2-D array")
    order = values.argsort(axis=0)  # NaN last, as np.sort and their argsort put it
    weights = _recency_weights(values.shape[0])[order]
    columns = np.arange(values.shape[1])
    sorted_values = np.sort(values, axis=0)
    cumulative = np.cumsum(weights, axis=0) / np.sum(weights, axis=0)
    right = np.argmax(cumulative > 0.5, axis=0)
    left = np.argmax(cumulative >= 0.5, axis=0)
    median = 0.5 * (sorted_values[left, columns] + sorted_values[right, columns])
    present = ~np.isnan(median)
    median[present] -= 0.001  # Metaculus: remove the minimum forecastable value,
    median[present] = median[present] / sum(median[present])  # renormalise,
    median[present] = median[present] * (1 - present.sum() * 0.001) + 0.001  # squeeze back
    return median


def distribution_community_history(
    *, kind: str, participants: npt.ArrayLike, values: npt.ArrayLike, start_times: npt.ArrayLike,
    end_times: npt.ArrayLike, until: float
) -> list[tuple[float, np.ndarray, int]]:
    """(time, aggregate, number of forecasters) at each moment the set of standing forecasts
    changes, up to and including ``until``; ``kind`` is "continuous" (values: CDF rows) or
    "multiple_choice" (values: probability rows, NaN where an option is missing). Same moments
    and ordering as ``community_history``."""
    aggregate = {
        "continuous": continuous_community_forecast,
        "multiple_choice": multiple_choice_community_forecast,
    }.get(kind)
    if aggregate is None:
        raise ValueError("kind must be 'continuous' or 'multiple_choice'")
    matrix = np.asarray(values, dtype=float)
    if matrix.ndim != 2:
        raise ValueError("values must be a 2-D array, one row per forecast")
    pid, _, start, end = forecast_columns(
        participants, np.full(len(matrix), 0.5), start_times, end_times
    )
    events = np.unique(np.concatenate([start, end[np.isfinite(end)]]))
    history: list[tuple[float, np.ndarray, int]] = []
    previous: tuple[int, ...] = ()
    for t in events[events <= until]:
        standing = np.flatnonzero((start <= t) & (end > t))
        standing = standing[np.lexsort((pid[standing], start[standing]))]
        key = tuple(standing.tolist())
        if key == previous:
            continue
        previous = key
        if standing.size:
            history.append((float(t), aggregate(matrix[standing]), int(standing.size)))
    return history
