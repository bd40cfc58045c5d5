"""Fixtures for live runs: the deterministic stub endpoint, its registration, and a real Celery
worker that consumes the `evals` queue (one eval per pool process)."""

from __future__ import annotations

import pytest

from bets.models import Endpoint
from resolvers.live import catalog
from tests.autoresolve.live.stub_server import StubConfig, StubServer
from tests.celery_worker import WorkerProcess

# Fraction of questions each scripted model gets right under each recipe. The cot - snap gap
# widens with the generation: 0.10, 0.25, 0.40 (on 20 questions: exactly these fractions).
ACCURACY = {
    "gen1": {"snap": 0.40, "cot": 0.50, "tools": 0.60},
    "gen2": {"snap": 0.45, "cot": 0.70, "tools": 0.80},
    "gen3": {"snap": 0.50, "cot": 0.90, "tools": 0.95},
}
MODELS = list(ACCURACY)


def pytest_collection_modifyitems(config, items):
    """`live_model` tests run a real model (minutes): only when asked for with -m."""
    if "live_model" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="real-model test: run with pytest -m live_model")
    for item in items:
        if "live_model" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def catalog_restored():
    """Tests that re-install the live-run catalog from changed settings (install_environment)
    get this process's catalog back exactly as it was when they end.

    Re-installing from settings at teardown is not the same: pytest-django's `settings` is
    torn down after such a test's own fixtures (tests/autoresolve's autouse crux_settings asks
    for it first), so a re-install then read the test's temporary CRUX_DATA_DIR and
    retry limits and left them in the catalog for every later test in the process."""
    saved = catalog.environment()
    yield
    catalog.set_environment(endpoint=saved.endpoint, limits=saved.limits,
                            data_dir=saved.data_dir, allow_loopback=saved.allow_loopback)


@pytest.fixture
def stub():
    with StubServer(StubConfig(accuracy=ACCURACY)) as server:
        yield server


def register(server: StubServer, name: str = "stub", models=None) -> Endpoint:
    return Endpoint.objects.create(name=name, base_url=server.base_url,
                                   served_models=models or MODELS, allow_private=True)


@pytest.fixture
def endpoint(db, stub):
    return register(stub)


def live_source(**fields) -> dict:
    source = {"kind": "inspect_run", "task": "arith", "endpoint": "stub",
              "models": ["gen2"], "conditions": ["snap", "cot"], "limit": 20}
    source.update(fields)
    return source


@pytest.fixture
def live_settings(settings, tmp_path):
    settings.CRUX_LIVE_DIR = tmp_path / "live"
    return settings


@pytest.fixture
def evals_worker(transactional_db, tmp_path, live_settings):
    """Start real workers on default, resolvers and evals; stopped at the end of the test."""
    started: list[WorkerProcess] = []

    def start(*, flush: bool = True, concurrency: int = 2, **env) -> WorkerProcess:
        worker = WorkerProcess(
            log_dir=tmp_path, queues="default,resolvers,evals", concurrency=concurrency,
            extra_env={"CRUX_LIVE_DIR": str(tmp_path / "live"),
                       "CRUX_LIVE_HEARTBEAT_SECONDS": "1", **env})
        worker.start(flush=flush)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


