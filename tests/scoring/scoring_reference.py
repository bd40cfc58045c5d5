"""A deliberately slow, loop-based reference for bets/scoring.py (test support, not a test).

The binary scoring below is a port of the logic of Metaculus' ``scoring/score_math.py``
(get_geometric_means, evaluate_forecasts_baseline_accuracy, evaluate_forecasts_peer_accuracy)
to plain Python floats, written without looking at how bets/scoring.py vectorises it, so that an
agreement between the two means something. The community forecast ports their
``generate_recency_weights`` and ``weighted_percentile_2d``.

One switch: ``keep_gap_quirk``. Metaculus' get_geometric_means skips a moment at which nobody
has a forecast standing ("TODO: doesn't account for going from 1 active forecast to 0"), so the
previous geometric-mean entry stretches over the empty gap. By default the reference records
that moment (with nobody to compare against), which is what Crux does; ``keep_gap_quirk=True``
reproduces Metaculus exactly.

Brier and log are not Metaculus scores: they are Crux's time-weighted means over each
participant's covered time, computed here by the obvious loop.

Imports neither Django nor bets.scoring.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Forecast:
    participant: int
    p_yes: float
    start: float
    end: float | None  # None: still standing, as Metaculus stores it

    def p_outcome(self, outcome: bool) -> float:
        # Metaculus reads pmf[resolution_bucket] from pmf = [1 - p, p].
        return self.p_yes if outcome else 1.0 - self.p_yes


@dataclass
class GeometricMeanEntry:
    p_outcome: float
    num_forecasters: int
    timestamp: float


@dataclass
class ForecastScore:
    score: float
    coverage: float = 0.0


def get_geometric_means(
    forecasts: list[Forecast], outcome: bool, keep_gap_quirk: bool = False
) -> list[GeometricMeanEntry]:
    timesteps: set[float] = set()
    for forecast in forecasts:
        timesteps.add(forecast.start)
        if forecast.end is not None:
            timesteps.add(forecast.end)
    entries = []
    for timestep in sorted(timesteps):
        values = [
            f.p_outcome(outcome)
            for f in forecasts
            if f.start <= timestep and (f.end is None or f.end > timestep)
        ]
        if not values:
            if not keep_gap_quirk:
                # Nobody stands: end the previous entry here instead of letting it run on.
                entries.append(GeometricMeanEntry(1.0, 0, timestep))
            continue
        log_sum = 0.0
        for value in values:
            log_sum += math.log(value)
        geometric_mean = math.exp(log_sum / len(values))
        predictors = len(values)
        entries.append(
            GeometricMeanEntry(geometric_mean, predictors if predictors > 1 else 0, timestep)
        )
    return entries


def evaluate_forecasts_baseline_accuracy(
    forecasts: list[Forecast],
    outcome: bool,
    forecast_horizon_start: float,
    actual_close_time: float,
    forecast_horizon_end: float,
) -> list[ForecastScore]:
    total_duration = forecast_horizon_end - forecast_horizon_start
    scores = []
    for forecast in forecasts:
        forecast_start = max(forecast.start, forecast_horizon_start)
        forecast_end = (
            actual_close_time if forecast.end is None else min(forecast.end, actual_close_time)
        )
        forecast_duration = forecast_end - forecast_start
        if forecast_duration <= 0:
            scores.append(ForecastScore(0.0))
            continue
        forecast_coverage = forecast_duration / total_duration
        p = forecast.p_outcome(outcome)
        # Binary: 100 * ln(p * 2) / ln(2), i.e. 100 * (log2(p) + 1).
        forecast_score = 100 * math.log(p * 2) / math.log(2)
        scores.append(ForecastScore(forecast_score * forecast_coverage, forecast_coverage))
    return scores


def evaluate_forecasts_peer_accuracy(
    forecasts: list[Forecast],
    outcome: bool,
    forecast_horizon_start: float,
    actual_close_time: float,
    forecast_horizon_end: float,
    keep_gap_quirk: bool = False,
) -> list[ForecastScore]:
    geometric_means = get_geometric_means(forecasts, outcome, keep_gap_quirk)
    for gm in geometric_means:
        gm.timestamp = max(gm.timestamp, forecast_horizon_start)
    total_duration = forecast_horizon_end - forecast_horizon_start
    scores = []
    for forecast in forecasts:
        forecast_start = max(forecast.start, forecast_horizon_start)
        forecast_end = (
            actual_close_time if forecast.end is None else min(forecast.end, actual_close_time)
        )
        if forecast_end - forecast_start <= 0:
            scores.append(ForecastScore(0.0))
            continue
        p = forecast.p_outcome(outcome)
        interval_scores: list[float | None] = []
        for gm in geometric_means:
            if forecast_start <= gm.timestamp < forecast_end:
                # num_forecasters is 0 for a lone forecaster, so the factor is 0/(0-1) = 0.
                factor = gm.num_forecasters / (gm.num_forecasters - 1)
                interval_scores.append(100 * factor * math.log(p / gm.p_outcome))
            else:
                interval_scores.append(None)
        forecast_score = 0.0
        forecast_coverage = 0.0
        times = [gm.timestamp for gm in geometric_means if gm.timestamp < actual_close_time]
        times.append(actual_close_time)
        for i in range(len(times) - 1):
            interval_score = interval_scores[i]
            if interval_score is None:
                continue
            interval_duration = times[i + 1] - times[i]
            forecast_score += interval_score * interval_duration / total_duration
            forecast_coverage += interval_duration / total_duration
        scores.append(ForecastScore(forecast_score, forecast_coverage))
    return scores


def reference_binary_scores(
    *,
    outcome: bool,
    open_time: float,
    close_time: float,
    actual_close_time: float,
    participants,
    probabilities,
    start_times,
    end_times,
    keep_gap_quirk: bool = False,
) -> dict[int, dict[str, float]]:
    """Per participant: baseline, peer, coverage, brier, log (as plain dicts)."""
    forecasts = [
        Forecast(int(pid), float(p), float(s), None if math.isinf(e) else float(e))
        for pid, p, s, e in zip(participants, probabilities, start_times, end_times, strict=True)
    ]
    # Metaculus stores actual_close_time already capped at the scheduled close.
    actual_close = min(close_time, actual_close_time)
    baseline = evaluate_forecasts_baseline_accuracy(
        forecasts, outcome, open_time, actual_close, close_time
    )
    peer = evaluate_forecasts_peer_accuracy(
        forecasts, outcome, open_time, actual_close, close_time, keep_gap_quirk
    )
    totals: dict[int, dict[str, float]] = {}
    for forecast, base, peer_score in zip(forecasts, baseline, peer, strict=True):
        if base.coverage <= 0:
            continue
        row = totals.setdefault(
            forecast.participant,
            {"baseline": 0.0, "peer": 0.0, "coverage": 0.0, "brier": 0.0, "log": 0.0},
        )
        row["baseline"] += base.score
        row["peer"] += peer_score.score
        row["coverage"] += base.coverage
        # Coverage-weighted sums, divided by the participant's coverage below.
        o = 1.0 if outcome else 0.0
        row["brier"] += (forecast.p_yes - o) ** 2 * base.coverage
        row["log"] += math.log(forecast.p_outcome(outcome)) * base.coverage
    for row in totals.values():
        row["brier"] /= row["coverage"]
        row["log"] /= row["coverage"]
    return totals


def generate_recency_weights(number_of_forecasts: int) -> list[float] | None:
    if number_of_forecasts <= 2:
        return None
    return [
        math.exp(math.sqrt(k + 1) - math.sqrt(number_of_forecasts))
        for k in range(number_of_forecasts)
    ]


def reference_community_forecast(probabilities_oldest_first) -> float:
    """weighted_percentile_2d at the 50th percentile, on one column, with recency weights."""
    values = [float(p) for p in probabilities_oldest_first]
    weights = generate_recency_weights(len(values)) or [1.0] * len(values)
    pairs = sorted(zip(values, weights, strict=True), key=lambda pair: pair[0])
    weight_total = 0.0
    for _, weight in pairs:
        weight_total += weight
    cumulative = []
    running = 0.0
    for _, weight in pairs:
        running += weight
        cumulative.append(running / weight_total)
    left = next(i for i, c in enumerate(cumulative) if c >= 0.5)
    right = next(i for i, c in enumerate(cumulative) if c > 0.5)
    return 0.5 * (pairs[left][0] + pairs[right][0])
