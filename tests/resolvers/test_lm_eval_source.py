"""lm-evaluation-harness results files, as lm-eval 0.4.13 really wrote them.

tests/fixtures/lm_eval/ holds genuine output of the harness (see its README): gen1..gen3 on
`arith_lm` (snap prompt) and `arith_lm_cot` (chain-of-thought prompt), with the
`strict-match` and `flexible-extract` filters.

                arith_lm   arith_lm_cot (flexible-extract)
    gen1        0.45       0.55
    gen2        0.50       0.75
    gen3        0.55       0.95
"""

from __future__ import annotations

import shutil

import pytest

from resolvers import run_spec
from tests.resolvers import specs
from tests.resolvers.conftest import LM_EVAL_RESULTS
from tests.resolvers.specs import spec

MODELS = ["gen1", "gen2", "gen3"]
FULL_RUNS = "gen[123].json"


def source(pattern: str = FULL_RUNS, **extra) -> dict:
    return {"kind": "lm_eval", "location": {"data": pattern}, "filter": "flexible-extract",
            "conditions": {"cot": {"task": "arith_lm_cot"}, "snap": {"task": "arith_lm"}},
            **extra}


def resolve(criterion: dict, src: dict | None = None, data_dir=LM_EVAL_RESULTS):
    return run_spec(spec(criterion, src or source()), context=specs.context(data_dir))


def test_lm_eval_gap_widens_across_generations():
    result = resolve({"kind": "widening_gap", "models": MODELS, "a": "cot", "b": "snap",
                      "metric": "exact_match", "min_increase": 0.1})
    assert result.verdict == "yes", result.reason
    assert "0.1 -> 0.25 -> 0.4" in result.reason


@pytest.mark.parametrize(("criterion", "verdict"), [
    ({"kind": "threshold", "model": "gen3", "condition": "cot", "metric": "exact_match",
      "at_least": 0.9}, "yes"),
    ({"kind": "threshold", "model": "gen1", "condition": "cot", "metric": "exact_match",
      "at_least": 0.9}, "no"),
    ({"kind": "gap", "model": "gen3", "a": "cot", "b": "snap", "metric": "exact_match",
      "min_gap": 0.1, "confidence": 0.95}, "yes"),
    ({"kind": "gap", "model": "gen2", "a": "cot", "b": "snap", "metric": "exact_match",
      "min_gap": 0.1, "confidence": 0.95}, "inconclusive"),
    ({"kind": "at_least_k", "models": MODELS, "k": 2, "condition": "cot",
      "metric": "exact_match", "at_least": 0.75}, "yes"),
    ({"kind": "best_model", "models": MODELS, "condition": "snap", "metric": "exact_match",
      "at_least": 0.6}, "no"),
    ({"kind": "ordering", "models": MODELS, "order": ["cot", "snap"],
      "metric": "exact_match"}, "yes"),
])
def test_lm_eval_results_decide_criteria(criterion, verdict):
    result = resolve(criterion)
    assert result.verdict == verdict, result.reason


def test_the_filter_matters_strict_match_scores_chain_of_thought_zero():
    criterion = {"kind": "threshold", "model": "gen3", "condition": "cot",
                 "metric": "exact_match,strict-match", "at_least": 0.5}
    result = resolve(criterion)
    assert (result.verdict, result.measurement["value"]) == ("no", 0.0)


def test_a_condition_can_pick_its_own_filter():
    src = source(conditions={"cot": {"task": "arith_lm_cot", "filter": "strict-match"},
                             "snap": {"task": "arith_lm"}})
    result = resolve({"kind": "threshold", "model": "gen3", "condition": "cot",
                      "metric": "exact_match", "at_least": 0.5}, src)
    assert result.measurement["value"] == 0.0


def test_a_metric_with_several_filters_and_none_chosen_is_inconclusive():
    src = source()
    del src["filter"]
    result = resolve({"kind": "threshold", "model": "gen3", "condition": "cot",
                      "metric": "exact_match", "at_least": 0.5}, src)
    assert result.verdict == "inconclusive"
    assert "several filters" in result.reason and "flexible-extract" in result.reason


def test_stderr_reported_as_na_means_a_confidence_requirement_cannot_be_met(tmp_path):
    shutil.copy(LM_EVAL_RESULTS / "gen2-no-stderr.json", tmp_path)
    criterion = {"kind": "gap", "model": "gen2", "a": "cot", "b": "snap",
                 "metric": "exact_match", "min_gap": 0.1}
    assert resolve(criterion, source("*.json"), tmp_path).verdict == "yes"
    result = resolve(criterion | {"confidence": 0.9}, source("*.json"), tmp_path)
    assert result.verdict == "inconclusive"
    assert "no reported stderr" in result.reason
    assert result.measurement["a"]["stderr"] is None


def test_a_run_limited_to_part_of_the_samples_must_not_decide(tmp_path):
    shutil.copy(LM_EVAL_RESULTS / "gen3-limit10.json", tmp_path)
    result = resolve({"kind": "threshold", "model": "gen3", "condition": "cot",
                      "metric": "exact_match", "at_least": 0.5}, source("*.json"), tmp_path)
    assert result.verdict == "inconclusive"
    assert "only 10 of 20 samples evaluated" in result.reason


def test_lm_eval_evidence_records_versions_sample_counts_and_hashes():
    result = resolve({"kind": "threshold", "model": "gen2", "condition": "cot",
                      "metric": "exact_match", "at_least": 0.5})
    [log] = result.evidence["logs"]
    assert log["task"] == "arith_lm_cot" and log["model"] == "gen2"
    assert log["lm_eval_version"] == "0.4.13"
    assert log["n_samples"] == {"original": 20, "effective": 20}
    assert log["metrics"]["exact_match_stderr,flexible-extract"] == pytest.approx(0.0993, 1e-3)
    assert log["config"]["model"] == "local-chat-completions"
    assert result.evidence["tool_versions"]["lm_eval (in results)"] == ["0.4.13"]
    assert len(result.evidence["files"]) == 3


def test_an_inspect_log_is_not_mistaken_for_lm_eval_results(inspect_logs):
    result = resolve({"kind": "threshold", "model": "gen2", "condition": "cot",
                      "metric": "exact_match", "at_least": 0.5}, source("*.json"),
                     inspect_logs.json_dir)
    assert result.verdict == "inconclusive"
    assert "not an lm-eval results file" in result.reason


def test_a_task_missing_from_the_results_is_named():
    src = source(conditions={"cot": {"task": "arith_lm_cot_v2"}, "snap": {"task": "arith_lm"}})
    result = resolve({"kind": "threshold", "model": "gen2", "condition": "cot",
                      "metric": "exact_match", "at_least": 0.5}, src)
    assert result.verdict == "inconclusive"
    assert "not arith_lm_cot_v2" in result.reason


def test_evidence_keeps_both_tasks_read_from_one_results_file():
    result = resolve({"kind": "gap", "model": "gen2", "a": "cot", "b": "snap",
                      "metric": "exact_match", "min_gap": 0.1})
    assert sorted(log["task"] for log in result.evidence["logs"]) == ["arith_lm", "arith_lm_cot"]


def test_the_measurement_records_the_filter_and_samples_actually_used():
    result = resolve({"kind": "gap", "model": "gen3", "a": "cot", "b": "snap",
                      "metric": "exact_match", "min_gap": 0.1})
    readings = {r["condition"]: r for r in result.measurement["readings"]}
    assert {c: r["filter"] for c, r in readings.items()} == {"cot": "flexible-extract",
                                                             "snap": "flexible-extract"}
    assert readings["cot"]["key"] == "exact_match,flexible-extract"
    assert isinstance(readings["cot"]["samples"], int) and readings["cot"]["samples"] > 0
    assert result.measurement["a"]["filter"] == "flexible-extract"


def test_a_condition_with_its_own_filter_is_recorded_with_that_filter():
    src = source(conditions={"cot": {"task": "arith_lm_cot"},
                             "snap": {"task": "arith_lm", "filter": "strict-match"}})
    result = resolve({"kind": "threshold", "model": "gen1", "condition": "snap",
                      "metric": "exact_match", "at_least": 0.0}, src)
    [reading] = result.measurement["readings"]
    assert (reading["filter"], result.measurement["filter"]) == ("strict-match", "strict-match")
