"""Binding moves credits exactly once, also when both parties sign at the same moment on
PostgreSQL; settlement pays, refunds and reverses agreements with their claim's resolution;
payment marks follow who owes whom."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bets.betting.agreements.marks import agreement_mark
from bets.betting.agreements.selectors import participant_record
from bets.betting.agreements.services import agreement_sign
from bets.betting.checks import ledger_violations
from bets.betting.ledger import user_balance
from bets.betting.settlement import claim_settle_bets
from bets.claims.resolution import claim_annul, claim_resolve, claim_unresolve
from bets.common.errors import Conflict, Forbidden
from bets.models import Agreement, AgreementMark, AgreementSignature, Claim, LedgerTransaction
from tests.betting.agreements.conftest import draft, ssh_sign


def settle(claim_id):
    seq = Claim.objects.get(pk=claim_id).resolution_seq
    return claim_settle_bets(claim_id=claim_id, seq=seq)


def signed(agreement, *pairs):
    for user, key in pairs:
        agreement_sign(agreement_id=agreement.pk, signer=user,
                       signature=ssh_sign(key, agreement.canonical))
    agreement.refresh_from_db()
    return agreement


@pytest.mark.django_db(transaction=True)
def test_two_parties_signing_the_same_hash_at_the_same_moment_lock_credits_once(
        claim, ann, bob, ann_key, bob_key):
    for trial in range(5):
        agreement = draft(claim, ann, bob, stake={"amount": 30, "unit": "credits"},
                          counterparty_stake={"amount": 10, "unit": "credits"})
        signatures = [(ann, ssh_sign(ann_key, agreement.canonical)),
                      (bob, ssh_sign(bob_key, agreement.canonical))]
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def sign(user, signature, agreement_id=agreement.pk, barrier=barrier, errors=errors):
            try:
                barrier.wait()
                agreement_sign(agreement_id=agreement_id, signer=user, signature=signature)
            except BaseException as exc:  # asserted on below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=sign, args=pair) for pair in signatures]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        agreement.refresh_from_db()
        assert agreement.status == Agreement.Status.BINDING
        assert LedgerTransaction.objects.filter(
            agreement=agreement, kind=LedgerTransaction.Kind.AGREEMENT_LOCK).count() == 1
        assert (user_balance(ann), user_balance(bob)) == (1000 - 30 * (trial + 1),
                                                          1000 - 10 * (trial + 1))
        assert ledger_violations() == []


@pytest.mark.django_db
def test_signing_again_is_refused_and_changes_nothing(claim, ann, bob, ann_key):
    agreement = draft(claim, ann, bob)
    signature = ssh_sign(ann_key, agreement.canonical)
    agreement_sign(agreement_id=agreement.pk, signer=ann, signature=signature)
    with pytest.raises(Conflict, match="already signed"):
        agreement_sign(agreement_id=agreement.pk, signer=ann, signature=signature)
    assert AgreementSignature.objects.filter(agreement=agreement).count() == 1


@pytest.mark.django_db
def test_a_stranger_cannot_sign(claim, ann, bob, cat, keys_dir):
    from bets.betting.agreements.keys import key_register
    from tests.betting.agreements.conftest import make_key

    agreement = draft(claim, ann, bob)
    key = make_key(keys_dir, "ed25519", "cat")
    key_register(user=cat, public_key=key.public)
    with pytest.raises(Forbidden):
        agreement_sign(agreement_id=agreement.pk, signer=cat,
                       signature=ssh_sign(key, agreement.canonical))


@pytest.mark.django_db
def test_binding_without_the_credits_is_refused_and_the_signature_is_not_kept(
        claim, ann, bob, ann_key, bob_key):
    agreement = draft(claim, ann, bob, counterparty_stake={"amount": 5000, "unit": "credits"})
    signed(agreement, (ann, ann_key))
    with pytest.raises(Conflict, match="bob lacks them"):
        signed(agreement, (bob, bob_key))
    assert agreement.status == Agreement.Status.DRAFT
    assert list(AgreementSignature.objects.filter(agreement=agreement)
                .values_list("signer__username", flat=True)) == ["ann"]
    assert (user_balance(ann), user_balance(bob)) == (1000, 1000)
    assert ledger_violations() == []


@pytest.mark.django_db
def test_resolution_pays_the_winner_every_credit_staked(claim, ann, bob, mod, ann_key,
                                                        bob_key):
    agreement = signed(draft(claim, ann, bob), (ann, ann_key), (bob, bob_key))
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    settle(claim.pk)
    agreement.refresh_from_db()
    assert (agreement.status, agreement.winner) == (Agreement.Status.SETTLED, bob)
    assert (user_balance(ann), user_balance(bob)) == (700, 1300)
    assert ledger_violations() == []
    # Settling again moves nothing.
    assert settle(claim.pk) == 0
    assert (user_balance(ann), user_balance(bob)) == (700, 1300)


@pytest.mark.django_db
def test_unresolve_reverses_and_annulment_refunds_and_voids(claim, ann, bob, mod, ann_key,
                                                             bob_key):
    agreement = signed(draft(claim, ann, bob), (ann, ann_key), (bob, bob_key))
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    settle(claim.pk)
    assert user_balance(ann) == 1100
    claim_unresolve(claim_id=claim.pk, actor=mod)
    settle(claim.pk)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.BINDING and agreement.winner is None
    assert (user_balance(ann), user_balance(bob)) == (700, 900)
    assert ledger_violations() == []
    claim_annul(claim_id=claim.pk, actor=mod)
    settle(claim.pk)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.VOID
    assert (user_balance(ann), user_balance(bob)) == (1000, 1000)
    assert ledger_violations() == []


@pytest.mark.django_db
def test_off_platform_stakes_are_marked_paid_and_received(claim, ann, bob, mod, ann_key,
                                                           bob_key):
    agreement = signed(
        draft(claim, ann, bob, stake={"amount": 500, "unit": "USD to the winner"},
              counterparty_stake={"amount": 200, "unit": "USD to the winner"}),
        (ann, ann_key), (bob, bob_key))
    assert agreement.status == Agreement.Status.BINDING
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    settle(claim.pk)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.RESOLVED and agreement.winner == bob
    assert agreement.payment_due_at > timezone.now() + timedelta(days=29)
    with pytest.raises(Forbidden):
        agreement_mark(agreement_id=agreement.pk, user=bob, kind="paid")
    with pytest.raises(Conflict, match="after the payment deadline"):
        agreement_mark(agreement_id=agreement.pk, user=bob, kind="not_received")
    agreement_mark(agreement_id=agreement.pk, user=ann, kind="paid", note="wire ref 42")
    with pytest.raises(Conflict, match="already marked paid"):
        agreement_mark(agreement_id=agreement.pk, user=ann, kind="paid")
    agreement_mark(agreement_id=agreement.pk, user=bob, kind="received")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SETTLED
    assert participant_record(user=ann).honoured == 1
    assert (user_balance(ann), user_balance(bob)) == (1000, 1000)
    assert ledger_violations() == []


@pytest.mark.django_db
def test_not_received_after_the_deadline_opens_a_dispute_on_the_record(
        claim, ann, bob, mod, ann_key, bob_key):
    agreement = signed(
        draft(claim, ann, bob, stake={"amount": 500, "unit": "USD"},
              counterparty_stake={"amount": 200, "unit": "USD"}),
        (ann, ann_key), (bob, bob_key))
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    settle(claim.pk)
    Agreement.objects.filter(pk=agreement.pk).update(
        payment_due_at=timezone.now() - timedelta(minutes=1))
    assert participant_record(user=ann).unpaid == 1
    agreement_mark(agreement_id=agreement.pk, user=bob, kind="not_received")
    assert AgreementMark.objects.filter(agreement=agreement, kind="not_received").exists()
    record = participant_record(user=ann)
    assert (record.disputed, record.unpaid) == (1, 0)


@pytest.mark.django_db
def test_payment_marks_of_an_earlier_resolution_are_annulled_by_a_re_resolution(
        claim, ann, bob, mod, ann_key, bob_key):
    agreement = signed(
        draft(claim, ann, bob, stake={"amount": 500, "unit": "USD"},
              counterparty_stake={"amount": 200, "unit": "USD"}),
        (ann, ann_key), (bob, bob_key))
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    settle(claim.pk)
    agreement_mark(agreement_id=agreement.pk, user=ann, kind="paid")
    agreement_mark(agreement_id=agreement.pk, user=bob, kind="received")
    assert participant_record(user=ann).honoured == 1
    claim_unresolve(claim_id=claim.pk, actor=mod)
    settle(claim.pk)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.BINDING
    assert not AgreementMark.objects.filter(agreement=agreement, annulled_at__isnull=True)
    assert participant_record(user=ann).honoured == 0
    # Re-resolved the other way: bob now owes, and marks afresh; the old ones stay as history.
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    settle(claim.pk)
    agreement.refresh_from_db()
    assert (agreement.status, agreement.winner) == (Agreement.Status.RESOLVED, ann)
    with pytest.raises(Forbidden):
        agreement_mark(agreement_id=agreement.pk, user=ann, kind="paid")
    agreement_mark(agreement_id=agreement.pk, user=bob, kind="paid")
    agreement_mark(agreement_id=agreement.pk, user=ann, kind="received")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SETTLED
    assert AgreementMark.objects.filter(agreement=agreement).count() == 4
    assert (participant_record(user=bob).honoured, participant_record(user=ann).honoured) == (1, 0)
    # Annulled, the claim leaves nothing owed and no mark standing.
    claim_unresolve(claim_id=claim.pk, actor=mod)
    claim_annul(claim_id=claim.pk, actor=mod)
    settle(claim.pk)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.VOID
    assert not AgreementMark.objects.filter(agreement=agreement, annulled_at__isnull=True)
    with pytest.raises(Conflict, match="after the claim resolves"):
        agreement_mark(agreement_id=agreement.pk, user=bob, kind="paid")
