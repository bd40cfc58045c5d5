"""Property tests for bets/scoring.py (hypothesis). Pure maths: no Django, no database."""

import functools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bets.claims.aggregation import community_forecast, community_history
from bets.scoring.maths import (
    binary_scores,
    calibration,
    rank,
)
from tests.scoring.scoring_reference import reference_binary_scores, reference_community_forecast

EPOCH = 1_735_689_600.0  # 2025-01-01: real timestamps, so precision problems would show
HOUR = 3_600.0
FIELDS = ("baseline", "peer", "coverage", "brier", "log")

probabilities = st.floats(min_value=0.001, max_value=0.999, allow_nan=False)


@st.composite
def claims(draw, max_participants=6):
    """A resolved claim with forecast histories on an hourly grid.

    A small integer grid makes coincident starts, ends, opens and closes common, which is where
    interval bookkeeping goes wrong. Each participant has back-to-back updates, sometimes a
    withdrawal gap (a dropped row), and ends standing or withdrawn.
    """
    open_hour = draw(st.integers(0, 10))
    close_hour = open_hour + draw(st.integers(1, 30))
    actual_close_hour = draw(st.integers(open_hour - 5, close_hour + 10))
    rows = []
    for k in range(draw(st.integers(1, max_participants))):
        participant = 1000 + 7 * k  # ids need not be small or contiguous
        cuts = sorted(draw(st.lists(st.integers(-5, 45), min_size=1, max_size=6)))
        ends = [*cuts[1:], math.inf] if draw(st.booleans()) else cuts[1:]
        for start, end in zip(cuts, ends, strict=False):
            if draw(st.integers(0, 4)) == 0:
                continue  # withdrawn for this stretch
            rows.append((participant, draw(probabilities), start, end))
    if not rows:
        rows.append((1, draw(probabilities), open_hour, math.inf))
    pid, p, start, end = zip(*rows, strict=True)
    return {
        "outcome": draw(st.booleans()),
        "open_time": EPOCH + open_hour * HOUR,
        "close_time": EPOCH + close_hour * HOUR,
        "actual_close_time": EPOCH + actual_close_hour * HOUR,
        "participants": np.array(pid, dtype=np.int64),
        "probabilities": np.array(p),
        "start_times": EPOCH + np.array(start, dtype=float) * HOUR,
        "end_times": EPOCH + np.array(end, dtype=float) * HOUR,
    }


@settings(max_examples=300, deadline=None)
@given(claims())
def test_scores_agree_with_the_metaculus_reference(claim):
    reference = reference_binary_scores(**claim)
    scores = binary_scores(**claim)
    assert set(scores) == set(reference)
    for participant, ref in reference.items():
        for name in FIELDS:
            assert getattr(scores[participant], name) == pytest.approx(
                ref[name], rel=1e-6, abs=1e-6
            ), (participant, name)


@settings(max_examples=300, deadline=None)
@given(claims(max_participants=10))
def test_peer_scores_of_a_claim_sum_to_zero(claim):
    scores = binary_scores(**claim)
    assert abs(sum(s.peer for s in scores.values())) < 1e-6


@settings(max_examples=200, deadline=None)
@given(claims())
def test_coverage_lies_between_zero_and_one_and_only_covered_participants_appear(claim):
    scores = binary_scores(**claim)
    assert all(0 < s.coverage <= 1 + 1e-12 for s in scores.values())
    assert sum(s.coverage for s in scores.values()) <= len(scores) + 1e-9


@settings(max_examples=200, deadline=None)
@given(claims(), st.data())
def test_permuting_rows_does_not_change_the_scores(claim, data):
    n = len(claim["participants"])
    order = np.array(data.draw(st.permutations(range(n))), dtype=np.int64)
    shuffled = {
        **claim,
        **{
            k: claim[k][order]
            for k in ("participants", "probabilities", "start_times", "end_times")
        },
    }
    before, after = binary_scores(**claim), binary_scores(**shuffled)
    assert set(before) == set(after)
    for participant in before:
        for name in FIELDS:
            assert getattr(after[participant], name) == pytest.approx(
                getattr(before[participant], name), rel=1e-9, abs=1e-9
            )


@settings(max_examples=200, deadline=None)
@given(claims())
def test_asking_the_opposite_question_gives_the_same_scores(claim):
    # "Will X happen?" resolving yes, forecast p, is "Will X not happen?" resolving no, 1 - p.
    flipped = {
        **claim,
        "outcome": not claim["outcome"],
        "probabilities": 1 - claim["probabilities"],
    }
    original, mirror = binary_scores(**claim), binary_scores(**flipped)
    for participant, s in original.items():
        for name in FIELDS:
            assert getattr(mirror[participant], name) == pytest.approx(
                getattr(s, name), rel=1e-9, abs=1e-9
            )


# --- propriety -----------------------------------------------------------------------------------

GRID = tuple(round(0.01 * k, 2) for k in range(1, 100))


@functools.cache
def _lone_scores(p: float, outcome: bool):
    """Scores of one forecaster holding p over the whole window: the rule S(p, outcome) itself."""
    scores = binary_scores(
        outcome=outcome, open_time=0.0, close_time=1.0, actual_close_time=1.0,
        participants=np.array([1]), probabilities=np.array([p]),
        start_times=np.array([0.0]), end_times=np.array([math.inf]),
    )  # fmt: skip
    return scores[1]


def _expected(q: float, p: float, name: str) -> float:
    """Expected score of reporting p when the truth is yes with probability q."""
    if_yes = getattr(_lone_scores(p, True), name)
    if_no = getattr(_lone_scores(p, False), name)
    return q * if_yes + (1 - q) * if_no


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(GRID), st.sampled_from(["baseline", "log", "brier"]))
def test_scores_are_proper_so_honesty_is_the_best_policy(q, name):
    expected = {p: _expected(q, p, name) for p in GRID}
    best = max(expected, key=expected.get) if name != "brier" else min(expected, key=expected.get)
    assert best == q


# --- community forecast, history, calibration, rank -----------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.lists(probabilities, min_size=1, max_size=40))
def test_community_forecast_agrees_with_the_metaculus_reference(ps):
    assert community_forecast(np.array(ps)) == pytest.approx(
        reference_community_forecast(ps), abs=1e-12
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(probabilities, min_size=1, max_size=40))
def test_community_forecast_lies_within_the_forecasts(ps):
    assert min(ps) <= community_forecast(np.array(ps)) <= max(ps)


@settings(max_examples=100, deadline=None)
@given(claims())
def test_community_history_counts_the_forecasts_standing_at_each_point(claim):
    rows = {k: claim[k] for k in ("participants", "probabilities", "start_times", "end_times")}
    history = community_history(**rows, until=claim["close_time"])
    times = [t for t, _, _ in history]
    assert times == sorted(set(times))
    start, end = claim["start_times"], claim["end_times"]
    for t, forecast, n in history:
        standing = (start <= t) & (end > t)
        assert n == int(standing.sum()) >= 1
        assert t <= claim["close_time"]
        assert claim["probabilities"][standing].min() <= forecast
        assert forecast <= claim["probabilities"][standing].max()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 1), st.booleans(), st.floats(0, 1e6, allow_subnormal=False)),
        max_size=60,
    ),
    st.integers(1, 20),
)
def test_calibration_bins_are_ordered_and_their_intervals_hold_the_frequency(rows, n_bins):
    p = [r[0] for r in rows]
    o = [r[1] for r in rows]
    w = [r[2] for r in rows]
    bins = calibration(probabilities=p, outcomes=o, weights=w, n_bins=n_bins)
    assert [b.lower for b in bins] == sorted({b.lower for b in bins})
    assert sum(b.count for b in bins) == sum(1 for x in w if x > 0)
    for b in bins:
        assert b.lower - 1e-12 <= b.mean_forecast <= b.upper + 1e-12
        assert 0 <= b.ci_low <= b.observed_frequency + 1e-12
        assert b.ci_low < b.ci_high  # a finite sample never pins the frequency down exactly
        assert b.observed_frequency - 1e-12 <= b.ci_high <= 1


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.integers(0, 50), st.floats(-100, 100), max_size=20),
    st.booleans(),
    st.data(),
)
def test_rank_is_a_deterministic_permutation_of_the_ids(values, higher_is_better, data):
    tiebreak = {k: (data.draw(st.integers(0, 2)),) for k in values}
    ranked = rank(values, higher_is_better=higher_is_better, tiebreak=tiebreak)
    assert sorted(ranked) == sorted(values)
    reordered = dict(reversed(list(values.items())))
    assert rank(reordered, higher_is_better=higher_is_better, tiebreak=tiebreak) == ranked
    ordered = [values[k] for k in ranked]
    assert ordered == sorted(ordered, reverse=higher_is_better)
