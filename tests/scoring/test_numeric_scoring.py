"""Numeric, date and multiple-choice scores and aggregates equal Metaculus' own code's.

Pure maths: no Django, no database. data/metaculus_numeric.json holds generated claims and the
numbers Metaculus' code gave for them (data/METACULUS.md says how they were made); the tests
compare Crux with those numbers, and with the loop-based port in numeric_reference.py.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from bets.claims.aggregation import (
    continuous_community_forecast,
    distribution_community_history,
    multiple_choice_community_forecast,
)
from bets.scoring.continuous import (
    ContinuousAxis,
    continuous_scores,
    continuous_spot_scores,
    crps,
    pit,
    pit_histogram,
    resolution_bucket,
    unscaled_location,
)
from bets.scoring.multiple_choice import (
    all_options,
    multiple_choice_scores,
    multiple_choice_spot_scores,
)
from tests.scoring import numeric_aggregation_reference as port_aggregation
from tests.scoring import numeric_reference as port

DATA = json.loads((Path(__file__).parent / "data" / "metaculus_numeric.json").read_text())
CASES = DATA["cases"]
TOLERANCE = 1e-9
INF = math.inf

RESOLVED = [
    pytest.param(case, result, id=f"{case['name']} | {result['resolution']}")
    for case in CASES for result in case["results"]
]


def crux_resolution(case: dict, resolution: str | float) -> str | float:
    if case["kind"] == "date" and resolution not in ("below_lower_bound", "above_upper_bound"):
        return datetime.fromisoformat(str(resolution)).timestamp()
    return resolution


def crux_scores(case: dict, resolution: str | float) -> tuple[dict, dict]:
    """(time-averaged, spot) scores from Crux for one resolution of a generated case."""
    rows = case["forecasts"]
    columns = {
        "participants": np.array([f["participant"] for f in rows]),
        "start_times": np.array([f["start"] for f in rows], dtype=float),
        "end_times": np.array([INF if f["end"] is None else f["end"] for f in rows]),
    }
    window = {k: case[k] for k in ("open_time", "close_time", "actual_close_time")}
    spot = {"spot_time": case["spot_time"], "actual_close_time": case["actual_close_time"]}
    if case["kind"] == "multiple_choice":
        index = all_options([o for _, o in case["options_history"]]).index(resolution)
        probabilities = np.array([[np.nan if v is None else v for v in f["probabilities"]]
                                  for f in rows])
        return (
            multiple_choice_scores(resolution_index=index, probabilities=probabilities,
                                   **window, **columns),
            multiple_choice_spot_scores(resolution_index=index, probabilities=probabilities,
                                        **spot, **columns),
        )
    axis = ContinuousAxis(**case["axis"])
    value = crux_resolution(case, resolution)
    cdfs = np.array([f["cdf"] for f in rows])
    return (
        continuous_scores(resolution=value, axis=axis, cdfs=cdfs, **window, **columns),
        continuous_spot_scores(resolution=value, axis=axis, cdfs=cdfs, **spot, **columns),
    )


def port_inputs(case: dict) -> tuple[port.Question, list[port.Forecast]]:
    axis = case.get("axis", {})
    question = port.Question(
        type=case["kind"], open_time=case["open_time"],
        scheduled_close_time=case["close_time"], actual_close_time=case["actual_close_time"],
        options_history=[(t, o) for t, o in case.get("options_history", [])], **axis,
    )
    forecasts = [
        port.Forecast(f["participant"], f["start"], f["end"], f.get("cdf"),
                      f.get("probabilities"))
        for f in case["forecasts"]
    ]
    return question, forecasts


def port_scores(case: dict, resolution, keep_gap_quirk: bool) -> dict:
    question, forecasts = port_inputs(case)
    text = resolution if isinstance(resolution, str) else repr(float(resolution))
    return port.reference_scores(question, forecasts, text, case["spot_time"], keep_gap_quirk)


def as_metaculus_table(scores: dict, spot: dict) -> dict[str, dict[int, float]]:
    """Crux's results in the shape of Metaculus' Score rows: {score type: {user: score}}."""
    return {
        "baseline": {u: s.baseline for u, s in scores.items()},
        "peer": {u: s.peer for u, s in scores.items()},
        "spot_baseline": {u: s.baseline for u, s in spot.items()},
        "spot_peer": {u: s.peer for u, s in spot.items()},
    }


def expected_table(result: dict) -> dict[str, dict[int, tuple[float, float]]]:
    table: dict[str, dict[int, tuple[float, float]]] = {
        "baseline": {}, "peer": {}, "spot_baseline": {}, "spot_peer": {}}
    for user, by_type in result["scores"].items():
        for score_type, (score, coverage) in by_type.items():
            table[score_type][int(user)] = (score, coverage)
    return table


def assert_tables_agree(crux: dict[str, dict[int, float]], expected: dict, label: str) -> None:
    for score_type, rows in expected.items():
        mine = crux[score_type]
        # Metaculus writes no spot-peer row when nobody stood before the spot time; Crux gives
        # those forecasters a spot peer of 0.
        extra = set(mine) - set(rows)
        assert all(mine[u] == 0.0 for u in extra) and score_type == "spot_peer" or not extra, (
            f"{label} {score_type}: Crux scores users Metaculus does not: {sorted(extra)}")
        assert set(rows) <= set(mine), f"{label} {score_type}: users missing from Crux"
        for user, (score, _) in rows.items():
            assert abs(mine[user] - score) <= TOLERANCE, (
                f"{label} {score_type} user {user}: Crux {mine[user]!r}, expected {score!r}")


@pytest.mark.parametrize(("case", "result"), RESOLVED)
def test_crux_scores_equal_metaculus_own_code(case, result):
    scores, spot = crux_scores(case, result["resolution"])
    expected = expected_table(result)
    if case.get("gap"):
        # Metaculus' empty-gap quirk: the port reproduces their number with the quirk kept, and
        # Crux equals the port without it (the documented difference).
        quirky = port_scores(case, result["resolution"], keep_gap_quirk=True)
        assert_tables_agree({k: {u: v[0] for u, v in t.items()} for k, t in quirky.items()},
                            expected, "port with quirk")
        expected = port_scores(case, result["resolution"], keep_gap_quirk=False)
        assert expected["peer"] != quirky["peer"]
    assert_tables_agree(as_metaculus_table(scores, spot), expected, "Crux")
    for user, (_, coverage) in expected["baseline"].items():
        assert abs(scores[user].coverage - coverage) <= TOLERANCE


@pytest.mark.parametrize(("case", "result"), RESOLVED)
def test_the_port_reproduces_metaculus_numbers(case, result):
    mine = port_scores(case, result["resolution"], keep_gap_quirk=bool(case.get("gap")))
    expected = expected_table(result)
    for score_type, rows in expected.items():
        assert set(mine[score_type]) == set(rows)
        for user, (score, coverage) in rows.items():
            assert mine[score_type][user][0] == pytest.approx(score, abs=TOLERANCE)
            assert mine[score_type][user][1] == pytest.approx(coverage, abs=TOLERANCE)


def history_columns(case: dict) -> tuple[str, dict]:
    rows = case["forecasts"]
    kind = "multiple_choice" if case["kind"] == "multiple_choice" else "continuous"
    values = [[np.nan if v is None else v for v in (f.get("probabilities") or f["cdf"])]
              for f in rows]
    return kind, {
        "participants": np.array([f["participant"] for f in rows]),
        "values": np.array(values, dtype=float),
        "start_times": np.array([f["start"] for f in rows], dtype=float),
        "end_times": np.array([INF if f["end"] is None else f["end"] for f in rows]),
        "until": case["actual_close_time"],
    }


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_community_aggregates_equal_metaculus_recency_weighted_history(case):
    kind, columns = history_columns(case)
    crux = distribution_community_history(kind=kind, **columns)
    times = [t for t, _, _ in crux]
    question, forecasts = port_inputs(case)
    ported = dict(port_aggregation.reference_aggregate_history(question, forecasts))
    assert len(ported) == len(case["aggregates"])
    for entry in case["aggregates"]:
        theirs = np.array([np.nan if v is None else v for v in entry["values"]])
        # Crux's history starts at the first forecast, theirs at the open: compare the
        # aggregate in force at each of their moments.
        mine = crux[int(np.searchsorted(times, entry["time"], side="right")) - 1][1]
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-12)
        np.testing.assert_allclose(ported[entry["time"]], theirs, rtol=0, atol=1e-12)


# --- hand-computed cases --------------------------------------------------------------------------

LINEAR = ContinuousAxis(0.0, 1.0, None, False, False)
OPEN = ContinuousAxis(0.0, 1.0, None, True, True)
LOG = ContinuousAxis(1.0, 1000.0, 0.0, True, True)
UNIFORM = np.linspace(0.0, 1.0, 201)


@pytest.mark.parametrize(("resolution", "axis", "bucket"), [
    (0.0, LINEAR, 1),  # range_min is in the first inbound bucket, not below the range
    (1.0, LINEAR, 200),  # range_max is in the last inbound bucket
    (0.37, LINEAR, 74),  # on CDF point 74: the bucket to its left
    (0.3701, LINEAR, 75),
    ("below_lower_bound", OPEN, 0),
    ("above_upper_bound", OPEN, 201),
    (-0.5, OPEN, 0),  # a plain value beyond an open bound means the same
    (7.0, OPEN, 201),
    (1000.0 ** 0.5, LOG, 100),  # halfway along a log axis
    (0.5, LOG, 0),
])
def test_resolutions_land_in_metaculus_buckets(resolution, axis, bucket):
    assert resolution_bucket(resolution, axis) == bucket


@pytest.mark.parametrize(("resolution", "message"), [
    (-0.1, "below the range"), (1.5, "above the range"),
    ("below_lower_bound", "below the range"), ("sometime", "must be a number"),
    (math.nan, "finite"),
])
def test_a_resolution_beyond_a_closed_bound_or_garbage_is_refused(resolution, message):
    with pytest.raises(ValueError, match=message):
        resolution_bucket(resolution, LINEAR)


def test_a_log_axis_places_values_by_their_logarithm():
    assert unscaled_location(10.0, LOG) == pytest.approx(1 / 3)
    assert unscaled_location(1.0, LOG) == 0.0


def test_crps_of_a_uniform_forecast_is_a_twelfth_at_the_middle_and_a_third_at_an_end():
    # F(u) = u: integral_0^.5 u^2 + integral_.5^1 (1-u)^2 = 1/24 + 1/24; at u = 0: int (1-u)^2.
    assert crps([UNIFORM], 0.5, LINEAR)[0] == pytest.approx(1 / 12, abs=1e-12)
    assert crps([UNIFORM], 0.0, LINEAR)[0] == pytest.approx(1 / 3, abs=1e-12)
    assert crps([UNIFORM], 0.123, LINEAR)[0] == pytest.approx(
        (0.123 ** 3 + (1 - 0.123) ** 3) / 3, abs=1e-12)


def test_crps_rewards_the_sharper_forecast_when_it_is_right():
    ramp = np.linspace(0, 1, 201)
    sharp = np.clip((ramp - 0.45) / 0.1, 0, 1) * 0.998 + 0.002 * ramp
    assert crps([sharp], 0.5, LINEAR)[0] < crps([UNIFORM], 0.5, LINEAR)[0]
    assert crps([sharp], 0.9, LINEAR)[0] > crps([UNIFORM], 0.9, LINEAR)[0]


def test_pit_is_the_cdf_at_the_outcome_and_mid_mass_beyond_an_open_bound():
    cdf = 0.1 + 0.8 * UNIFORM  # 10% below, 10% above
    assert pit([cdf], 0.25, OPEN)[0] == pytest.approx(0.3)
    assert pit([cdf], "below_lower_bound", OPEN)[0] == pytest.approx(0.05)
    assert pit([cdf], 3.0, OPEN)[0] == pytest.approx(0.95)


def test_pit_histogram_shares_sum_to_one_and_intervals_hold_them():
    bins = pit_histogram([0.05, 0.15, 0.15, 0.95], [1.0, 1.0, 2.0, 0.0], n_bins=10)
    assert len(bins) == 10
    assert sum(b.share for b in bins) == pytest.approx(1.0)
    assert [b.count for b in bins][:2] == [1, 2] and bins[9].count == 0  # zero weight ignored
    assert bins[1].share == pytest.approx(0.75)
    assert all(b.ci_low <= b.share <= b.ci_high for b in bins)


def test_a_continuous_forecast_alone_all_window_scores_its_baseline_and_no_peer():
    # Uniform CDF, closed bounds: every bucket has 1/200 = the baseline mass, so baseline 0.
    scores = continuous_scores(
        resolution=0.3, axis=LINEAR, open_time=0.0, close_time=100.0, actual_close_time=100.0,
        participants=[1], cdfs=[UNIFORM], start_times=[0.0], end_times=[INF])
    assert scores[1].baseline == pytest.approx(0.0, abs=1e-9)
    assert scores[1].peer == 0.0 and scores[1].coverage == 1.0
    assert scores[1].crps == pytest.approx((0.3 ** 3 + 0.7 ** 3) / 3)


def test_continuous_peer_scores_of_a_claim_sum_to_zero():
    case = next(c for c in CASES if c["kind"] == "numeric" and not c.get("gap"))
    scores, _ = crux_scores(case, case["results"][0]["resolution"])
    assert sum(s.peer for s in scores.values()) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(("cdfs", "message"), [
    ([UNIFORM[::-1]], "must not decrease"),
    ([UNIFORM[:200]], "201 values"),
    ([np.where(UNIFORM > 2, 1, UNIFORM) * np.nan], r"\[0, 1\]"),
    ([np.concatenate([np.zeros(100), np.linspace(0, 1, 101)])], "no probability"),
])
def test_bad_cdfs_are_refused_with_a_reason(cdfs, message):
    with pytest.raises(ValueError, match=message):
        continuous_scores(resolution=0.2, axis=LINEAR, open_time=0.0, close_time=1.0,
                          actual_close_time=1.0, participants=[1], cdfs=cdfs,
                          start_times=[0.0], end_times=[INF])


def test_all_options_keeps_every_option_ever_offered_with_the_catch_all_last():
    history = [["a", "b", "Other"], ["a", "b", "c", "Other"], ["a", "c", "Other"]]
    assert all_options(history) == ["a", "b", "c", "Other"]


def test_a_multiple_choice_forecast_lacking_the_resolved_option_reads_the_catch_all():
    # Two options then (K = 2) and the resolution "c" added later: p = the catch-all's 0.4,
    # baseline 100 * ln(2 * 0.4) / ln 2.
    scores = multiple_choice_scores(
        resolution_index=2, open_time=0.0, close_time=10.0, actual_close_time=10.0,
        participants=[1], probabilities=[[0.6, np.nan, np.nan, 0.4]],
        start_times=[0.0], end_times=[INF])
    assert scores[1].baseline == pytest.approx(100 * math.log(0.8) / math.log(2))


@pytest.mark.parametrize(("probabilities", "message"), [
    ([[0.5, 0.5, np.nan]], "catch-all"),
    ([[0.0, 1.0]], "strictly between"),
    ([[np.nan, 0.9]], "at least two"),
    ([0.5, 0.5], "2-D"),
])
def test_bad_multiple_choice_forecasts_are_refused_with_a_reason(probabilities, message):
    with pytest.raises(ValueError, match=message):
        multiple_choice_scores(resolution_index=0, open_time=0.0, close_time=1.0,
                               actual_close_time=1.0, participants=[1] * len(probabilities),
                               probabilities=probabilities, start_times=[0.0] * len(probabilities),
                               end_times=[INF] * len(probabilities))


def test_community_cdf_is_the_plain_mean_of_two_and_recency_weighted_beyond():
    a, b, c = UNIFORM, UNIFORM ** 2, np.sqrt(UNIFORM)
    np.testing.assert_allclose(continuous_community_forecast([a, b]), (a + b) / 2)
    w = np.exp(np.sqrt([1.0, 2.0, 3.0]) - np.sqrt(3.0))
    np.testing.assert_allclose(continuous_community_forecast([a, b, c]),
                               (w[0] * a + w[1] * b + w[2] * c) / w.sum())


def test_community_multiple_choice_forecast_sums_to_one_and_keeps_missing_options_missing():
    aggregate = multiple_choice_community_forecast(
        [[0.2, np.nan, 0.8], [0.3, np.nan, 0.7], [0.5, np.nan, 0.5]])
    assert np.isnan(aggregate[1])
    assert np.nansum(aggregate) == pytest.approx(1.0)


@pytest.mark.parametrize("outcome", [0.0, 0.2345, 0.5, 0.995, 1.0, -3.0, 4.0])
def test_crps_equals_a_fine_numerical_integral_of_its_formula(outcome):
    cdfs = np.array([f["cdf"] for f in CASES[1]["forecasts"][:3]])  # open bounds, uneven
    u = np.linspace(0.0, 1.0, 100_001)
    y = min(max(outcome, 0.0), 1.0)
    for cdf, value in zip(cdfs, crps(cdfs, outcome, OPEN), strict=True):
        f = np.interp(u, np.linspace(0.0, 1.0, 201), cdf)
        integrand = (f - (u >= y)) ** 2
        assert value == pytest.approx(np.trapezoid(integrand, u), abs=2e-5)


def test_the_order_of_the_rows_does_not_change_any_score():
    case = next(c for c in CASES if "resolved early" in c["name"])
    resolution = case["results"][0]["resolution"]
    shuffled = {**case, "forecasts": list(reversed(case["forecasts"]))}
    assert crux_scores(case, resolution) == crux_scores(shuffled, resolution)


def test_overlapping_forecasts_of_one_participant_are_refused():
    with pytest.raises(ValueError, match="overlapping"):
        continuous_scores(resolution=0.2, axis=LINEAR, open_time=0.0, close_time=10.0,
                          actual_close_time=10.0, participants=[1, 1], cdfs=[UNIFORM, UNIFORM],
                          start_times=[0.0, 5.0], end_times=[INF, INF])


def test_a_claim_without_forecasts_scores_nobody():
    empty = {"participants": [], "cdfs": np.zeros((0, 201)), "start_times": [], "end_times": []}
    assert continuous_scores(resolution=0.2, axis=LINEAR, open_time=0.0, close_time=10.0,
                             actual_close_time=10.0, **empty) == {}
    assert continuous_spot_scores(resolution=0.2, axis=LINEAR, spot_time=5.0,
                                  actual_close_time=10.0, **empty) == {}


def test_a_forecast_made_at_the_spot_time_is_scored_against_the_ones_standing_before_it():
    # Rows 1 and 2 stood before t = 5; row 3 starts at 5. Its spot peer compares it with the
    # geometric mean of rows 1 and 2 (N = 2), not with itself.
    third = 0.5 * UNIFORM + 0.5 * UNIFORM ** 2
    spot = continuous_spot_scores(
        resolution=0.3, axis=LINEAR, spot_time=5.0, actual_close_time=10.0,
        participants=[1, 2, 3], cdfs=[UNIFORM, UNIFORM ** 2, third],
        start_times=[0.0, 1.0, 5.0], end_times=[INF, INF, INF])
    mass = [float(np.diff(c)[59]) for c in (UNIFORM, UNIFORM ** 2, third)]  # bucket 60
    mean = 0.5 * (math.log(mass[0]) + math.log(mass[1]))
    assert spot[3].peer == pytest.approx(100 * 2 * (math.log(mass[2]) - mean) / 2)
    assert spot[3].baseline == pytest.approx(100 * math.log(mass[2] * 200) / 2)
