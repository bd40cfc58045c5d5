"""The schema says what the API does: nulls it answers, refusals it gives, values it takes and
limits it keeps; and the anonymous leaderboard, replayed from its cache, is throttled like
every other request without credentials.

Responses are checked against the served schema with jsonschema (OpenAPI 3.0's `nullable`
turned into JSON Schema's "null" type), so a field the schema calls a string and the API
answers with null fails here, as it fails generated clients."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from jsonschema import Draft7Validator
from rest_framework.test import APIClient

from bets.autoresolve.evidence.artifacts import artifact_upload
from bets.betting.offers import offer_accept, offer_create
from bets.conversation import comments
from tests.api.test_scores_api import resolved_claim
from tests.factories import client_for, make_open_claim

pytestmark = pytest.mark.django_db


def _json_schema(node):
    """OpenAPI 3.0 schema -> JSON Schema: `nullable: true` becomes an allowed null."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _json_schema(v) for k, v in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture
def schema(anon) -> dict:
    return anon.get("/api/schema/?format=json").json()


def validator(schema: dict, path: str, method: str = "get", status: str = "200"):
    content = schema["paths"][path][method]["responses"][status]["content"]
    body = copy.deepcopy(content["application/json"]["schema"])
    document = _json_schema({**body, "components": schema["components"]})
    return Draft7Validator(document)


def problems(schema: dict, path: str, data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(schema, path).iter_errors(data)]


def test_an_open_offer_and_an_unsettled_bet_answer_as_the_schema_says(schema, mod, ann, bob):
    claim = make_open_claim(author=mod, moderator=mod)
    offer = offer_create(claim_id=claim.pk, offerer=ann, side="yes", probability=0.6,
                         max_stake=50, expires_at=timezone.now() + timedelta(days=1))
    offer_accept(offer_id=offer.pk, taker=bob, stake=10)
    offers = client_for(ann).get("/api/offers/").json()
    bets = client_for(ann).get("/api/bets/").json()
    assert offers["results"][0]["counterparty"] is None
    assert bets["results"][0]["winner"] is None
    assert problems(schema, "/api/offers/", offers) == []
    assert problems(schema, "/api/bets/", bets) == []


@pytest.mark.parametrize("which", ["download", "accesses"])
def test_a_file_the_caller_may_not_read_answers_a_documented_403(schema, mod, ann, bob, which):
    claim = make_open_claim(author=ann, moderator=mod)
    artifact = artifact_upload(claim_id=claim.pk, uploader=mod, name="r.csv",
                               file=SimpleUploadedFile("r.csv", b"model,accuracy\nm,0.5\n"),
                               visibility="private")
    path = f"/api/artifacts/{{id}}/{which}/"
    response = client_for(bob).get(path.replace("{id}", str(artifact.pk)))
    assert response.status_code == 403
    assert "403" in schema["paths"][path]["get"]["responses"]


@pytest.mark.parametrize("value", ["", "yes", "1", "on", "null", "True"])
@pytest.mark.parametrize("name", ["featured", "has_resolver"])
def test_a_yes_no_filter_takes_only_true_or_false(anon, schema, name, value):
    response = anon.get("/api/claims/", {name: value})
    assert response.status_code == 400
    assert name in response.json()
    documented = next(p for p in schema["paths"]["/api/claims/"]["get"]["parameters"]
                      if p["name"] == name)
    assert documented["schema"] == {"type": "boolean"}
    for accepted in ("true", "false"):
        assert anon.get("/api/claims/", {name: accepted}).status_code == 200


# Real transactions, as in production: the leaderboard runs outside a request transaction,
# and DRF's refusal would doom a test's enclosing one for the requests after it.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("path", "name"), [("/api/leaderboard/", "tag"),
                                            ("/api/claims/", "tag"),
                                            ("/api/claims/", "search")])
def test_a_text_filter_takes_exactly_the_values_its_schema_allows(anon, schema, path, name):
    documented = next(p for p in schema["paths"][path]["get"]["parameters"]
                      if p["name"] == name)
    allows = Draft7Validator(_json_schema(documented["schema"])).is_valid
    limit = 200 if name == "search" else 50
    for value in ["", "llm", " llm ", "x" * limit, "x" * (limit + 1), " " * (limit + 1)]:
        status = anon.get(path, {name: value}).status_code
        assert status == (200 if allows(value) else 400), (repr(value), status)
    assert allows("")  # blank means no filter, and the schema says so


def test_a_comment_edit_documents_the_length_it_keeps(schema, mod, ann, settings):
    claim = make_open_claim(author=mod, moderator=mod)
    comment = comments.comment_create(claim_id=claim.pk, author=ann, body="First words")
    body = (schema["components"]["schemas"]["PatchedCommentEditInputRequest"]
            ["properties"]["body"])
    limit = settings.CRUX_COMMENT_MAX_CHARS
    # The text, or (drf-spectacular's wording of a field that takes a blank) "" besides it.
    assert max(b.get("maxLength", 0) for b in body.get("oneOf", [body])) == limit == 10_000
    url = f"/api/comments/{comment.pk}/"
    assert client_for(ann).patch(url, {"body": "y" * limit}, format="json").status_code == 200
    too_long = client_for(ann).patch(url, {"body": "z" * (limit + 1)}, format="json")
    assert too_long.status_code == 400 and "body" in too_long.json()


@pytest.fixture
def anonymous_limit(settings):
    caches["throttle"].clear()
    settings.CRUX_API_ANON_RATE = "3/minute"
    yield
    caches["throttle"].clear()


@pytest.mark.django_db(transaction=True)
def test_the_cached_anonymous_leaderboard_is_throttled_like_every_other_read(
    anonymous_limit, mod, ann, bob
):
    resolved_claim(mod, {ann: 0.9, bob: 0.2}, "yes", title="Scored")
    answers = [APIClient().get("/api/leaderboard/") for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert answers[1].content == answers[0].content  # replayed from the cache
    assert 0 < int(answers[-1]["Retry-After"]) <= 60
    assert "throttled" in answers[-1].json()["detail"].lower()
    # Credentials still take the full stack, and their own budget.
    assert client_for(ann).get("/api/leaderboard/").status_code == 200
