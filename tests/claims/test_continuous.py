"""The pure rules of numeric, date and multiple-choice claims (bets/claims/continuous/),
table-driven: no database."""

from datetime import UTC, datetime

import numpy as np
import pytest

from bets.claims.continuous.cdf import (
    cdf_from_points,
    cdf_probability_below,
    cdf_quantile,
    cdf_validate,
)
from bets.claims.continuous.choices import (
    all_options,
    options_added,
    probabilities_from_weights,
    probabilities_validate,
)
from bets.claims.continuous.fields import (
    kind_fields_clean,
    resolution_bucket_index,
    resolution_parse,
)
from bets.claims.continuous.scale import (
    Scale,
    date_parse,
    scaled_location_to_unscaled_location,
    unscaled_location_to_scaled_location,
)
from bets.common.errors import InvalidInput

LINEAR = Scale(0.0, 200.0)
SCORE = Scale(0.0, 1.0)
OPEN = Scale(0.0, 1.0, open_lower_bound=True, open_upper_bound=True)
LOG = Scale(1.0, 1e10, zero_point=0.0)
YEAR = Scale(datetime(2027, 1, 1, tzinfo=UTC).timestamp(),
             datetime(2028, 1, 1, tzinfo=UTC).timestamp())


def uniform(scale: Scale) -> list[float]:
    lo = 0.05 if scale.open_lower_bound else 0.0
    hi = 0.95 if scale.open_upper_bound else 1.0
    return list(np.linspace(lo, hi, 201))


def refusal(call) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(("scale", "unscaled", "scaled"), [
    (LINEAR, 0.0, 0.0), (LINEAR, 0.5, 100.0), (LINEAR, 1.0, 200.0), (LINEAR, -0.5, -100.0),
    # Metaculus' log scale through zero_point 0: the middle of [1, 1e10] is 1e5.
    (LOG, 0.0, 1.0), (LOG, 0.5, 1e5), (LOG, 1.0, 1e10),
    (Scale(10.0, 1000.0, zero_point=0.0), 0.5, 100.0),
])
def test_scaling_follows_metaculus_formula_both_ways(scale, unscaled, scaled):
    assert float(unscaled_location_to_scaled_location(unscaled, scale)) == pytest.approx(scaled)
    assert float(scaled_location_to_unscaled_location(scaled, scale)) == pytest.approx(unscaled)


@pytest.mark.parametrize("scale", [SCORE, OPEN, Scale(0, 1, open_lower_bound=True),
                                   Scale(0, 1, open_upper_bound=True)])
def test_a_uniform_cdf_with_the_right_ends_is_valid_and_stored_rounded(scale):
    cdf = uniform(scale)
    stored = cdf_validate(cdf, scale)
    assert stored == [round(v, 10) for v in cdf]


def test_cdf_refusals_name_the_field_and_the_problem():
    valid = uniform(SCORE)
    cases = {
        "non-monotone": (valid[:100] + [valid[101], valid[100]] + valid[102:], "at least"),
        "step over the cap": ([0.0] + [0.3] + list(np.linspace(0.3001, 1, 199)), "at most 0.2"),
        "too short": (valid[:200], "201 numbers"),
        "garbage": (valid[:200] + ["lots"], "not a number"),
        "not a list": ("0.1,0.2", "201 numbers"),
        "closed lower bound not 0": ([0.01] + valid[1:], "cdf[0] must be 0"),
        "closed upper bound not 1": (valid[:200] + [0.999], "must be 1"),
    }
    for name, (cdf, words) in cases.items():
        error = refusal(lambda cdf=cdf: cdf_validate(cdf, SCORE))
        assert error.field == "cdf", name
        assert words in error.message, (name, error.message)
    open_too_low = [0.0005] + list(np.linspace(0.05, 0.95, 200))
    assert "at least 0.001" in refusal(lambda: cdf_validate(open_too_low, OPEN)).message
    open_too_high = list(np.linspace(0.05, 0.95, 200)) + [0.9995]
    assert "at most 0.999" in refusal(lambda: cdf_validate(open_too_high, OPEN)).message


@pytest.mark.parametrize(("scale", "points", "below", "above"), [
    (SCORE, [(0.6, 0.1), (0.75, 0.5), (0.9, 0.9)], None, None),
    (SCORE, [(0.5, 0.5)], None, None),
    (OPEN, [(0.6, 0.1), (0.75, 0.5), (0.9, 0.9)], 0.05, 0.02),
    (OPEN, [(0.6, 0.1), (0.75, 0.5), (0.9, 0.9)], None, None),
    (LOG, [(100.0, 0.1), (1e4, 0.5), (1e8, 0.9)], None, None),
    # A narrow forecast needs the 0.2 cap: its middle steps are spread to neighbours.
    (SCORE, [(0.5, 0.1), (0.502, 0.5), (0.504, 0.9)], None, None),
])
def test_a_quantile_table_becomes_a_valid_cdf_through_its_points(scale, points, below, above):
    cdf = cdf_from_points(points, scale, kind="numeric", below=below, above=above)
    assert cdf_validate(cdf, scale) == cdf
    if max(np.diff(cdf)) >= 0.199:
        return  # capped: 80% inside one bucket cannot be; the steps were spread to neighbours
    for value, p in points:
        # The points stand, but for the floor every step keeps (at most 1% moved in all).
        assert cdf_probability_below(cdf, value, scale) == pytest.approx(p, abs=0.012)
    if below is not None:
        assert cdf[0] == pytest.approx(below)
    if above is not None:
        assert cdf[-1] == pytest.approx(1 - above)


def test_a_date_ladder_becomes_a_valid_cdf():
    ladder = [(date_parse("2027-04-01", field="by_date"), 0.2),
              (date_parse("2027-07-01T00:00:00Z", field="by_date"), 0.5),
              (date_parse("2027-10-01", field="by_date"), 0.8)]
    cdf = cdf_from_points(ladder, YEAR, kind="date", field="by_date")
    assert cdf_validate(cdf, YEAR) == cdf
    assert cdf_probability_below(cdf, ladder[1][0], YEAR) == pytest.approx(0.5, abs=0.01)
    median = cdf_quantile(cdf, 0.5, YEAR)
    assert median == pytest.approx(ladder[1][0], abs=3 * 86400)


def test_bad_points_are_refused_naming_the_field():
    cases = [
        (SCORE, [(1.2, 0.5)], {}, "quantiles", "outside the range"),
        (SCORE, [(0.0, 0.5)], {}, "quantiles", "outside the range"),
        (SCORE, [(0.6, 0.5), (0.7, 0.4)], {}, "quantiles", "rise together"),
        (SCORE, [(0.6, 0.5), (0.6, 0.6)], {}, "quantiles", "rise together"),
        (SCORE, [(0.6, 1.5)], {}, "quantiles", "between 0.001 and 0.999"),
        (SCORE, [], {}, "quantiles", "at least one point"),
        (SCORE, [(0.6, 0.5)], {"below": 0.1}, "below", "closed"),
        (OPEN, [(0.6, 0.5)], {"above": 0.6}, "above", "nearest point"),
        (OPEN, [(0.6, 0.5)], {"below": 0.0001}, "below", "at least 0.001"),
    ]
    for scale, points, extra, field, words in cases:
        error = refusal(lambda s=scale, p=points, e=extra: cdf_from_points(
            p, s, kind="numeric", **e))
        assert (error.field, words in error.message) == (field, True), error.message
    garbage = refusal(lambda: date_parse("next tuesday", field="by_date"))
    assert garbage.field == "by_date"
    assert "not a date" in garbage.message


def test_threshold_readouts_read_the_cdf_and_stop_at_the_bounds():
    cdf = uniform(OPEN)
    assert cdf_probability_below(cdf, 0.5, OPEN) == pytest.approx(0.5)
    assert cdf_probability_below(cdf, -3, OPEN) == pytest.approx(0.05)
    assert cdf_probability_below(cdf, 7, OPEN) == pytest.approx(0.95)
    assert cdf_quantile(cdf, 0.01, OPEN) is None


def test_option_probabilities_must_sum_to_one_each_within_bounds():
    options = ["gen3", "gen4", "Other"]
    assert probabilities_validate([0.2, 0.3, 0.5], options) == pytest.approx([0.2, 0.3, 0.5])
    assert probabilities_validate({"gen4": 0.3, "gen3": 0.2, "Other": 0.5}, options)[1] == 0.3
    for values, words in [([0.2, 0.3, 0.6], "sum to 1"), ([0.0, 0.5, 0.5], "between"),
                          ([0.5, 0.5], "one probability per option"),
                          ({"gen5": 1.0}, "No such option"), ([0.2, "x", 0.5], "not a number")]:
        error = refusal(lambda values=values: probabilities_validate(values, options))
        assert error.field == "probabilities"
        assert words in error.message, error.message


def test_typed_numbers_per_option_are_renormalised_and_kept_off_zero():
    assert probabilities_from_weights([30, 30, 50], ["a", "b", "c"]) == pytest.approx(
        [30 / 110, 30 / 110, 50 / 110])
    floored = probabilities_from_weights([0, 100], ["a", "b"])
    assert floored == pytest.approx([0.001, 0.999])
    assert refusal(lambda: probabilities_from_weights([0, 0], ["a", "b"])).field == "weights"


def test_options_are_added_before_the_catch_all_as_metaculus_adds_them():
    assert options_added(["a", "b", "Other"], ["c"]) == ["a", "b", "c", "Other"]
    assert refusal(lambda: options_added(["a", "Other"], ["a"])).field == "new_options"
    history = [["0001-01-01T00:00:00", ["a", "b", "Other"]],
               ["2027-01-01T00:00:00", ["a", "b", "c", "Other"]]]
    assert all_options(history) == ["a", "b", "c", "Other"]


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"kind": "ternary"}, "kind", "binary, numeric"),
    ({"kind": "numeric", "range_max": 1}, "range_min", "needs a range"),
    ({"kind": "numeric", "range_min": 1, "range_max": 1}, "range_max", "above range_min"),
    ({"kind": "numeric", "range_min": "a", "range_max": 1}, "range_min", "not a number"),
    ({"kind": "numeric", "range_min": 1, "range_max": 9, "zero_point": 5}, "zero_point",
     "outside the range"),
    ({"kind": "date", "range_min": "2027-01-01", "range_max": "soon"}, "range_max",
     "not a date"),
    ({"kind": "date", "range_min": "2027-01-01", "range_max": "2028-01-01", "zero_point": 0},
     "zero_point", "linear"),
    ({"kind": "numeric", "range_min": 0, "range_max": 1, "unit": "x" * 26}, "unit", "25"),
    ({"kind": "multiple_choice", "options": ["only"]}, "options", "2 to 20"),
    ({"kind": "multiple_choice", "options": ["a", "a"]}, "options", "same label"),
    ({"kind": "multiple_choice", "options": [str(i) for i in range(21)]}, "options", "2 to 20"),
    ({"kind": "multiple_choice", "options": "a,b"}, "options", "list of labels"),
])
def test_kind_fields_that_do_not_fit_are_refused_by_name(fields, field, words):
    error = refusal(lambda: kind_fields_clean(fields))
    assert error.field == field
    assert words in error.message


def test_kind_fields_are_cleaned_with_dates_as_posix_seconds_and_others_emptied():
    date = kind_fields_clean({"kind": "date", "range_min": "2027-01-01",
                              "range_max": datetime(2028, 1, 1, tzinfo=UTC), "unit": "x",
                              "options": ["ignored", "too"]})
    assert (date["range_min"], date["range_max"]) == (YEAR.range_min, YEAR.range_max)
    assert date["options"] is None
    binary = kind_fields_clean({"range_min": 3, "unit": "%"})
    assert (binary["kind"], binary["range_min"], binary["unit"]) == ("binary", None, "")
    log = kind_fields_clean({"kind": "numeric", "range_min": 1, "range_max": 1e10,
                             "zero_point": 0, "open_upper_bound": True, "unit": " tokens "})
    assert (log["zero_point"], log["open_upper_bound"], log["unit"]) == (0.0, True, "tokens")


@pytest.mark.parametrize(("value", "scale", "stored"), [
    (0.5, SCORE, "0.5"), ("0.5", SCORE, "0.5"), (0, SCORE, "0.0"), (1, SCORE, "1.0"),
    (-0.2, OPEN, "below_lower_bound"), (1.5, OPEN, "above_upper_bound"),
    ("below_lower_bound", OPEN, "below_lower_bound"),
])
def test_a_numeric_resolution_is_stored_as_metaculus_stores_it(value, scale, stored):
    assert resolution_parse(value, kind="numeric", scale=scale, options=None) == stored


def test_resolutions_that_cannot_be_are_refused():
    for value, words in [(1.5, "closed"), ("above_upper_bound", "closed"), ("x", "not a number")]:
        error = refusal(lambda value=value: resolution_parse(
            value, kind="numeric", scale=SCORE, options=None))
        assert (error.field, words in error.message) == ("value", True), error.message
    assert refusal(lambda: resolution_parse("gen9", kind="multiple_choice", scale=None,
                                            options=["gen3", "Other"])).field == "value"
    assert resolution_parse("2027-03-01", kind="date", scale=YEAR, options=None) == (
        "2027-03-01T00:00:00+00:00")


@pytest.mark.parametrize(("resolution", "bucket"), [
    # Metaculus' own table (tests/unit/test_utils/test_the_math/test_formulas.py), range 0-200.
    ("below_lower_bound", 0), ("-2", 0), ("-0.001", 0), ("0", 1), ("0.001", 1), ("1", 1),
    ("1.001", 2), ("2.0", 2), ("100", 100), ("100.001", 101), ("199.001", 200), ("200", 200),
    ("200.001", 201), ("above_upper_bound", 201),
])
def test_resolution_bucket_matches_metaculus_table(resolution, bucket):
    assert resolution_bucket_index(resolution, kind="numeric", scale=LINEAR, options=None
                                   ) == bucket
