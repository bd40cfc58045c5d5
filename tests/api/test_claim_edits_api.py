"""Editing a claim until its criteria freeze; clarifying it afterwards."""

import pytest

from bets.claims.forecasts import forecast_submit
from bets.models import Claim, ClaimClarification
from tests.factories import client_for

pytestmark = pytest.mark.django_db

VALID_SPEC = {
    "source": {
        "kind": "inspect_logs",
        "location": {"data": "gen*.eval"},
        "task": "arith",
        "conditions": {"snap": {"solvers": ["generate"]}},
    },
    "criterion": {
        "kind": "threshold",
        "model": "mockllm/gen3",
        "condition": "snap",
        "metric": "accuracy",
        "at_least": 0.5,
    },
}




def edit(user, claim, body):
    return client_for(user).patch(f"/api/claims/{claim.pk}/edit/", body, format="json")


def test_the_author_edits_a_claim_before_anyone_forecasts(ann, claim):
    response = edit(ann, claim, {"title": "Sharper title", "tags": ["llm", "cot"]})
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert claim.title == "Sharper title"
    assert sorted(claim.tags.values_list("name", flat=True)) == ["cot", "llm"]


def test_an_edited_resolver_spec_is_validated_by_the_registry(ann, claim):
    bad = edit(ann, claim, {"resolver_spec": {"source": {"kind": "nope"}}})
    assert bad.status_code == 400 and "resolver_spec" in bad.json()
    claim.refresh_from_db()
    assert claim.resolver_spec is None
    good = edit(ann, claim, {"resolver_spec": VALID_SPEC})
    assert good.status_code == 200, good.json()
    claim.refresh_from_db()
    assert claim.resolver_spec == VALID_SPEC


def test_an_edit_that_breaks_the_times_is_refused_and_changes_nothing(ann, claim):
    response = edit(ann, claim, {"close_time": claim.open_time.isoformat()})
    assert response.status_code == 400 and "close_time" in response.json()
    assert Claim.objects.get(pk=claim.pk).close_time == claim.close_time


def test_someone_else_cannot_edit_and_a_moderator_can(bob, mod, claim):
    assert edit(bob, claim, {"title": "Mine now"}).status_code == 403
    assert edit(mod, claim, {"title": "Moderated"}).status_code == 200
    assert Claim.objects.get(pk=claim.pk).title == "Moderated"


def test_after_the_first_forecast_the_criteria_are_frozen(ann, bob, claim):
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.4)
    response = edit(ann, claim, {"resolution_criteria": "Something else entirely."})
    assert response.status_code == 409
    assert "clarification" in response.json()["detail"]
    assert Claim.objects.get(pk=claim.pk).resolution_criteria == claim.resolution_criteria


def test_a_resolved_claim_cannot_be_edited(ann, claim):
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.CLOSED)
    assert edit(ann, claim, {"title": "Too late"}).status_code == 409


def test_anonymous_edits_are_refused(anon, claim):
    response = anon.patch(f"/api/claims/{claim.pk}/edit/", {"title": "x"}, format="json")
    assert response.status_code in (401, 403)


def test_the_author_adds_a_clarification_everyone_can_read(ann, bob, anon, claim):
    url = f"/api/claims/{claim.pk}/clarifications/"
    created = client_for(ann).post(url, {"text": "Snap means no reasoning tokens."}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["author"] == "ann"
    listed = anon.get(url).json()
    assert [c["text"] for c in listed] == ["Snap means no reasoning tokens."]


@pytest.mark.parametrize(("who", "body", "code"), [("bob", {"text": "x"}, 403),
                                                   ("ann", {"text": ""}, 400),
                                                   ("ann", {}, 400),
                                                   ("ann", {"text": "x" * 5001}, 400)])
def test_bad_clarifications_are_refused_and_nothing_is_stored(ann, bob, claim, who, body, code):
    user = {"ann": ann, "bob": bob}[who]
    url = f"/api/claims/{claim.pk}/clarifications/"
    assert client_for(user).post(url, body, format="json").status_code == code
    assert not ClaimClarification.objects.exists()


def test_editing_or_clarifying_an_unknown_claim_is_a_404(ann):
    assert client_for(ann).patch("/api/claims/999999/edit/", {}, format="json").status_code == 404
    url = "/api/claims/999999/clarifications/"
    assert client_for(ann).post(url, {"text": "x"}, format="json").status_code == 404
