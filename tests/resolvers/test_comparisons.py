"""Properties of the comparison every criterion rests on (value, stderr, bar, confidence)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.criteria._common import all_of, combined, compare, z_for

values = st.floats(min_value=-10, max_value=10, allow_nan=False)
stderrs = st.floats(min_value=0, max_value=5, allow_nan=False)
confidences = st.floats(min_value=0.01, max_value=0.999)


@given(values, values)
def test_without_confidence_the_verdict_is_the_plain_comparison(value, bar):
    outcome = compare(value, None, bar, None).outcome
    assert outcome == ("yes" if value >= bar - 1e-9 else "no")


@given(values, stderrs, values, confidences, confidences)
def test_asking_for_more_confidence_never_turns_a_no_into_yes_or_a_yes_into_no(
        value, stderr, bar, c1, c2):
    low, high = sorted((c1, c2))
    loose, strict = compare(value, stderr, bar, low), compare(value, stderr, bar, high)
    if strict.outcome != "inconclusive":
        assert loose.outcome == strict.outcome
    assert {loose.outcome, strict.outcome} != {"yes", "no"}


@given(values, stderrs, values, confidences)
def test_a_confident_verdict_agrees_with_the_plain_one(value, stderr, bar, confidence):
    confident = compare(value, stderr, bar, confidence).outcome
    if confident != "inconclusive":
        assert confident == compare(value, None, bar, None).outcome


@given(values, values, confidences)
def test_an_unknown_stderr_under_a_confidence_requirement_is_inconclusive(value, bar, c):
    result = compare(value, None, bar, c)
    assert result.outcome == "inconclusive" and "no reported stderr" in result.why


@given(values, values)
def test_at_most_is_the_mirror_of_at_least(value, bar):
    assert (compare(value, None, bar, None, at_most=True).outcome == "yes") == (
        value <= bar + 1e-9)


def test_strict_comparison_refuses_equality_and_plain_accepts_it():
    assert compare(0.0, None, 0.0, None, strict=True).outcome == "no"
    assert compare(0.0, None, 0.0, None).outcome == "yes"
    assert compare(0.9 - 0.5, None, 0.4, None).outcome == "yes"  # float noise tolerated


def test_the_interval_is_two_sided_normal():
    assert z_for(0.95) == pytest.approx(1.959964, abs=1e-6)
    result = compare(0.4, 0.1, 0.1, 0.95)
    assert (result.lower, result.upper) == pytest.approx((0.4 - 0.196, 0.4 + 0.196), abs=1e-4)


def test_stderr_of_a_difference_adds_in_quadrature_and_unknown_stays_unknown():
    assert combined(0.3, 0.4) == pytest.approx(0.5)
    assert combined(0.3, None) is None


@given(st.lists(st.sampled_from(["yes", "no", "inconclusive"]), min_size=1))
def test_a_conjunction_is_no_if_any_part_is_no_and_yes_only_if_all_are(outcomes):
    result = all_of(outcomes)
    if "no" in outcomes:
        assert result == "no"
    elif all(o == "yes" for o in outcomes):
        assert result == "yes"
    else:
        assert result == "inconclusive"
