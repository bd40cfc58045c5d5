"""Services dispatch Celery tasks by their registered name, never by importing them (tasks
import services). A misspelt name would publish a message no worker runs: check them all."""

import re
from pathlib import Path

import bets.tasks  # noqa: F401 (registers every task, as the worker does)
from config.celery import app

ROOT = Path(__file__).resolve().parents[2]
TASK_NAME = re.compile(r"""["'](bets\.tasks\.\w+)["']""")


def _names_in(*paths: Path) -> set[str]:
    return {name for path in paths for name in TASK_NAME.findall(path.read_text())}


def test_every_task_name_the_code_dispatches_is_a_registered_task():
    dispatched = _names_in(*(ROOT / "bets").rglob("*.py"))
    assert "bets.tasks.claim_score" in dispatched  # the scan finds the dispatch sites
    assert dispatched - set(app.tasks) == set()


def test_every_task_in_the_beat_schedule_and_routes_is_registered():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    routed = set(app.conf.task_routes or {})
    assert scheduled and routed
    assert (scheduled | routed) - set(app.tasks) == set()
