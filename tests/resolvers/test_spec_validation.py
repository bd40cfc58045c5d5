"""validate_spec explains every problem with its JSON path, in one go."""

from __future__ import annotations

import inspect

import pytest

from resolvers import CRITERIA, SOURCES, SpecError, run_spec, spec_locators, validate_spec
from resolvers.base import Criterion, RunContext, Source
from resolvers.registry import TOP_LEVEL, criterion_class, source_class
from resolvers.sources.files import RecordSource
from tests.resolvers import specs
from tests.resolvers.specs import at_least_k, best_model, gap, ordering, spec, threshold, widening


def errors_of(candidate) -> list[str]:
    with pytest.raises(SpecError) as caught:
        validate_spec(candidate)
    assert str(caught.value) == "; ".join(caught.value.errors)
    return caught.value.errors


@pytest.mark.parametrize("criterion", [threshold(), gap(), widening(), ordering(),
                                       at_least_k(), best_model()])
def test_the_example_spec_of_each_criterion_is_valid(criterion):
    validate_spec(spec(criterion))


@pytest.mark.parametrize("not_a_spec", [None, [], "gap", 3, True])
def test_a_spec_that_is_not_an_object_is_refused(not_a_spec):
    assert errors_of(not_a_spec) == [f"spec: expected an object, got {not_a_spec!r}"
                                     if not isinstance(not_a_spec, list)
                                     else "spec: expected an object, got list"]


def test_all_errors_are_listed_with_their_json_paths():
    bad = {
        "source": {"kind": "inspect_logs", "location": {"path": "../secrets/*.eval"},
                   "conditions": {"cot": {"solvers_include": "chain_of_thought"},
                                  "snap": {}}},
        "criterion": {"kind": "gap", "model": 3, "a": "cot", "b": "tools",
                      "min_gap": "ten", "confidence": 1.5},
        "colour": "blue",
    }
    assert errors_of(bad) == [
        f"colour: unknown field (expected {', '.join(TOP_LEVEL)})",
        "source.location.path: must not contain '..', got '../secrets/*.eval'",
        "source.conditions.snap: needs at least one of: solvers, solvers_include, "
        "solvers_exclude, task_args, tags, metadata, epochs",
        "criterion.metric: required field is missing (expected a string)",
        "criterion.model: expected a string, got 3",
        "criterion.min_gap: expected a number, got 'ten'",
        "criterion.confidence: must be between 0 and 1 (exclusive), got 1.5 (e.g. 0.95)",
        "criterion.b: condition 'tools' is not defined in source.conditions (defined: cot, "
        "snap)",
    ]


def test_unknown_kinds_are_named_with_the_kinds_that_exist():
    errors = errors_of({"source": {"kind": "s3"}, "criterion": {"kind": "vibes"}})
    assert errors == [
        f"source.kind: unknown kind 's3' (expected one of: {', '.join(SOURCES)})",
        f"criterion.kind: unknown kind 'vibes' (expected one of: {', '.join(CRITERIA)})",
    ]


def test_missing_source_and_criterion_are_both_reported():
    assert errors_of({}) == ["source: required field is missing (expected an object)",
                             "criterion: required field is missing (expected an object)"]


@pytest.mark.parametrize("confidence", [0, 1, -0.5, 95, 1.0])
def test_a_confidence_outside_zero_to_one_is_refused(confidence):
    [error] = errors_of(spec(gap(confidence=confidence)))
    assert error.startswith("criterion.confidence: must be between 0 and 1 (exclusive)")


@pytest.mark.parametrize(("confidence", "message"), [
    ("high", "criterion.confidence: expected a number, got 'high'"),
    (True, "criterion.confidence: expected a number, got True"),
    (float("nan"), "criterion.confidence: expected a number, got nan"),
])
def test_a_confidence_that_is_not_a_number_is_refused(confidence, message):
    assert errors_of(spec(gap(confidence=confidence))) == [message]


@pytest.mark.parametrize(("criterion", "message"), [
    ({**threshold(), "at_most": 0.3}, "criterion: needs exactly one of at_least, at_most "
                                      "(got at_least and at_most)"),
    ({k: v for k, v in threshold().items() if k != "at_least"},
     "criterion: needs exactly one of at_least, at_most"),
    (gap(a="cot", b="cot"), "criterion.b: must differ from a (both are 'cot')"),
    (widening(models=["mockllm/gen1"]), "criterion.models: needs at least 2 entries, got 1"),
    (widening(min_increase=-0.1), "criterion.min_increase: must be 0 or more, got -0.1"),
    (ordering(order=["cot"]), "criterion.order: needs at least 2 entries, got 1"),
    (ordering(order=["cot", "cot"]), "criterion.order: entries must not repeat"),
    (at_least_k(k=4), "criterion.k: must be between 1 and the number of models (3), got 4"),
    (at_least_k(k=0), "criterion.k: must be between 1 and the number of models (3), got 0"),
    (at_least_k(k=1.5), "criterion.k: expected an integer, got 1.5"),
    (best_model(models=[]), "criterion.models: needs at least 1 entry, got 0"),
    (best_model(models="mockllm/gen1"), "criterion.models: expected a list of strings, got "
                                        "'mockllm/gen1'"),
    ({**gap(), "min_gapp": 0.1}, "criterion.min_gapp: unknown field (expected one of: a, b, "
                                 "confidence, decide_on, kind, metric, min_gap, model)"),
    (ordering(order=["tools", "cot", "vibes"]),
     "criterion.order[2]: condition 'vibes' is not defined in source.conditions (defined: "
     "cot, snap, tools)"),
])
def test_criterion_mistakes_are_explained(criterion, message):
    assert message in errors_of(spec(criterion))


@pytest.mark.parametrize(("location", "message"), [
    ({"path": "/etc/passwd"}, "source.location.path: must be a relative path, got '/etc/passwd'"),
    ({"data": "logs/../../x"}, "source.location.data: must not contain '..'"),
    ({"data": "~/x"}, "source.location.data: must be a relative path"),
    ({"url": "file:///etc/passwd"}, "source.location.url: only http:// and https:// URLs"),
    ({"url": "gopher://x"}, "source.location.url: only http:// and https:// URLs"),
    ({"data": ""}, "source.location.data: expected a non-empty string, got ''"),
    ({"data": "a", "url": "https://x"}, "source.location: expected exactly one of artifact, "
                                        "data, path, url, got data, url"),
    ({"bucket": "x"}, "source.location: expected exactly one of artifact, data, path, url, "
                      "got bucket"),
    ([], "source.location: needs at least one location"),
    ([{"data": "a"}, {"path": "../b"}], "source.location[1].path: must not contain '..'"),
    ("*.eval", "source.location: expected an object or a list, got '*.eval'"),
])
def test_location_mistakes_are_explained(location, message):
    errors = errors_of(spec(gap(), specs.inspect_source() | {"location": location}))
    assert any(message in e for e in errors), errors


def test_inspect_source_without_conditions_cannot_be_asked_for_one():
    source = {"kind": "inspect_logs", "location": {"data": "*.eval"}}
    assert errors_of(spec(gap(), source)) == [
        "criterion.a: condition 'cot' is not defined in source.conditions",
        "criterion.b: condition 'snap' is not defined in source.conditions",
    ]


def test_source_specific_mistakes_are_explained():
    assert errors_of(spec(threshold(condition=None) | {"condition": "cot"}, {
        "kind": "csv", "location": {"artifact": "t"}, "columns": {"model": "m"},
        "task": "arith", "conditions": {"cot": 1}})) == [
        "source.columns.value: required field is missing (expected a string)",
        "source.task: needs columns.task to say where the task is",
        "source.conditions.cot: expected the cell value (a string) that marks this condition",
        "source.conditions: needs columns.condition",
    ]
    assert errors_of(spec(threshold(), {
        "kind": "http_json", "location": {"url": "https://example.org/r.json"},
        "path": "results.{model}..{__class__}", "conditions": {"cot": "cot"}})) == [
        "source.path: has an empty key (two dots in a row?)",
        "source.path: unknown placeholder {__class__} (use {model}, {condition} or {metric})",
    ]
    assert "source.conditions.cot.task: expected a string, got 3" in errors_of(spec(gap(), {
        "kind": "lm_eval", "location": {"data": "*.json"},
        "conditions": {"cot": {"task": 3}, "snap": {"task": "arith_lm"}}}))


def test_run_spec_validates_first_and_never_touches_evidence_for_a_bad_spec(tmp_path):
    with pytest.raises(SpecError):
        run_spec(spec(gap(min_gap="ten")), context=specs.context(tmp_path / "nowhere"))


def test_spec_locators_list_what_a_spec_reads_even_when_it_is_malformed():
    source = specs.inspect_source() | {"location": [{"data": "gen*/*.eval"},
                                                     {"url": "https://example.org/x.eval"}]}
    assert spec_locators(spec(gap(), source)) == ["data:gen*/*.eval",
                                                  "url:https://example.org/x.eval"]
    assert spec_locators({"source": "nope"}) == []
    assert spec_locators(None) == []


def test_version_must_be_one():
    assert errors_of(spec(gap()) | {"version": 2}) == ["version: only version 1 exists, got 2"]
    validate_spec(spec(gap()) | {"version": 1, "description": "CoT helps gen3"})


def test_empty_strings_are_refused_where_a_name_is_expected():
    assert errors_of(spec(gap(model="") | {"metric": ""})) == [
        "criterion.model: must not be empty", "criterion.metric: must not be empty"]


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_every_registered_source_kind_is_a_complete_source_under_its_own_name(kind):
    cls = source_class(kind)
    assert Source in cls.__mro__ and not inspect.isabstract(cls)
    assert cls.kind == kind


@pytest.mark.parametrize("kind", sorted(CRITERIA))
def test_every_registered_criterion_kind_is_a_complete_criterion_under_its_own_name(kind):
    cls = criterion_class(kind)
    assert Criterion in cls.__mro__ and not inspect.isabstract(cls)
    assert cls.kind == kind


def test_a_source_that_leaves_out_part_of_the_contract_cannot_be_built():
    class Unfinished(RecordSource):  # no parse, no to_records
        kind = "unfinished"

    with pytest.raises(TypeError, match="abstract"):
        Unfinished({}, RunContext())
