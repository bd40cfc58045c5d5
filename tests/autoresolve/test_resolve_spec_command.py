"""`manage.py resolve_spec`: one JSON object on stdout, nothing written, clear errors."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bets.models import ResolutionAttempt
from tests.autoresolve.conftest import CONDITIONS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def spec_file(tmp_path, spec) -> Path:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    return path


def widening(location) -> dict:
    return {
        "source": {"kind": "inspect_logs", "location": location, "task": "arith",
                   "conditions": CONDITIONS},
        "criterion": {"kind": "widening_gap", "a": "cot", "b": "snap", "metric": "accuracy",
                      "models": ["mockllm/gen1", "mockllm/gen2", "mockllm/gen3"]},
    }


def test_resolve_spec_prints_one_json_verdict_and_writes_nothing(tmp_path, eval_dir):
    out = StringIO()
    path = spec_file(tmp_path, widening({"path": "good/*.eval"}))
    call_command("resolve_spec", str(path), artifacts=str(eval_dir), stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"verdict", "reason", "measurement", "evidence"}
    assert result["verdict"] == "yes"
    assert len(result["evidence"]["files"]) == 9
    assert not ResolutionAttempt.objects.exists()


def test_resolve_spec_reports_bad_evidence_as_inconclusive(tmp_path, bad_logs):
    out = StringIO()
    folder = bad_logs["error"].parent
    spec = widening({"path": "*.eval"})
    spec["criterion"] = {"kind": "threshold", "model": "mockllm/gen2", "condition": "cot",
                         "metric": "accuracy", "at_least": 0.1}
    call_command("resolve_spec", str(spec_file(tmp_path, spec)), artifacts=str(folder),
                 stdout=out)
    result = json.loads(out.getvalue())
    assert result["verdict"] == "inconclusive" and "error" in result["reason"]


def test_a_bad_spec_is_an_error_naming_every_problem(tmp_path):
    spec = {"source": {"kind": "inspect_logs"}, "criterion": {"kind": "vibes"}}
    with pytest.raises(CommandError) as caught:
        call_command("resolve_spec", str(spec_file(tmp_path, spec)))
    message = str(caught.value)
    assert "source.location" in message and "vibes" in message


def test_a_bad_spec_exits_non_zero_from_the_shell(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text("{not json")
    done = subprocess.run(
        [sys.executable, "manage.py", "resolve_spec", str(path)], cwd=ROOT,
        capture_output=True, text=True, timeout=120, env=os.environ.copy(), check=False,
    )
    assert done.returncode != 0
    assert "not valid JSON" in done.stderr and done.stdout == ""
