"""Serve Crux from gunicorn on a local port and drive it with wrk (Debian's package).

wrk is a C load generator: it costs the shared CPUs a fraction of what a Python client does
per request, so the figures describe the server rather than the client. Each script in
bench/wrk/ builds its requests in Lua and ends with report.lua, which prints one JSON line.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchdb import ROOT

WRK_DIR = Path(__file__).resolve().parent / "wrk"
# One sync worker per core: the clients share these cores, and more workers only queue.
GUNICORN_WORKERS = int(os.environ.get("CRUX_BENCH_WORKERS", str(os.cpu_count() or 2)))


@contextmanager
def gunicorn_serving(database_url: str, *, ready_path: str) -> Iterator[str]:
    """Crux under gunicorn with production settings (DEBUG=0, persistent database
    connections) on a free port of 127.0.0.1; yields the base URL once `ready_path`
    answers 200, and stops every worker on exit."""
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "CRUX_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DB_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "CRUX_VAR_DIR": tempfile.mkdtemp(prefix="crux-bench-"),
        # The benchmarks measure throughput from a few clients on one address, far past
        # the per-client rate limits a public deployment sets.
        "CRUX_API_ANON_RATE": "none",
        "CRUX_API_WRITE_RATE": "none",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", f"--bind=127.0.0.1:{port}",
         f"--workers={GUNICORN_WORKERS}", "--backlog=256", "--log-level=warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}{ready_path}", proc)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (local)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn never answered")


def wrk(base_url: str, script: str, *, connections: int, seconds: float, threads: int = 2,
        env: dict[str, str] | None = None) -> dict:
    """Run bench/wrk/<script> for `seconds` with `connections` clients; returns the report
    (requests, seconds, non_2xx, socket_errors, p50_ms, p95_ms, p99_ms, max_ms, rate).
    Any refused or failed request fails the benchmark: its figures would not be the page's."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench` installs it (Debian package wrk).")
    proc = subprocess.run(
        ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds:g}s",
         "--timeout=10s", "-s", str(WRK_DIR / script), base_url],
        capture_output=True, text=True, timeout=seconds + 60,
        env=os.environ | {"CRUX_WRK_REPORT": str(WRK_DIR / "report.lua")} | (env or {}),
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed ({proc.returncode}): {proc.stdout[-500:]}"
                         f"{proc.stderr[-500:]}")
    report = json.loads(lines[-1])
    if report["non_2xx"] or report["socket_errors"]:
        raise SystemExit(f"refused or failed requests during {script}: {report}")
    report["rate"] = report["requests"] / report["seconds"]
    return report
