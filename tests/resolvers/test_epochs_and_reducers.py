"""Logs run over several epochs: every reducer is kept, and a claim is decided from the one
it names, never silently from another (a claim about the mean decided from the max was a
wrong YES). The logs are real (tests/fixtures/inspect_epochs.py): gen2's accuracy over 3
epochs is 0.30 reduced by mean and 0.50 reduced by max."""

from __future__ import annotations

import pytest

from resolvers import SpecError, run_spec, validate_spec
from tests.fixtures.inspect_epochs import MAX, MEAN
from tests.resolvers import specs

EPOCH_CONDITIONS = {"three": {"solvers": ["generate"], "epochs": 3},
                    "one": {"solvers": ["generate"], "epochs": 1}}


def _spec(model: str = "mockllm/gen2", at_least: float = 0.45, condition: str = "three",
          **source_extra) -> dict:
    source = {"kind": "inspect_logs", "location": {"data": "*.eval"}, "task": "arith",
              "conditions": EPOCH_CONDITIONS, **source_extra}
    return {"source": source, "criterion": {"kind": "threshold", "model": model,
                                            "condition": condition, "metric": "accuracy",
                                            "at_least": at_least}}


def _run(epoch_logs, spec: dict):
    return run_spec(spec, context=specs.context(epoch_logs.root))


def test_a_log_with_two_reducers_keeps_both_in_its_evidence(epoch_logs):
    result = _run(epoch_logs, _spec(reducer="mean"))
    [log] = result.evidence["logs"]
    assert log["epochs"] == 3 and log["epochs_reducer"] == ["mean", "max"]
    assert {(s["scorer"], s["reducer"]) for s in log["scores"]} == {("match", "mean"),
                                                                      ("match", "max")}
    assert log["metrics"]["match[mean]"]["accuracy"] == pytest.approx(MEAN)
    assert log["metrics"]["match[max]"]["accuracy"] == pytest.approx(MAX)


def test_a_claim_about_the_mean_is_decided_from_the_mean_not_the_max(epoch_logs):
    result = _run(epoch_logs, _spec(reducer="mean"))
    assert result.verdict == "no", result.reason
    assert result.measurement["value"] == pytest.approx(MEAN)
    assert (result.measurement["scorer"], result.measurement["reducer"],
            result.measurement["epochs"]) == ("match", "mean", 3)


def test_naming_the_max_reducer_decides_from_the_max(epoch_logs):
    result = _run(epoch_logs, _spec(reducer="max"))
    assert result.verdict == "yes", result.reason
    assert result.measurement["value"] == pytest.approx(MAX)
    [reading] = result.measurement["readings"]
    assert (reading["reducer"], reading["epochs"], reading["scorer"]) == ("max", 3, "match")


def test_several_reductions_and_no_reducer_named_is_inconclusive_and_lists_them(epoch_logs):
    result = _run(epoch_logs, _spec())
    assert result.verdict == "inconclusive"
    assert "several ways (mean, max)" in result.reason
    assert "name one with 'reducer'" in result.reason


def test_a_reducer_the_log_does_not_have_is_inconclusive_and_says_which_it_has(epoch_logs):
    result = _run(epoch_logs, _spec(reducer="median"))
    assert result.verdict == "inconclusive"
    assert "no 'median' reduction" in result.reason and "mean, max" in result.reason


def test_a_single_reduction_decides_without_naming_it(epoch_logs):
    result = _run(epoch_logs, _spec(model="mockllm/gen3", at_least=0.25))
    assert result.verdict == "yes", result.reason
    assert (result.measurement["reducer"], result.measurement["epochs"]) == ("mean", 3)


def test_a_single_epoch_log_is_read_whatever_reducer_the_spec_names(epoch_logs):
    # One epoch is not reduced at all: its value is every reduction of it.
    result = _run(epoch_logs, _spec(model="mockllm/gen1", condition="one", at_least=0.5,
                                    reducer="mean"))
    assert result.verdict == "yes", result.reason
    assert (result.measurement["reducer"], result.measurement["epochs"]) == (None, 1)


def test_a_condition_checks_the_number_of_epochs(epoch_logs):
    result = _run(epoch_logs, _spec(model="mockllm/gen1", condition="three"))
    assert result.verdict == "inconclusive"
    assert "no log for mockllm/gen1 under condition three" in result.reason


def test_epochs_in_a_condition_must_be_a_positive_integer():
    spec = _spec()
    spec["source"]["conditions"]["three"]["epochs"] = 0
    spec["source"]["conditions"]["one"]["epochs"] = "1"
    with pytest.raises(SpecError) as e:
        validate_spec(spec)
    assert "source.conditions.three.epochs: must be 1 or more, got 0" in e.value.errors
    assert any(x.startswith("source.conditions.one.epochs: expected an integer")
               for x in e.value.errors)
