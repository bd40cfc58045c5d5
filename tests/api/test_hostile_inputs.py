"""A table of hostile inputs sent to every operation of the live schema: NUL bytes, invalid
UTF-8, overlong numbers, NaN and Infinity, deep JSON nesting, huge page limits, naive and
overflowing times, unknown fields. None may get a 5xx, and none may change a row."""

import json
import re
from hashlib import sha256

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from bets.claims.forecasts import forecast_submit
from bets.claims.services import claim_propose
from tests.factories import client_for

# Real transactions, as in production: several views run outside a request transaction.
pytestmark = pytest.mark.django_db(transaction=True)

RAW_BODIES = {
    "invalid UTF-8": b'{"note": "\xff\xfe\xfd"}',
    "raw NUL byte": b'{"note": "a\x00b"}',
    "overlong number": b'{"probability": 1' + b"0" * 5000 + b"}",
    "exponent overflow": b'{"probability": 1e400, "stake": 1e400}',
    "NaN": b'{"probability": NaN, "stake": NaN}',
    "Infinity": b'{"probability": Infinity, "max_stake": -Infinity}',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "deep object": b'{"resolver_spec": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5001,
    "not an object": b'["note"]',
}
# Query strings no operation may act on (NUL, invalid UTF-8, an overlong encoding).
REFUSED_QUERIES = ["x=%00", "tag=a%00b", "participant=%ff%fe", "since=%00", "status=%C0%AF"]
# And for reads, values every list must refuse or survive.
QUERIES = REFUSED_QUERIES + [
    "limit=99999999999999999999", "offset=99999999999999999999", "limit=false",
    "offset=null", "limit=0", "claim=1e400", "claim=-1", "min_claims=1e400",
    "since=2026-01-01T00:00:00", "until=9999-12-31T23:59:59-12:00",
]


def _value_for(prop: dict, kind: str):
    """A hostile value for one documented property."""
    if kind == "nul":
        return "bad\u0000value"
    if kind == "naive time":
        return "2026-06-01T12:00:00"
    if kind == "overflowing time":
        return "9999-12-31T23:59:59-12:00"
    if kind == "huge integer":
        return 10**30
    raise AssertionError(kind)


def _json_bodies(operation: dict, schemas: dict) -> dict[str, bytes]:
    content = operation.get("requestBody", {}).get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    props = schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}) if ref else {}
    bodies = {
        kind: json.dumps({name: _value_for(p, kind) for name, p in props.items()}).encode()
        for kind in ("nul", "huge integer")
    }
    # Times alone: any other field given would make a valid request of some (a note).
    times = [name for name, p in props.items() if p.get("format") == "date-time"]
    for kind in ("naive time", "overflowing time"):
        if times:
            bodies[kind] = json.dumps({name: _value_for({}, kind) for name in times}).encode()
    bodies["unknown fields"] = json.dumps(
        {"status": "resolved", "author": "mallory", "id": 1, "outcome_secret": True}
    ).encode()
    return bodies | RAW_BODIES


def _snapshot() -> dict[str, str]:
    """A digest of every row of each Crux table (and of users and tokens)."""
    models = [*apps.get_app_config("bets").get_models(), apps.get_model("auth", "User"),
              apps.get_model("authtoken", "Token")]
    return {
        model._meta.label: sha256(repr(list(model.objects.order_by("pk").values_list()))
                                  .encode()).hexdigest()
        for model in models
    }


@pytest.fixture
def world(mod, ann, bob, claim):
    """Real rows for every path parameter: an open claim with a forecast, an offer and a
    hidden proposal."""
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.4)
    client_for(ann).post("/api/offers/", {
        "claim": claim.pk, "side": "yes", "probability": 0.6, "max_stake": 10,
        "expires_at": "2099-01-01T00:00:00Z"}, format="json")
    proposal = claim_propose(
        author=ann, title="Hidden", statement="s", resolution_criteria="c",
        open_time=claim.open_time, close_time=claim.close_time, resolve_after=claim.close_time,
    )
    return {"claim": claim, "proposal": proposal}


def _concrete(path: str, world, username: str) -> list[str]:
    claim_id = str(world["claim"].pk)
    paths = []
    for value in [claim_id, str(world["proposal"].pk), "99999999999999999999", "%00"]:
        concrete = re.sub(r"\{username\}", username if value == claim_id else value, path)
        paths.append(re.sub(r"\{[a-z_]+\}", value, concrete))
    return sorted(set(paths))


def test_no_hostile_input_to_any_operation_gets_a_server_error_or_changes_a_row(
    world, mod, bob
):
    staff = APIClient(raise_request_exception=False)  # a 5xx is a response to count
    staff.force_authenticate(mod)  # staff: every operation's validation is reached
    schema = staff.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    before = _snapshot()
    failures, sent = [], 0
    for template, operations in schema["paths"].items():
        for method, operation in operations.items():
            for path in _concrete(template, world, bob.username):
                queries = QUERIES if method == "get" else REFUSED_QUERIES
                requests = [(f"{path}?{q}", None) for q in queries]
                if "requestBody" in operation:
                    requests += [(path, body) for body in _json_bodies(operation, components)
                                 .values()]
                for url, body in requests:
                    response = staff.generic(method.upper(), url, body or b"",
                                             content_type="application/json")
                    sent += 1
                    if response.status_code >= 500:
                        failures.append(f"{method.upper()} {url} {body and body[:80]!r}: "
                                        f"{response.status_code}")
    assert sent > 1000
    assert failures == []
    after = _snapshot()
    assert [label for label in before if after[label] != before[label]] == []
