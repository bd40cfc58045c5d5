"""`make run`'s own stack in a test: scripts/run.py as a subprocess, with its web, worker and beat.

Each stack runs in a temporary CRUX_VAR_DIR on a free port, so it never touches the
developer's var/ or another test's processes. The environment is the test's own less
DATABASE_URL and REDIS_URL, so the stack is the embedded default (SQLite, filesystem broker)
unless a test sets them; PYTHONPATH passes through, so the stack runs this checkout's code.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.celery_worker import wait_for

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 120
# run.py migrates, collects static files and loads the demo before it starts anything; on a
# fresh database on a busy CI machine that alone has taken two minutes. Waits for what the
# stack does start from its children, not from run.py's launch.
PREPARE_SECONDS = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stack_env(var_dir: Path) -> dict[str, str]:
    """The test's environment less its databases, and less the flag the browser fixture sets
    for the test process alone: the embedded default, in var_dir."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return env | {"CRUX_VAR_DIR": str(var_dir), "PYTHONUNBUFFERED": "1",
                  "CRUX_CLOSE_SECONDS": "2"}


# What scripts/run.py does to var/ before it starts web, worker and beat: its own
# prepare_embedded (the broker's folders, so what load_demo queues is kept for the worker),
# then migrate, collectstatic and load_demo.
PREPARE_COMMANDS = (
    ("-c", "import sys; sys.path.insert(0, 'scripts'); import run; "
           "run.prepare_embedded(run.django_settings())"),
    ("manage.py", "migrate", "--noinput", "-v", "0"),
    ("manage.py", "collectstatic", "--noinput", "-v", "0"),
    ("manage.py", "load_demo"),
)


def prepare_var(var_dir: Path) -> None:
    """A var/ folder as a first `make run` leaves it before its children start: broker
    folders made, migrated, static files collected, demo loaded (the template of
    tests/conftest.py's prepared_var)."""
    for args in PREPARE_COMMANDS:
        result = subprocess.run([sys.executable, *args], cwd=ROOT,
                                env=stack_env(var_dir), capture_output=True, text=True,
                                timeout=600)
        assert result.returncode == 0, f"{args} failed:\n{result.stdout}{result.stderr}"


def groups_left(children: dict[str, int], timeout: float = 30.0) -> list[str]:
    """The children whose process groups are still alive: [] as soon as every group is gone,
    else those left after `timeout`. run.py waits for each child itself, but the other members
    of a group it killed (pool processes, gunicorn's workers) exit, and are reaped, a moment
    later, which on a busy machine can be after run.py has exited."""
    deadline = time.monotonic() + timeout
    while (left := [name for name, pid in children.items() if group_alive(pid)]) and \
            time.monotonic() < deadline:
        time.sleep(0.1)
    return left


class RunScript:
    def __init__(self, var_dir: Path, extra_env: dict | None = None):
        self.var_dir = var_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = var_dir.parent / f"{var_dir.name}-run.log"
        self.env = stack_env(var_dir) | {"PORT": str(self.port)} | (extra_env or {})
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in finish)
        self.proc = subprocess.Popen(
            [sys.executable, "scripts/run.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def child_pids(self) -> dict[str, int]:
        found = re.findall(r"started (\w+) \(pid (\d+)\)", self.log())
        return {name: int(pid) for name, pid in found}

    def get(self, path: str = "") -> tuple[int, str] | None:
        """(status, body) of a GET on the stack, or None while nothing answers."""
        assert self.proc.poll() is None, f"run.py exited early:\n{self.log()}"
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=5) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except OSError:
            return None

    def home(self) -> str | None:
        answer = self.get()
        return answer[1] if answer and answer[0] == 200 else None

    def wait_until_started(self, name: str = "web") -> None:
        """Until run.py has prepared var/ and the database and started child `name`."""
        def started() -> bool:
            assert self.proc.poll() is None, f"run.py exited early:\n{self.log()}"
            return f"started {name} (pid" in self.log()

        wait_for(started, timeout=PREPARE_SECONDS, interval=0.5,
                 message=f"run.py never started {name} (its log: {self.log_path})")

    def wait_until_serving(self) -> str:
        self.wait_until_started("web")
        return wait_for(self.home, timeout=STARTUP_SECONDS, interval=0.5,
                        message="the home page never answered 200")

    def wait_until_running(self) -> None:
        """Serving, and run.py has said so: the worker and beat were started before it."""
        self.wait_until_serving()
        wait_for(lambda: "Crux is running at " + self.url in self.log(), timeout=30)

    def manage_json(self, code: str) -> object:
        """Run `code` in `manage.py shell` on the stack's own database; it prints one JSON
        document, returned here."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=self.env,
            capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    def finish(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        for pid in self.child_pids().values():
            if group_alive(pid):
                os.killpg(pid, signal.SIGKILL)
        self._log.close()
