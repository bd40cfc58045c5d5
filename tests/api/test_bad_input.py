"""Every POST endpoint answers bad bodies with a 4xx and a message, and changes nothing."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from bets.claims.forecasts import forecast_submit
from bets.claims.resolution import claim_resolve
from bets.claims.services import claim_propose
from bets.models import Claim, Forecast, ResolutionEvent, Score, Tag
from bets.scoring.services import claim_score
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()

NOW = timezone.now()
LATER = (NOW + timedelta(days=400)).isoformat()


def proposal(**overrides):
    return json.dumps(
        {
            "title": "T",
            "statement": "S",
            "resolution_criteria": "C",
            "open_time": NOW.isoformat(),
            "close_time": (NOW + timedelta(days=1)).isoformat(),
            "resolve_after": (NOW + timedelta(days=2)).isoformat(),
        }
        | overrides
    )


# Bodies that are wrong for every endpoint, whatever it expects.
GENERIC = {
    "malformed JSON": '{"note": ',
    "a JSON list": "[1, 2]",
    "a JSON string": '"yes"',
    "JSON null": "null",
    "a bare NaN": '{"probability": NaN, "outcome": NaN, "title": NaN}',
    "a bare Infinity": '{"probability": Infinity, "outcome": -Infinity, "note": Infinity}',
    "nesting too deep": "[" * 100_000,
    "invalid UTF-8": b'{"note": "\xff\xfe"}',
}

# Bodies wrong for one endpoint in particular.
SPECIFIC = {
    "propose": {
        "no fields": "{}",
        "title a list": proposal(title=["a"]),
        "title with NUL": proposal(title="a\u0000b"),
        "title too long": proposal(title="x" * 201),
        "blank statement": proposal(statement="   "),
        "open_time not a time": proposal(open_time="yesterday"),
        "open_time a number": proposal(open_time=12345),
        "naive open_time": proposal(open_time="2026-01-01T00:00:00"),
        "close before open": proposal(close_time=(NOW - timedelta(days=1)).isoformat()),
        "resolve before open": proposal(resolve_after=(NOW - timedelta(days=1)).isoformat()),
        "tags a string": proposal(tags="llm"),
        "tags with bad names": proposal(tags=["no spaces!"]),
        "too many tags": proposal(tags=[f"t{i}" for i in range(11)]),
        "spec a list": proposal(resolver_spec=[1]),
        "spec a string": proposal(resolver_spec="threshold"),
        "spec with NUL": proposal(resolver_spec={"k": "\u0000"}),
        "spec the registry refuses": proposal(resolver_spec={"source": "x"}),
    },
    "forecast": {
        "no probability": "{}",
        "probability a word": '{"probability": "abc"}',
        "probability the string NaN": '{"probability": "NaN"}',
        "probability the string Infinity": '{"probability": "Infinity"}',
        "probability overflowing to infinity": '{"probability": 1e400}',
        "probability an enormous integer": '{"probability": ' + "9" * 400 + "}",
        "probability true": '{"probability": true}',
        "probability null": '{"probability": null}',
        "probability a list": '{"probability": [0.5]}',
        "probability an object": '{"probability": {"p": 0.5}}',
        "probability zero": '{"probability": 0}',
        "probability one": '{"probability": 1}',
        "probability negative": '{"probability": -0.5}',
        "probability above range": '{"probability": 0.9995}',
    },
    "approve": {
        "note a list": '{"note": ["a"]}',
        "note too long": json.dumps({"note": "x" * 5001}),
        "note with NUL": '{"note": "a\\u0000"}',
    },
    "reject": {"note an object": '{"note": {"a": 1}}'},
    "resolve": {
        "no outcome": "{}",
        "outcome maybe": '{"outcome": "maybe"}',
        "outcome a number": '{"outcome": 1}',
        "outcome null": '{"outcome": null}',
        "time not a time": '{"outcome": "yes", "actual_resolve_time": "tomorrow"}',
        "time a number": '{"outcome": "yes", "actual_resolve_time": 5}',
        "naive time": '{"outcome": "yes", "actual_resolve_time": "2026-01-01T00:00:00"}',
        "time in the future": json.dumps({"outcome": "yes", "actual_resolve_time": LATER}),
        "time before the claim opened": json.dumps(
            {"outcome": "no", "actual_resolve_time": "2000-01-01T00:00:00Z"}
        ),
    },
    "annul": {
        "time in the future": json.dumps({"actual_resolve_time": LATER}),
        "time garbage": '{"actual_resolve_time": "soon"}',
    },
    "unresolve": {"note a number list": '{"note": [1, 2]}'},
}

ENDPOINTS = {
    "propose": ("bob", lambda c: "/api/claims/"),
    "forecast": ("bob", lambda c: f"/api/claims/{c['open']}/forecasts/"),
    "approve": ("mod", lambda c: f"/api/claims/{c['proposed']}/approve/"),
    "reject": ("mod", lambda c: f"/api/claims/{c['proposed']}/reject/"),
    "resolve": ("mod", lambda c: f"/api/claims/{c['open']}/resolve/"),
    "annul": ("mod", lambda c: f"/api/claims/{c['open']}/annul/"),
    "unresolve": ("mod", lambda c: f"/api/claims/{c['resolved']}/unresolve/"),
}

CASES = [
    (endpoint, name, body)
    for endpoint in ENDPOINTS
    for name, body in [*GENERIC.items(), *SPECIFIC[endpoint].items()]
]


@pytest.fixture
def claims(ann, mod):
    opened = make_open_claim(author=ann, moderator=mod, opened_ago=timedelta(days=3))
    resolved = make_open_claim(author=ann, moderator=mod, title="R", opened_ago=timedelta(days=3))
    claim_resolve(claim_id=resolved.pk, outcome="yes", actor=mod)
    proposed = claim_propose(
        author=ann,
        title="P",
        statement="s",
        resolution_criteria="c",
        open_time=NOW,
        close_time=NOW + timedelta(days=1),
        resolve_after=NOW + timedelta(days=1),
    )
    return {"open": opened.pk, "resolved": resolved.pk, "proposed": proposed.pk}


def snapshot() -> dict:
    return {
        "claims": list(Claim.objects.order_by("pk").values()),
        "forecasts": list(Forecast.objects.order_by("pk").values()),
        "events": ResolutionEvent.objects.count(),
        "scores": Score.objects.count(),
        "tags": Tag.objects.count(),
    }


@pytest.mark.parametrize(
    ("endpoint", "name", "body"), CASES, ids=[f"{e}: {n}" for e, n, _ in CASES]
)
def test_bad_body_is_refused_with_a_message_and_changes_nothing(
    endpoint, name, body, claims, bob_client, mod_client
):
    who, url = ENDPOINTS[endpoint]
    client = {"bob": bob_client, "mod": mod_client}[who]
    before = snapshot()
    response = client.generic("POST", url(claims), body, content_type="application/json")
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    assert response.json(), "a refusal must say why"
    assert snapshot() == before


def oversized(encoding: str) -> dict:
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    if encoding == "json":
        return {
            "data": json.dumps({"note": big, "outcome": "yes"}),
            "format": None,
            "content_type": "application/json",
        }
    if encoding == "form":
        return {
            "data": f"outcome=yes&note={big}",
            "format": None,
            "content_type": "application/x-www-form-urlencoded",
        }
    return {"data": {"outcome": "yes", "note": big}, "format": "multipart"}


@pytest.mark.parametrize("encoding", ["json", "form", "multipart"])
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_a_body_over_the_upload_limit_is_a_413_and_changes_nothing(
    endpoint, encoding, claims, bob_client, mod_client
):
    who, url = ENDPOINTS[endpoint]
    client = {"bob": bob_client, "mod": mod_client}[who]
    before = snapshot()
    body = oversized(encoding)
    if body["format"]:
        response = client.post(url(claims), body["data"], format=body["format"])
    else:
        response = client.generic(
            "POST", url(claims), body["data"], content_type=body["content_type"]
        )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_a_body_in_an_unsupported_media_type_is_a_415(endpoint, claims, bob_client, mod_client):
    who, url = ENDPOINTS[endpoint]
    client = {"bob": bob_client, "mod": mod_client}[who]
    before = snapshot()
    response = client.generic("POST", url(claims), "probability=0.5", content_type="text/csv")
    assert response.status_code == 415 and response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/api/participants/a%00b/", "/api/claims/?tag=a%00b"])
def test_nul_characters_in_urls_are_answered_without_a_server_error(anon, path):
    assert anon.get(path).status_code in (400, 404)


@pytest.mark.parametrize(
    "query",
    [
        "limit=99999999999999999999",
        "offset=99999999999999999999",
        "limit=-5&offset=-3",
        "limit=abc&offset=xyz",
    ],
)
@pytest.mark.parametrize("path", ["/api/claims/", "/api/leaderboard/", "forecasts"])
def test_absurd_page_parameters_on_non_empty_lists_are_refused_naming_them(
    anon, claims, path, query
):
    # Every list must be non-empty: an empty one answers before any LIMIT reaches the database.
    zoe, mod = make_user("zoe"), User.objects.get(username="mod")
    forecast_submit(claim_id=claims["open"], participant=zoe, probability=0.4)
    scored = make_open_claim(author=zoe, moderator=mod, title="S", opened_ago=timedelta(days=1))
    forecast_submit(claim_id=scored.pk, participant=zoe, probability=0.7)
    scored = claim_resolve(claim_id=scored.pk, outcome="yes", actor=mod)
    claim_score(claim_id=scored.pk, seq=scored.resolution_seq)
    url = f"/api/claims/{claims['open']}/forecasts/" if path == "forecasts" else path
    assert anon.get(url).data["count"] >= 1
    response = anon.get(f"{url}?{query}")
    assert response.status_code == 400
    assert set(response.data) & {"limit", "offset"}
