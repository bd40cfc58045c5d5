"""What a page says about where things stand: badges that agree with the text, closed claims
that say who they wait for, the "Resolved by hand" filter, and the home page for a visitor
and for someone who just signed up."""

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bets.claims.services import claim_approve, claim_propose
from bets.models import Claim
from tests.factories import make_closed_claim, make_open_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def upcoming(ann, mod):
    """Approved, but its open time is the next hour (as the proposal form defaults it)."""
    now = timezone.now()
    opens = (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    claim = claim_propose(author=ann, title="Opens soon", statement="s", resolution_criteria="c",
                          open_time=opens, close_time=opens + timedelta(days=5),
                          resolve_after=opens + timedelta(days=5))
    return claim_approve(claim_id=claim.pk, moderator=mod)


def _badge(html: str) -> str:
    start = html.index('<span class="status ')
    return html[html.index(">", start) + 1:html.index("</span>", start)]


def test_a_claim_approved_for_the_next_hour_says_when_it_opens_not_open(client, upcoming):
    # The time alone today; with its date when the next hour is tomorrow (a run near midnight).
    same_day = upcoming.open_time.astimezone(UTC).date() == timezone.now().astimezone(UTC).date()
    opens = upcoming.open_time.astimezone(UTC).strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M")
    page = client.get(upcoming.get_absolute_url()).content.decode()
    assert _badge(page) == f"Opens at {opens} UTC"
    assert "status-upcoming" in page
    listing = client.get(reverse("home")).content.decode()
    assert _badge(listing) == f"Opens at {opens} UTC"


def test_an_open_claim_still_says_open(client, ann, mod):
    claim = make_open_claim(author=ann, moderator=mod)
    assert _badge(client.get(claim.get_absolute_url()).content.decode()) == "Open"


def test_a_closed_claim_says_it_waits_for_a_moderator(client, ann, mod):
    claim = make_closed_claim(author=ann, moderator=mod)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert _badge(page) == "Closed"
    assert "waiting for a moderator to resolve it" in page
    assert "waiting for a moderator to resolve it" in client.get(reverse("home")).content.decode()


def test_a_closed_claim_with_a_resolver_says_it_waits_for_its_resolver(client, ann, mod):
    claim = make_closed_claim(author=ann, moderator=mod)
    Claim.objects.filter(pk=claim.pk).update(resolver_spec={"source": {}})
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "waiting for its automatic resolver" in page
    assert "waiting for its resolver to resolve it" in client.get(reverse("home")).content.decode()


def test_resolved_by_hand_lists_only_claims_a_moderator_resolved(client, ann, mod):
    from bets.claims.resolution import claim_resolve

    make_open_claim(author=ann, moderator=mod, title="Still open")
    by_hand = make_closed_claim(author=ann, moderator=mod, title="Decided by a moderator")
    claim_resolve(claim_id=by_hand.pk, outcome="yes", actor=mod, note="n")
    by_resolver = make_closed_claim(author=ann, moderator=mod, title="Decided by a resolver")
    claim_resolve(claim_id=by_resolver.pk, outcome="no", actor=None,
                  method=Claim.Method.AUTOMATIC)
    response = client.get(reverse("home"), {"resolver": "hand"})
    assert [c.title for c in response.context["page"].object_list] == ["Decided by a moderator"]


def test_the_home_page_tells_a_visitor_what_crux_is_at_the_top(client, ann, mod):
    make_open_claim(author=ann, moderator=mod, title="Some claim")
    html = client.get(reverse("home")).content.decode()
    main = html[html.index("<main"):]
    assert main.index('class="intro"') < main.index("Some claim")
    assert "Forecast concrete claims" in main
    assert f'href="{reverse("signup")}"' in main and f'href="{reverse("login")}"' in main


def test_the_home_page_has_no_visitor_intro_for_someone_logged_in(ann_client):
    assert 'class="intro"' not in ann_client.get(reverse("home")).content.decode()


def test_sign_up_lands_on_the_home_page_with_a_welcome_and_a_next_step(client, ann, mod):
    make_open_claim(author=ann, moderator=mod, title="Some claim")
    response = client.post(reverse("signup"), {"username": "dora",
                                               "password1": "a-long-pass-phrase",
                                               "password2": "a-long-pass-phrase"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    html = client.get(response["Location"]).content.decode()
    assert "Welcome to Crux, dora" in html and "?status=open&amp;sort=closing" in html
    assert "Some claim" in html
    assert "Welcome to Crux" not in client.get(reverse("home")).content.decode()  # once
