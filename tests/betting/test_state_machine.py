"""A hypothesis state machine over every money-moving action, checking every ledger
invariant after every step. Services are called directly; settlement synchronously.

Each example runs inside a savepoint that is rolled back at teardown, so every example
starts from the same fresh state (four funded participants, two open claims). Deferred
constraint triggers are switched to IMMEDIATE so the database's own zero-sum check runs at
every statement, not only at a commit that the test transaction never reaches.
"""

import contextlib
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from bets.betting.checks import ledger_violations
from bets.betting.offers import (
    max_taker_stake,
    offer_accept,
    offer_cancel,
    offer_create,
    offers_expire_due,
)
from bets.betting.settlement import SettlementBlocked, claim_settle_bets
from bets.claims.resolution import claim_annul, claim_resolve, claim_unresolve
from bets.common.errors import ServiceError
from bets.models import Claim, Offer
from tests.factories import make_open_claim, make_user

User = get_user_model()
PRICES = st.sampled_from([0.1, 0.25, 0.5, 0.6, 0.7, 0.9, 0.999])


class LedgerMachine(RuleBasedStateMachine):
    base_users: list[int] = []
    claims: list[int] = []
    moderator = None

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.users = list(self.base_users)
        self.offers: list[int] = []
        self.new_users = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def _user(self, i):
        return User.objects.get(pk=self.users[i % len(self.users)])

    @initialize(p=PRICES, stakes=st.lists(st.integers(1, 100), min_size=2, max_size=2))
    def a_bet_on_each_claim(self, p, stakes):
        """Start every example with one matched bet per claim, so settlement always has work."""
        for claim_id, stake in zip(self.claims, stakes, strict=True):
            offer = offer_create(
                claim_id=claim_id, offerer=self._user(0), side="yes", probability=0.5,
                max_stake=200, expires_at=timezone.now() + timedelta(hours=12),
            )
            self.offers.append(offer.pk)
            taker_stake = min(stake, max_taker_stake(p, 200))
            offer_accept(offer_id=offer.pk, taker=self._user(1), stake=max(1, taker_stake))

    @rule()
    def grant(self):
        if self.new_users < 3:
            self.new_users += 1
            self.users.append(make_user(f"new{self.new_users}").pk)

    @rule(u=st.integers(0, 9), c=st.integers(0, 1), side=st.sampled_from(["yes", "no"]),
          p=PRICES, stake=st.integers(1, 300), hours=st.integers(1, 48),
          addressed=st.booleans())
    def offer(self, u, c, side, p, stake, hours, addressed):
        counterparty = self._user(u + 1) if addressed else None
        try:
            offer = offer_create(
                claim_id=self.claims[c], offerer=self._user(u), side=side, probability=p,
                max_stake=stake, expires_at=timezone.now() + timedelta(hours=hours),
                counterparty=counterparty,
            )
        except ServiceError:
            return
        self.offers.append(offer.pk)

    @rule(o=st.integers(0, 99), u=st.integers(0, 9), share=st.floats(0.05, 1.2))
    def accept(self, o, u, share):
        """Mostly valid acceptances (a share of what is left, by an allowed taker), so bets
        really exist; shares above 1 try to overfill."""
        if not self.offers:
            return
        offer = Offer.objects.get(pk=self.offers[o % len(self.offers)])
        taker = self._user(u)
        if offer.counterparty_id:
            taker = offer.counterparty
        elif taker.pk == offer.offerer_id:
            taker = self._user(u + 1)
        most = max_taker_stake(offer.probability, offer.remaining_stake)
        with contextlib.suppress(ServiceError):
            offer_accept(offer_id=offer.pk, taker=taker, stake=max(1, round(most * share)))

    @rule(o=st.integers(0, 99), own=st.booleans())
    def cancel(self, o, own):
        if self.offers:
            offer = Offer.objects.get(pk=self.offers[o % len(self.offers)])
            actor = offer.offerer if own else self._user(0)
            with contextlib.suppress(ServiceError):
                offer_cancel(offer_id=offer.pk, actor=actor)

    @rule(hours=st.sampled_from([0, 0, 0, 3, 60]))
    def expire(self, hours):
        offers_expire_due(now=timezone.now() + timedelta(hours=hours))

    @rule(c=st.integers(0, 1), outcome=st.sampled_from(["yes", "no"]), settle_now=st.booleans())
    def resolve(self, c, outcome, settle_now):
        try:
            claim = claim_resolve(claim_id=self.claims[c], outcome=outcome, actor=self.moderator)
        except ServiceError:
            return
        self._settle_as_dispatched(claim, settle_now)

    @rule(c=st.integers(0, 1), settle_now=st.booleans())
    def annul(self, c, settle_now):
        try:
            claim = claim_annul(claim_id=self.claims[c], actor=self.moderator)
        except ServiceError:
            return
        self._settle_as_dispatched(claim, settle_now)

    @rule(c=st.integers(0, 1), settle_now=st.booleans())
    def unresolve(self, c, settle_now):
        try:
            claim = claim_unresolve(claim_id=self.claims[c], actor=self.moderator)
        except ServiceError:
            return
        self._settle_as_dispatched(claim, settle_now)

    def _settle_as_dispatched(self, claim, settle_now):
        """Production dispatches a settlement after every resolution change; sometimes its
        message is lost or late (settle_now False), and a later retry-settle catches up."""
        if settle_now:
            with contextlib.suppress(SettlementBlocked):
                claim_settle_bets(claim_id=claim.pk, seq=claim.resolution_seq)

    @rule(c=st.integers(0, 1), stale=st.booleans())
    def settle(self, c, stale):
        claim = Claim.objects.get(pk=self.claims[c])
        seq = claim.resolution_seq - (1 if stale else 0)
        try:
            claim_settle_bets(claim_id=claim.pk, seq=seq)
        except SettlementBlocked:
            return
        # A retry of the same settlement never moves money again.
        assert claim_settle_bets(claim_id=claim.pk, seq=seq) == 0

    @invariant()
    def every_ledger_invariant_holds(self):
        """Zero-sum transactions, no negative balance, cached balances equal their entries,
        escrow equals matched stakes, the reserve equals open offers, each settled or
        refunded bet has exactly one standing payout, and settled claims' bets are in the state
        (and name the winner) their resolution says. Together these imply conservation."""
        assert ledger_violations() == []


@pytest.mark.django_db
def test_no_sequence_of_betting_actions_breaks_a_ledger_invariant():
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    mod = make_user("mod", staff=True)
    LedgerMachine.moderator = mod
    LedgerMachine.base_users = [make_user(f"p{i}").pk for i in range(4)]
    LedgerMachine.claims = [
        make_open_claim(author=mod, moderator=mod, title=f"Claim {i}").pk for i in range(2)
    ]
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=200,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
