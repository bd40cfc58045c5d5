"""`make run` for real: scripts/run.py as a subprocess, its web, worker and beat, and Ctrl-C
(tests/ops/embedded.py starts each stack apart from every other)."""

import os
import signal
import sqlite3
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from bets.demo.data import AWAITING_RESOLUTION, SHOWCASE
from tests.celery_worker import wait_for
from tests.ops.embedded import groups_left

# Beat first sends claims_close_due one period after it starts; the tests shorten the period
# from 30 s to 2 s so that waiting for it does not dominate the suite.
BEAT_SECONDS = 60


def sqlite_status(var_dir: Path, title: str) -> str:
    with sqlite3.connect(var_dir / "crux.sqlite3") as conn:
        row = conn.execute("SELECT status FROM bets_claim WHERE title = ?", (title,)).fetchone()
    return row[0] if row else ""


def test_run_serves_the_demo_runs_beat_tasks_on_its_worker_and_ctrl_c_stops_everything(
    run_script, tmp_path
):
    # A var/ run.py has prepared before (its first start, demo and all, is
    # test_embedded_stack's fresh-stack test and the PostgreSQL test below).
    script = run_script(prepared=True)
    page = script.wait_until_serving()
    assert SHOWCASE[0].title in page
    wait_for(lambda: "Crux is running at " + script.url in script.log(), timeout=30)
    assert "'admin', password 'crux-admin'" in script.log()
    # The demo claim past its close time is closed by beat's claims_close_due on the worker.
    wait_for(
        lambda: sqlite_status(tmp_path / "var0", AWAITING_RESOLUTION.title) == "closed",
        timeout=BEAT_SECONDS,
        message=f"beat + worker never closed the due demo claim:\n{script.log()}",
    )
    children = script.child_pids()
    assert set(children) == {"web", "worker", "beat"}

    script.proc.send_signal(signal.SIGINT)
    assert script.proc.wait(timeout=30) == 0
    assert groups_left(children) == []


def test_run_stops_the_others_and_fails_when_one_child_dies(run_script):
    script = run_script(prepared=True)
    # Running, not only serving: run.py has started all three children and is watching them
    # (it says so only then), so the kill below is of a child it knows.
    script.wait_until_running()
    children = script.child_pids()
    os.killpg(children["worker"], signal.SIGKILL)

    assert script.proc.wait(timeout=30) == 1
    assert "worker exited with status" in script.log()
    assert groups_left(children) == []


@pytest.fixture
def scratch_postgres_url():
    """A throwaway PostgreSQL database for run.py, beside (not inside) the test database."""
    base = settings.DATABASES["default"]
    name = f"{base['NAME']}_runpg"
    admin_url = f"host={base['HOST'] or '127.0.0.1'} port={base['PORT'] or 5432} " \
        f"user={base['USER'] or 'postgres'} dbname=postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{base['USER'] or 'postgres'}@{base['HOST'] or '127.0.0.1'}:" \
        f"{base['PORT'] or 5432}/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_run_uses_postgresql_and_redis_when_their_urls_are_set(run_script, scratch_postgres_url):
    script = run_script(
        extra_env={"DATABASE_URL": scratch_postgres_url, "REDIS_URL": settings.REDIS_URL}
    )
    page = script.wait_until_serving()
    assert SHOWCASE[0].title in page
    assert "database: postgresql" in script.log()
    assert "broker: " + settings.REDIS_URL.split("@")[-1] in script.log()

    def closed_in_postgres():
        with psycopg.connect(scratch_postgres_url) as conn:
            row = conn.execute(
                "SELECT status FROM bets_claim WHERE title = %s", (AWAITING_RESOLUTION.title,)
            ).fetchone()
        return row and row[0] == "closed"

    wait_for(closed_in_postgres, timeout=BEAT_SECONDS,
             message=f"beat + worker never closed the due demo claim:\n{script.log()}")
    children = script.child_pids()
    script.proc.send_signal(signal.SIGINT)
    assert script.proc.wait(timeout=30) == 0
    assert groups_left(children) == []
