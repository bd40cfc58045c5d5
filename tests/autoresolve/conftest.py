"""Fixtures for auto-resolution: real inspect logs made in the test run, claims with specs."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import timezone

from bets.autoresolve import bridge
from bets.claims.services import claim_approve, claim_propose
from tests.fixtures.inspect_logs import generate_bad_logs, generate_good_logs
from tests.prepared import copy_of, prepared


@pytest.fixture(scope="session")
def eval_dir(tmp_path_factory) -> Path:
    """gen1..gen3 x snap/cot/tools logs written by inspect_ai itself (see fixtures): generated
    once per run and copied into each xdist worker's own folder (tests/prepared.py)."""
    logs = prepared(tmp_path_factory, "autoresolve-evals",
                    lambda folder: generate_good_logs(folder / "good"))
    return copy_of(logs, tmp_path_factory.mktemp("evals"))


@pytest.fixture(scope="session")
def bad_logs(eval_dir) -> dict[str, Path]:
    return generate_bad_logs(eval_dir / "bad")


@pytest.fixture(autouse=True)
def crux_settings(settings, eval_dir, tmp_path):
    settings.CRUX_DATA_DIR = eval_dir
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CRUX_DISPUTE_WINDOW_SECONDS = 3 * 24 * 3600
    # Each test starts with an empty cache, so parse counts are the test's own.
    bridge._CACHE = None
    return settings


@pytest.fixture(autouse=True)
def every_attempt_reverifies(request):
    """After each test that used the database, every attempt with a verdict that the test
    created re-runs from its stored files to the same verdict and measurement
    (bets.autoresolve.evidence.reverify; it writes nothing)."""
    names = request.fixturenames
    db_fixture = next((n for n in ("transactional_db", "db") if n in names), None)
    if db_fixture is None:
        yield
        return
    request.getfixturevalue(db_fixture)
    request.getfixturevalue("crux_settings")  # the data directory the attempts read
    yield
    from bets.autoresolve.evidence.reverify import DECIDED, attempt_reverify
    from bets.models import ResolutionAttempt

    for attempt in ResolutionAttempt.objects.filter(status__in=DECIDED):
        # URL sources included (from the snapshots of what they fetched), and live runs
        # (from the logs they wrote, with their endpoint long stopped).
        report = attempt_reverify(attempt_id=attempt.pk)
        assert report.ok, "\n".join(report.lines)


CONDITIONS = {
    "snap": {"solvers": ["generate"]},
    "cot": {"solvers_include": "chain_of_thought"},
    "tools": {"solvers_include": "use_tools"},
}


def inspect_spec(criterion: dict, location=None) -> dict:
    return {
        "source": {
            "kind": "inspect_logs",
            "location": location or {"data": "good/*.eval"},
            "task": "arith",
            "dataset": "arith-20",
            "conditions": CONDITIONS,
        },
        "criterion": criterion,
    }


# gen2: cot 0.70, snap 0.45 (a 25-point gap); gen1 cot 0.50.
GAP_YES = inspect_spec(
    {
        "kind": "gap",
        "model": "mockllm/gen2",
        "a": "cot",
        "b": "snap",
        "metric": "accuracy",
        "min_gap": 0.1,
    }
)
THRESHOLD_NO = inspect_spec(
    {
        "kind": "threshold",
        "model": "mockllm/gen1",
        "condition": "cot",
        "metric": "accuracy",
        "at_least": 0.9,
    }
)
UNKNOWN_MODEL = inspect_spec(
    {
        "kind": "threshold",
        "model": "mockllm/gen9",
        "condition": "cot",
        "metric": "accuracy",
        "at_least": 0.5,
    }
)


def make_spec_claim(*, author, moderator, spec, due: bool = True, title="Spec claim"):
    """An open claim with a resolver spec; `due` puts resolve_after (and close) in the past."""
    now = timezone.now()
    offset = timedelta(hours=-1) if due else timedelta(days=10)
    claim = claim_propose(
        author=author,
        title=title,
        statement="Chain of thought helps gen2.",
        resolution_criteria="Per the resolver spec.",
        open_time=now - timedelta(days=2),
        close_time=now + offset,
        resolve_after=now + offset,
        resolver_spec=spec,
    )
    return claim_approve(claim_id=claim.pk, moderator=moderator)


class JsonServer:
    """A local HTTP server for URL sources. `gate` (when set) holds the first request until
    released; `failures` answers that many requests with 503 first; `headers` are sent with
    every document (e.g. ETag)."""

    def __init__(self, document: dict):
        self.document = document
        self.headers: dict[str, str] = {}
        self.requests = 0
        self.arrived = threading.Event()
        self.gate: threading.Event | None = None
        self.failures = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                server.requests += 1
                server.arrived.set()
                if server.gate is not None and server.requests == 1:
                    server.gate.wait(60)
                if server.failures > 0:
                    server.failures -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                body = json.dumps(server.document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in server.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/results.json"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        if self.gate is not None:
            self.gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def http_spec(url: str, at_least: float = 0.8) -> dict:
    return {
        "source": {
            "kind": "http_json",
            "location": {"url": url},
            "path": "results.{model}.{metric}",
        },
        "criterion": {
            "kind": "threshold",
            "model": "gen3",
            "metric": "accuracy",
            "at_least": at_least,
        },
    }


@pytest.fixture
def json_server():
    server = JsonServer({"results": {"gen3": {"accuracy": 0.9}}})
    yield server
    server.close()


@pytest.fixture
def empty_queue():
    """The sweeps really publish to Redis and no worker runs in these tests: drop what they
    queued, before and after."""
    from tests.celery_worker import redis_flush

    redis_flush()
    yield
    redis_flush()
