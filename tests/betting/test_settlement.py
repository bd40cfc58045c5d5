import pytest

from bets.betting import settlement
from bets.betting.checks import ledger_violations, system_balances
from bets.betting.ledger import user_balance
from bets.betting.offers import offer_accept, offer_create
from bets.betting.settlement import claim_settle_bets
from bets.claims.resolution import claim_annul, claim_resolve, claim_unresolve
from bets.models import Bet, Claim, LedgerTransaction
from tests.betting.conftest import in_a_week

pytestmark = pytest.mark.django_db


@pytest.fixture
def bet(claim, ann, bob):
    offer = offer_create(claim_id=claim.pk, offerer=ann, side="yes", probability=0.7,
                         max_stake=70, expires_at=in_a_week(), note="$10 to charity")
    return offer_accept(offer_id=offer.pk, taker=bob, stake=30)


def settle(claim_id):
    seq = Claim.objects.get(pk=claim_id).resolution_seq
    return claim_settle_bets(claim_id=claim_id, seq=seq)


def test_resolution_pays_the_winner_both_stakes(claim, bet, ann, bob, mod):
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    assert settle(claim.pk) == 1
    bet.refresh_from_db()
    assert (bet.status, bet.winner, bet.settled_seq) == ("settled", ann, 1)
    assert (user_balance(ann), user_balance(bob)) == (1030, 970)
    assert system_balances()["escrow"] == 0
    assert ledger_violations() == []


def test_honour_bets_are_marked_settled_with_the_winner_named(claim, bet, bob, mod):
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    settle(claim.pk)
    bet.refresh_from_db()
    assert (bet.note, bet.status, bet.winner) == ("$10 to charity", "settled", bob)


def test_settling_the_same_resolution_twice_moves_money_once(claim, bet, mod):
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    assert settle(claim.pk) == 1
    assert settle(claim.pk) == 0
    assert LedgerTransaction.objects.filter(kind="settle").count() == 1


def test_a_stale_settlement_does_nothing(claim, bet, mod):
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    claim_unresolve(claim_id=claim.pk, actor=mod)
    assert claim_settle_bets(claim_id=claim.pk, seq=1) == 0
    assert not LedgerTransaction.objects.filter(kind="settle").exists()


def test_annulment_refunds_each_side(claim, bet, ann, bob, mod):
    claim_annul(claim_id=claim.pk, actor=mod)
    settle(claim.pk)
    bet.refresh_from_db()
    assert bet.status == "refunded"
    assert (user_balance(ann), user_balance(bob)) == (1000, 1000)
    assert ledger_violations() == []


def test_unresolve_reverses_payouts_and_re_resolution_settles_again(claim, bet, ann, bob, mod):
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    settle(claim.pk)
    claim_unresolve(claim_id=claim.pk, actor=mod)
    assert settle(claim.pk) == 1
    bet.refresh_from_db()
    assert (bet.status, bet.winner) == ("matched", None)
    assert (user_balance(ann), user_balance(bob)) == (930, 970)
    assert system_balances()["escrow"] == 100
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    settle(claim.pk)
    assert (user_balance(ann), user_balance(bob)) == (930, 1070)
    kinds = list(LedgerTransaction.objects.filter(bet=bet).order_by("pk").values_list("kind",
                                                                                        flat=True))
    assert kinds == ["bet_match", "settle", "reversal", "settle"]
    assert ledger_violations() == []


def test_skipped_intermediate_resolutions_still_end_in_the_right_state(claim, bet, ann, mod):
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    settle(claim.pk)
    claim_unresolve(claim_id=claim.pk, actor=mod)
    claim_annul(claim_id=claim.pk, actor=mod)  # the unresolve's settlement never ran
    settle(claim.pk)
    assert user_balance(ann) == 1000
    assert ledger_violations() == []


def test_a_crash_between_entries_and_marking_bets_rolls_back_whole(
    claim, bet, ann, bob, mod, monkeypatch
):
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)

    def crash(*args, **kwargs):
        raise RuntimeError("worker died here")

    with monkeypatch.context() as patch:
        patch.setattr(settlement, "_mark_bets", crash)
        with pytest.raises(RuntimeError):
            settle(claim.pk)
    assert not LedgerTransaction.objects.filter(kind="settle").exists()
    assert user_balance(ann) == 930
    assert Claim.objects.get(pk=claim.pk).settled_seq == 0
    assert ledger_violations() == []
    assert settle(claim.pk) == 1
    assert settle(claim.pk) == 0
    assert user_balance(ann) == 1030
    assert Bet.objects.get(pk=bet.pk).status == "settled"
    assert ledger_violations() == []


def test_a_reversal_the_winner_can_no_longer_cover_is_blocked_and_moves_nothing(
    claim, bet, ann, mod
):
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    settle(claim.pk)
    claim_unresolve(claim_id=claim.pk, actor=mod)
    offer_create(claim_id=claim.pk, offerer=ann, side="no", probability=0.5, max_stake=1030,
                 expires_at=in_a_week())
    with pytest.raises(settlement.SettlementBlocked):
        settle(claim.pk)
    assert not LedgerTransaction.objects.filter(kind="reversal").exists()
    assert ledger_violations() == []
