"""Rate limits: past CRUX_API_WRITE_RATE writes per user, or CRUX_API_ANON_RATE requests per
address without credentials, the API answers 429 with Retry-After, as the schema says."""

import pytest
from django.core.cache import caches

from tests.factories import client_for


@pytest.fixture
def limits(settings):
    caches["throttle"].clear()
    settings.CRUX_API_ANON_RATE = "3/minute"
    settings.CRUX_API_WRITE_RATE = "2/minute"
    yield
    caches["throttle"].clear()


def test_anonymous_reads_past_the_rate_get_429_with_retry_after(db, limits, anon):
    answers = [anon.get("/api/bets/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 0 < int(answers[-1]["Retry-After"]) <= 60
    assert "throttled" in answers[-1].json()["detail"].lower()


def test_writes_past_the_rate_get_429_and_reads_stay_open(limits, ann, claim):
    client = client_for(ann)
    url = f"/api/claims/{claim.pk}/forecasts/"
    statuses = [client.post(url, {"probability": 0.4}, format="json").status_code
                for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert [client.get(url).status_code for _ in range(5)] == [200] * 5


def test_each_user_has_their_own_write_budget(limits, ann, bob, claim):
    url = f"/api/claims/{claim.pk}/forecasts/"
    for _ in range(2):
        client_for(ann).post(url, {"probability": 0.4}, format="json")
    assert client_for(bob).post(url, {"probability": 0.4}, format="json").status_code == 201


def test_the_schema_documents_429_with_retry_after_on_every_operation(db, anon):
    schema = anon.get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            too_many = operation["responses"].get("429")
            assert too_many, f"{method.upper()} {path} does not document 429"
            assert "Retry-After" in too_many["headers"]
