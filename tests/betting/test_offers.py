from datetime import timedelta

import pytest
from django.utils import timezone

from bets.betting.checks import ledger_violations, system_balances
from bets.betting.ledger import user_balance
from bets.betting.offers import offer_accept, offer_cancel, offer_create, offers_expire_due
from bets.betting.prices import (
    PRICE_TOLERANCE,
    fair_stakes_near,
    max_taker_stake,
    offerer_stake_for,
    stake_is_fair,
)
from bets.claims.resolution import claim_resolve
from bets.common.errors import Conflict, Forbidden, InvalidInput
from bets.models import Bet, Offer
from tests.betting.conftest import in_a_week

pytestmark = pytest.mark.django_db


def make_offer(claim, offerer, **kw):
    args = {"side": "yes", "probability": 0.7, "max_stake": 70, "expires_at": in_a_week()}
    return offer_create(claim_id=claim.pk, offerer=offerer, **(args | kw))


def test_taking_yes_at_seventy_percent_stakes_seventy_against_thirty():
    assert offerer_stake_for(0.7, 30) == 70
    assert offerer_stake_for(0.3, 70) == 30
    assert offerer_stake_for(0.5, 1) == 1


def test_offerer_stake_rounds_half_to_even_exactly():
    # 0.6 -> ratio 3/2: 1 -> 1.5 -> 2, 3 -> 4.5 -> 4, 5 -> 7.5 -> 8
    assert [offerer_stake_for(0.6, t) for t in (1, 3, 5)] == [2, 4, 8]


def test_max_taker_stake_is_the_largest_fair_stake_that_fits():
    for p in (0.001, 0.1, 0.33, 0.5, 0.6, 0.7, 0.999):
        for remaining in (1, 2, 3, 7, 70, 1000):
            t = max_taker_stake(p, remaining)
            if t:
                assert 0 < offerer_stake_for(p, t) <= remaining
                assert stake_is_fair(p, t)
            # Every larger stake overfills the offer or moves the price.
            s = t + 1
            while offerer_stake_for(p, s) <= remaining:
                assert not stake_is_fair(p, s)
                s += 1


def test_making_an_offer_reserves_its_max_stake(claim, ann):
    offer = make_offer(claim, ann)
    assert user_balance(ann) == 930
    assert system_balances()["offers"] == 70
    assert offer.status == "open"
    assert ledger_violations() == []


def test_an_offer_beyond_the_balance_is_refused_and_nothing_is_created(claim, ann):
    with pytest.raises(Conflict, match="1000 credits"):
        make_offer(claim, ann, max_stake=1001)
    assert not Offer.objects.exists()
    assert user_balance(ann) == 1000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("side", "maybe"),
        ("probability", 1.5),
        ("probability", "abc"),
        ("max_stake", 0),
        ("max_stake", -5),
        ("max_stake", 2.5),
        ("max_stake", True),
        ("expires_at", "tomorrow"),
        ("note", "x" * 301),
    ],
)
def test_bad_offer_input_is_refused_with_the_field_named(claim, ann, field, value):
    with pytest.raises(InvalidInput) as err:
        make_offer(claim, ann, **{field: value})
    assert err.value.field == field
    assert not Offer.objects.exists()


def test_an_offer_that_expires_in_the_past_is_refused(claim, ann):
    with pytest.raises(InvalidInput, match="future"):
        make_offer(claim, ann, expires_at=timezone.now() - timedelta(seconds=1))


def test_accepting_moves_both_stakes_into_escrow(claim, ann, bob):
    offer = make_offer(claim, ann)
    bet = offer_accept(offer_id=offer.pk, taker=bob, stake=15)
    assert (bet.taker_stake, bet.offerer_stake) == (15, 35)
    offer.refresh_from_db()
    assert (offer.filled_stake, offer.status) == (35, "open")
    assert (user_balance(ann), user_balance(bob)) == (930, 985)
    assert system_balances()["escrow"] == 50
    assert ledger_violations() == []


def test_several_takers_fill_an_offer_until_nothing_is_left(claim, ann, bob, cat):
    offer = make_offer(claim, ann)
    offer_accept(offer_id=offer.pk, taker=bob, stake=15)
    offer_accept(offer_id=offer.pk, taker=cat, stake=15)
    with pytest.raises(Conflict, match="more than what is left"):
        offer_accept(offer_id=offer.pk, taker=cat, stake=1)
    offer.refresh_from_db()
    assert (offer.filled_stake, offer.status) == (70, "filled")
    assert Bet.objects.count() == 2
    assert ledger_violations() == []


def test_accepting_more_than_is_left_names_the_largest_stake_that_fits(claim, ann, bob):
    offer = make_offer(claim, ann)
    with pytest.raises(Conflict, match="stake at most 30"):
        offer_accept(offer_id=offer.pk, taker=bob, stake=31)
    assert not Bet.objects.exists()


def test_accepting_your_own_offer_is_refused(claim, ann):
    offer = make_offer(claim, ann)
    with pytest.raises(Forbidden, match="own offer"):
        offer_accept(offer_id=offer.pk, taker=ann, stake=10)


def test_an_offer_meant_for_someone_else_is_refused(claim, ann, bob, cat):
    offer = make_offer(claim, ann, counterparty=cat)
    with pytest.raises(Forbidden, match="someone else"):
        offer_accept(offer_id=offer.pk, taker=bob, stake=10)
    assert offer_accept(offer_id=offer.pk, taker=cat, stake=10).taker == cat


def test_accepting_more_than_your_balance_is_refused_and_changes_nothing(claim, ann, bob):
    offer = make_offer(claim, ann, probability=0.5, max_stake=999)
    offer_create(claim_id=claim.pk, offerer=bob, side="no", probability=0.5, max_stake=999,
                 expires_at=in_a_week())
    with pytest.raises(Conflict, match=r"more than your balance \(1 credits\)"):
        offer_accept(offer_id=offer.pk, taker=bob, stake=2)
    offer.refresh_from_db()
    assert offer.filled_stake == 0
    assert not Bet.objects.exists()
    assert ledger_violations() == []


def test_a_stake_too_small_to_match_is_refused(claim, ann, bob):
    offer = make_offer(claim, ann, probability=0.1, max_stake=10)
    with pytest.raises(InvalidInput, match="too small"):
        offer_accept(offer_id=offer.pk, taker=bob, stake=1)  # 1/9 rounds to 0


def test_cancelled_and_expired_offers_cannot_be_accepted(claim, ann, bob):
    offer = make_offer(claim, ann)
    offer_cancel(offer_id=offer.pk, actor=ann)
    with pytest.raises(Conflict, match="cancelled"):
        offer_accept(offer_id=offer.pk, taker=bob, stake=10)
    late = make_offer(claim, ann)
    with pytest.raises(Conflict, match="expired"):
        offer_accept(offer_id=late.pk, taker=bob, stake=10, now=late.expires_at)


def test_a_claim_no_longer_open_takes_no_acceptances(claim, ann, bob, mod):
    offer = make_offer(claim, ann)
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    with pytest.raises(Conflict, match="no longer takes bets"):
        offer_accept(offer_id=offer.pk, taker=bob, stake=10)


def test_cancelling_releases_only_the_unfilled_remainder(claim, ann, bob):
    offer = make_offer(claim, ann)
    offer_accept(offer_id=offer.pk, taker=bob, stake=15)
    offer_cancel(offer_id=offer.pk, actor=ann)
    assert user_balance(ann) == 965
    with pytest.raises(Conflict, match="already cancelled"):
        offer_cancel(offer_id=offer.pk, actor=ann)
    assert user_balance(ann) == 965
    assert ledger_violations() == []


def test_only_the_offerer_can_cancel(claim, ann, bob):
    offer = make_offer(claim, ann)
    with pytest.raises(Forbidden):
        offer_cancel(offer_id=offer.pk, actor=bob)


def test_expiry_releases_due_offers_once(claim, ann):
    offer = make_offer(claim, ann)
    later = offer.expires_at + timedelta(seconds=1)
    assert offers_expire_due(now=later) == 1
    assert offers_expire_due(now=later) == 0
    offer.refresh_from_db()
    assert offer.status == "expired"
    assert user_balance(ann) == 1000
    assert ledger_violations() == []


def test_offers_on_a_resolved_claim_are_expired_by_the_sweep(claim, ann, mod):
    make_offer(claim, ann)
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    assert offers_expire_due() == 1
    assert user_balance(ann) == 1000


# --- the price rule: whole credits never move a bet's price more than a point ------------


def _effective_price(bet) -> float:
    return bet.offerer_stake / (bet.offerer_stake + bet.taker_stake)


@pytest.mark.parametrize(
    ("stake", "matched_against", "refusal"),
    [
        (1, None, "too small to win anything at 66.7% for NO. Stake 2 instead."),
        (2, 1, None),
        (3, None, "would win 1: that is 75% for NO, not the offer's 66.7%. Stake 2 or 4"),
        (5, None, "would win 2: that is 71.4% for NO, not the offer's 66.7%. Stake 4 or 6"),
        (7, None, "would win 3: that is 70% for NO, not the offer's 66.7%. Stake 6 or 8"),
    ],
)
def test_a_bet_at_33_3_percent_is_matched_within_a_point_or_refused_with_stakes_that_work(
    claim, ann, bob, stake, matched_against, refusal
):
    offer = make_offer(claim, ann, side="yes", probability=0.333, max_stake=300)
    if refusal is None:
        bet = offer_accept(offer_id=offer.pk, taker=bob, stake=stake)
        assert (bet.taker_stake, bet.offerer_stake) == (stake, matched_against)
        assert abs(_effective_price(bet) - 0.333) <= 0.01
    else:
        with pytest.raises(InvalidInput, match=refusal.replace(".", r"\.")) as err:
            offer_accept(offer_id=offer.pk, taker=bob, stake=stake)
        assert err.value.field == "stake"
        assert not Bet.objects.exists()
        assert user_balance(bob) == 1000
        # Every stake the refusal names is matched, within the point.
        named = [int(w) for w in err.value.message.split("Stake ")[1].split() if w.isdigit()]
        for good in named:
            bet = offer_accept(offer_id=offer.pk, taker=bob, stake=good)
            assert abs(_effective_price(bet) - 0.333) <= 0.01
    assert ledger_violations() == []


def test_no_matched_bet_strays_a_point_from_its_offer_at_any_price_or_stake():
    for p in (0.001, 0.01, 0.05, 0.1, 0.333, 0.4, 0.5, 0.6, 0.667, 0.9, 0.99, 0.999):
        for t in range(1, 120):
            o = offerer_stake_for(p, t)
            fair = o > 0 and abs(o / (o + t) - p) <= float(PRICE_TOLERANCE) + 1e-12
            assert stake_is_fair(p, t) == fair
            if not fair:
                assert all(stake_is_fair(p, s) for s in fair_stakes_near(p, t, most=10**6))


def test_a_negative_stake_is_told_it_must_be_at_least_one_credit(claim, ann, bob):
    offer = make_offer(claim, ann)
    with pytest.raises(InvalidInput, match="at least 1 credit; -5 is not"):
        offer_accept(offer_id=offer.pk, taker=bob, stake="-5")
    with pytest.raises(InvalidInput, match="whole number of credits"):
        offer_accept(offer_id=offer.pk, taker=bob, stake="²")
