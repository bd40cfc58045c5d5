"""Whole leaderboard responses are replayed to anonymous JSON readers, never stale, never
shared with anyone who carries credentials."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bets.common import caching
from bets.scoring import selectors
from tests.api.test_scores_api import resolved_claim
from tests.factories import make_user

pytestmark = pytest.mark.django_db
URL = "/api/leaderboard/?score_type=peer&limit=2"


@pytest.fixture
def scored(mod, ann, bob):
    resolved_claim(mod, {ann: 0.9, bob: 0.2}, "yes", title="One")
    return ann, bob


def test_a_repeated_anonymous_read_replays_the_same_bytes_and_headers_with_one_query(scored):
    first = APIClient().get(URL)
    selectors._RANKED.clear()  # so that only the response cache can answer in one query
    with CaptureQueriesContext(connection) as queries:
        again = APIClient().get(URL)
    assert again.status_code == 200
    assert again.content == first.content
    assert dict(again.items()) == dict(first.items())
    assert len(queries) == 1 and "crux_score_version" in queries[0]["sql"]


def test_a_new_score_changes_the_cached_page(mod, scored):
    ann, bob = scored
    before = APIClient().get(URL).json()
    resolved_claim(mod, {ann: 0.1, bob: 0.95}, "yes", title="Two")
    after = APIClient().get(URL).json()
    assert after != before
    assert [r["username"] for r in after["results"]] == ["bob", "ann"]


def test_requests_with_credentials_or_cookies_always_take_the_full_stack(scored):
    token_client = APIClient()
    token = Token.objects.create(user=make_user("cat"))
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    cookie_client = APIClient()
    cookie_client.cookies["sessionid"] = "not-a-session"
    for client in (token_client, cookie_client):
        assert client.get(URL).status_code == 200
    assert len(caching.responses) == 0


def test_html_pages_and_refusals_are_not_cached(scored):
    html = APIClient().get(URL, HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert len(caching.responses) == 0
    APIClient().get(URL)
    assert len(caching.responses) == 1
    # Last: a refusal marks the test's enclosing transaction for rollback (DRF set_rollback).
    assert APIClient().get("/api/leaderboard/?score_type=wins").status_code == 400
    assert len(caching.responses) == 1
