"""Every criterion resolved from real inspect_ai logs: a yes, a no, and an inconclusive case.

The logs are made in this test session by inspect itself (mockllm models with scripted
answers), so these numbers are known: accuracy on the 20-question arithmetic task is

            snap  cot   tools
    gen1    0.40  0.50  0.60
    gen2    0.45  0.70  0.80
    gen3    0.50  0.90  0.95
"""

from __future__ import annotations

import hashlib
import json

import pytest

from resolvers import run_spec
from tests.resolvers import specs
from tests.resolvers.specs import (
    at_least_k,
    best_model,
    gap,
    ordering,
    spec,
    threshold,
    widening,
)

CASES = [
    # (criterion, expected verdict, words the reason must contain)
    (threshold(at_least=0.85), "yes", "mockllm/gen3 cot accuracy 0.9 >= 0.85"),
    (threshold(model="mockllm/gen1"), "no", "0.5 < 0.85"),
    (threshold(confidence=0.95), "inconclusive", "straddles 0.85"),
    (threshold(at_least=0.7, confidence=0.95), "yes", "95% CI lower 0.765"),
    (threshold(model="mockllm/gen1", condition="snap", at_least=0.8, confidence=0.95), "no",
     "95% CI upper"),
    (threshold(model="mockllm/gen1", condition="snap", at_least=None, at_most=0.45), "yes",
     "0.4 <= 0.45"),
    (gap(confidence=0.95), "yes", "cot-snap gap 0.4 (95% CI lower 0.138) >= 0.1 for mockllm/gen3"),
    (gap(min_gap=0.4), "yes", "0.4 >= 0.4"),  # 0.9 - 0.5 is 0.3999... in floats
    (gap(model="mockllm/gen1", min_gap=0.2), "no", "cot-snap gap 0.1 < 0.2"),
    (gap(model="mockllm/gen2", confidence=0.95), "inconclusive", "straddles 0.1"),
    (gap(a="tools", b="cot", model="mockllm/gen2", min_gap=0.1), "yes", "tools-cot gap 0.1"),
    (widening(min_increase=0.1), "yes", "0.1 -> 0.25 -> 0.4"),
    (widening(), "yes", "widens"),
    (widening(min_increase=0.2), "no", "does not widen"),
    (widening(models=["mockllm/gen3", "mockllm/gen2"]), "no", "-0.15 <= 0"),
    (widening(confidence=0.95), "inconclusive", "straddles 0"),
    (ordering(), "yes", "tools > cot > snap on accuracy for all 3 models"),
    (ordering(order=["cot", "tools"]), "no", "mockllm/gen3 cot-tools -0.05 <= 0"),
    (ordering(min_gap=0.1), "no", "mockllm/gen3 tools-cot 0.05 < 0.1"),
    (ordering(confidence=0.95), "inconclusive", "is not established"),
    (at_least_k(), "yes", "2 of 3 models reach cot accuracy >= 0.7 (need 2)"),
    (at_least_k(at_least=0.85), "no", "1 of 3 models reach"),
    (at_least_k(k=1, at_least=0.8, confidence=0.95), "inconclusive", "2 undecided"),
    (at_least_k(k=3, at_least=0.8, confidence=0.95), "no", "0 of 3 models reach"),
    (best_model(), "yes", "is mockllm/gen3 with 0.5 >= 0.5"),
    (best_model(at_least=0.6), "no", "0.5 < 0.6"),
    (best_model(at_least=0.9, condition="tools", confidence=0.95), "inconclusive", "undecided"),
    (best_model(at_least=0.8, condition="tools", confidence=0.95), "yes", "95% CI lower 0.852"),
]


def _clean(criterion: dict) -> dict:
    return {k: v for k, v in criterion.items() if v is not None}


@pytest.mark.parametrize("log_format", ["eval", "json"])
@pytest.mark.parametrize(("criterion", "verdict", "words"), CASES,
                         ids=[f"{c['kind']}-{v}-{i}" for i, (c, v, _) in enumerate(CASES)])
def test_criterion_decides_from_real_inspect_logs(inspect_logs, log_format, criterion, verdict,
                                                  words):
    data_dir = inspect_logs.eval_dir if log_format == "eval" else inspect_logs.json_dir
    source = specs.inspect_source(f"*.{log_format}")
    result = run_spec(spec(_clean(criterion), source), context=specs.context(data_dir))
    assert (result.verdict, words in result.reason) == (verdict, True), result.reason
    json.dumps(result.measurement, allow_nan=False)
    json.dumps(result.evidence, allow_nan=False)


def test_every_registered_criterion_is_exercised_with_yes_no_and_inconclusive():
    from resolvers import CRITERIA

    seen = {(c["kind"], v) for c, v, _ in CASES}
    assert seen == {(k, v) for k in CRITERIA for v in ("yes", "no", "inconclusive")}


def test_evidence_names_every_file_read_with_its_sha256_and_the_logs_behind_the_verdict(
        inspect_logs):
    result = run_spec(spec(gap(confidence=0.95)), context=specs.context(inspect_logs.eval_dir))
    files = result.evidence["files"]
    assert len(files) == 9
    for f in files:
        path = inspect_logs.eval_dir / f["locator"].removeprefix("data:")
        assert f["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert f["bytes"] == path.stat().st_size
    used = {(log["model"], tuple(log["solvers"])) for log in result.evidence["logs"]}
    assert used == {("mockllm/gen3", ("chain_of_thought", "generate")),
                    ("mockllm/gen3", ("generate",))}
    log = result.evidence["logs"][0]
    assert log["task"] == "arith" and log["status"] == "success"
    assert log["dataset"]["name"] == "arith-20"
    assert log["dataset"]["sample_ids"] == list(range(1, 21))
    assert log["completed_samples"] == log["total_samples"] == 20
    assert log["completed_at"] and log["packages"]["inspect_ai"]
    assert set(log["metrics"]["match"]) == {"accuracy", "stderr"}
    assert result.evidence["tool_versions"]["inspect_ai"]
    assert result.evidence["locators"] == ["data:*.eval"]


def test_measurement_carries_both_conditions_with_stderr_and_the_interval(inspect_logs):
    result = run_spec(spec(gap(confidence=0.95)), context=specs.context(inspect_logs.eval_dir))
    m = result.measurement
    assert (m["a"]["value"], m["b"]["value"]) == (0.9, 0.5)
    assert m["stderr"] == pytest.approx((m["a"]["stderr"] ** 2 + m["b"]["stderr"] ** 2) ** 0.5)
    assert m["lower"] == pytest.approx(m["gap"] - 1.959964 * m["stderr"], abs=1e-5)


def test_threshold_without_a_condition_is_inconclusive_when_the_model_ran_several_ways(
        inspect_logs):
    criterion = threshold()
    del criterion["condition"]
    result = run_spec(spec(criterion), context=specs.context(inspect_logs.eval_dir))
    assert result.verdict == "inconclusive"
    assert "several conditions" in result.reason


def test_conditions_can_be_told_apart_by_solver_exclusion_and_exact_plan(inspect_logs):
    source = specs.inspect_source(conditions={
        "plain": {"solvers_exclude": ["chain_of_thought", "use_tools"]},
        "cot": {"solvers": ["chain_of_thought", "generate"]},
    })
    result = run_spec(spec(gap(a="cot", b="plain"), source),
                      context=specs.context(inspect_logs.eval_dir))
    assert result.verdict == "yes"


def test_a_metric_the_log_does_not_report_is_inconclusive_and_lists_what_it_has(inspect_logs):
    criterion = {**threshold(), "metric": "f1"}
    result = run_spec(spec(criterion), context=specs.context(inspect_logs.eval_dir))
    assert result.verdict == "inconclusive"
    assert "'f1'" in result.reason and "match/accuracy" in result.reason


def test_metric_can_be_named_with_its_scorer(inspect_logs):
    criterion = {**threshold(), "metric": "match/accuracy"}
    assert run_spec(spec(criterion), context=specs.context(inspect_logs.eval_dir)).verdict == "yes"


def test_a_model_with_no_logs_is_inconclusive_and_names_the_models_found(inspect_logs):
    result = run_spec(spec(threshold(model="mockllm/gen4")),
                      context=specs.context(inspect_logs.eval_dir))
    assert result.verdict == "inconclusive"
    assert "no log for model mockllm/gen4" in result.reason
    assert "mockllm/gen1" in result.reason


def test_a_condition_can_be_recognised_by_the_tags_a_run_was_given(inspect_logs, tmp_path):
    import shutil

    for path in [*inspect_logs.eval_logs, inspect_logs.rerun]:
        shutil.copy(path, tmp_path)
    source = specs.inspect_source(conditions={
        **specs.CONDITIONS, "rerun": {"solvers_include": "chain_of_thought", "tags": "rerun"}})
    result = run_spec(spec(gap(model="mockllm/gen2", a="rerun", b="snap", min_gap=0.2), source),
                      context=specs.context(tmp_path))
    assert (result.verdict, result.measurement["a"]["value"]) == ("yes", 0.65)
    assert result.evidence["logs"][0]["tags"] == ["rerun"]


@pytest.mark.parametrize(("definition", "matches"), [
    ({"task_args": {"difficulty": "hard"}}, True),
    ({"task_args": {"difficulty": "easy"}}, False),
    ({"task_args": {"shots": 0}}, False),
    ({"metadata": {"variant": "b", "seed": 7}}, True),
    ({"metadata": {"variant": "a"}}, False),
    ({"tags": ["nightly", "v2"]}, True),
    ({"tags": "weekly"}, False),
    ({"solvers": ["generate"]}, False),
    ({"solvers": ["chain_of_thought", "generate"], "solvers_exclude": "use_tools"}, True),
    ({"solvers_include": ["chain_of_thought", "self_critique"]}, False),
])
def test_condition_rules_match_only_when_every_given_key_matches(definition, matches):
    from resolvers.sources.inspect_logs import condition_matches

    recorded = {"solvers": ["chain_of_thought", "generate"], "tags": ["nightly", "v2"],
                "task_args": {"difficulty": "hard"}, "metadata": {"variant": "b", "seed": 7}}
    assert condition_matches(definition, recorded) is matches
