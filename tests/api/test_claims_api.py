import secrets
from datetime import timedelta

import pytest
from django.utils import timezone

from bets.claims.forecasts import forecast_submit
from bets.claims.services import claim_propose
from bets.models import Claim, Forecast, ResolutionEvent
from tests.factories import make_open_claim

pytestmark = pytest.mark.django_db


def proposal_body(**overrides):
    now = timezone.now()
    return {
        "title": "Chain of thought keeps helping",
        "statement": "The gap widens.",
        "resolution_criteria": "Resolves YES if the gap widens.",
        "open_time": now.isoformat(),
        "close_time": (now + timedelta(days=10)).isoformat(),
        "resolve_after": (now + timedelta(days=11)).isoformat(),
        "tags": ["LLM"],
    } | overrides


def propose(author, title="Pending"):
    now = timezone.now()
    return claim_propose(
        author=author,
        title=title,
        statement="s",
        resolution_criteria="c",
        open_time=now,
        close_time=now + timedelta(days=1),
        resolve_after=now + timedelta(days=1),
    )


def test_anyone_can_list_open_claims_but_not_other_peoples_proposals(anon, claim, bob):
    propose(bob)
    response = anon.get("/api/claims/")
    assert response.status_code == 200
    assert [c["id"] for c in response.data["results"]] == [claim.pk]
    assert response.data["results"][0]["tags"] == ["llm", "reasoning"]


def test_claims_can_be_filtered_by_status_and_tag(anon, ann, mod, claim):
    other = make_open_claim(author=ann, moderator=mod, title="Other", tags=["vision"])
    Claim.objects.filter(pk=other.pk).update(status=Claim.Status.CLOSED)
    assert [c["id"] for c in anon.get("/api/claims/?status=closed").data["results"]] == [other.pk]
    assert [c["id"] for c in anon.get("/api/claims/?tag=llm").data["results"]] == [claim.pk]
    assert anon.get("/api/claims/?tag=nothing").data["count"] == 0


def test_an_unknown_status_filter_is_a_400_naming_the_parameter(anon, claim):
    response = anon.get("/api/claims/?status=bogus")
    assert response.status_code == 400
    assert "status" in response.data


def test_moderators_list_proposals_and_authors_see_their_own(mod_client, bob_client, ann, bob):
    mine, theirs = propose(bob, "Mine"), propose(ann, "Theirs")
    staff_ids = {c["id"] for c in mod_client.get("/api/claims/?status=proposed").data["results"]}
    assert staff_ids == {mine.pk, theirs.pk}
    own_ids = [c["id"] for c in bob_client.get("/api/claims/?status=proposed").data["results"]]
    assert own_ids == [mine.pk]


def test_claim_list_is_paginated_with_limit_and_offset(anon, ann, mod):
    ids = [make_open_claim(author=ann, moderator=mod, title=f"C{i}").pk for i in range(5)]
    page = anon.get("/api/claims/?limit=2&offset=2").data
    assert page["count"] == 5
    assert [c["id"] for c in page["results"]] == list(reversed(ids))[2:4]
    assert page["next"] and page["previous"]


def test_anonymous_proposal_is_refused_with_401(anon):
    response = anon.post("/api/claims/", proposal_body(), format="json")
    assert response.status_code == 401
    assert Claim.objects.count() == 0


def test_a_signed_in_participant_proposes_a_claim_that_waits_for_review(bob_client, bob):
    response = bob_client.post("/api/claims/", proposal_body(), format="json")
    assert response.status_code == 201, response.data
    claim = Claim.objects.get(pk=response.data["id"])
    assert claim.status == Claim.Status.PROPOSED and claim.author == bob
    assert response.data["tags"] == ["llm"]
    assert response.data["author"] == "bob"


def test_a_proposal_keeps_its_resolver_spec_and_the_detail_shows_it(bob_client):
    spec = {
        "source": {
            "kind": "http_json",
            "location": {"url": "https://evals.example.org/results.json"},
            "path": "results.{model}.{metric}",
        },
        "criterion": {"kind": "threshold", "model": "gen3", "metric": "accuracy", "at_least": 0.8},
    }
    created = bob_client.post("/api/claims/", proposal_body(resolver_spec=spec), format="json")
    assert created.status_code == 201, created.data
    detail = bob_client.get(f"/api/claims/{created.data['id']}/").data
    assert detail["resolver_spec"] == spec


def test_a_resolver_spec_the_registry_refuses_is_a_400_naming_resolver_spec(bob_client):
    response = bob_client.post(
        "/api/claims/", proposal_body(resolver_spec={"source": "x"}), format="json"
    )
    assert response.status_code == 400
    assert "criterion" in response.data["resolver_spec"][0]
    assert Claim.objects.count() == 0


def test_claim_detail_shows_community_forecast_times_tags_and_spec(anon, claim, ann, bob):
    forecast_submit(claim_id=claim.pk, participant=ann, probability=0.2)
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.6)
    data = anon.get(f"/api/claims/{claim.pk}/").data
    assert data["forecasters"] == 2
    assert 0.2 <= data["community_forecast"] <= 0.6
    assert data["tags"] == ["llm", "reasoning"]
    assert data["resolution"] is None and data["resolver_spec"] is None
    assert data["open_time"] and data["close_time"] and data["resolve_after"]


def test_claim_without_forecasts_has_no_community_forecast(anon, claim):
    assert anon.get(f"/api/claims/{claim.pk}/").data["community_forecast"] is None


@pytest.mark.parametrize("pk", [999999, 2**63, 10**30])
def test_unknown_claim_ids_are_404(anon, pk):
    assert anon.get(f"/api/claims/{pk}/").status_code == 404
    assert anon.get(f"/api/claims/{pk}/forecasts/").status_code == 404


def test_a_proposal_is_hidden_from_others_but_visible_to_its_author(anon, bob_client, ann):
    pending = propose(ann)
    assert anon.get(f"/api/claims/{pending.pk}/").status_code == 404
    assert bob_client.get(f"/api/claims/{pending.pk}/").status_code == 404
    from tests.factories import client_for

    assert client_for(ann).get(f"/api/claims/{pending.pk}/").status_code == 200


def test_forecasting_records_an_interval_and_the_history_is_public(bob_client, anon, claim):
    first = bob_client.post(
        f"/api/claims/{claim.pk}/forecasts/", {"probability": 0.3}, format="json"
    )
    second = bob_client.post(
        f"/api/claims/{claim.pk}/forecasts/", {"probability": 0.7}, format="json"
    )
    assert first.status_code == second.status_code == 201
    # The schema says a number: JSON text is refused, not read as one.
    as_text = bob_client.post(
        f"/api/claims/{claim.pk}/forecasts/", {"probability": "0.7"}, format="json"
    )
    assert as_text.status_code == 400 and as_text.data["probability"] == ["Give a number."]
    history = anon.get(f"/api/claims/{claim.pk}/forecasts/").data["results"]
    assert [(f["participant"], f["probability"]) for f in history] == [("bob", 0.3), ("bob", 0.7)]
    assert history[0]["end_time"] == history[1]["start_time"]
    assert history[1]["end_time"] is None


def test_forecast_history_can_be_filtered_by_participant(anon, claim, ann, bob):
    forecast_submit(claim_id=claim.pk, participant=ann, probability=0.2)
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.6)
    rows = anon.get(f"/api/claims/{claim.pk}/forecasts/?participant=ann").data["results"]
    assert [r["participant"] for r in rows] == ["ann"]


def test_delete_withdraws_the_standing_forecast_and_a_second_delete_is_a_conflict(
    bob_client, bob, claim
):
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.4)
    response = bob_client.delete(f"/api/claims/{claim.pk}/forecasts/")
    assert response.status_code == 200 and response.data["end_time"] is not None
    assert not Forecast.objects.filter(end_time__isnull=True).exists()
    again = bob_client.delete(f"/api/claims/{claim.pk}/forecasts/")
    assert again.status_code == 409 and "detail" in again.data


def test_forecasting_a_resolved_claim_is_a_conflict_and_records_nothing(bob_client, claim):
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.CLOSED)
    response = bob_client.post(f"/api/claims/{claim.pk}/forecasts/", {"probability": 0.5})
    assert response.status_code == 409
    assert Forecast.objects.count() == 0


def test_anonymous_forecast_is_refused(anon, claim):
    response = anon.post(f"/api/claims/{claim.pk}/forecasts/", {"probability": 0.5}, format="json")
    assert response.status_code == 401
    assert Forecast.objects.count() == 0


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("approve", {}),
        ("reject", {"note": "no"}),
        ("resolve", {"outcome": "yes"}),
        ("annul", {}),
        ("unresolve", {}),
    ],
)
def test_non_staff_moderation_is_forbidden_and_changes_nothing(
    bob_client, anon, claim, action, body
):
    before = Claim.objects.values().get(pk=claim.pk)
    assert (
        bob_client.post(f"/api/claims/{claim.pk}/{action}/", body, format="json").status_code == 403
    )
    assert anon.post(f"/api/claims/{claim.pk}/{action}/", body, format="json").status_code == 401
    assert Claim.objects.values().get(pk=claim.pk) == before
    assert ResolutionEvent.objects.count() == 0


def test_a_moderator_approves_and_rejects_proposals(mod_client, ann):
    first, second = propose(ann, "One"), propose(ann, "Two")
    approved = mod_client.post(f"/api/claims/{first.pk}/approve/", {"note": "clear"}, format="json")
    rejected = mod_client.post(f"/api/claims/{second.pk}/reject/", {}, format="json")
    assert approved.status_code == 200 and approved.data["status"] == "open"
    assert rejected.status_code == 200 and rejected.data["status"] == "rejected"
    again = mod_client.post(f"/api/claims/{first.pk}/approve/", {}, format="json")
    assert again.status_code == 409


def test_a_moderator_resolves_unresolves_and_annuls_a_claim(mod_client, claim):
    when = (timezone.now() - timedelta(hours=1)).isoformat()
    resolved = mod_client.post(
        f"/api/claims/{claim.pk}/resolve/",
        {"outcome": "no", "actual_resolve_time": when, "note": "measured"},
        format="json",
    )
    assert resolved.status_code == 200, resolved.data
    assert resolved.data["resolution"]["outcome"] == "no"
    assert resolved.data["resolution"]["resolved_by"] == "mod"
    assert resolved.data["resolution"]["note"] == "measured"
    twice = mod_client.post(f"/api/claims/{claim.pk}/resolve/", {"outcome": "yes"}, format="json")
    assert twice.status_code == 409
    reopened = mod_client.post(f"/api/claims/{claim.pk}/unresolve/", {}, format="json")
    assert reopened.status_code == 200 and reopened.data["resolution"] is None
    annulled = mod_client.post(
        f"/api/claims/{claim.pk}/annul/", {"note": "ambiguous"}, format="json"
    )
    assert annulled.data["resolution"]["outcome"] == "annulled"
    actions = list(ResolutionEvent.objects.values_list("action", flat=True))
    assert actions == ["resolve", "unresolve", "annul"]
    history = mod_client.get(f"/api/claims/{claim.pk}/").data["resolution_events"]
    assert [(e["action"], e["actor"]) for e in history] == [
        ("resolve", "mod"),
        ("unresolve", "mod"),
        ("annul", "mod"),
    ]


def test_a_browser_session_can_forecast_only_with_its_csrf_token(bob, claim):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(bob)
    url = f"/api/claims/{claim.pk}/forecasts/"
    refused = browser.post(url, {"probability": 0.5}, content_type="application/json")
    assert refused.status_code == 403 and Forecast.objects.count() == 0
    token = secrets.token_hex(16)  # the shape of a CSRF cookie: 32 alphanumerics
    browser.cookies["csrftoken"] = token
    accepted = browser.post(
        url, {"probability": 0.5}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201
    assert Forecast.objects.get().participant == bob


def test_the_api_refuses_a_long_statement_and_a_reversed_title_with_field_errors(ann_client):
    long = ann_client.post("/api/claims/", proposal_body(statement="x" * 200_000), format="json")
    assert long.status_code == 400 and "statement" in long.json()
    bidi = ann_client.post("/api/claims/", proposal_body(title="Models get \u202elive"),
                           format="json")
    assert bidi.status_code == 400 and "U+202E" in bidi.json()["title"][0]
    assert not Claim.objects.exists()
