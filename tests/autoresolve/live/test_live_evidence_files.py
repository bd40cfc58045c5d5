"""A live run's logs are the attempt's files: kept under CRUX_LIVE_DIR, listed with their
sha256 and downloadable in evidence.zip by whoever the spec's `visibility` lets read them."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from bets.claims.arbiters import claim_arbiters_set
from bets.models import LiveRun, ResolutionAttempt
from tests.autoresolve.live.conftest import live_source
from tests.factories import client_for, make_open_claim, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_attempt_reverifies():
    """Overrides the folder's check: these attempts are written by hand around bytes that
    are no inspect log (what is tested is who may download them), so no run stands behind
    their verdict to re-check."""
    yield

GAP = {"kind": "gap", "model": "gen2", "a": "cot", "b": "snap", "metric": "accuracy",
       "min_gap": 0.1}
LOG = b"PK-not-really-an-eval-log-but-bytes-with-a-sha256"


def _finished_run(tmp_path, author, moderator, *, shards: int, visibility: str | None,
                  disclose: str | None = None):
    source = live_source(shards=shards) | ({"visibility": visibility} if visibility else {})
    spec = {"source": source, "criterion": GAP} | ({"disclose": disclose} if disclose else {})
    claim = make_open_claim(author=author, moderator=moderator, resolver_spec=spec)
    read_from = tmp_path / ("shard-0" if shards == 1 else "merged")
    read_from.mkdir(parents=True)
    (read_from / "gen2-cot.eval").write_bytes(LOG)
    attempt = ResolutionAttempt.objects.create(
        claim=claim, trigger="manual", run_key=f"k{shards}{visibility}{disclose}", spec=spec,
        status="decided", verdict="yes",
        evidence={"files": [{"locator": "path:gen2-cot.eval", "bytes": len(LOG),
                             "sha256": hashlib.sha256(LOG).hexdigest()}]})
    LiveRun.objects.create(attempt=attempt, claim=claim, log_dir=str(tmp_path), shards=shards,
                           status="finished", deadline_at=timezone.now() + timedelta(hours=1))
    return claim, attempt


def _manifest(client, attempt) -> tuple[list[dict], dict[str, bytes]]:
    response = client.get(f"/api/attempts/{attempt.pk}/evidence.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    files = {n: archive.read(n) for n in archive.namelist() if n.startswith("files/")}
    return json.loads(archive.read("manifest.json"))["files"], files


@pytest.mark.parametrize("shards", [1, 2])
def test_a_public_live_runs_logs_download_from_evidence_zip(tmp_path, ann, mod, anon, shards,
                                                             endpoint):
    _, attempt = _finished_run(tmp_path, ann, mod, shards=shards, visibility=None)
    manifest, files = _manifest(anon, attempt)
    assert [e["included"] for e in manifest] == [True]
    assert files == {manifest[0]["path"]: LOG}


def test_a_private_live_runs_logs_go_to_arbiters_and_staff_only(tmp_path, ann, mod, anon,
                                                                endpoint):
    claim, attempt = _finished_run(tmp_path, ann, mod, shards=1, visibility="private")
    arbiter, outsider = make_user("arb"), make_user("dan")
    claim_arbiters_set(claim_id=claim.pk, actor=mod, usernames=["arb"])
    for client in (anon, client_for(outsider)):
        manifest, files = _manifest(client, attempt)
        assert files == {} and manifest[0]["included"] is False
        assert "private to the claim's arbiters" in manifest[0]["note"]
        assert manifest[0]["sha256"] == hashlib.sha256(LOG).hexdigest()
    for client in (client_for(arbiter), client_for(mod)):
        manifest, files = _manifest(client, attempt)
        assert list(files.values()) == [LOG]


def test_a_live_log_changed_on_disk_is_not_served_as_evidence(tmp_path, ann, mod, anon,
                                                              endpoint):
    _, attempt = _finished_run(tmp_path, ann, mod, shards=1, visibility=None)
    (tmp_path / "shard-0" / "gen2-cot.eval").write_bytes(b"tampered")
    manifest, files = _manifest(anon, attempt)
    assert files == {} and manifest[0]["note"].startswith("changed since the run")


def test_a_live_run_whose_spec_discloses_aggregates_keeps_its_logs_from_outsiders(
        tmp_path, ann, mod, anon, endpoint):
    claim, attempt = _finished_run(tmp_path, ann, mod, shards=1, visibility=None,
                                   disclose="aggregates")
    manifest, files = _manifest(anon, attempt)
    assert files == {} and "discloses only aggregate" in manifest[0]["note"]
    manifest, files = _manifest(client_for(mod), attempt)
    assert list(files.values()) == [LOG]
