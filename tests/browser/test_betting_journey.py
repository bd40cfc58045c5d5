"""Betting in a real browser: one participant offers, a second accepts, both see the bet;
after resolution (settled by a real Celery worker) both see their new balances."""

import pytest

from bets.claims.resolution import claim_resolve
from bets.models import Claim
from tests.browser.conftest import PASSWORD, login
from tests.celery_worker import wait_for
from tests.factories import make_open_claim, make_user

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def test_a_second_participant_accepts_an_offer_and_both_see_the_bet_and_their_payouts(
    new_page, live_server, staff_user, celery_worker
):
    make_user("ann", password=PASSWORD)
    make_user("bob", password=PASSWORD)
    claim = make_open_claim(author=staff_user, moderator=staff_user, title="Bettable claim")
    base = live_server.url
    claim_url = f"{base}/claims/{claim.pk}/"

    ann = new_page()
    login(ann, live_server, "ann")
    ann.goto(claim_url)
    form = ann.locator("form.offer-form")
    form.locator("select[name=side]").select_option("yes")
    form.locator("input[name=price]").fill("60")
    form.locator("input[name=max_stake]").fill("60")
    # The form says what the offer means while it is typed.
    assert form.locator("[data-offer-summary]").inner_text() == (
        "You back YES at 60%: you stake up to 60 to win up to 40. "
        "A taker backs NO at 40%: they stake up to 40 to win up to 60."
    )
    form.locator("input[name=note]").fill("a coffee")
    form.locator("button[type=submit]").click()
    ann.wait_for_selector("text=Offer made")

    bob = new_page()
    login(bob, live_server, "bob")
    bob.goto(claim_url)
    offer = bob.locator(".book-no li.offer").first
    assert "Take NO at 40%: you stake 40 to win 60" in offer.inner_text()
    accept = offer.locator("form.accept-form")
    accept.locator("input[name=stake]").fill("40")
    assert accept.locator("[data-take-preview]").inner_text() == "You stake 40 on NO to win 60."
    accept.locator("button[type=submit]").click()
    # The exact bet is shown and asked about before any credit moves.
    bob.get_by_role("button", name="Confirm: stake 40 to win 60").click()
    bob.wait_for_selector("text=Bet matched: you stake 40 on NO against 60")

    assert "bob backs NO with 40" in bob.locator("ul.bets").inner_text()
    ann.goto(claim_url)
    matched = ann.locator("ul.bets").inner_text()
    assert "If YES: ann wins 40. If NO: bob wins 60." in matched

    claim_resolve(claim_id=claim.pk, outcome="no", actor=staff_user)
    wait_for(lambda: Claim.objects.get(pk=claim.pk).settled_seq == 1,
             message="the worker never settled the bet")
    bob.goto(f"{base}/u/bob/")
    assert bob.locator("strong.balance").inner_text() == "1060"
    ann.goto(f"{base}/u/ann/")
    assert ann.locator("strong.balance").inner_text() == "940"
    assert "Settled" in ann.locator("table.bets").inner_text()
