"""The previews obey the same disclosure rule as the claim page and the API.

A claim's author is not automatically a reader of its evidence: staff may upload a file as
`private` (or `aggregates`) to a participant's claim. The resolver preview ("would resolve as
... today") then shows the author what an attempt would show them, and the spec builder,
which runs any spec its caller writes, reads no file its caller may not read: otherwise a
spec naming any column as its model column turns the preview into a query over the table.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from bets.autoresolve.evidence.artifacts import artifact_upload
from bets.claims.arbiters import claim_arbiters_set
from tests.autoresolve.conftest import make_spec_claim
from tests.factories import make_user

pytestmark = pytest.mark.django_db
CANARY = "CANARY-5e1d-only-for-readers"
TABLE = (
    "model,accuracy,lab_note\n"
    f"m1,0.913,{CANARY}-one\n"
    f"m2,0.377,{CANARY}-two\n"
    f"m3,0.655,{CANARY}-three\n"
).encode()
# What the claim's spec reads: two of three models reach 0.6 (YES). Its numbers per model are
# what a non-reader must not see.
SPEC = {
    "source": {"kind": "csv", "location": {"artifact": "results.csv"},
               "columns": {"model": "model", "value": "accuracy"}},
    "criterion": {"kind": "at_least_k", "models": ["m1", "m2", "m3"], "k": 2,
                  "metric": "accuracy", "at_least": 0.6},
}
# A spec builder query over the same table: the note column as the "model".
PROBE = {"source": {"kind": "csv", "location": {"artifact": "results.csv"},
                    "columns": {"model": "lab_note", "value": "accuracy"}}}
SECRETS = (CANARY, "0.913", "0.377", "0.655", "lab_note")


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def leaked(data) -> list[str]:
    text = json.dumps(data)
    return [secret for secret in SECRETS if secret in text]


@pytest.fixture
def world():
    """Pat's claim; a moderator uploaded its results table as `private`; Ari arbitrates."""
    mod, pat, ari = make_user("mod", staff=True), make_user("pat"), make_user("ari")
    claim = make_spec_claim(author=pat, moderator=mod, spec=SPEC, due=False)
    claim_arbiters_set(claim_id=claim.pk, actor=pat, usernames=["ari"])
    artifact = artifact_upload(claim_id=claim.pk, uploader=mod, name="results.csv",
                               file=SimpleUploadedFile("results.csv", TABLE),
                               visibility="private")
    return {"mod": mod, "pat": pat, "ari": ari, "claim": claim, "artifact": artifact}


def test_the_resolver_preview_shows_the_author_only_what_the_claim_page_shows(world):
    claim = world["claim"]
    data = client_of(world["pat"]).post(f"/api/claims/{claim.pk}/resolver/preview/").json()
    assert data["verdict"] == "yes"  # the verdict is public, as on every attempt
    assert leaked(data) == [], data
    assert data["measurement"] == {} and "private" in data["withheld"]
    assert [f["sha256"] for f in data["evidence"]["files"]] == [world["artifact"].sha256]


def test_the_resolver_preview_shows_an_admin_everything(world):
    claim = world["claim"]
    data = client_of(world["mod"]).post(f"/api/claims/{claim.pk}/resolver/preview/").json()
    assert data["verdict"] == "yes" and data["withheld"] == ""
    values = {m["model"]: m["value"] for m in data["measurement"]["models"]}
    assert values == {"m1": 0.913, "m2": 0.377, "m3": 0.655}


def test_a_failing_resolver_preview_does_not_quote_a_private_file(world):
    """A spec that cannot read the table fails with a reason that names its columns: that
    reason is the file's, so it is withheld like the numbers."""
    claim = world["claim"]
    broken = {**SPEC, "source": {**SPEC["source"], "columns": {"model": "nope",
                                                                "value": "accuracy"}}}
    type(claim).objects.filter(pk=claim.pk).update(resolver_spec=broken)
    author = client_of(world["pat"]).post(f"/api/claims/{claim.pk}/resolver/preview/").json()
    assert author["verdict"] == "inconclusive" and leaked(author) == [], author
    admin = client_of(world["mod"]).post(f"/api/claims/{claim.pk}/resolver/preview/").json()
    assert "lab_note" in admin["reason"]  # a reader still learns why it failed


def test_the_claim_page_preview_shows_the_author_no_private_numbers(world, client):
    client.force_login(world["pat"])
    page = client.get(f"/claims/{world['claim'].pk}/resolution/?preview=1").content.decode()
    assert "Would resolve as" in page
    assert [s for s in SECRETS if s in page] == []


@pytest.mark.parametrize("visibility", ["private", "aggregates"])
def test_the_spec_builder_reads_no_rows_of_a_file_the_author_may_not_read(world, visibility):
    claim, artifact = world["claim"], world["artifact"]
    type(artifact).objects.filter(pk=artifact.pk).update(visibility=visibility)
    for spec in (PROBE, SPEC):
        data = client_of(world["pat"]).post(
            "/api/specs/preview/", {"spec": spec, "claim": claim.pk}, format="json").json()
        assert leaked(data) == [], data
        assert data["runs"] == [] and data["verdict"] is None
        assert "results.csv" in data["error"] and visibility in data["error"]


def test_the_spec_builder_reads_the_file_for_those_who_may_read_it(world):
    claim = world["claim"]
    for reader in (world["mod"], world["pat"]):
        if reader is world["pat"]:  # once revealed, the author reads it like everyone
            type(world["artifact"]).objects.filter(pk=world["artifact"].pk).update(
                visibility="public")
        data = client_of(reader).post(
            "/api/specs/preview/", {"spec": PROBE, "claim": claim.pk}, format="json").json()
        assert data["error"] == "" and CANARY in json.dumps(data["runs"])
