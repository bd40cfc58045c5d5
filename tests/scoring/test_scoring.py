"""Hand-computed cases for bets/scoring.py. Pure maths: no Django, no database.

Notation in the comments: S(p) = 100*(log2 p + 1) is the baseline of a forecast that gave p to
what happened; window = close - open; "x w" means "times the fraction of the window".
"""

import math

import numpy as np
import pytest

from bets.claims.aggregation import community_forecast, community_history
from bets.scoring.maths import (
    CalibrationBin,
    ParticipantScores,
    binary_scores,
    calibration,
    rank,
)
from tests.scoring.scoring_reference import reference_binary_scores

INF = math.inf
LN = math.log


def columns(rows):
    """rows: (participant, P(yes), start, end) -> the keyword arrays binary_scores takes."""
    pid, p, start, end = zip(*rows, strict=True) if rows else ((), (), (), ())
    return {
        "participants": np.array(pid, dtype=np.int64),
        "probabilities": np.array(p, dtype=float),
        "start_times": np.array(start, dtype=float),
        "end_times": np.array(end, dtype=float),
    }


def score(rows, *, outcome, open_time=0.0, close_time=100.0, actual_close_time=100.0):
    return binary_scores(
        outcome=outcome,
        open_time=open_time,
        close_time=close_time,
        actual_close_time=actual_close_time,
        **columns(rows),
    )


# Each case: rows, window, outcome, and the expected (baseline, peer, coverage, brier, log) per
# participant. Window is open 0, close 100, actual close 100 unless the case says otherwise.
CASES = {
    # S(0.8) = 100*(log2 0.8 + 1) = 100*(1 - 0.321928) = 67.807191; Brier (0.8-1)^2 = 0.04;
    # log ln 0.8 = -0.223144. Alone all the time: peer 0.
    "single forecaster, full window, yes": (
        [(1, 0.8, 0, INF)],
        {},
        True,
        {1: (67.807191, 0.0, 1.0, 0.04, -0.223144)},
    ),
    # p_o = 0.2: S = 100*(log2 0.2 + 1) = 100*(-2.321928 + 1) = -132.192809; Brier 0.8^2 = 0.64.
    "single forecaster, full window, no": (
        [(1, 0.8, 0, INF)],
        {},
        False,
        {1: (-132.192809, 0.0, 1.0, 0.64, -1.609438)},
    ),
    # Stands on [50, 100): 67.807191 x 0.5 = 33.903595. Brier/log are means over the time it
    # stood, so they do not halve.
    "forecast covering half the window": (
        [(1, 0.8, 50, INF)],
        {},
        True,
        {1: (33.903595, 0.0, 0.5, 0.04, -0.223144)},
    ),
    # Two forecasters, N = 2: 100 * 2 * ln(p_a / sqrt(p_a p_b)) = 100 * ln(p_a / p_b).
    # yes: 100 ln(0.8/0.5) = 47.000363; S(0.5) = 0.
    "two forecasters, yes": (
        [(1, 0.8, 0, INF), (2, 0.5, 0, INF)],
        {},
        True,
        {
            1: (67.807191, 47.000363, 1.0, 0.04, -0.223144),
            2: (0.0, -47.000363, 1.0, 0.25, -0.693147),
        },
    ),
    # no: 100 ln(0.2/0.5) = 100 ln 0.4 = -91.629073.
    "two forecasters, no": (
        [(1, 0.8, 0, INF), (2, 0.5, 0, INF)],
        {},
        False,
        {
            1: (-132.192809, -91.629073, 1.0, 0.64, -1.609438),
            2: (0.0, 91.629073, 1.0, 0.25, -0.693147),
        },
    ),
    # The second forecaster arrives at 50: the first is alone on [0, 50) (peer 0), then
    # 47.000363 x 0.5 = 23.500181.
    "two forecasters, one arrives halfway": (
        [(1, 0.8, 0, INF), (2, 0.5, 50, INF)],
        {},
        True,
        {
            1: (67.807191, 23.500181, 1.0, 0.04, -0.223144),
            2: (0.0, -23.500181, 0.5, 0.25, -0.693147),
        },
    ),
    # A: 0.5 from 0. B: 0.8 on [20, 60), then 0.9 from 60. C: 0.25 from 50. Outcome yes.
    # [0,20): A alone, 0.  [20,50): N=2, A 100 ln(0.5/0.8) = -47.000363, B +47.000363.
    # [50,60): N=3, G = (0.5*0.8*0.25)^(1/3) = 0.1^(1/3) = 0.464159, factor 3/2:
    #   A 150 ln(0.5/G) = 11.157178, B 150 ln(0.8/G) = 81.657722, C 150 ln(0.25/G) = -92.814900.
    # [60,100): G = (0.5*0.9*0.25)^(1/3) = 0.482745:
    #   A 150 ln(0.5/G) = 5.268026, B 150 ln(0.9/G) = 93.436026, C 150 ln(0.25/G) = -98.704051.
    # A = (-47.000363*30 + 11.157178*10 + 5.268026*40)/100 = -10.877181
    # B = (47.000363*30 + 81.657722*10 + 93.436026*40)/100 = 59.640291
    # C = (-92.814900*10 - 98.704051*40)/100 = -48.763110          (sum 0)
    # Baseline B = (S(0.8)*40 + S(0.9)*40)/100 = (67.807191 + 84.799691)*0.4 = 61.042752,
    # C = S(0.25) x 0.5 = -100 x 0.5 = -50. Brier B = (0.04*40 + 0.01*40)/80 = 0.025,
    # log B = (ln 0.8 + ln 0.9)/2 = -0.164252.
    "three forecasters with staggered updates, yes": (
        [
            (1, 0.5, 0, INF),
            (2, 0.8, 20, 60),
            (2, 0.9, 60, INF),
            (3, 0.25, 50, INF),
        ],
        {},
        True,
        {
            1: (0.0, -10.877181, 1.0, 0.25, -0.693147),
            2: (61.042752, 59.640291, 0.8, 0.025, -0.164252),
            3: (-50.0, -48.763110, 0.5, 0.5625, -1.386294),
        },
    ),
    # Same rows, outcome no: p_o are A 0.5, B 0.2 then 0.1, C 0.75.
    # [20,50): A 100 ln(0.5/0.2) = 91.629073, B -91.629073.
    # [50,60): G = (0.5*0.2*0.75)^(1/3) = 0.421716: A 150 ln(0.5/G) = 25.537,
    #   B 150 ln(0.2/G) = -111.907, C 150 ln(0.75/G) = 86.370.
    # [60,100): G = (0.5*0.1*0.75)^(1/3) = 0.334716: A 150 ln(0.5/G) = 60.195,
    #   B 150 ln(0.1/G) = -181.199, C 150 ln(0.75/G) = 121.004.
    # A = (91.629073*30 + 25.537*10 + 60.195*40)/100 = 54.122306
    # B = (-91.629073*30 - 111.907*10 - 181.199*40)/100 = -111.165773
    # C = (86.370*10 + 121.004*40)/100 = 57.043467
    # Baseline B = (S(0.2) + S(0.1))*0.4 = (-132.192809 - 232.192809)*0.4 = -145.754248,
    # C = S(0.75) x 0.5 = 58.496250 x 0.5 = 29.248125. Brier B = (0.64 + 0.81)/2 = 0.725.
    "three forecasters with staggered updates, no": (
        [
            (1, 0.5, 0, INF),
            (2, 0.8, 20, 60),
            (2, 0.9, 60, INF),
            (3, 0.25, 50, INF),
        ],
        {},
        False,
        {
            1: (0.0, 54.122306, 1.0, 0.25, -0.693147),
            2: (-145.754248, -111.165773, 0.8, 0.725, -1.956012),
            3: (29.248125, 57.043467, 0.5, 0.0625, -0.287682),
        },
    ),
    # Resolved at 50 although scheduled to close at 100: stands on [0, 50) but is divided by
    # the scheduled window, 67.807191 x 0.5 = 33.903595 (Metaculus does the same).
    "actual close before scheduled close": (
        [(1, 0.8, 0, INF)],
        {"actual_close_time": 50.0},
        True,
        {1: (33.903595, 0.0, 0.5, 0.04, -0.223144)},
    ),
    # A resolution after the scheduled close changes nothing: the window ends at close.
    "actual close after scheduled close": (
        [(1, 0.8, 0, INF)],
        {"actual_close_time": 500.0},
        True,
        {1: (67.807191, 0.0, 1.0, 0.04, -0.223144)},
    ),
    # Forecasts made before the claim opened count from open_time only. The 0.3 forecast on
    # [-50, -10) never stood inside the window, so it affects nothing.
    "forecasts starting before open_time": (
        [(1, 0.3, -50, -10), (1, 0.8, -10, INF)],
        {},
        True,
        {1: (67.807191, 0.0, 1.0, 0.04, -0.223144)},
    ),
    # Withdrawn at 25: S(0.8) x 0.25 = 16.951798.
    "a forecast withdrawn with a finite end": (
        [(1, 0.8, 0, 25)],
        {},
        True,
        {1: (16.951798, 0.0, 0.25, 0.04, -0.223144)},
    ),
    # One participant updates 0.6 -> 0.9 at 40, yes:
    # S(0.6) x 0.4 + S(0.9) x 0.6 = 26.303441*0.4 + 84.799691*0.6 = 61.401191
    # Brier (0.16*40 + 0.01*60)/100 = 0.07; log (ln 0.6 *40 + ln 0.9 *60)/100 = -0.267547.
    "one forecaster who updates, yes": (
        [(1, 0.6, 0, 40), (1, 0.9, 40, INF)],
        {},
        True,
        {1: (61.401191, 0.0, 1.0, 0.07, -0.267547)},
    ),
    # Same, no: S(0.4) x 0.4 + S(0.1) x 0.6 = -32.192809*0.4 - 232.192809*0.6 = -152.192809
    # Brier (0.36*40 + 0.81*60)/100 = 0.63; log (ln 0.4 *40 + ln 0.1 *60)/100 = -1.748067.
    "one forecaster who updates, no": (
        [(1, 0.6, 0, 40), (1, 0.9, 40, INF)],
        {},
        False,
        {1: (-152.192809, 0.0, 1.0, 0.63, -1.748067)},
    ),
    # Withdrawal and return: 0.8 on [0, 20), nothing on [20, 60), 0.8 again from 60.
    # Covered 20 + 40 = 60: baseline S(0.8) x 0.6 = 40.684314.
    "a forecaster who withdraws and comes back": (
        [(1, 0.8, 0, 20), (1, 0.8, 60, INF)],
        {},
        True,
        {1: (40.684314, 0.0, 0.6, 0.04, -0.223144)},
    ),
    # Both stand on [0, 50) then withdraw at the same instant; a third arrives at 80.
    # Peer accrues only on [0, 50): 100 ln(0.8/0.5) x 0.5 = 23.500181; the newcomer is alone.
    # (Metaculus' TODO would stretch the [0, 50) comparison to 80: see the quirk test.)
    "everyone withdraws at once, then a newcomer arrives": (
        [(1, 0.8, 0, 50), (2, 0.5, 0, 50), (3, 0.6, 80, INF)],
        {},
        True,
        {
            1: (33.903595, 23.500181, 0.5, 0.04, -0.223144),
            2: (0.0, -23.500181, 0.5, 0.25, -0.693147),
            3: (26.303441 * 0.2, 0.0, 0.2, 0.16, -0.510826),
        },
    ),
    # Scaled to real epoch seconds: a 30-day window from 2025-01-01, half covered.
    "epoch-second times keep their precision": (
        [(7, 0.8, 1_735_689_600 + 15 * 86_400, INF)],
        {
            "open_time": 1_735_689_600.0,
            "close_time": 1_735_689_600.0 + 30 * 86_400,
            "actual_close_time": 1_735_689_600.0 + 30 * 86_400,
        },
        True,
        {7: (33.903595, 0.0, 0.5, 0.04, -0.223144)},
    ),
}


@pytest.mark.parametrize(("rows", "window", "outcome", "expected"), CASES.values(), ids=CASES)
def test_binary_scores_match_hand_computed_values(rows, window, outcome, expected):
    scores = score(rows, outcome=outcome, **window)
    assert set(scores) == set(expected)
    for participant, (baseline, peer, coverage, brier, log) in expected.items():
        got = scores[participant]
        assert got.baseline == pytest.approx(baseline, abs=1e-5)
        assert got.peer == pytest.approx(peer, abs=1e-5)
        assert got.coverage == pytest.approx(coverage, abs=1e-9)
        assert got.brier == pytest.approx(brier, abs=1e-6)
        assert got.log == pytest.approx(log, abs=1e-6)


@pytest.mark.parametrize(("rows", "window", "outcome", "expected"), CASES.values(), ids=CASES)
def test_hand_computed_cases_agree_with_the_metaculus_reference(rows, window, outcome, expected):
    kwargs = {"open_time": 0.0, "close_time": 100.0, "actual_close_time": 100.0, **window}
    reference = reference_binary_scores(outcome=outcome, **kwargs, **columns(rows))
    scores = score(rows, outcome=outcome, **window)
    assert set(reference) == set(scores)
    for participant, ref in reference.items():
        for name, value in ref.items():
            assert getattr(scores[participant], name) == pytest.approx(value, abs=1e-6)


def test_lone_forecaster_gets_zero_peer_score():
    assert score([(1, 0.9, 0, INF)], outcome=True)[1].peer == 0.0


def test_participant_without_time_in_the_window_gets_no_row():
    rows = [(1, 0.8, 0, INF), (2, 0.7, 150, INF), (3, 0.7, -20, -5), (4, 0.6, 30, 30)]
    assert set(score(rows, outcome=True)) == {1}


def test_forecast_made_after_an_early_resolution_gets_no_row():
    rows = [(1, 0.8, 0, INF), (2, 0.7, 60, INF)]
    assert set(score(rows, outcome=True, actual_close_time=50.0)) == {1}


def test_claim_without_forecasts_scores_nobody():
    assert score([], outcome=True) == {}


def test_result_is_a_dict_of_participant_scores_keyed_by_plain_ints():
    scores = score([(np.int64(5), 0.8, 0, INF)], outcome=True)
    [(key, value)] = scores.items()
    assert type(key) is int
    assert isinstance(value, ParticipantScores)
    assert all(type(getattr(value, f)) is float for f in ParticipantScores.__dataclass_fields__)


def test_metaculus_gap_quirk_is_the_only_known_difference():
    # Metaculus' get_geometric_means skips the empty moment at 50, so the [0, 50) comparison
    # runs on to 80 and both peer scores are inflated by 30/50 = 60 %.
    rows = [(1, 0.8, 0, 50), (2, 0.5, 0, 50), (3, 0.6, 80, INF)]
    kwargs = {"outcome": True, "open_time": 0.0, "close_time": 100.0, "actual_close_time": 100.0}
    quirky = reference_binary_scores(**kwargs, **columns(rows), keep_gap_quirk=True)
    assert quirky[1]["peer"] == pytest.approx(47.000363 * 0.8, abs=1e-5)
    assert score(rows, outcome=True)[1].peer == pytest.approx(47.000363 * 0.5, abs=1e-5)


BAD_INPUTS = {
    "probability of exactly 1": ([(1, 1.0, 0, INF)], {}, ValueError),
    "probability of 0": ([(1, 0.0, 0, INF)], {}, ValueError),
    "NaN probability": ([(1, math.nan, 0, INF)], {}, ValueError),
    "end before start": ([(1, 0.5, 10, 5)], {}, ValueError),
    "infinite start": ([(1, 0.5, -INF, 5)], {}, ValueError),
    "overlapping rows of one participant": ([(1, 0.5, 0, 50), (1, 0.6, 40, INF)], {}, ValueError),
    "two standing rows of one participant": ([(1, 0.5, 0, INF), (1, 0.6, 40, INF)], {}, ValueError),
    "close before open": ([(1, 0.5, 0, INF)], {"close_time": -1.0}, ValueError),
    "empty window": ([(1, 0.5, 0, INF)], {"close_time": 0.0}, ValueError),
    "NaN actual close": ([(1, 0.5, 0, INF)], {"actual_close_time": math.nan}, ValueError),
}


@pytest.mark.parametrize(("rows", "window", "error"), BAD_INPUTS.values(), ids=BAD_INPUTS)
def test_bad_input_is_refused_with_a_clear_error(rows, window, error):
    with pytest.raises(error):
        score(rows, outcome=True, **window)


def test_participant_ids_must_be_integers():
    with pytest.raises(TypeError):
        binary_scores(
            outcome=True, open_time=0, close_time=1, actual_close_time=1,
            participants=np.array(["a"]), probabilities=np.array([0.5]),
            start_times=np.array([0.0]), end_times=np.array([INF]),
        )  # fmt: skip


def test_back_to_back_rows_and_a_same_instant_resubmission_are_not_overlaps():
    # [0,40) then [40,40) then [40,inf): a participant who submitted twice in the same second.
    rows = [(1, 0.6, 0, 40), (1, 0.7, 40, 40), (1, 0.9, 40, INF)]
    assert score(rows, outcome=True)[1].baseline == pytest.approx(61.401191, abs=1e-5)


# --- community forecast ------------------------------------------------------------------------

COMMUNITY_CASES = {
    "one forecast is its own median": ([0.3], 0.3),
    # Two forecasts are unweighted: cumulative weights [0.5, 1] -> mean of both = 0.4.
    "two forecasts average": ([0.2, 0.6], 0.4),
    # Weights exp(sqrt(k) - sqrt(3)) = 0.480922, 0.727721, 1; sorted values keep that order;
    # normalised cumulative 0.217746, 0.547228, 1 -> first > 0.5 is 0.5.
    "three forecasts": ([0.1, 0.5, 0.9], 0.5),
    # Weights exp(sqrt(k) - 2) = 0.367879, 0.556668, 0.764947, 1 (sum 2.689494) for 0.1, 0.2,
    # 0.9, 0.8. Sorted: 0.1 (.367879), 0.2 (.556668), 0.8 (1), 0.9 (.764947); cumulative
    # 0.136783, 0.343762, 0.715578 -> 0.8. The unweighted median would be 0.5.
    "recent forecasts weigh more": ([0.1, 0.2, 0.9, 0.8], 0.8),
    # Reversed order: 0.8 is now the oldest (weight .367879), 0.9 .556668, 0.2 .764947,
    # 0.1 1. Sorted: 0.1 (1), 0.2 (.764947): cumulative 0.371817, 0.656235 -> 0.2.
    "the same forecasts in the opposite order": ([0.8, 0.9, 0.2, 0.1], 0.2),
}


@pytest.mark.parametrize(
    ("probabilities", "expected"), COMMUNITY_CASES.values(), ids=COMMUNITY_CASES
)
def test_community_forecast_is_the_recency_weighted_median(probabilities, expected):
    assert community_forecast(np.array(probabilities)) == pytest.approx(expected, abs=1e-12)


def test_community_forecast_of_nobody_is_refused():
    with pytest.raises(ValueError):
        community_forecast(np.array([]))


def test_community_history_records_every_change_of_the_standing_set():
    # A 0.2 from 0; B 0.6 on [10, 30); C 0.9 from 20; A updates to 0.7 at 25.
    #  0: {A}          -> 0.2
    # 10: {A, B}       -> (0.2 + 0.6)/2 = 0.4
    # 20: {A, B, C}    -> weights .480922 .727721 1 on 0.2 0.6 0.9 -> cumulative .2177 .5472 -> 0.6
    # 25: {B, C, A'}   -> oldest first 0.6 (.480922), 0.9 (.727721), 0.7 (1); sorted 0.6, 0.7,
    #                     0.9 -> cumulative .2177, .6705 -> 0.7
    # 30: {C, A'}      -> (0.9 + 0.7)/2 = 0.8
    # 45 is after `until`.
    rows = [(1, 0.2, 0, 25), (2, 0.6, 10, 30), (3, 0.9, 20, 45), (1, 0.7, 25, INF)]
    history = community_history(**columns(rows), until=40.0)
    assert [t for t, _, _ in history] == [0.0, 10.0, 20.0, 25.0, 30.0]
    assert [n for _, _, n in history] == [1, 2, 3, 3, 2]
    assert [c for _, c, _ in history] == pytest.approx([0.2, 0.4, 0.6, 0.7, 0.8], abs=1e-12)


def test_community_history_skips_moments_when_nothing_stands_and_resumes_after():
    rows = [(1, 0.2, 0, 10), (2, 0.6, 20, INF)]
    assert community_history(**columns(rows), until=100.0) == [(0.0, 0.2, 1), (20.0, 0.6, 1)]


def test_community_history_ignores_a_zero_length_row():
    rows = [(1, 0.2, 0, INF), (2, 0.6, 10, 10)]
    assert community_history(**columns(rows), until=100.0) == [(0.0, 0.2, 1)]


# --- calibration -------------------------------------------------------------------------------


def test_calibration_bins_by_time_weight_with_wilson_intervals():
    # z = 1.959964 for 95 %.
    # [0.0, 0.1): 0.05 (w 1, no): mean 0.05, freq 0, n_eff 1. Wilson: z^2/n = 3.841459,
    #   centre = (0 + 1.920729)/4.841459 = 0.396725, half = z/4.841459 * sqrt(3.841459/4)
    #   = 0.396725 -> [0, 0.793451].
    # [0.1, 0.2): 0.15 (w 1, yes), 0.12 (w 3, no): mean (0.15 + 0.36)/4 = 0.1275,
    #   freq 1/4 = 0.25, weight 4, n_eff 4^2/(1 + 9) = 1.6. z^2/n = 2.400912,
    #   centre = (0.25 + 1.200456)/3.400912 = 0.426490,
    #   half = 1.959964/3.400912 * sqrt(0.1171875 + 0.375142) = 0.404372 -> [0.022119, 0.830862]
    # [0.9, 1.0]: p = 1.0 lands in the last bin; w 4, yes: freq 1, n_eff 1 (one row).
    # The 0.5 row has weight 0: it never stood, so no bin for it.
    bins = calibration(
        probabilities=[0.05, 0.15, 0.12, 0.5, 1.0],
        outcomes=[False, True, False, True, True],
        weights=[1.0, 1.0, 3.0, 0.0, 4.0],
    )
    expected = [
        CalibrationBin(0.0, 0.1, 0.05, 0.0, 1, 1.0, 0.0, 0.793451),
        CalibrationBin(0.1, 0.2, 0.1275, 0.25, 2, 4.0, 0.022119, 0.830862),
        CalibrationBin(0.9, 1.0, 1.0, 1.0, 1, 4.0, 0.206549, 1.0),
    ]
    assert len(bins) == len(expected)
    for got, want in zip(bins, expected, strict=True):
        for field in CalibrationBin.__dataclass_fields__:
            assert getattr(got, field) == pytest.approx(getattr(want, field), abs=1e-6), field


def test_calibration_puts_a_forecast_on_a_bin_edge_into_the_upper_bin():
    [only] = calibration(probabilities=[0.57], outcomes=[1], weights=[1.0], n_bins=100)
    assert (only.lower, only.upper) == (0.57, 0.58)


def test_calibration_does_not_depend_on_the_unit_of_the_weights():
    kwargs = {"probabilities": [0.15, 0.12, 0.18], "outcomes": [1, 0, 1]}
    in_seconds = calibration(**kwargs, weights=[1.0, 3.0, 2.0])
    in_tiny_units = calibration(**kwargs, weights=[1e-200, 3e-200, 2e-200])
    for a, b in zip(in_seconds, in_tiny_units, strict=True):
        assert (a.mean_forecast, a.observed_frequency) == pytest.approx(
            (b.mean_forecast, b.observed_frequency), abs=1e-12
        )
        assert (a.ci_low, a.ci_high) == pytest.approx((b.ci_low, b.ci_high), abs=1e-12)


def test_calibration_of_nothing_is_an_empty_list():
    assert calibration(probabilities=[], outcomes=[], weights=[]) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"probabilities": [1.5], "outcomes": [1], "weights": [1.0]},
        {"probabilities": [0.5], "outcomes": [2], "weights": [1.0]},
        {"probabilities": [0.5], "outcomes": [1], "weights": [-1.0]},
        {"probabilities": [0.5], "outcomes": [1], "weights": [1.0], "n_bins": 0},
        {"probabilities": [0.5], "outcomes": [1], "weights": [1.0], "confidence": 1.0},
        {"probabilities": [0.5, 0.6], "outcomes": [1], "weights": [1.0]},
    ],
)
def test_calibration_refuses_bad_input(kwargs):
    with pytest.raises(ValueError):
        calibration(**kwargs)


# --- ranking -----------------------------------------------------------------------------------

RANK_CASES = {
    "higher is better": ({1: 5.0, 2: 7.0, 3: 1.0}, True, {}, [2, 1, 3]),
    "lower is better": ({1: 5.0, 2: 7.0, 3: 1.0}, False, {}, [3, 1, 2]),
    "tie broken by the tiebreak tuple": (
        {1: 5.0, 2: 7.0, 3: 5.0}, True, {1: (2,), 2: (0,), 3: (1,)}, [2, 3, 1],
    ),
    "tie on value and tiebreak falls back to id": (
        {9: 5.0, 4: 5.0, 6: 5.0}, True, {9: (1,), 4: (1,), 6: (1,)}, [4, 6, 9],
    ),
    "NaN goes last whichever direction": ({1: math.nan, 2: 1.0, 3: 2.0}, False, {}, [2, 3, 1]),
}  # fmt: skip


@pytest.mark.parametrize(
    ("values", "higher_is_better", "tiebreak", "expected"), RANK_CASES.values(), ids=RANK_CASES
)
def test_rank_orders_by_value_then_tiebreak_then_id(values, higher_is_better, tiebreak, expected):
    assert rank(values, higher_is_better=higher_is_better, tiebreak=tiebreak) == expected
