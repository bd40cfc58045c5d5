"""A deliberately slow, loop-based port of Metaculus' scoring and aggregation call path for
numeric, date and multiple-choice questions (test support, not a test).

Ported from github.com/Metaculus/metaculus at 100c4088 (see data/METACULUS.md), function by
function and loop by loop, without looking at how bets/scoring/continuous.py,
multiple_choice.py and timeline.py vectorise it, so that agreement between the two means
something:

- ``string_location_to_bucket_index`` and the location helpers of ``utils/the_math/formulas.py``;
- ``Forecast.get_pmf`` of ``questions/models.py``;
- ``get_geometric_means``, ``evaluate_forecasts_baseline_accuracy``,
  ``evaluate_forecasts_baseline_spot_forecast``, ``evaluate_forecasts_peer_accuracy``,
  ``evaluate_forecasts_peer_spot_forecast`` and the per-user sums of ``evaluate_question``
  (``scoring/score_math.py``);
- (their aggregation is ported in numeric_aggregation_reference.py).

Two shortcuts, neither of which changes a number: each forecast's PMF is built once rather than
at every timestep, and the geometric mean of a timestep is taken of the two PMF columns scoring
reads (the resolution's and the catch-all's) rather than of all of them (their ``gmean`` is
column by column). One switch, as in scoring_reference.py: ``keep_gap_quirk`` (their
get_geometric_means skips a moment at which nobody stands); by default the port records that
moment with nobody to compare with, which is what Crux does.

Imports neither Django nor bets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np

CONTINUOUS = ("numeric", "date")


@dataclass
class Question:
    type: str  # "numeric", "date" or "multiple_choice"
    open_time: float
    scheduled_close_time: float
    actual_close_time: float
    range_min: float | None = None
    range_max: float | None = None
    zero_point: float | None = None
    open_lower_bound: bool = False
    open_upper_bound: bool = False
    options_history: list[tuple[float, list[str]]] | None = None
    inbound_outcome_count: int = 200


@dataclass
class Forecast:
    author_id: int
    start_time: float
    end_time: float | None  # None while standing, as Metaculus stores it
    continuous_cdf: list[float] | None = None
    probability_yes_per_category: list[float | None] | None = None

    def get_pmf(self) -> list[float]:
        if self.probability_yes_per_category:
            return [float("nan") if v is None else v for v in self.probability_yes_per_category]
        cdf = self.continuous_cdf
        assert cdf is not None
        pmf = [cdf[0]]
        for i in range(1, len(cdf)):
            pmf.append(cdf[i] - cdf[i - 1])
        pmf.append(1 - cdf[-1])
        return pmf

    def get_prediction_values(self) -> list[float]:
        if self.probability_yes_per_category:
            return [float("nan") if v is None else v for v in self.probability_yes_per_category]
        assert self.continuous_cdf is not None
        return self.continuous_cdf


# --- formulas.py ---------------------------------------------------------------------------------


def get_all_options_from_history(options_history) -> list[str]:
    designated_other_label = options_history[0][1][-1]
    all_labels: list[str] = []
    for _, options in options_history:
        for label in options[:-1]:
            if label not in all_labels:
                all_labels.append(label)
    return all_labels + [designated_other_label]


def string_location_to_scaled_location(string_location: str, question: Question) -> float:
    if question.type == "multiple_choice":
        return float(get_all_options_from_history(question.options_history).index(string_location))
    assert question.range_min is not None and question.range_max is not None
    if string_location == "below_lower_bound":
        return question.range_min - 1.0
    if string_location == "above_upper_bound":
        return question.range_max + 1.0
    if question.type == "date":
        return datetime.fromisoformat(string_location).timestamp()
    return float(string_location)


def scaled_location_to_unscaled_location(scaled_location: float, question: Question) -> float:
    if question.type == "multiple_choice":
        return scaled_location
    zero_point, range_max, range_min = question.zero_point, question.range_max, question.range_min
    assert range_min is not None and range_max is not None
    if zero_point is not None:
        deriv_ratio = (range_max - zero_point) / (range_min - zero_point)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (
                np.log((scaled_location - range_min) * (deriv_ratio - 1) + (range_max - range_min))
                - np.log(range_max - range_min)
            ) / np.log(deriv_ratio)
    return (scaled_location - range_min) / (range_max - range_min)


def unscaled_location_to_bucket_index(unscaled_location: float, question: Question) -> int:
    if question.type == "multiple_choice":
        return int(unscaled_location)
    if unscaled_location < 0:
        return 0
    if unscaled_location > 1:
        return question.inbound_outcome_count + 1
    if unscaled_location == 1:
        return question.inbound_outcome_count
    return max(int(unscaled_location * question.inbound_outcome_count + 1 - 1e-10), 1)


def string_location_to_bucket_index(string_location: str, question: Question) -> int:
    scaled = string_location_to_scaled_location(string_location, question)
    return unscaled_location_to_bucket_index(
        scaled_location_to_unscaled_location(scaled, question), question
    )


# --- score_math.py -------------------------------------------------------------------------------


@dataclass
class AggregationEntry:
    pmf: dict[int, float]  # the columns scoring reads: {bucket: gm, -1: gm of the catch-all}
    num_forecasters: int
    timestamp: float


@dataclass
class ForecastScore:
    score: float
    coverage: float = 0.0


def _gmean(values: list[float]) -> float:
    """scipy's gmean of one column: exp(mean(log)) over a numpy array; NaN if a value is NaN,
    ln 0 = -inf for a closed bound's empty bucket (scipy ignores that warning too)."""
    with np.errstate(divide="ignore"):
        return float(np.exp(np.mean(np.log(np.array(values)))))


def get_geometric_means(
    forecasts: list[Forecast], pmfs: list[list[float]], bucket: int, keep_gap_quirk: bool
) -> list[AggregationEntry]:
    timesteps: set[float] = set()
    for forecast in forecasts:
        timesteps.add(forecast.start_time)
        if forecast.end_time is not None:
            timesteps.add(forecast.end_time)
    geometric_means = []
    for timestep in sorted(timesteps):
        prediction_values = [
            pmf
            for f, pmf in zip(forecasts, pmfs, strict=True)
            if f.start_time <= timestep and (f.end_time is None or f.end_time > timestep)
        ]
        if not prediction_values:
            if not keep_gap_quirk:
                geometric_means.append(AggregationEntry({bucket: 1.0, -1: 1.0}, 0, timestep))
            continue
        geometric_mean = {
            bucket: _gmean([pmf[bucket] for pmf in prediction_values]),
            -1: _gmean([pmf[-1] for pmf in prediction_values]),
        }
        predictors = len(prediction_values)
        geometric_means.append(
            AggregationEntry(geometric_mean, predictors if predictors > 1 else 0, timestep)
        )
    return geometric_means


def _log(x: float) -> float:
    return math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)


def _read(pmf, bucket: int) -> float:
    """``pmf[bucket]`` if not nan else ``pmf[-1]``: read from the catch-all."""
    return pmf[bucket] if not math.isnan(pmf[bucket]) else pmf[-1]


def _instant_baseline(pmf: list[float], bucket: int, question: Question) -> float:
    if question.type == "multiple_choice":
        options_at_time = sum(0 if np.isnan(v) else 1 for v in pmf)
        p = _read(pmf, bucket)
        return float(100 * np.log(p * options_at_time) / np.log(options_at_time))
    open_bounds_count = bool(question.open_upper_bound) + bool(question.open_lower_bound)
    if bucket in [0, len(pmf) - 1]:
        baseline = 0.05
    else:
        baseline = (1 - 0.05 * open_bounds_count) / (len(pmf) - 2)
    return float(100 * np.log(pmf[bucket] / baseline) / 2)


def evaluate_forecasts_baseline_accuracy(
    forecasts: list[Forecast], pmfs: list[list[float]], bucket: int, question: Question
) -> list[ForecastScore]:
    forecast_horizon_start = question.open_time
    actual_close_time = question.actual_close_time
    total_duration = question.scheduled_close_time - forecast_horizon_start
    scores = []
    for forecast, pmf in zip(forecasts, pmfs, strict=True):
        forecast_start = max(forecast.start_time, forecast_horizon_start)
        forecast_end = (
            actual_close_time if forecast.end_time is None
            else min(forecast.end_time, actual_close_time)
        )
        forecast_duration = forecast_end - forecast_start
        if forecast_duration <= 0:
            scores.append(ForecastScore(0.0))
            continue
        forecast_coverage = forecast_duration / total_duration
        forecast_score = _instant_baseline(pmf, bucket, question)
        scores.append(ForecastScore(forecast_score * forecast_coverage, forecast_coverage))
    return scores


def evaluate_forecasts_baseline_spot_forecast(
    forecasts: list[Forecast], pmfs: list[list[float]], bucket: int, spot: float,
    question: Question,
) -> list[ForecastScore]:
    scores = []
    for forecast, pmf in zip(forecasts, pmfs, strict=True):
        end = float("inf") if forecast.end_time is None else forecast.end_time
        if forecast.start_time <= spot < end:
            scores.append(ForecastScore(_instant_baseline(pmf, bucket, question), 1.0))
        else:
            scores.append(ForecastScore(0.0))
    return scores


def evaluate_forecasts_peer_accuracy(
    forecasts: list[Forecast], pmfs: list[list[float]], bucket: int, question: Question,
    geometric_means: list[AggregationEntry],
) -> list[ForecastScore]:
    forecast_horizon_start = question.open_time
    actual_close_time = question.actual_close_time
    for gm in geometric_means:
        gm.timestamp = max(gm.timestamp, forecast_horizon_start)
    total_duration = question.scheduled_close_time - forecast_horizon_start
    scores = []
    for forecast, pmf in zip(forecasts, pmfs, strict=True):
        forecast_start = max(forecast.start_time, forecast_horizon_start)
        forecast_end = (
            actual_close_time if forecast.end_time is None
            else min(forecast.end_time, actual_close_time)
        )
        if forecast_end - forecast_start <= 0:
            scores.append(ForecastScore(0.0))
            continue
        p = _read(pmf, bucket)
        interval_scores: list[float | None] = []
        for gm in geometric_means:
            if forecast_start <= gm.timestamp < forecast_end:
                gmp = _read(gm.pmf, bucket)
                # math.log for their np.log on a numpy scalar: the same value, far faster.
                interval_score = (
                    100 * (gm.num_forecasters / (gm.num_forecasters - 1)) * _log(p / gmp)
                )
                if question.type in CONTINUOUS:
                    interval_score /= 2
                interval_scores.append(float(interval_score))
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


def evaluate_forecasts_peer_spot_forecast(
    forecasts: list[Forecast], pmfs: list[list[float]], bucket: int, spot: float,
    question: Question, geometric_means: list[AggregationEntry],
) -> list[ForecastScore]:
    g = None
    for gm in geometric_means[::-1]:
        if gm.timestamp < spot:
            g = gm
            break
    if g is None:
        return [ForecastScore(0.0)] * len(forecasts)
    scores = []
    for forecast, pmf in zip(forecasts, pmfs, strict=True):
        end = float("inf") if forecast.end_time is None else forecast.end_time
        if forecast.start_time <= spot < end:
            p = _read(pmf, bucket)
            gmp = _read(g.pmf, bucket)
            forecast_score = 100 * (g.num_forecasters / (g.num_forecasters - 1)) * np.log(p / gmp)
            if question.type in CONTINUOUS:
                forecast_score /= 2
            scores.append(ForecastScore(float(forecast_score), 1.0))
        else:
            scores.append(ForecastScore(0.0))
    return scores


def reference_scores(
    question: Question, forecasts: list[Forecast], resolution: str, spot_time: float,
    keep_gap_quirk: bool = False,
) -> dict[str, dict[int, tuple[float, float]]]:
    """evaluate_question's user scores: {score type: {user: (score, coverage)}}; a user with no
    coverage for a score type has no entry, as in Metaculus."""
    bucket = string_location_to_bucket_index(resolution, question)
    spot = min(spot_time, question.actual_close_time)
    pmfs = [forecast.get_pmf() for forecast in forecasts]
    geometric_means = get_geometric_means(forecasts, pmfs, bucket, keep_gap_quirk)
    per_type = {
        "baseline": evaluate_forecasts_baseline_accuracy(forecasts, pmfs, bucket, question),
        "spot_baseline": evaluate_forecasts_baseline_spot_forecast(
            forecasts, pmfs, bucket, spot, question),
        "peer": evaluate_forecasts_peer_accuracy(
            forecasts, pmfs, bucket, question, geometric_means),
        "spot_peer": evaluate_forecasts_peer_spot_forecast(
            forecasts, pmfs, bucket, spot, question, geometric_means),
    }
    result: dict[str, dict[int, tuple[float, float]]] = {}
    for score_type, user_scores in per_type.items():
        table = result.setdefault(score_type, {})
        for user_id in {forecast.author_id for forecast in forecasts}:
            user_score = 0.0
            user_coverage = 0.0
            for forecast, score in zip(forecasts, user_scores, strict=True):
                if forecast.author_id == user_id:
                    user_score += score.score
                    user_coverage += score.coverage
            if user_coverage > 0:
                table[user_id] = (user_score, user_coverage)
    return result
