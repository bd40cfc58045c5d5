"""Evidence that must never decide a claim ends inconclusive, with the reason in words.

The bad logs are real inspect logs too: a run that errored, one that lost a sample, one
invalidated through inspect's own edit API, and runs of another task or dataset.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from resolvers import SourceError, run_spec
from tests.resolvers import specs
from tests.resolvers.specs import gap, spec, threshold

GEN2_COT = threshold(model="mockllm/gen2", at_least=0.5)


def _folder(tmp_path: Path, *logs: Path) -> Path:
    for log in logs:
        shutil.copy(log, tmp_path / log.name)
    return tmp_path


def _good(inspect_logs, model: str, solvers: tuple[str, ...]) -> Path:
    from inspect_ai.log import read_eval_log

    for path in inspect_logs.eval_logs:
        log = read_eval_log(path, header_only=True)
        if log.eval.model == model and tuple(s.solver for s in log.plan.steps) == solvers:
            return path
    raise LookupError(model)


@pytest.mark.parametrize(("bad", "words"), [
    ("error", "status is error"),
    ("missing_samples", "only 19 of 20 samples completed"),
    ("invalidated", "log is invalidated"),
    ("other_task", "are for task arith_hard, not arith"),
    ("other_dataset", "are for dataset arith-other, not arith-20"),
])
def test_a_log_that_must_not_decide_gives_inconclusive_with_the_reason(inspect_logs, bad,
                                                                       words):
    result = run_spec(spec(GEN2_COT),
                      context=specs.context(inspect_logs.bad[bad].parent))
    assert result.verdict == "inconclusive"
    assert words in result.reason


def test_the_newest_completed_log_wins_and_the_evidence_says_which_was_ignored(inspect_logs,
                                                                               tmp_path):
    original = _good(inspect_logs, "mockllm/gen2", ("chain_of_thought", "generate"))
    folder = _folder(tmp_path, original, inspect_logs.rerun)
    result = run_spec(spec(threshold(model="mockllm/gen2", at_least=0.6)),
                      context=specs.context(folder))
    assert result.verdict == "yes"
    assert result.measurement["value"] == 0.65  # the rerun, not the original 0.70
    [note] = result.evidence["selection"]
    assert "used the newest completed" in note
    assert inspect_logs.rerun.name in note and original.name in note


def test_a_newer_failed_run_does_not_displace_an_older_completed_one(inspect_logs, tmp_path):
    original = _good(inspect_logs, "mockllm/gen2", ("chain_of_thought", "generate"))
    folder = _folder(tmp_path, original, inspect_logs.bad["error"],
                     inspect_logs.bad["invalidated"])
    result = run_spec(spec(GEN2_COT), context=specs.context(folder))
    assert (result.verdict, result.measurement["value"]) == ("yes", 0.7)
    [note] = result.evidence["selection"]
    assert "status is error" in note and "log is invalidated" in note


def test_two_runs_finished_in_the_same_second_are_inconclusive_not_a_coin_toss(
        inspect_logs, tmp_path):
    from inspect_ai.log import read_eval_log, write_eval_log

    original = _good(inspect_logs, "mockllm/gen2", ("chain_of_thought", "generate"))
    rerun = read_eval_log(inspect_logs.rerun)
    rerun.stats.completed_at = read_eval_log(original, header_only=True).stats.completed_at
    write_eval_log(rerun, tmp_path / "tied.eval")
    _folder(tmp_path, original)
    result = run_spec(spec(GEN2_COT), context=specs.context(tmp_path))
    assert result.verdict == "inconclusive"
    assert "cannot tell which is newest" in result.reason


def test_a_truncated_eval_file_is_noted_as_unreadable_and_the_claim_stays_open(inspect_logs,
                                                                              tmp_path):
    original = _good(inspect_logs, "mockllm/gen2", ("chain_of_thought", "generate"))
    data = original.read_bytes()
    (tmp_path / original.name).write_bytes(data[: len(data) // 2])
    result = run_spec(spec(GEN2_COT), context=specs.context(tmp_path))
    assert result.verdict == "inconclusive"
    assert "unreadable" in result.reason and "zip" in result.reason.lower()


def test_json_that_is_not_an_inspect_log_is_unreadable_not_a_crash(tmp_path):
    (tmp_path / "x.json").write_text('{"hello": "world"}')
    (tmp_path / "y.json").write_text("not json at all")
    result = run_spec(spec(GEN2_COT, specs.inspect_source("*.json")),
                      context=specs.context(tmp_path))
    assert result.verdict == "inconclusive"
    assert "x.json is unreadable: ValueError: not an inspect_ai log" in result.reason
    assert "y.json is unreadable" in result.reason


def test_a_stray_unreadable_file_does_not_block_a_claim_that_does_not_need_it(inspect_logs,
                                                                              tmp_path):
    folder = _folder(tmp_path, *inspect_logs.eval_logs)
    (folder / "stray.eval").write_bytes(b"PK\x03\x04 not really")
    result = run_spec(spec(gap()), context=specs.context(folder))
    assert result.verdict == "yes"
    assert any("stray.eval is unreadable" in n for n in result.evidence["notes"])


def test_a_missing_condition_names_the_model_and_condition(inspect_logs, tmp_path):
    folder = _folder(tmp_path, _good(inspect_logs, "mockllm/gen2", ("generate",)))
    result = run_spec(spec(gap(model="mockllm/gen2")), context=specs.context(folder))
    assert result.verdict == "inconclusive"
    assert "no log for mockllm/gen2 under condition cot on task arith" in result.reason


def test_a_location_that_matches_nothing_is_inconclusive_until_the_logs_arrive(tmp_path):
    result = run_spec(spec(gap(), specs.inspect_source("gen4/*.eval")),
                      context=specs.context(tmp_path))
    assert result.verdict == "inconclusive"
    assert "data:gen4/*.eval matches no files" in result.reason


def test_every_problem_is_reported_not_just_the_first(inspect_logs):
    result = run_spec(spec(gap(model="mockllm/gen2")),
                      context=specs.context(inspect_logs.bad["error"].parent))
    assert result.verdict == "inconclusive"
    assert "under condition snap" in result.reason  # no snap log at all
    assert "status is error" in result.reason  # and the cot log errored


def test_an_oversized_file_is_refused_with_a_clear_error(inspect_logs):
    with pytest.raises(SourceError) as caught:
        run_spec(spec(gap()), context=specs.context(inspect_logs.eval_dir, fetch_max_bytes=1000))
    assert not caught.value.retryable
    assert "exceeds the 1000-byte cap" in str(caught.value)


def test_tied_runs_that_agree_on_every_metric_still_decide(inspect_logs, tmp_path):
    from inspect_ai.log import read_eval_log, write_eval_log

    original = _good(inspect_logs, "mockllm/gen2", ("chain_of_thought", "generate"))
    write_eval_log(read_eval_log(original), tmp_path / "same-run.json", format="json")
    _folder(tmp_path, original)
    result = run_spec(spec(GEN2_COT, specs.inspect_source("*")),
                      context=specs.context(tmp_path))
    assert (result.verdict, result.measurement["value"]) == ("yes", 0.7)


def test_a_missing_run_points_at_the_file_that_could_not_be_read(inspect_logs, tmp_path):
    snap = _good(inspect_logs, "mockllm/gen2", ("generate",))
    cot = _good(inspect_logs, "mockllm/gen2", ("chain_of_thought", "generate"))
    _folder(tmp_path, snap)
    (tmp_path / "cot.eval").write_bytes(cot.read_bytes()[:5000])
    result = run_spec(spec(gap(model="mockllm/gen2")), context=specs.context(tmp_path))
    assert result.verdict == "inconclusive"
    assert result.reason.startswith("no log for mockllm/gen2 under condition cot on task arith "
                                    "(data:cot.eval is unreadable: BadZipFile")
