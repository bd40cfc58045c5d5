"""Evidence anyone can re-check: attempts numbered per claim, the bundle as JSON, a zip of
the bundle and the files read with a manifest of sha256s, and `manage.py reverify`."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from bets.autoresolve import runs as autoresolve
from bets.autoresolve.evidence.bundles import sha256_of
from bets.autoresolve.evidence.reverify import attempt_reverify
from bets.common.errors import Conflict
from tests.autoresolve.conftest import GAP_YES, THRESHOLD_NO, make_spec_claim

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_queue")]



def run(claim, key: str):
    return autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:{key}")


def test_attempts_are_numbered_per_claim_not_by_global_id(ann, mod):
    first = make_spec_claim(author=ann, moderator=mod, spec=THRESHOLD_NO, title="first")
    second = make_spec_claim(author=ann, moderator=mod, spec=THRESHOLD_NO, title="second")
    run(first, "a")
    run(second, "a")
    run(second, "b")
    data = APIClient().get(f"/api/claims/{second.pk}/attempts/").json()
    assert sorted(a["number"] for a in data) == [1, 2]
    attempt = APIClient().get(f"/api/attempts/{data[0]['id']}/").json()
    assert (attempt["number"], attempt["claim"]) == (data[0]["number"], second.pk)


def test_the_evidence_bundle_is_json_with_the_frozen_spec_and_every_file(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    attempt = run(claim, "a")
    bundle = APIClient().get(f"/api/attempts/{attempt.pk}/evidence/").json()
    assert bundle["format"] == "crux-evidence"
    assert (bundle["attempt"]["number"], bundle["attempt"]["verdict"]) == (1, "yes")
    assert bundle["spec"] == GAP_YES
    assert len(bundle["evidence"]["files"]) == 9
    readings = bundle["measurement"]["readings"]
    assert {(r["condition"], r["scorer"], r["epochs"]) for r in readings} == {
        ("cot", "match", 1), ("snap", "match", 1)}


def test_the_evidence_zip_carries_every_file_read_with_matching_sha256s(ann, mod, settings):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    attempt = run(claim, "a")
    response = APIClient().get(f"/api/attempts/{attempt.pk}/evidence.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert f"claim-{claim.pk}-attempt-1.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))["files"]
    assert len(manifest) == 9 and all(f["included"] for f in manifest)
    import hashlib

    for f in manifest:
        assert hashlib.sha256(archive.read(f["path"])).hexdigest() == f["sha256"]
    assert json.loads(archive.read("evidence.json"))["attempt"]["id"] == attempt.pk


def test_a_file_changed_since_the_run_is_listed_but_not_shipped_and_fails_reverify(
        ann, mod, settings, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(settings.CRUX_DATA_DIR / "good", data / "good")
    settings.CRUX_DATA_DIR = data
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    attempt = run(claim, "a")
    victim = sorted((data / "good").glob("*.eval"))[0]
    original = victim.read_bytes()
    victim.write_bytes(original + b"tampered")
    response = APIClient().get(f"/api/attempts/{attempt.pk}/evidence.zip")
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(response.content))
                          .read("manifest.json"))["files"]
    [changed] = [f for f in manifest if not f["included"]]
    assert changed["locator"] == f"data:good/{victim.name}"
    assert sha256_of(victim) in changed["note"]
    report = attempt_reverify(attempt_id=attempt.pk)
    assert not report.ok and not report.files_ok
    assert any(line.startswith(f"CHANGED data:good/{victim.name}") for line in report.lines)
    victim.write_bytes(original)  # as the run saw it, for the suite-wide reverify check
    assert attempt_reverify(attempt_id=attempt.pk).ok


def test_reverify_reaches_the_same_verdict_and_measurement_and_writes_nothing(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    attempt = run(claim, "a")
    before = attempt.__class__.objects.values().get(pk=attempt.pk)
    out = io.StringIO()
    call_command("reverify", str(attempt.pk), stdout=out)
    assert "SAME:" in out.getvalue()
    assert out.getvalue().count("ok data:good/") == 9
    assert attempt.__class__.objects.values().get(pk=attempt.pk) == before


def test_reverify_exits_non_zero_when_the_verdict_would_differ(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    attempt = run(claim, "a")
    # Someone edits the stored verdict: reverify must notice.
    attempt.__class__.objects.filter(pk=attempt.pk).update(verdict="no")
    with pytest.raises(SystemExit) as exit_:
        call_command("reverify", str(attempt.pk), stdout=io.StringIO())
    assert exit_.value.code == 1
    attempt.__class__.objects.filter(pk=attempt.pk).update(verdict="yes")


def test_reverify_refuses_an_attempt_without_a_verdict(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    attempt = autoresolve.claim_run_resolver_now(claim_id=claim.pk, actor=mod)
    with pytest.raises(Conflict, match="has no verdict"):
        attempt_reverify(attempt_id=attempt.pk)


def test_evidence_of_a_hidden_claim_answers_404(ann, mod, bob):
    from bets.claims.services import claim_propose

    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    attempt = run(claim, "a")
    hidden = claim_propose(author=ann, title="Hidden", statement="s", resolution_criteria="c",
                           open_time=claim.open_time, close_time=claim.close_time,
                           resolve_after=claim.resolve_after, resolver_spec=GAP_YES)
    attempt.__class__.objects.filter(pk=attempt.pk).update(claim=hidden)
    client = APIClient()
    client.force_authenticate(bob)
    for suffix in ("", "evidence/", "evidence.zip"):
        assert client.get(f"/api/attempts/{attempt.pk}/{suffix}").status_code == 404
    assert client.get("/api/attempts/999999999/evidence/").status_code == 404
