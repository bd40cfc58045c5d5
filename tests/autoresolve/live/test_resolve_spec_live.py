"""`resolve_spec` runs a live spec in this process (no worker): the bundled tasks under every
recipe against the stub endpoint, the identity evidence, and what makes a run inconclusive."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from resolvers.recipes import calculate
from tests.autoresolve.live.conftest import ACCURACY, live_source, register
from tests.autoresolve.live.stub_server import StubConfig, StubServer

pytestmark = pytest.mark.django_db


def resolve(tmp_path, spec: dict, capsys, *args: str) -> dict:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    call_command("resolve_spec", str(path), *args)
    return json.loads(capsys.readouterr().out)


def test_word_problems_under_all_three_recipes_with_a_real_calculator(tmp_path, capsys, stub,
                                                                      endpoint):
    spec = {"source": live_source(task="word_problems", models=["gen3"], limit=8,
                                  conditions=["snap", "cot", "tools"], seed=3,
                                  generate={"temperature": 0, "max_tokens": 64}),
            "criterion": {"kind": "ordering", "models": ["gen3"],
                          "order": ["tools", "cot", "snap"], "metric": "accuracy"}}
    logs = tmp_path / "logs"
    out = resolve(tmp_path, spec, capsys, "--keep-logs", str(logs))
    # gen3 on 8 questions: tools 7, cot 7, snap 4 right: tools is not above cot.
    assert out["verdict"] == "no", out["reason"]
    readings = {r["condition"]: r["value"] for r in out["measurement"]["readings"]}
    assert readings == {"tools": 7 / 8, "cot": 7 / 8, "snap": 4 / 8}
    # The tools recipe really called the calculator: one tool call per question, and the
    # calculator's results are what the model answered from.
    assert len([r for r in stub.records if r["kind"] == "tool_call"]) == 8
    from inspect_ai.log import read_eval_log

    [tools_log] = [read_eval_log(str(p)) for p in logs.glob("*.eval")
                   if "use_tools" in str(read_eval_log(str(p), header_only=True).plan.steps)]
    tool_results = [m.text for s in tools_log.samples for m in s.messages if m.role == "tool"]
    targets = [s.target for s in tools_log.samples]
    assert tool_results == targets
    # Identity: what /v1/models said, what the responses named, and the run's settings.
    live = out["evidence"]["live"]
    [shard] = live["shards"]
    assert shard["endpoint"]["models_answer"] == sorted(ACCURACY)
    assert shard["responses"]["gen3"]["models"] == {"gen3": 32}
    assert shard["responses"]["gen3"]["fingerprints"] == {"fp_crux_stub": 32}
    assert live["recipes"]["tools"] == "use_tools(calculator()) + generate()"
    assert live["seed"] == 3 and live["generate"] == {"temperature": 0, "max_tokens": 64}
    [used] = [log for log in out["evidence"]["logs"] if log["metadata"]["crux_condition"] == "cot"]
    assert len(used["metadata"]["crux_dataset_sha256"]) == 64
    assert used["dataset"]["sample_ids"] == list(range(1, 9))
    assert "inspect_ai" in out["evidence"]["tool_versions"]


def test_responses_naming_another_model_make_the_run_inconclusive(tmp_path, capsys, db):
    with StubServer(StubConfig(accuracy=ACCURACY, reported_model="gpt-other",
                               fingerprint=None)) as stub:
        register(stub)
        spec = {"source": live_source(conditions=["cot"], limit=4),
                "criterion": {"kind": "threshold", "model": "gen2", "condition": "cot",
                              "metric": "accuracy", "at_least": 0.1}}
        out = resolve(tmp_path, spec, capsys)
    assert out["verdict"] == "inconclusive"
    assert "responses named model gpt-other, not gen2" in out["reason"]
    [shard] = out["evidence"]["live"]["shards"]
    assert shard["responses"]["gen2"]["fingerprints"] == {"(absent)": 4}


def test_an_endpoint_that_does_not_answer_is_an_error_that_may_work_later(tmp_path, db):
    with StubServer(StubConfig(accuracy=ACCURACY)) as stub:
        register(stub)
    # The server is gone now: nothing listens on its port.
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({"source": live_source(), "criterion": {
        "kind": "gap", "model": "gen2", "a": "cot", "b": "snap", "metric": "accuracy",
        "min_gap": 0.1}}))
    with pytest.raises(CommandError, match=r"may work later.*did not answer GET /models"):
        call_command("resolve_spec", str(path))


@pytest.mark.parametrize("expression, value", [
    ("12 * 7 - 15", "69"), ("2 * (9 * 4 - 7)", "58"), ("7 / 2", "3.5"), ("-3 + 10 // 3", "0"),
])
def test_the_calculator_evaluates_arithmetic(expression, value):
    assert calculate(expression) == value


@pytest.mark.parametrize("expression", [
    "__import__('os')", "2 ** 100000", "x + 1", "1 / 0", "max(1, 2)", "9" * 300, "1e300 * 1e300",
])
def test_the_calculator_refuses_anything_but_arithmetic(expression):
    with pytest.raises(ValueError):
        calculate(expression)


def test_a_live_run_can_keep_no_samples_and_still_decide(tmp_path, capsys, stub, endpoint):
    spec = {"source": live_source(models=["gen3"], limit=6, conditions=["cot"],
                                  log_samples=False),
            "criterion": {"kind": "threshold", "model": "gen3", "condition": "cot",
                          "metric": "accuracy", "at_least": 0.1}}
    logs = tmp_path / "logs"
    out = resolve(tmp_path, spec, capsys, "--keep-logs", str(logs))
    assert out["verdict"] == "yes", out["reason"]
    from inspect_ai.log import read_eval_log

    [log] = [read_eval_log(str(p)) for p in logs.glob("*.eval")]
    assert not log.samples and log.results.completed_samples == 6
