"""Races on real PostgreSQL: threads behind a barrier, each with its own connection."""

import threading

import pytest
from django.db import connection

from bets.betting.checks import ledger_violations, system_balances
from bets.betting.ledger import user_balance
from bets.betting.offers import offer_accept, offer_cancel, offer_create
from bets.betting.settlement import claim_settle_bets
from bets.claims.resolution import claim_annul, claim_resolve, claim_unresolve
from bets.common.errors import Conflict
from bets.models import Bet, Claim, LedgerTransaction, Offer
from tests.betting.conftest import in_a_week
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)
TRIALS = 200
GRANT = 1_000_000


def run_together(calls):
    """Run each callable in its own thread, all released at once; return result or error."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # collected and asserted on by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def people(claim, settings):
    settings.CRUX_STARTING_GRANT = GRANT  # enough for hundreds of trials
    return make_user("offerer"), [make_user(f"taker{i}") for i in range(8)]


def new_offer(claim, offerer, max_stake=100):
    return offer_create(claim_id=claim.pk, offerer=offerer, side="yes", probability=0.5,
                        max_stake=max_stake, expires_at=in_a_week())


@pytest.mark.parametrize("threads", [2, 4, 8])
def test_concurrent_acceptances_never_overfill_an_offer(claim, people, threads):
    offerer, takers = people
    fits = threads // 2
    stake = 100 // fits  # exactly `fits` acceptances fit; the rest must be refused
    for _ in range(TRIALS):
        offer = new_offer(claim, offerer)
        results = run_together(
            [lambda t=t, o=offer: offer_accept(offer_id=o.pk, taker=t, stake=stake)
             for t in takers[:threads]]
        )
        bets = [r for r in results if isinstance(r, Bet)]
        refused = [r for r in results if isinstance(r, Conflict)]
        assert len(bets) == fits and len(refused) == threads - fits, results
        assert all("more than what is left" in e.message for e in refused)
        offer.refresh_from_db()
        assert (offer.filled_stake, offer.status) == (100, "filled")
    assert ledger_violations() == []
    matched = sum(b.offerer_stake + b.taker_stake for b in Bet.objects.all())
    assert system_balances()["escrow"] == matched == TRIALS * 200


def test_cancel_racing_accept_never_loses_or_doubles_credits(claim, people):
    offerer, (taker, *_) = people
    outcomes = set()
    for _ in range(TRIALS // 2):
        offer = new_offer(claim, offerer)
        accepted, cancelled = run_together([
            lambda o=offer: offer_accept(offer_id=o.pk, taker=taker, stake=40),
            lambda o=offer: offer_cancel(offer_id=o.pk, actor=offerer),
        ])
        assert isinstance(cancelled, Offer)  # cancel always wins its own offer's remainder
        outcomes.add(type(accepted).__name__)
        offer.refresh_from_db()
        assert offer.status == "cancelled"
        assert offer.filled_stake == (40 if isinstance(accepted, Bet) else 0)
    assert outcomes <= {"Bet", "Conflict"}
    stakes = sum(b.offerer_stake for b in Bet.objects.all())
    assert user_balance(offerer) == GRANT - stakes
    assert ledger_violations() == []


def make_bets(claim, offerer, takers, n=6):
    offer = new_offer(claim, offerer, max_stake=10 * n)
    return [offer_accept(offer_id=offer.pk, taker=takers[i % len(takers)], stake=10)
            for i in range(n)]


def test_concurrent_and_retried_settlement_moves_money_once(claim, people, mod):
    offerer, takers = people
    make_bets(claim, offerer, takers)
    for change in (
        lambda: claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod),
        lambda: claim_unresolve(claim_id=claim.pk, actor=mod),
        lambda: claim_annul(claim_id=claim.pk, actor=mod),
    ):
        seq = change().resolution_seq
        posted = run_together([lambda s=seq: claim_settle_bets(claim_id=claim.pk, seq=s)] * 4)
        assert sorted(posted)[:3] == [0, 0, 0] and max(posted) > 0, posted
        assert claim_settle_bets(claim_id=claim.pk, seq=seq) == 0  # a retry
        assert ledger_violations() == []
    assert LedgerTransaction.objects.filter(kind="settle").count() == 6
    assert LedgerTransaction.objects.filter(kind="reversal").count() == 6
    assert LedgerTransaction.objects.filter(kind="refund").count() == 6
    assert user_balance(offerer) == GRANT
    assert all(user_balance(t) == GRANT for t in takers)


@pytest.mark.worker
def test_settlement_run_twice_as_a_task_by_a_real_worker_moves_money_once(
    claim, people, mod, celery_worker
):
    from bets.betting.tasks import claim_settle_task
    from tests.celery_worker import wait_for

    offerer, takers = people
    make_bets(claim, offerer, takers)
    seq = claim_resolve(claim_id=claim.pk, outcome="no", actor=mod).resolution_seq
    claim_settle_task.delay(claim.pk, seq)  # on top of the one resolution dispatched on commit
    claim_settle_task.delay(claim.pk, seq)
    wait_for(lambda: Claim.objects.get(pk=claim.pk).settled_seq == seq,
             message="the worker never settled the claim")
    wait_for(lambda: celery_worker.log().count("bets.tasks.claim_settle[") >= 6,
             message="the worker did not finish all three settle tasks")
    wait_for(lambda: celery_worker.log().count("succeeded in") >= 3)
    assert LedgerTransaction.objects.filter(kind="settle").count() == 6
    assert user_balance(offerer) == GRANT - 60
    assert all(user_balance(t) == GRANT + 10 for t in takers[:6])
    assert ledger_violations() == []
