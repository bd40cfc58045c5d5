"""`make run` for real: scripts/run.py as a subprocess, its web, worker and beat, and Ctrl-C.

Each test starts the whole stack in a temporary CRUX_VAR_DIR on a free port, so it never
touches the developer's var/ or another test's processes.
"""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from bets.demo.data import AWAITING_RESOLUTION, SHOWCASE
from tests.celery_worker import wait_for

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 120
# Beat first sends claims_close_due one period after it starts; the tests shorten the period
# from 30 s to 2 s so that waiting for it does not dominate the suite.
BEAT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunScript:
    def __init__(self, var_dir: Path, extra_env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = var_dir.parent / f"{var_dir.name}-run.log"
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env |= {"CRUX_VAR_DIR": str(var_dir), "PORT": str(self.port), "PYTHONUNBUFFERED": "1",
                "CRUX_CLOSE_SECONDS": "2"}
        env |= extra_env or {}
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in finish)
        self.proc = subprocess.Popen(
            [sys.executable, "scripts/run.py"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def child_pids(self) -> dict[str, int]:
        found = re.findall(r"started (\w+) \(pid (\d+)\)", self.log())
        return {name: int(pid) for name, pid in found}

    def home(self) -> str | None:
        assert self.proc.poll() is None, f"run.py exited early:\n{self.log()}"
        try:
            with urllib.request.urlopen(self.url, timeout=3) as response:  # noqa: S310
                return response.read().decode() if response.status == 200 else None
        except OSError:
            return None

    def wait_until_serving(self) -> str:
        return wait_for(self.home, timeout=STARTUP_SECONDS, interval=0.5,
                        message="the home page never answered 200")

    def finish(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        for pid in self.child_pids().values():
            if group_alive(pid):
                os.killpg(pid, signal.SIGKILL)
        self._log.close()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def run_script(tmp_path):
    started = []

    def start(**kwargs) -> RunScript:
        script = RunScript(tmp_path / f"var{len(started)}", **kwargs)
        started.append(script)
        return script

    yield start
    for script in started:
        script.finish()


def sqlite_status(var_dir: Path, title: str) -> str:
    with sqlite3.connect(var_dir / "crux.sqlite3") as conn:
        row = conn.execute("SELECT status FROM bets_claim WHERE title = ?", (title,)).fetchone()
    return row[0] if row else ""


def test_run_serves_the_demo_runs_beat_tasks_on_its_worker_and_ctrl_c_stops_everything(
    run_script, tmp_path
):
    script = run_script()
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
    assert [name for name, pid in children.items() if group_alive(pid)] == []


def test_run_stops_the_others_and_fails_when_one_child_dies(run_script):
    script = run_script()
    script.wait_until_serving()
    children = script.child_pids()
    os.killpg(children["worker"], signal.SIGKILL)

    assert script.proc.wait(timeout=30) == 1
    assert "worker exited with status" in script.log()
    assert [name for name, pid in children.items() if group_alive(pid)] == []


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
    assert [name for name, pid in children.items() if group_alive(pid)] == []
