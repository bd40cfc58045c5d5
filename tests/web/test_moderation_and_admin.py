from datetime import timedelta

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from bets.claims.services import claim_propose
from bets.models import Claim, LedgerEntry, ResolutionEvent
from tests.factories import make_closed_claim, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(ann):
    now = timezone.now()
    return claim_propose(
        author=ann, title="Proposed one", statement="s", resolution_criteria="c",
        open_time=now, close_time=now + timedelta(days=1), resolve_after=now + timedelta(days=1),
    )


def test_the_moderation_queue_is_forbidden_to_visitors_and_participants(client, proposal):
    assert client.get(reverse("moderation")).status_code == 403
    client.force_login(make_user("eve"))
    assert client.get(reverse("moderation")).status_code == 403
    assert client.post(reverse("claim-approve", args=[proposal.pk])).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Claim.Status.PROPOSED


def test_a_moderator_sees_proposals_and_approves_one(mod_client, proposal, mod):
    assert "Proposed one" in mod_client.get(reverse("moderation")).content.decode()
    response = mod_client.post(
        reverse("claim-approve", args=[proposal.pk]), {"note": "clear"}, follow=True
    )
    assert "approved" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Claim.Status.OPEN and proposal.reviewed_by == mod
    assert proposal.review_note == "clear"


def test_reviewing_a_claim_twice_shows_the_conflict(mod_client, proposal):
    mod_client.post(reverse("claim-reject", args=[proposal.pk]))
    response = mod_client.post(reverse("claim-approve", args=[proposal.pk]), follow=True)
    assert "Only proposed claims can be reviewed" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Claim.Status.REJECTED


def test_reviewing_an_unknown_claim_is_not_found(mod_client):
    assert mod_client.post(reverse("claim-approve", args=[424242])).status_code == 404


def test_an_overlong_review_note_is_refused(mod_client, proposal):
    response = mod_client.post(
        reverse("claim-approve", args=[proposal.pk]), {"note": "x" * 3000}, follow=True
    )
    assert "too long" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Claim.Status.PROPOSED


@pytest.fixture
def closed(ann, mod):
    """The admin resolves only claims whose forecasting has closed."""
    return make_closed_claim(author=ann, moderator=mod, title="Gap closed")


def _action(client, action, claim, **extra):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [claim.pk], "index": 0} | extra
    return client.post(reverse("admin:bets_claim_changelist"), data)


def test_admin_resolve_asks_for_a_note_before_resolving(mod_client, claim):
    response = _action(mod_client, "resolve_yes", claim)
    assert response.status_code == 200
    assert "The answer became known at" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.OPEN


def test_admin_resolves_yes_with_the_note_and_time(mod_client, closed, mod):
    when = (timezone.now() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    response = _action(
        mod_client, "resolve_yes", closed, apply="1", note="Table 2", actual_resolve_time=when
    )
    assert response.status_code == 302
    closed.refresh_from_db()
    assert closed.status == Claim.Status.RESOLVED and closed.outcome == "yes"
    event = ResolutionEvent.objects.get(claim=closed)
    assert (event.actor, event.note, event.method) == (mod, "Table 2", "manual")
    assert closed.actual_resolve_time.strftime("%Y-%m-%dT%H:%M") == when


def test_admin_resolution_without_a_note_is_refused(mod_client, claim):
    response = _action(mod_client, "resolve_no", claim, apply="1", note="")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.OPEN


def test_admin_resolution_with_a_future_time_is_refused_with_the_reason(mod_client, closed):
    future = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = _action(
        mod_client, "annul", closed, apply="1", note="n", actual_resolve_time=future
    )
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("cannot have become known in the future" in m for m in messages)
    closed.refresh_from_db()
    assert closed.status == Claim.Status.CLOSED


def test_admin_annuls_then_unresolves_a_claim(mod_client, closed):
    _action(mod_client, "annul", closed, apply="1", note="Benchmark withdrawn")
    closed.refresh_from_db()
    assert closed.status == Claim.Status.ANNULLED
    _action(mod_client, "unresolve", closed, apply="1", note="Benchmark back")
    closed.refresh_from_db()
    assert closed.status == Claim.Status.CLOSED
    assert list(closed.resolution_events.values_list("action", flat=True)) == [
        "annul",
        "unresolve",
    ]


def test_admin_approves_proposals_by_action(mod_client, proposal):
    _action(mod_client, "approve", proposal)
    proposal.refresh_from_db()
    assert proposal.status == Claim.Status.OPEN


def test_admin_features_and_unfeatures_claims_by_action(mod_client, claim):
    _action(mod_client, "feature", claim)
    claim.refresh_from_db()
    assert claim.featured
    _action(mod_client, "unfeature", claim)
    claim.refresh_from_db()
    assert not claim.featured


def test_ledger_entries_cannot_be_added_changed_or_deleted_in_the_admin(mod_client):
    assert mod_client.get(reverse("admin:bets_ledgerentry_changelist")).status_code == 200
    assert mod_client.get(reverse("admin:bets_ledgerentry_add")).status_code == 403
    actions = mod_client.get(reverse("admin:bets_ledgerentry_changelist")).context["action_form"]
    assert actions is None or "delete_selected" not in dict(actions.fields["action"].choices)
    entry = LedgerEntry.objects.first()  # starting grants, where the ledger gives them
    if entry is not None:
        change = reverse("admin:bets_ledgerentry_change", args=[entry.pk])
        assert mod_client.post(change, {"amount": 10**9}).status_code == 403
        assert mod_client.post(change.replace("change", "delete")).status_code == 403
        assert LedgerEntry.objects.get(pk=entry.pk).amount == entry.amount


def test_claims_cannot_be_edited_or_deleted_outside_the_services(mod_client, claim):
    response = mod_client.post(
        reverse("admin:bets_claim_change", args=[claim.pk]), {"title": "Hijacked"}
    )
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.title == "Gap widens"
    assert mod_client.post(reverse("admin:bets_claim_delete", args=[claim.pk])).status_code == 403
