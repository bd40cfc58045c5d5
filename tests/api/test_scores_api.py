"""Leaderboard, participant pages, export, token auth and the OpenAPI schema."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bets.claims.forecasts import forecast_submit
from bets.claims.resolution import claim_resolve
from bets.interchange.services import export_document
from bets.models import Forecast, Score
from bets.scoring.services import claim_score
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.django_db


def resolved_claim(mod, forecasts: dict, outcome: str, *, tags=(), title="C"):
    """A claim two days old, forecast an hour after opening, resolved and scored now."""
    claim = make_open_claim(
        author=mod, moderator=mod, title=title, opened_ago=timedelta(days=2), tags=list(tags)
    )
    for user, p in forecasts.items():
        forecast_submit(
            claim_id=claim.pk,
            participant=user,
            probability=p,
            now=claim.open_time + timedelta(hours=1),
        )
    claim = claim_resolve(claim_id=claim.pk, outcome=outcome, actor=mod)
    assert claim_score(claim_id=claim.pk, seq=claim.resolution_seq)
    return claim


@pytest.fixture
def scored(mod, ann, bob):
    cat = make_user("cat")
    resolved_claim(mod, {ann: 0.9, bob: 0.2, cat: 0.5}, "yes", tags=["llm"], title="One")
    resolved_claim(mod, {ann: 0.8, bob: 0.3}, "yes", title="Two")
    return ann, bob, cat


def test_leaderboard_ranks_by_peer_score_by_default(anon, scored):
    rows = anon.get("/api/leaderboard/").json()["results"]
    assert [r["username"] for r in rows] == ["ann", "cat", "bob"]
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert rows[0]["claims"] == 2 and rows[0]["value"] > 0 > rows[2]["value"]
    assert abs(sum(r["value"] for r in rows)) < 1e-6  # peer scores sum to zero per claim
    assert 0 < rows[0]["coverage"] <= 1


def test_leaderboard_pages_keep_counting_ranks(anon, scored):
    page = anon.get("/api/leaderboard/?limit=1&offset=1").json()
    assert page["count"] == 3
    assert [(r["rank"], r["username"]) for r in page["results"]] == [(2, "cat")]


def test_leaderboard_filters_by_tag_min_claims_and_time(anon, scored):
    by_tag = anon.get("/api/leaderboard/?tag=llm").json()["results"]
    assert {r["username"] for r in by_tag} == {"ann", "bob", "cat"}
    assert all(r["claims"] == 1 for r in by_tag)
    regulars = anon.get("/api/leaderboard/?min_claims=2").json()["results"]
    assert {r["username"] for r in regulars} == {"ann", "bob"}
    future = (timezone.now() + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert anon.get("/api/leaderboard/", {"since": future}).json()["count"] == 0


def test_leaderboard_by_brier_puts_the_lowest_first(anon, scored):
    rows = anon.get("/api/leaderboard/?score_type=brier").json()["results"]
    values = [r["value"] for r in rows]
    assert values == sorted(values) and rows[0]["username"] == "ann"


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("score_type=wins", "score_type"),
        ("min_claims=0", "min_claims"),
        ("min_claims=many", "min_claims"),
        ("since=last-week", "since"),
        ("since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "until"),
        ("limit=abc", "limit"),
        ("offset=null", "offset"),
        ("limit=false", "limit"),
    ],
)
def test_leaderboard_with_bad_parameters_answers_400_naming_them(anon, scored, query, param):
    response = anon.get(f"/api/leaderboard/?{query}")
    assert response.status_code == 400
    assert param in response.data


def test_participant_page_has_track_record_calibration_and_recent_scores(anon, scored):
    data = anon.get("/api/participants/ann/").data
    assert data["username"] == "ann"
    assert data["track_record"]["claims"] == 2
    assert data["track_record"]["forecast_claims"] == 2
    assert data["calibration"] and sum(b["count"] for b in data["calibration"]) == 2
    assert [s["title"] for s in data["recent_scores"]] == ["Two", "One"]


def test_unknown_participant_is_404(anon, db):
    assert anon.get("/api/participants/nobody/").status_code == 404


def test_export_endpoint_returns_the_crux_export_document(anon, scored):
    response = anon.get("/api/export/")
    assert response.status_code == 200
    assert response.json() == export_document()
    assert response.json()["format"] == "crux-export"
    assert len(response.json()["claims"]) == 2


def test_a_token_made_by_the_management_command_authenticates_as_its_owner(ann, bob):
    claim = make_open_claim(author=ann, moderator=make_user("mod", staff=True))
    call_command("drf_create_token", "bob")
    key = Token.objects.get(user=bob).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(
        f"/api/claims/{claim.pk}/forecasts/", {"probability": 0.4}, format="json"
    )
    assert response.status_code == 201
    assert Forecast.objects.get().participant == bob


@pytest.mark.parametrize("header", ["Token not-a-real-key", "Token ", "Bearer abc", "Token a b"])
def test_a_bad_token_is_a_401_and_changes_nothing(ann, header):
    claim = make_open_claim(author=ann, moderator=make_user("mod", staff=True))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(
        f"/api/claims/{claim.pk}/forecasts/", {"probability": 0.4}, format="json"
    )
    assert response.status_code == 401
    assert Forecast.objects.count() == 0


def test_a_deactivated_participants_token_is_a_401(ann, bob):
    claim = make_open_claim(author=ann, moderator=make_user("mod", staff=True))
    key = Token.objects.create(user=bob).key
    bob.is_active = False
    bob.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(
        f"/api/claims/{claim.pk}/forecasts/", {"probability": 0.4}, format="json"
    )
    assert response.status_code == 401
    assert Forecast.objects.count() == 0


def test_a_staff_token_can_moderate(ann):
    claim = make_open_claim(author=ann, moderator=make_user("mod", staff=True))
    key = Token.objects.create(user=make_user("boss", staff=True)).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(f"/api/claims/{claim.pk}/resolve/", {"outcome": "yes"}, format="json")
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert claim.status == "resolved"


def test_a_non_staff_token_cannot_moderate(ann, bob):
    claim = make_open_claim(author=ann, moderator=make_user("mod", staff=True))
    key = Token.objects.create(user=bob).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(f"/api/claims/{claim.pk}/resolve/", {"outcome": "yes"}, format="json")
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == "open" and Score.objects.count() == 0


def test_the_openapi_schema_and_its_browsable_docs_are_served(anon, db):
    response = anon.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/claims/{id}/forecasts/" in response.content
    assert anon.get("/api/docs/").status_code == 200


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn raises on any warning, e.g. a view without a serializer.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert (tmp_path / "s.yaml").read_text().startswith("openapi:")
