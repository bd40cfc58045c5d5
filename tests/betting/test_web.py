import pytest
from django.test import Client

from bets.betting.ledger import user_balance
from bets.betting.settlement import claim_settle_bets
from bets.claims.resolution import claim_resolve
from bets.models import Bet, Offer

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_offer_made_and_accepted_on_the_claim_page_shows_for_both(claim, ann, bob, mod):
    url = claim.get_absolute_url()
    made = signed_in(ann).post(f"/claims/{claim.pk}/offers/", {
        "side": "yes", "price": "60", "max_stake": "60", "hours": "24",
        "note": "a coffee"})
    assert made.status_code == 302
    offer = Offer.objects.get()
    page = signed_in(bob).get(url).content.decode()
    assert "Open offers" in page and f"/offers/{offer.pk}/accept/" in page
    signed_in(bob).post(f"/offers/{offer.pk}/accept/", {"stake": "40"})
    bet = Bet.objects.get()
    assert (bet.taker, bet.taker_stake, bet.offerer_stake) == (bob, 40, 60)
    assert "bob" in signed_in(ann).get(url).content.decode()
    claim = claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    claim_settle_bets(claim_id=claim.pk, seq=claim.resolution_seq)
    assert user_balance(bob) == 1060
    assert '<strong class="balance">1060</strong>' in Client().get("/u/bob/").content.decode()
    assert '<strong class="balance">940</strong>' in Client().get("/u/ann/").content.decode()


def test_bad_form_input_shows_a_message_and_changes_nothing(claim, ann):
    response = signed_in(ann).post(f"/claims/{claim.pk}/offers/", {
        "side": "yes", "price": "abc", "max_stake": "-3", "hours": "x"}, follow=True)
    assert response.status_code == 200
    assert "Offer not made" in response.content.decode()
    assert not Offer.objects.exists()
    assert user_balance(ann) == 1000


def test_accepting_with_a_bad_stake_or_unknown_offer_never_errors(claim, ann, bob):
    signed_in(ann).post(f"/claims/{claim.pk}/offers/", {
        "side": "no", "price": "50", "max_stake": "10", "hours": "1"})
    offer = Offer.objects.get()
    response = signed_in(bob).post(f"/offers/{offer.pk}/accept/", {"stake": "1e9"}, follow=True)
    assert "Not accepted" in response.content.decode()
    assert signed_in(bob).post("/offers/999999999/accept/", {"stake": "1"}).status_code == 404
    assert signed_in(bob).post(f"/offers/{offer.pk}/cancel/", follow=True).status_code == 200
    assert Offer.objects.get().status == "open"
