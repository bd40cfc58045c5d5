"""What URL sources fetched is kept (content-addressed snapshots with their retrieval), goes
into the evidence bundle with a README that says how to re-check it, and re-verifies without
fetching again."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

import resolvers
from bets.autoresolve import runs as autoresolve
from bets.autoresolve.evidence.reverify import attempt_reverify
from bets.autoresolve.evidence.snapshots import snapshot_path, snapshot_record
from bets.common.errors import InvalidInput
from bets.models import FetchedSnapshot
from tests.autoresolve.conftest import GAP_YES, http_spec, make_spec_claim

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_queue")]


def run(claim, key: str):
    return autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:{key}")


def test_fetched_bytes_are_kept_once_with_each_retrieval_named_in_the_evidence(
        ann, mod, settings, json_server):
    settings.CRUX_URL_SOURCE_ALLOW_LOOPBACK = True
    json_server.headers = {"ETag": '"v1"', "Last-Modified": "Sun, 06 Dec 2026 10:00:00 GMT"}
    first = make_spec_claim(author=ann, moderator=mod, spec=http_spec(json_server.url))
    second = make_spec_claim(author=ann, moderator=mod, spec=http_spec(json_server.url, 0.95))
    a, b = run(first, "a"), run(second, "a")
    assert (a.verdict, b.verdict) == ("yes", "no")
    body = json.dumps(json_server.document).encode()
    sha = hashlib.sha256(body).hexdigest()
    [snapshot] = FetchedSnapshot.objects.all()  # two retrievals, the same bytes: one snapshot
    assert (snapshot.url, snapshot.sha256, snapshot.size) == (json_server.url, sha, len(body))
    assert (snapshot.http_status, snapshot.etag, snapshot.origin) == (200, '"v1"', "fetched")
    assert snapshot.last_seen_at >= snapshot.retrieved_at
    assert snapshot_path(sha).read_bytes() == body
    [record] = b.evidence["files"]
    assert record["locator"] == f"url:{json_server.url}" and record["sha256"] == sha
    assert (record["http_status"], record["etag"], record["last_modified"]) == (
        200, '"v1"', "Sun, 06 Dec 2026 10:00:00 GMT")
    assert record["retrieved_at"].startswith(str(b.started_at.date()))

    json_server.document = {"results": {"gen3": {"accuracy": 0.97}}}  # revised in place
    assert run(second, "b").verdict == "yes"
    assert FetchedSnapshot.objects.count() == 2
    stored = Path(default_storage.path("snapshots")).rglob("*")
    assert len([p for p in stored if p.is_file()]) == 2  # the two versions, each once

    requests = json_server.requests
    for attempt in (a, b):
        report = attempt_reverify(attempt_id=attempt.pk)
        assert report.ok, report.lines
        assert f"ok url:{json_server.url} sha256 {sha}" in report.lines
    assert json_server.requests == requests  # re-checked from the snapshot, never fetched


def test_the_same_bytes_from_another_source_are_stored_once_and_a_snapshot_is_capped(
        settings):
    from django.utils import timezone

    now = timezone.now()
    one = snapshot_record(url="https://a.example/t.csv", content=b"model,score\n",
                          retrieved_at=now)
    two = snapshot_record(url="https://b.example/t.csv", content=b"model,score\n",
                          retrieved_at=now)
    assert one.pk != two.pk and one.sha256 == two.sha256
    files = list(snapshot_path(one.sha256).parent.iterdir())
    assert files == [snapshot_path(one.sha256)]  # no temporary file left beside it
    settings.CRUX_ARTIFACT_MAX_BYTES = 4
    with pytest.raises(InvalidInput, match="at most 4") as error:
        snapshot_record(url="https://c.example/t.csv", content=b"12345", retrieved_at=now)
    assert error.value.field == "file"
    assert not FetchedSnapshot.objects.filter(url="https://c.example/t.csv").exists()


def test_the_bundle_carries_the_fetched_bytes_and_a_readme_with_the_two_commands(
        ann, mod, settings, json_server):
    settings.CRUX_URL_SOURCE_ALLOW_LOOPBACK = True
    claim = make_spec_claim(author=ann, moderator=mod, spec=http_spec(json_server.url))
    attempt = run(claim, "a")
    response = APIClient().get(f"/api/attempts/{attempt.pk}/evidence.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    [entry] = json.loads(archive.read("manifest.json"))["files"]
    assert entry["included"] and archive.read(entry["path"]) == json.dumps(
        json_server.document).encode()
    assert json.loads(archive.read("spec.json")) == attempt.spec
    versions = json.loads(archive.read("evidence.json"))["versions"]
    assert versions["crux_resolvers"] == resolvers.__version__ and versions["crux"]
    readme = archive.read("README.md").decode()
    name = f"claim-{claim.pk}-attempt-1.zip"
    assert f"# Claim {claim.pk}, resolver attempt #1: YES" in readme
    assert attempt.reason in readme and "- gen3 accuracy: 0.9" in readme
    assert f"    pip install ./resolvers\n    crux-verify {name}\n" in readme
    assert f"- url:{json_server.url}  sha256 {entry['sha256']}  (in this zip: " in readme


def test_the_claim_page_gives_the_two_commands_beside_each_decided_attempt(
        ann, mod, settings):
    settings.CRUX_VERIFY_INSTALL = "pip install crux-resolvers==0.1.0"
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    run(claim, "a")
    page = APIClient().get(f"/claims/{claim.pk}/resolution/").content.decode()
    assert ("pip install crux-resolvers==0.1.0\n"
            f"crux-verify claim-{claim.pk}-attempt-1.zip</code></pre>") in page
