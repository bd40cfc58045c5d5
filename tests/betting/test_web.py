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
    # The first click asks, with the exact amounts; nothing moves until the second.
    asked = signed_in(bob).post(f"/offers/{offer.pk}/accept/", {"stake": "40"})
    assert asked.status_code == 200
    assert "Confirm your bet: you stake 40 on NO to win 60." in asked.content.decode()
    assert not Bet.objects.exists() and user_balance(bob) == 1000
    signed_in(bob).post(f"/offers/{offer.pk}/accept/", {"stake": "40", "confirmed": "1"})
    bet = Bet.objects.get()
    assert (bet.taker, bet.taker_stake, bet.offerer_stake) == (bob, 40, 60)
    assert "bob" in signed_in(ann).get(url).content.decode()
    claim = claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    claim_settle_bets(claim_id=claim.pk, seq=claim.resolution_seq)
    assert user_balance(bob) == 1060
    assert '<strong class="balance">1060</strong>' in Client().get("/u/bob/").content.decode()
    assert '<strong class="balance">940</strong>' in Client().get("/u/ann/").content.decode()


def test_bad_form_input_shows_each_message_beside_its_field_and_changes_nothing(claim, ann):
    response = signed_in(ann).post(f"/claims/{claim.pk}/offers/", {
        "side": "yes", "price": "abc", "max_stake": "-3", "hours": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<p class="error" id="id_price_error">Enter a percentage between 0.1 and 99.9' in page
    assert ('<p class="error" id="id_max_stake_error">A stake must be at least 1 credit; -3 '
            'is not.</p>') in page
    assert '<p class="error" id="id_hours_error">Give the expiry in whole hours.</p>' in page
    # What was typed stays, and the first wrong field takes the focus.
    assert 'name="price" value="abc"' in page and 'name="max_stake" value="-3"' in page
    assert 'aria-describedby="id_price_error id_price_helptext" autofocus' in page
    assert not Offer.objects.exists()
    assert user_balance(ann) == 1000


def test_an_offer_beyond_the_balance_comes_back_with_everything_typed_and_the_reason(
    claim, ann
):
    response = signed_in(ann).post(f"/claims/{claim.pk}/offers/", {
        "side": "no", "price": "35", "max_stake": "5000", "hours": "48",
        "note": "a pizza"})
    assert response.status_code == 400
    page = response.content.decode()
    assert ('<p class="error" id="id_max_stake_error">You have 1000 credits; this offer needs '
            '5000.</p>') in page
    assert '<option value="no" selected>' in page
    for kept in ('name="price" value="35"', 'name="max_stake" value="5000"',
                 'name="hours" value="48"', 'name="note" value="a pizza"'):
        assert kept in page
    assert ('aria-describedby="id_max_stake_error" autofocus required aria-invalid="true" '
            'id="id_max_stake"') in page
    assert not Offer.objects.exists()


def test_a_forecast_like_1e1_or_a_price_like_1e1_is_refused_not_read_as_ten(claim, ann):
    from bets.models import Forecast

    forecast = signed_in(ann).post(f"/claims/{claim.pk}/forecast/", {"percent": "1e1"})
    assert forecast.status_code == 400
    assert "Enter a percentage between 0.1 and 99.9" in forecast.content.decode()
    assert not Forecast.objects.exists()
    offer = signed_in(ann).post(f"/claims/{claim.pk}/offers/", {
        "side": "yes", "price": "1e1", "max_stake": "10", "hours": "24"})
    assert offer.status_code == 400 and not Offer.objects.exists()


def test_an_offerer_sees_their_own_offer_in_their_own_words(claim, ann, bob):
    signed_in(ann).post(f"/claims/{claim.pk}/offers/", {
        "side": "yes", "price": "60", "max_stake": "60", "hours": "24"})
    own = signed_in(ann).get(claim.get_absolute_url()).content.decode()
    assert "Your offer: you back YES at 60%." in own
    assert "you stake up to 60 to win up to 40" in own
    assert "Take NO at 40%" not in own and "Cancel my offer" in own
    others = signed_in(bob).get(claim.get_absolute_url()).content.decode()
    assert "Take NO at 40%: you stake 40 to win 60." in others
    assert "up to 40 credits can be staked on NO in all" in others
    for jargon in ("depth", "credits of stakes available"):
        assert jargon not in own and jargon not in others


def test_accepting_with_a_bad_stake_or_unknown_offer_never_errors(claim, ann, bob):
    signed_in(ann).post(f"/claims/{claim.pk}/offers/", {
        "side": "no", "price": "50", "max_stake": "10", "hours": "1"})
    offer = Offer.objects.get()
    response = signed_in(bob).post(f"/offers/{offer.pk}/accept/", {"stake": "1e9"})
    assert response.status_code == 400
    assert "A stake is a whole number of credits" in response.content.decode()
    negative = signed_in(bob).post(f"/offers/{offer.pk}/accept/", {"stake": "-5"})
    assert negative.status_code == 400
    page = negative.content.decode()
    assert "A stake must be at least 1 credit; -5 is not." in page
    assert 'name="stake" min="1" max="10" inputmode="numeric" value="-5"' in page
    assert signed_in(bob).post("/offers/999999999/accept/", {"stake": "1"}).status_code == 404
    assert signed_in(bob).post(f"/offers/{offer.pk}/cancel/", follow=True).status_code == 200
    assert Offer.objects.get().status == "open"


def test_a_stake_that_would_move_the_price_is_refused_beside_the_field_with_stakes_that_work(
    claim, ann, bob
):
    signed_in(ann).post(f"/claims/{claim.pk}/offers/", {
        "side": "yes", "price": "33.3", "max_stake": "300", "hours": "24"})
    offer = Offer.objects.get()
    response = signed_in(bob).post(f"/offers/{offer.pk}/accept/", {"stake": "3"})
    assert response.status_code == 400
    page = response.content.decode()
    assert (f'<p class="error" id="offer-{offer.pk}-stake_error">In whole credits a stake of 3 '
            "would win 1: that is 75% for NO, not the offer&#x27;s 66.7%. Stake 2 or 4 "
            "instead.</p>") in page
    assert 'value="3" required aria-invalid="true"' in page
    assert not Bet.objects.exists()
