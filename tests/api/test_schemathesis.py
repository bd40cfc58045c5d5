"""schemathesis over the live schema: every check, anonymous and with a staff token.

A bounded run (few examples per operation, fixed seeds) against a live server on the test
database; it must find no server error and no difference between the schema and what the
API does. A failure prints schemathesis' report, which ends with a curl line reproducing
each failing request. tests/api/schemathesis.toml lists, with reasons, the few operations
where a schema-valid request may still get a 400 (rules across fields and times).
"""

import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from bets.claims.forecasts import forecast_submit
from tests.factories import make_open_claim, make_user

CONFIG = Path(__file__).with_name("schemathesis.toml")
pytestmark = pytest.mark.django_db(transaction=True)


def schemathesis(base_url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run",
        f"{base_url}/api/schema/?format=json", "--checks", "all", "--max-examples", "2",
        "--no-color", "--request-timeout", "20", *args,
    ]
    # In a scratch folder: schemathesis keeps a cache (.schemathesis/) where it runs. The
    # limit only guards against a hang: the write run sends ~1,000 requests (more since the
    # agreement endpoints), over 240 s on two busy shared cores.
    return subprocess.run(command, capture_output=True, text=True, timeout=480, cwd=cwd)


@pytest.fixture
def world(live_server):
    """Rows for the fuzzer to find: claims, forecasts and a staff token."""
    staff = make_user("fuzz-staff", staff=True)
    ann = make_user("ann")
    for n in range(3):
        claim = make_open_claim(author=ann, moderator=staff, title=f"Claim {n}")
        forecast_submit(claim_id=claim.pk, participant=ann, probability=0.3 + n / 10)
    return {"token": Token.objects.create(user=staff).key, "url": live_server.url}


def _verdict(run: subprocess.CompletedProcess) -> str:
    return f"schemathesis exited {run.returncode}:\n{run.stdout[-20000:]}\n{run.stderr[-3000:]}"


def test_anonymous_reads_conform_to_the_schema(world, tmp_path):
    run = schemathesis(world["url"], tmp_path, "--include-method", "GET", "--seed", "1")
    assert run.returncode == 0, _verdict(run)
    assert "0 failures" in run.stdout or " passed" in run.stdout, _verdict(run)


def test_every_write_with_a_staff_token_conforms_to_the_schema(world, tmp_path):
    # Reads are the anonymous run's; this one sends every write, as a moderator.
    run = schemathesis(world["url"], tmp_path, "-H", f"Authorization: Token {world['token']}",
                       "--exclude-method", "GET", "--seed", "2")
    assert run.returncode == 0, _verdict(run)
