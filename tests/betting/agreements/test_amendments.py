"""An amendment is a new agreement both parties sign, linked to the one it amends; when it
binds it replaces that one, and its locked credits move to the new terms exactly once, also
when both parties sign at the same moment on PostgreSQL."""

import threading

import pytest
from django.db import connection

from bets.betting.agreements.services import agreement_counter, agreement_sign
from bets.betting.checks import ledger_violations
from bets.betting.ledger import user_balance
from bets.claims.resolution import claim_resolve
from bets.common.errors import Conflict, InvalidInput
from bets.models import Agreement, AgreementSignature, LedgerTransaction
from tests.betting.agreements.conftest import draft, settle, sign_agreement, ssh_sign

TERMS = {"stake": {"amount": 500, "unit": "credits"},
         "counterparty_stake": {"amount": 50, "unit": "credits"}}


def binding(claim, ann, bob, ann_key, bob_key):
    return sign_agreement(draft(claim, ann, bob), (ann, ann_key), (bob, bob_key))


@pytest.mark.django_db
def test_a_signed_amendment_replaces_the_old_agreement_and_moves_its_credits_once(
        claim, ann, bob, mod, ann_key, bob_key):
    old = binding(claim, ann, bob, ann_key, bob_key)
    assert (user_balance(ann), user_balance(bob)) == (700, 900)
    # Drafted by the counterparty: the roles swap, the credits still follow each person.
    amendment = draft(claim, bob, ann, side="no", amends_id=old.pk, **TERMS)
    assert f'"amends":"{old.sha256}"' in amendment.canonical
    sign_agreement(amendment, (bob, bob_key))
    old.refresh_from_db()
    assert old.status == Agreement.Status.BINDING
    sign_agreement(amendment, (ann, ann_key))
    old.refresh_from_db()
    assert (amendment.status, old.status) == (Agreement.Status.BINDING,
                                              Agreement.Status.AMENDED)
    assert list(old.amendments.values_list("pk", flat=True)) == [amendment.pk]
    assert (user_balance(ann), user_balance(bob)) == (950, 500)
    assert ledger_violations() == []
    # Settlement pays the amendment's terms only.
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    settle(claim.pk)
    old.refresh_from_db()
    assert old.status == Agreement.Status.AMENDED and old.winner is None
    assert (user_balance(ann), user_balance(bob)) == (950, 1050)
    assert ledger_violations() == []


@pytest.mark.django_db
def test_a_signature_over_an_older_draft_of_the_amendment_is_refused(
        claim, ann, bob, ann_key, bob_key):
    old = binding(claim, ann, bob, ann_key, bob_key)
    first = draft(claim, ann, bob, amends_id=old.pk, **TERMS)
    countered = agreement_counter(agreement_id=first.pk, author=bob, side="yes",
                                  stake={"amount": 400, "unit": "credits"},
                                  counterparty_stake={"amount": 50, "unit": "credits"})
    assert countered.amends_id == old.pk
    with pytest.raises(InvalidInput, match="older draft") as refused:
        agreement_sign(agreement_id=countered.pk, signer=ann,
                       signature=ssh_sign(ann_key, first.canonical))
    assert refused.value.field == "signature"
    assert not AgreementSignature.objects.filter(agreement=countered).exists()


@pytest.mark.django_db
def test_an_amendment_is_between_the_same_two_parties_and_of_a_binding_agreement(
        claim, ann, bob, cat, ann_key, bob_key):
    a_draft = draft(claim, ann, bob)
    with pytest.raises(Conflict, match="Only a binding agreement"):
        draft(claim, ann, bob, amends_id=a_draft.pk)
    old = binding(claim, ann, bob, ann_key, bob_key)
    with pytest.raises(InvalidInput, match="same two parties"):
        draft(claim, ann, cat, amends_id=old.pk)


@pytest.mark.django_db
def test_of_two_amendments_only_the_first_to_bind_replaces_the_agreement(
        claim, ann, bob, ann_key, bob_key):
    old = binding(claim, ann, bob, ann_key, bob_key)
    one = draft(claim, ann, bob, amends_id=old.pk, **TERMS)
    two = draft(claim, ann, bob, amends_id=old.pk)
    sign_agreement(one, (ann, ann_key), (bob, bob_key))
    sign_agreement(two, (ann, ann_key))
    with pytest.raises(Conflict, match="no longer binding"):
        sign_agreement(two, (bob, bob_key))
    assert two.status == Agreement.Status.DRAFT
    assert not AgreementSignature.objects.filter(agreement=two, signer=bob).exists()
    assert (user_balance(ann), user_balance(bob)) == (500, 950)
    assert ledger_violations() == []


@pytest.mark.django_db(transaction=True)
def test_both_parties_signing_an_amendment_at_the_same_moment_move_the_credits_once(
        claim, ann, bob, ann_key, bob_key):
    old = binding(claim, ann, bob, ann_key, bob_key)
    for trial in range(3):
        amendment = draft(claim, ann, bob, amends_id=old.pk,
                          stake={"amount": 310 + trial, "unit": "credits"},
                          counterparty_stake={"amount": 100, "unit": "credits"})
        signatures = [(ann, ssh_sign(ann_key, amendment.canonical)),
                      (bob, ssh_sign(bob_key, amendment.canonical))]
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def sign(user, signature, agreement_id=amendment.pk, barrier=barrier, errors=errors):
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
        amendment.refresh_from_db()
        assert amendment.status == Agreement.Status.BINDING
        assert LedgerTransaction.objects.filter(
            agreement=old, kind=LedgerTransaction.Kind.AGREEMENT_REFUND).count() == 1
        assert LedgerTransaction.objects.filter(
            agreement=amendment, kind=LedgerTransaction.Kind.AGREEMENT_LOCK).count() == 1
        assert (user_balance(ann), user_balance(bob)) == (1000 - 310 - trial, 900)
        assert ledger_violations() == []
        old = amendment  # the next amendment amends this one
