"""A loop-based port of Metaculus' recency-weighted aggregation of numeric, date and
multiple-choice forecasts (test support, not a test).

Ported from github.com/Metaculus/metaculus at 100c4088 (see data/METACULUS.md), without looking
at bets/claims/aggregation.py: ``get_user_forecast_history``, ``RecencyWeighted``,
``weighted_percentile_2d`` (``utils/the_math/measures.py``) and
``MedianAggregatorMixin.calculate_forecast_values`` (``utils/the_math/aggregations.py``).
Question and Forecast are numeric_reference.py's. Imports neither Django nor bets.
"""

from __future__ import annotations

import math

from tests.scoring.numeric_reference import CONTINUOUS, Forecast, Question


def _recency_weights(n: int) -> list[float] | None:
    if n <= 2:
        return None
    return [math.exp(math.sqrt(k + 1) - math.sqrt(n)) for k in range(n)]


def _weighted_median(column: list[float], weights: list[float]) -> float:
    """weighted_percentile_2d at 50 for one column; NaN sorts last as in numpy."""
    pairs = sorted(zip(column, weights, strict=True),
                   key=lambda pair: (math.isnan(pair[0]), 0.0 if math.isnan(pair[0]) else pair[0]))
    total = 0.0
    for _, weight in pairs:
        total += weight
    cumulative, running = [], 0.0
    for _, weight in pairs:
        running += weight
        cumulative.append(running / total)
    right = next((i for i, c in enumerate(cumulative) if c > 0.5), 0)
    left = next((i for i, c in enumerate(cumulative) if c >= 0.5), 0)
    return 0.5 * (pairs[left][0] + pairs[right][0])


def recency_weighted_aggregate(question: Question, values: list[list[float]]) -> list[float]:
    weights = _recency_weights(len(values))
    columns = len(values[0])
    if question.type in CONTINUOUS:
        w = weights or [1.0] * len(values)
        w_total = 0.0
        for weight in w:
            w_total += weight
        out = []
        for j in range(columns):
            acc = 0.0
            for row, weight in zip(values, w, strict=True):
                acc += row[j] * weight
            out.append(acc / w_total)
        return out
    w = weights or [1.0] * len(values)
    arr = [_weighted_median([row[j] for row in values], w) for j in range(columns)]
    present = [not math.isnan(v) for v in arr]
    arr = [v - 0.001 if on else v for v, on in zip(arr, present, strict=True)]
    total = 0.0
    for v, on in zip(arr, present, strict=True):
        if on:
            total += v
    count = sum(present)
    return [v / total * (1 - count * 0.001) + 0.001 if on else v
            for v, on in zip(arr, present, strict=True)]


def reference_aggregate_history(
    question: Question, forecasts: list[Forecast]
) -> list[tuple[float, list[float]]]:
    """get_user_forecast_history (earliest = open time, latest = actual close) and one recency-
    weighted entry per timestep with forecasts standing, oldest forecast first."""
    earliest, latest = question.open_time, question.actual_close_time
    ordered = sorted(forecasts, key=lambda f: (f.start_time, f.author_id))
    timestep_set: set[float] = set()
    for f in ordered:
        if (f.end_time is not None and f.end_time <= earliest) or f.start_time > latest:
            continue
        timestep_set.add(max(f.start_time, earliest))
        if f.end_time is not None and f.end_time <= latest:
            timestep_set.add(f.end_time)
    history = []
    for timestep in sorted(timestep_set):
        standing = [f.get_prediction_values() for f in ordered
                    if f.start_time <= timestep and (f.end_time is None or f.end_time > timestep)]
        if standing:
            history.append((timestep, recency_weighted_aggregate(question, standing)))
    return history
