"""Moderators resolve and annul from a claim's page, through the admin's services; a claim
still open is refused until they choose to close it."""

from datetime import timedelta

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from bets.claims.resolution import claim_resolve
from bets.common.errors import Conflict
from bets.models import Claim, ResolutionEvent
from tests.factories import make_closed_claim, make_open_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(ann, mod):
    return make_closed_claim(author=ann, moderator=mod, title="Gap closed")


@pytest.fixture
def open_claim(ann, mod):
    return make_open_claim(author=ann, moderator=mod, title="Still open")


def _resolve(client, claim, **data):
    return client.post(reverse("claim-resolve", args=[claim.pk]), data)


def test_a_moderator_sees_resolve_and_annul_on_a_closed_claims_page(mod_client, closed):
    html = mod_client.get(closed.get_absolute_url()).content.decode()
    assert f'action="/claims/{closed.pk}/resolve/#resolve"' in html
    assert "Resolve YES" in html and "Resolve NO" in html and ">Annul<" in html


def test_participants_and_visitors_see_no_resolve_form_and_cannot_post_one(
    client, bob_client, closed
):
    assert "Resolve YES" not in client.get(closed.get_absolute_url()).content.decode()
    assert "Resolve YES" not in bob_client.get(closed.get_absolute_url()).content.decode()
    assert _resolve(client, closed, decision="yes", note="n").status_code == 403
    assert _resolve(bob_client, closed, decision="yes", note="n").status_code == 403
    closed.refresh_from_db()
    assert closed.status == Claim.Status.CLOSED


def test_a_moderator_resolves_a_closed_claim_yes_with_the_reason(mod_client, closed, mod):
    when = (timezone.now() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    response = _resolve(mod_client, closed, decision="yes", note="Table 2 shows it.",
                        actual_resolve_time=when)
    assert response.status_code == 302
    assert response["Location"].endswith("#resolution-record")
    closed.refresh_from_db()
    assert (closed.status, closed.outcome, closed.resolved_by) == ("resolved", "yes", mod)
    event = ResolutionEvent.objects.get(claim=closed)
    assert (event.action, event.note, event.method) == ("resolve", "Table 2 shows it.", "manual")
    assert closed.actual_resolve_time.strftime("%Y-%m-%dT%H:%M") == when


def test_a_moderator_annuls_a_closed_claim(mod_client, closed):
    assert _resolve(mod_client, closed, decision="annul", note="Benchmark withdrawn"
                    ).status_code == 302
    closed.refresh_from_db()
    assert closed.status == Claim.Status.ANNULLED
    assert closed.resolution_note == "Benchmark withdrawn"


def test_resolving_without_a_reason_is_refused_beside_the_field(mod_client, closed):
    response = _resolve(mod_client, closed, decision="no", note="")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="field has-error"' in html and "This field is required." in html
    closed.refresh_from_db()
    assert closed.status == Claim.Status.CLOSED


def test_an_open_claim_is_refused_and_the_reason_typed_is_kept(mod_client, open_claim):
    response = _resolve(mod_client, open_claim, decision="yes", note="Announced early")
    assert response.status_code == 400
    html = response.content.decode()
    assert "is still open" in html and "Close it first" in html
    assert "Announced early" in html  # the reason typed comes back in its box
    open_claim.refresh_from_db()
    assert open_claim.status == Claim.Status.OPEN
    assert not ResolutionEvent.objects.filter(claim=open_claim).exists()


def test_an_open_claim_is_resolved_once_the_moderator_closes_it_now(mod_client, open_claim):
    html = mod_client.get(open_claim.get_absolute_url()).content.decode()
    assert "Close it now" in html
    response = _resolve(mod_client, open_claim, decision="no", note="Announced early",
                        close_early="on")
    assert response.status_code == 302
    open_claim.refresh_from_db()
    assert (open_claim.status, open_claim.outcome) == ("resolved", "no")


def test_an_unknown_decision_is_refused_and_changes_nothing(mod_client, closed):
    response = _resolve(mod_client, closed, decision="maybe", note="n")
    assert response.status_code == 400
    closed.refresh_from_db()
    assert closed.status == Claim.Status.CLOSED


def test_resolving_an_already_resolved_claim_says_so(mod_client, closed, mod):
    claim_resolve(claim_id=closed.pk, outcome="yes", actor=mod, note="first")
    response = _resolve(mod_client, closed, decision="no", note="second")
    assert response.status_code == 400
    assert "Only open or closed claims can be resolved" in response.content.decode()
    closed.refresh_from_db()
    assert closed.outcome == "yes"


def test_the_service_refuses_an_open_claim_unless_told_to_close_it(open_claim, mod):
    with pytest.raises(Conflict, match="still open"):
        claim_resolve(claim_id=open_claim.pk, outcome="yes", actor=mod, close_early=False)
    open_claim.refresh_from_db()
    assert open_claim.status == Claim.Status.OPEN


def test_the_admin_action_refuses_a_claim_still_open(mod_client, open_claim):
    data = {"action": "resolve_yes", helpers.ACTION_CHECKBOX_NAME: [open_claim.pk],
            "index": 0, "apply": "1", "note": "n"}
    response = mod_client.post(reverse("admin:bets_claim_changelist"), data)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("still open" in m for m in messages)
    open_claim.refresh_from_db()
    assert open_claim.status == Claim.Status.OPEN


def test_a_claim_past_its_close_time_before_the_sweep_needs_no_closing(mod_client, open_claim):
    Claim.objects.filter(pk=open_claim.pk).update(
        close_time=timezone.now() - timedelta(minutes=5))
    html = mod_client.get(open_claim.get_absolute_url()).content.decode()
    assert "Close it now" not in html and "waiting for a moderator to resolve it" in html
    assert _resolve(mod_client, open_claim, decision="yes", note="n").status_code == 302
    open_claim.refresh_from_db()
    assert open_claim.status == Claim.Status.RESOLVED
