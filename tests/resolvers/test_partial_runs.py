"""Runs over part of a dataset never decide, and the evidence says which files were set aside
and why.

Every log here is real: inspect_ai wrote it (tests/fixtures/inspect_logs.py), and the lm-eval
results are genuine output of lm-eval 0.4.13 (tests/fixtures/lm_eval/). A partial run is an
ordinary `success` log whose completed count equals its own total: only the dataset's size
(or, for a live run, what its spec asked for) shows it is partial.

    gen2 chain of thought on arith-20:  full run 0.70; limit=10 smoke run 1.0; 3 samples 1.0
    gen2 on the lm-eval group arith_lm_split:  full run 0.50; --limit 4 run 0.75
"""

from __future__ import annotations

import json
import shutil

from resolvers import RunContext, run_spec
from resolvers.base import BadEvidence
from resolvers.registry import criterion_class
from resolvers.sources import inspect_run, lm_eval
from tests.resolvers import specs
from tests.resolvers.conftest import LM_EVAL_RESULTS
from tests.resolvers.specs import gap, spec, threshold


def _aside(result) -> dict[str, str]:
    return {entry["file"]: entry["reason"] for entry in result.evidence["set_aside"]}


def _named(files: dict[str, str], name: str) -> str:
    [reason] = [reason for file, reason in files.items() if file.endswith(name)]
    return reason


def test_a_smoke_run_written_after_the_full_run_is_set_aside_and_the_full_run_decides(
        inspect_logs, partial_logs, tmp_path):
    for log in inspect_logs.eval_logs:
        shutil.copy(log, tmp_path)
    shutil.copy(partial_logs.smoke, tmp_path)
    # The smoke run alone would say yes (1.0 on its 10 questions); the full run says 0.70.
    result = run_spec(spec(threshold(model="mockllm/gen2", at_least=0.9)),
                      context=specs.context(tmp_path))
    assert result.verdict == "no", result.reason
    assert "0.7" in result.reason
    [used] = result.evidence["logs"]
    assert used["dataset"]["sample_ids_count"] == 20 and used["limit"] is None
    reason = _named(_aside(result), partial_logs.smoke.name)
    assert reason == ("partial run: it covered 10 of the 20 samples of dataset arith-20 "
                      "(limit=10)")


def test_a_limited_run_alone_is_inconclusive_and_the_reason_says_it_is_partial(
        partial_logs, tmp_path):
    shutil.copy(partial_logs.smoke, tmp_path)
    result = run_spec(spec(threshold(model="mockllm/gen2", at_least=0.9)),
                      context=specs.context(tmp_path))
    assert result.verdict == "inconclusive"
    assert "partial run: it covered 10 of the 20 samples of dataset arith-20 (limit=10)" \
        in result.reason
    [refused] = result.evidence["refused"]
    assert refused["status"] == "success" and refused["limit"] == 10
    assert refused["completed_samples"] == refused["total_samples"] == 10


def test_a_run_over_a_list_of_sample_ids_is_partial_too(partial_logs, tmp_path):
    shutil.copy(partial_logs.subset, tmp_path)
    result = run_spec(spec(threshold(model="mockllm/gen2", at_least=0.9)),
                      context=specs.context(tmp_path))
    assert result.verdict == "inconclusive"
    assert ("partial run: it covered 3 of the 20 samples of dataset arith-20 "
            "(sample_id=[1, 2, 3])") in result.reason


def test_every_log_read_and_not_used_is_set_aside_with_its_reason(
        inspect_logs, partial_logs, tmp_path):
    for log in inspect_logs.eval_logs:
        shutil.copy(log, tmp_path)
    for log in (partial_logs.smoke, inspect_logs.rerun, inspect_logs.bad["error"],
                inspect_logs.bad["other_task"]):
        shutil.copy(log, tmp_path)
    (tmp_path / "stray.eval").write_bytes(b"not a zip")
    result = run_spec(spec(gap(model="mockllm/gen2", min_gap=0.1)),
                      context=specs.context(tmp_path))
    assert result.verdict == "yes", result.reason  # rerun cot 0.65 - snap 0.45
    used = {log["locator"] for log in result.evidence["logs"]}
    aside = _aside(result)
    # Every file read is either used or set aside, never both, never neither.
    read = {f["locator"] for f in result.evidence["files"]}
    assert used.isdisjoint(aside) and used | set(aside) == read
    assert any(locator.endswith(inspect_logs.rerun.name) for locator in used)
    full_cot = next(p.name for p in inspect_logs.eval_logs if _is(p, "gen2", "cot"))
    assert _named(aside, full_cot).startswith("superseded by a later log: ")
    assert _named(aside, partial_logs.smoke.name).startswith("partial run: it covered 10")
    assert _named(aside, inspect_logs.bad["error"].name).startswith("status is error")
    assert _named(aside, inspect_logs.bad["other_task"].name) == \
        "another task (arith_hard, not arith)"
    gen1_snap = next(p.name for p in inspect_logs.eval_logs if _is(p, "gen1", "snap"))
    assert _named(aside, gen1_snap) == \
        "another model (mockllm/gen1): the criterion read mockllm/gen2"
    gen2_tools = next(p.name for p in inspect_logs.eval_logs if _is(p, "gen2", "tools"))
    assert _named(aside, gen2_tools) == \
        "another condition (tools): the criterion read mockllm/gen2 under cot, snap"
    assert _named(aside, "stray.eval").startswith("unreadable: ")


def _is(path, model: str, condition: str) -> bool:
    from inspect_ai.log import read_eval_log

    log = read_eval_log(str(path), header_only=True)
    solvers = [step.solver for step in log.plan.steps]
    plan = {"snap": ["generate"], "cot": ["chain_of_thought", "generate"]}.get(condition)
    return log.eval.model == f"mockllm/{model}" and (
        solvers == plan if plan else "use_tools" in solvers)


# --- live runs: judged against what the spec asked for --------------------------------------


def _live(partial_logs, tmp_path, log=None, task="arith", **asked):
    shutil.copy(log or partial_logs.live_shard, tmp_path)
    source = {"kind": "inspect_run", "task": task, "endpoint": "lab", "models": ["gen2"],
              "conditions": ["snap"], **asked}
    evidence = inspect_run.read_logs(source, tmp_path, RunContext())
    criterion = criterion_class("threshold")({"kind": "threshold", "model": "gen2",
                                              "condition": "snap", "metric": "accuracy",
                                              "at_least": 0.5})
    try:
        decision = criterion.decide(evidence)
    except BadEvidence as e:
        return "inconclusive", str(e), evidence.report()
    return decision.verdict, decision.reason, evidence.report()


def test_a_live_run_that_ran_what_its_spec_asked_for_decides(partial_logs, tmp_path):
    verdict, reason, report = _live(partial_logs, tmp_path, limit=10)
    assert verdict == "yes", reason  # 9 of 10
    assert report["set_aside"] == []


def test_a_live_run_over_fewer_samples_than_its_spec_asked_for_is_partial(
        partial_logs, tmp_path):
    verdict, reason, report = _live(partial_logs, tmp_path, limit=20)
    assert verdict == "inconclusive"
    assert ("partial run: it covered 10 of the 20 samples the spec asked for "
            "(limit=[0, 10])") in reason
    [entry] = report["set_aside"]
    assert entry["reason"].startswith("partial run: it covered 10 of the 20 samples")
    # Without a limit the spec asks for the whole bundled dataset (200 questions).
    verdict, reason, _ = _live(partial_logs, tmp_path)
    assert verdict == "inconclusive" and "covered 10 of the 200 samples" in reason


def test_a_live_run_of_a_task_this_machine_lacks_is_judged_by_the_logs_dataset_size(
        partial_logs, tmp_path):
    # Re-checked away from the service (no data directory), the added task `sums` is
    # unknown: the log's own record of its dataset (12 questions) stands in.
    verdict, reason, _ = _live(partial_logs, tmp_path, partial_logs.added_task, "sums")
    assert verdict == "inconclusive"
    assert "partial run: it covered 6 of the 12 samples the spec asked for" in reason
    verdict, reason, _ = _live(partial_logs, tmp_path, partial_logs.added_task, "sums",
                               limit=6)
    assert verdict == "yes", reason


# --- lm-eval groups: complete when every subtask is -----------------------------------------


def _group(pattern: str, at_least: float, data_dir=LM_EVAL_RESULTS):
    source = {"kind": "lm_eval", "location": {"data": pattern}, "task": "arith_lm_split",
              "filter": "flexible-extract"}
    criterion = {"kind": "threshold", "model": "gen2", "metric": "exact_match",
                 "at_least": at_least}
    return run_spec(spec(criterion, source), context=specs.context(data_dir))


def test_a_complete_group_decides_from_its_subtasks_sample_counts():
    result = _group("gen2-group.json", 0.5)
    assert result.verdict == "yes", result.reason
    [reading] = result.measurement["readings"]
    assert reading["value"] == 0.5 and reading["samples"] == 20
    [log] = result.evidence["logs"]
    assert log["subtasks"] == {"arith_lm_low": {"original": 8, "effective": 8},
                               "arith_lm_high": {"original": 12, "effective": 12}}
    # The subtasks were read for the group's completeness: not set aside.
    assert result.evidence["set_aside"] == []


def test_a_group_run_limited_in_its_subtasks_is_partial():
    result = _group("gen2-group-limit4.json", 0.7)  # it says 0.75 over 8 of 20 questions
    assert result.verdict == "inconclusive"
    assert ("partial run of group arith_lm_split: subtasks evaluated only in part "
            "(arith_lm_low 4 of 8, arith_lm_high 4 of 12 samples; run limited)") \
        in result.reason


def test_the_full_group_run_decides_over_a_later_limited_one(tmp_path):
    for name in ("gen2-group.json", "gen2-group-limit4.json"):
        shutil.copy(LM_EVAL_RESULTS / name, tmp_path)
    result = _group("*.json", 0.7, tmp_path)
    assert result.verdict == "no", result.reason  # 0.5 < 0.7
    aside = _aside(result)
    assert _named(aside, "gen2-group-limit4.json task arith_lm_split").startswith(
        "partial run of group arith_lm_split")
    assert _named(aside, "gen2-group-limit4.json task arith_lm_low") == \
        "another task (arith_lm_low, not arith_lm_split)"
    assert not any("gen2-group.json" in file for file in aside)


def test_a_group_whose_subtask_has_no_sample_counts_is_named():
    doc = json.loads((LM_EVAL_RESULTS / "gen2-group.json").read_bytes())
    del doc["n-samples"]["arith_lm_high"]
    parsed = lm_eval.parse(json.dumps(doc).encode(), "gen2-group.json")
    assert lm_eval.problems(parsed, "arith_lm_split") == (
        "group arith_lm_split: no sample counts (n-samples) for subtask arith_lm_high",)
    assert lm_eval.problems(parsed, "arith_lm_low") == ()
