"""An admin adds an evaluation task from a JSONL dataset (`manage.py task_add`); specs name
it like a bundled task, its runs record its dataset's sha256, and bad datasets or names are
refused with nothing written."""

from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bets.autoresolve.live.runs import install_environment
from bets.common.errors import InvalidInput
from resolvers import evals
from tests.autoresolve.live.conftest import live_source
from tests.autoresolve.live.test_endpoints_and_specs import propose
from tests.autoresolve.live.test_resolve_spec_live import resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(catalog_restored, settings, tmp_path):
    """A data directory of the test's own, which the live-run catalog reads too (until the
    test ends)."""
    settings.CRUX_DATA_DIR = tmp_path / "data"
    settings.CRUX_DATA_DIR.mkdir()
    install_environment()
    return settings.CRUX_DATA_DIR


def dataset_from_arith(count: int) -> bytes:
    """A new task made of arithmetic questions the stub endpoint knows, with new ids."""
    rows = evals.rows("arith")[:count]
    return b"".join(json.dumps({"id": f"q{i}", "input": r["input"], "target": r["target"]})
                    .encode() + b"\n" for i, r in enumerate(rows))


def add(tmp_path, name: str, data: bytes, *args: str) -> str:
    path = tmp_path / f"{name}.jsonl"
    path.write_bytes(data)
    out = StringIO()
    call_command("task_add", name, "--dataset", str(path), *args, stdout=out)
    return out.getvalue()


def test_an_added_task_runs_like_a_bundled_one_and_records_its_datasets_sha256(
        tmp_path, data_dir, capsys, stub, endpoint):
    data = dataset_from_arith(6)
    said = add(tmp_path, "arith_small", data, "--description", "Six sums", "--task-version", "2")
    sha = hashlib.sha256(data).hexdigest()
    assert f"Added task arith_small (6 samples, dataset sha256 {sha})" in said
    assert "arith_small" in evals.task_names(data_dir)
    spec = {"source": live_source(task="arith_small", limit=6, conditions=["snap"]),
            "criterion": {"kind": "threshold", "model": "gen2", "condition": "snap",
                          "metric": "accuracy", "at_least": 0.0}}
    out = resolve(tmp_path, spec, capsys)
    assert out["verdict"] == "yes", out["reason"]
    [log] = out["evidence"]["logs"]
    assert log["metadata"]["crux_dataset_sha256"] == sha
    assert str(log["task_version"]) == "2" and log["metadata"]["crux_task"] == "arith_small"
    assert log["dataset"]["sample_ids"] == [f"q{i}" for i in range(6)]
    # The stub answered exactly the six questions of the new task.
    assert len(stub.answers()) == 6


def test_a_spec_naming_an_added_task_is_accepted_at_proposal(tmp_path, data_dir, ann, endpoint):
    with pytest.raises(InvalidInput, match="source.task: unknown task 'arith_small'"):
        propose(ann, live_source(task="arith_small", limit=6))
    add(tmp_path, "arith_small", dataset_from_arith(6))
    claim = propose(ann, live_source(task="arith_small", limit=6))
    assert claim.resolver_spec["source"]["task"] == "arith_small"


@pytest.mark.parametrize("name, data, problem", [
    ("arith", None, "arith is a bundled task"),
    ("Bad-Name", None, "use lowercase letters"),
    ("broken", b'{"id": 1, "input": "What is 3 + 5?", "target": "8"}\n{"id": 2,\n',
     "dataset:2: not a JSON object"),
    ("twice", b'{"id": 1, "input": "a", "target": "1"}\n{"id": 1, "input": "b", "target": "2"}\n',
     "dataset:2: expected a unique id"),
    ("no_target", b'{"id": 1, "input": "a"}\n', "dataset:1: expected a unique id"),
    ("empty", b"\n\n", "dataset: no samples"),
    ("latin1", '{"id": 1, "input": "caf\u00e9", "target": "1"}\n'.encode("latin-1"),
     "not UTF-8 text"),
])
def test_bad_names_and_datasets_are_refused_and_nothing_is_written(tmp_path, data_dir, name,
                                                                   data, problem):
    with pytest.raises(CommandError, match="Task not added") as refused:
        add(tmp_path, name, data if data is not None else dataset_from_arith(2))
    assert problem in str(refused.value)
    assert not (data_dir / "tasks").exists() or list((data_dir / "tasks").iterdir()) == []


def test_a_task_name_is_never_reused_for_another_dataset(tmp_path, data_dir):
    add(tmp_path, "sums", dataset_from_arith(3))
    before = (data_dir / "tasks" / "sums" / "dataset.jsonl").read_bytes()
    with pytest.raises(CommandError, match="a task named sums exists already"):
        add(tmp_path, "sums", dataset_from_arith(5))
    assert (data_dir / "tasks" / "sums" / "dataset.jsonl").read_bytes() == before


def test_a_missing_dataset_file_is_a_clear_error(tmp_path, data_dir):
    with pytest.raises(CommandError, match="Cannot read the dataset: No such file"):
        call_command("task_add", "sums", "--dataset", str(tmp_path / "nope.jsonl"))


def test_a_data_directory_that_cannot_hold_tasks_is_a_clear_error(tmp_path, settings):
    settings.CRUX_DATA_DIR = tmp_path / "a-file"
    settings.CRUX_DATA_DIR.write_text("not a folder")
    with pytest.raises(CommandError, match="Task not added: Not a directory"):
        add(tmp_path, "sums", dataset_from_arith(3))
