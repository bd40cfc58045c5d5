"""Arbitrary JSON at every POST endpoint and arbitrary query strings at every list: never a 5xx."""

import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bets.claims.resolution import claim_resolve
from bets.claims.services import claim_propose
from tests.factories import client_for, make_open_claim, make_user

pytestmark = pytest.mark.django_db

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.datetimes().map(lambda d: d.isoformat())
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "title",
    "statement",
    "resolution_criteria",
    "open_time",
    "close_time",
    "resolve_after",
    "tags",
    "resolver_spec",
    "probability",
    "outcome",
    "actual_resolve_time",
    "note",
]
bodies = json_values | st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def urls(db):
    from django.utils import timezone

    mod, ann = make_user("mod", staff=True), make_user("ann")
    opened = make_open_claim(author=ann, moderator=mod, opened_ago=timedelta(days=2))
    resolved = make_open_claim(author=ann, moderator=mod, title="R", opened_ago=timedelta(days=2))
    claim_resolve(claim_id=resolved.pk, outcome="yes", actor=mod)
    now = timezone.now()
    proposed = claim_propose(
        author=ann,
        title="P",
        statement="s",
        resolution_criteria="c",
        open_time=now,
        close_time=now + timedelta(days=1),
        resolve_after=now + timedelta(days=1),
    )
    return client_for(mod), [
        "/api/claims/",
        f"/api/claims/{opened.pk}/forecasts/",
        f"/api/claims/{proposed.pk}/approve/",
        f"/api/claims/{proposed.pk}/reject/",
        f"/api/claims/{opened.pk}/resolve/",
        f"/api/claims/{opened.pk}/annul/",
        f"/api/claims/{resolved.pk}/unresolve/",
    ]


@FUZZ
@given(body=bodies, which=st.integers(min_value=0, max_value=6))
def test_no_json_body_makes_a_post_endpoint_fail_with_a_server_error(urls, body, which):
    client, paths = urls
    response = client.generic(
        "POST", paths[which], json.dumps(body), content_type="application/json"
    )
    assert response.status_code < 500, (paths[which], body, response.content[:200])


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "status",
                "tag",
                "score_type",
                "since",
                "until",
                "min_claims",
                "limit",
                "offset",
                "participant",
            ]
        ),
        st.text(max_size=25) | st.integers(min_value=-(10**25), max_value=10**25).map(str),
        max_size=5,
    ),
    path=st.sampled_from(["/api/claims/", "/api/leaderboard/", "forecasts"]),
)
# transaction=True: the leaderboard view runs outside ATOMIC_REQUESTS, and DRF's error handler
# marks any *enclosing* atomic block for rollback; production has none, so neither may the test.
@pytest.mark.django_db(transaction=True)
def test_no_query_string_makes_a_list_fail_with_a_server_error(urls, params, path):
    client, paths = urls
    url = paths[1] if path == "forecasts" else path
    response = client.get(url, params)
    assert response.status_code < 500, (url, params, response.content[:200])
