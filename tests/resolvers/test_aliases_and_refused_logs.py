"""Short model names in specs, and failed logs shown in the evidence with their status."""

from __future__ import annotations

import shutil

import pytest

from resolvers import SpecError, run_spec, validate_spec
from tests.resolvers import specs
from tests.resolvers.specs import gap, spec, threshold, widening

ALIASES = {"gen1": "mockllm/gen1", "gen2": "mockllm/gen2", "gen3": "mockllm/gen3"}


def test_criteria_can_name_models_by_their_aliases(inspect_logs):
    aliased = {**spec(widening(models=["gen1", "gen2", "gen3"], min_increase=0.1)),
               "models": ALIASES}
    result = run_spec(aliased, context=specs.context(inspect_logs.eval_dir))
    assert result.verdict == "yes", result.reason
    readings = result.measurement["readings"]
    assert {(r["alias"], r["model"]) for r in readings} == {(a, m) for a, m in ALIASES.items()}


def test_a_name_that_is_no_alias_is_taken_literally(inspect_logs):
    mixed = {**spec(gap(model="mockllm/gen3")), "models": {"g2": "mockllm/gen2"}}
    assert run_spec(mixed, context=specs.context(inspect_logs.eval_dir)).verdict == "yes"


@pytest.mark.parametrize(("models", "message"), [
    (["mockllm/gen1"], "models: expected an object"),
    ({"gen1": ""}, "models.gen1: expected the model's full name"),
    ({"gen1": 3}, "models.gen1: expected the model's full name"),
])
def test_bad_aliases_are_refused_with_their_path(models, message):
    with pytest.raises(SpecError) as e:
        validate_spec({**spec(threshold()), "models": models})
    assert any(err.startswith(message) for err in e.value.errors), e.value.errors


def test_a_failed_log_the_decision_needed_is_in_the_evidence_with_status_and_error(
        inspect_logs, tmp_path):
    shutil.copy(inspect_logs.bad["error"], tmp_path)
    criterion = threshold(model="mockllm/gen2", at_least=0.5)
    result = run_spec(spec(criterion), context=specs.context(tmp_path))
    assert result.verdict == "inconclusive"
    [refused] = result.evidence["refused"]
    assert refused["status"] == "error"
    assert "scripted failure" in refused["error"]
    assert refused["problems"] and refused["problems"][0].startswith("status is error")
    assert refused["sha256"] == result.evidence["files"][0]["sha256"]


def test_an_invalidated_log_is_in_the_evidence_as_refused(inspect_logs, tmp_path):
    shutil.copy(inspect_logs.bad["invalidated"], tmp_path)
    result = run_spec(spec(threshold(model="mockllm/gen2", at_least=0.5)),
                      context=specs.context(tmp_path))
    assert result.verdict == "inconclusive"
    [refused] = result.evidence["refused"]
    assert refused["invalidated"] is True and "log is invalidated" in refused["problems"]
