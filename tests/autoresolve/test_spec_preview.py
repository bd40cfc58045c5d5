"""The spec builder's preview endpoint: signed-in only, runs found and the verdict now,
every problem named, and the same guards as a run (SSRF, sizes)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.autoresolve.conftest import GAP_YES, make_spec_claim

pytestmark = pytest.mark.django_db
URL = "/api/specs/preview/"


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_signing_in_is_required():
    response = APIClient().post(URL, {"spec": GAP_YES}, format="json")
    assert response.status_code in (401, 403)


def test_a_source_alone_lists_the_runs_it_finds(ann):
    source_only = {"source": GAP_YES["source"]}
    data = client_of(ann).post(URL, {"spec": source_only}, format="json").json()
    assert len(data["runs"]) == 9 and data["verdict"] is None
    run = next(r for r in data["runs"] if r["model"] == "mockllm/gen2"
               and r["solvers"] == ["chain_of_thought", "generate"])
    assert (run["task"], run["epochs"], run["usable"]) == ("arith", 1, True)
    assert "match/accuracy" in run["metrics"]


def test_a_complete_spec_gives_the_verdict_now_and_writes_nothing(ann):
    from bets.models import ResolutionAttempt

    data = client_of(ann).post(URL, {"spec": GAP_YES}, format="json").json()
    assert data["verdict"] == "yes" and "cot-snap gap 0.25" in data["reason"]
    assert not ResolutionAttempt.objects.exists()


def test_an_incomplete_criterion_comes_back_as_errors_with_paths(ann):
    spec = {**GAP_YES, "criterion": {"kind": "gap", "model": "mockllm/gen2"}}
    data = client_of(ann).post(URL, {"spec": spec}, format="json").json()
    assert data["verdict"] is None and len(data["runs"]) == 9
    assert "criterion.a: required field is missing (expected a string)" in data["errors"]


def test_a_url_to_a_private_address_is_refused_by_the_ssrf_guard(ann, settings):
    settings.CRUX_URL_SOURCE_ALLOW_LOOPBACK = False
    spec = {"source": {"kind": "http_json", "location": {"url": "http://127.0.0.1:9/x.json"},
                       "path": "a.{model}"},
            "criterion": {"kind": "threshold", "model": "m", "metric": "x", "at_least": 1}}
    data = client_of(ann).post(URL, {"spec": spec}, format="json").json()
    assert data["verdict"] is None and data["error"]
    assert "127.0.0.1" in data["error"]


@pytest.mark.parametrize(("body", "field"), [
    ({"spec": {"description": "x" * 60_000, **GAP_YES}}, "spec"),
    ({"spec": [1, 2]}, "spec"),
    ({"spec": GAP_YES, "claim": 10**30}, "claim"),
])
def test_bad_input_is_a_400_naming_the_field(ann, body, field):
    response = client_of(ann).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in str(response.json())


def test_a_claims_uploads_are_read_only_for_its_author(ann, bob, mod, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bets.autoresolve.evidence.artifacts import artifact_upload

    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False)
    log = sorted((settings.CRUX_DATA_DIR / "good").glob("*.eval"))[0]
    artifact_upload(claim_id=claim.pk, uploader=ann, name="x.eval",
                    file=SimpleUploadedFile("x.eval", log.read_bytes()))
    spec = {"source": {**GAP_YES["source"], "location": {"artifact": "x.eval"}}}
    mine = client_of(ann).post(URL, {"spec": spec, "claim": claim.pk}, format="json").json()
    theirs = client_of(bob).post(URL, {"spec": spec, "claim": claim.pk}, format="json").json()
    assert len(mine["runs"]) == 1
    assert theirs["runs"] == [] and "artifact 'x.eval' has not been uploaded" in str(
        theirs["notes"])


def test_a_preview_of_a_source_sending_a_byte_every_two_seconds_ends_within_its_budget(
        ann, mod, settings):
    """Two URLs of a server trickling one byte every 2 s: the preview's fetches share one
    budget (CRUX_PREVIEW_FETCH_SECONDS), so a web worker is back in seconds, for the spec
    builder and for a claim's "would resolve as". It used to be held until the server stopped
    (a gunicorn WORKER TIMEOUT and a 500 in production)."""
    import time

    from tests.fixtures.slow_server import TricklingServer

    settings.CRUX_URL_SOURCE_ALLOW_LOOPBACK = True
    settings.CRUX_PREVIEW_FETCH_SECONDS = 3
    with TricklingServer(phase="body", interval=2.0, limit=20.0) as slow:
        source = {**GAP_YES["source"], "location": [{"url": f"{slow.url}/a.eval"},
                                                    {"url": f"{slow.url}/b.eval"}]}
        spec = {"source": source, "criterion": GAP_YES["criterion"]}
        client_of(ann).post(URL, {"spec": GAP_YES}, format="json")  # imports, caches warm
        started = time.monotonic()
        data = client_of(ann).post(URL, {"spec": spec}, format="json").json()
        builder = time.monotonic() - started
        claim = make_spec_claim(author=ann, moderator=mod, spec=spec, due=False)
        started = time.monotonic()
        preview = client_of(ann).post(f"/api/claims/{claim.pk}/resolver/preview/").json()
        claim_preview = time.monotonic() - started
    assert "fetch deadline" in data["error"], data
    assert "fetch deadline" in preview["reason"], preview
    assert builder < 3 + 2 and claim_preview < 3 + 2, (builder, claim_preview)
