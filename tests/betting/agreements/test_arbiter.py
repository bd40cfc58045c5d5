"""The arbiter: accepting with their key, declining (the fallback takes over, or the parties
pick one, both signing), and signed decisions on disputes about the resolution, the payment
and a call-off, within the powers the terms give; each re-verifies with stock OpenSSH."""

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from bets.betting.agreements.arbitration import arbiter_document_sign, arbiter_document_write
from bets.betting.agreements.marks import agreement_mark
from bets.betting.agreements.selectors import (
    agreement_arbiter_seat,
    agreement_namespace,
    allowed_signers,
    participant_record,
)
from bets.betting.agreements.voiding import agreement_void_propose, agreement_void_sign
from bets.betting.checks import ledger_violations
from bets.betting.ledger import user_balance
from bets.claims.resolution import claim_resolve
from bets.common.errors import Conflict, Forbidden, InvalidInput
from bets.models import Agreement, AgreementVoid, ArbiterDocument, ArbiterDocumentSignature
from tests.betting.agreements.conftest import draft, settle, sign_agreement, ssh_sign
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def decide(agreement, arbiter, key, **fields):
    """The arbiter writes the decision and signs its bytes; returns the document."""
    document = arbiter_document_write(agreement_id=agreement.pk, author=arbiter,
                                      kind="decision", **fields)
    arbiter_document_sign(agreement_id=agreement.pk, document_id=document.pk, signer=arbiter,
                          signature=ssh_sign(key, document.canonical))
    document.refresh_from_db()
    agreement.refresh_from_db()
    return document


@pytest.fixture
def arbitrated(claim, ann, bob, cat, ann_key, bob_key, cat_key):
    """A binding agreement (ann yes 300 credits, bob no 100) with cat as accepted arbiter
    who may also void."""
    agreement = draft(claim, ann, bob, arbiter="cat", arbiter_may_decide="disputes_and_void")
    return sign_agreement(agreement, (ann, ann_key), (bob, bob_key), (cat, cat_key))


def test_a_resolution_decision_pays_the_other_side_once_and_settlement_leaves_it(
        arbitrated, claim, ann, bob, cat, mod, cat_key, keys_dir):
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    settle(claim.pk)
    assert user_balance(ann) == 1100
    document = decide(arbitrated, cat, cat_key, dispute="resolution", decision="no",
                      reason="The signed criteria count only the held-out set.")
    assert document.effective_at is not None
    assert f'"agreement":"{arbitrated.sha256}"' in document.canonical
    assert (arbitrated.winner, arbitrated.ruled_at is not None) == (bob, True)
    assert (user_balance(ann), user_balance(bob)) == (700, 1300)
    assert ledger_violations() == []
    # A later settlement run of the claim leaves the ruled agreement as the arbiter left it.
    from bets.claims.resolution import claim_unresolve

    claim_unresolve(claim_id=claim.pk, actor=mod)
    settle(claim.pk)
    arbitrated.refresh_from_db()
    assert arbitrated.winner == bob and (user_balance(ann), user_balance(bob)) == (700, 1300)
    assert ledger_violations() == []
    # Anyone re-verifies the decision with stock OpenSSH from the published data alone.
    folder = keys_dir / "offline"
    folder.mkdir()
    (folder / "allowed_signers").write_text(allowed_signers(arbitrated))
    (folder / "decision.json").write_bytes(document.canonical.encode())
    (folder / "cat.sig").write_text(document.signatures.get().signature)
    result = subprocess.run(
        ["ssh-keygen", "-Y", "verify", "-f", "allowed_signers", "-I", "cat", "-n",
         agreement_namespace(arbitrated), "-s", "cat.sig"],
        input=document.canonical, cwd=folder, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert 'Good "crux-agreement-v1@' in result.stdout


def test_someone_who_is_not_the_arbiter_cannot_decide_and_nothing_changes(
        arbitrated, claim, ann, bob, mod, bob_key):
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    settle(claim.pk)
    with pytest.raises(Forbidden, match="Only this agreement's arbiter"):
        arbiter_document_write(agreement_id=arbitrated.pk, author=bob, kind="decision",
                               dispute="resolution", decision="no")
    assert not ArbiterDocument.objects.exists()


def test_a_signature_by_a_party_on_the_arbiters_decision_is_refused(
        arbitrated, claim, bob, cat, mod, bob_key):
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    settle(claim.pk)
    document = arbiter_document_write(agreement_id=arbitrated.pk, author=cat, kind="decision",
                                      dispute="resolution", decision="no")
    with pytest.raises(Forbidden, match="signed by the arbiter"):
        arbiter_document_sign(agreement_id=arbitrated.pk, document_id=document.pk, signer=bob,
                              signature=ssh_sign(bob_key, document.canonical))
    assert not ArbiterDocumentSignature.objects.exists()
    arbitrated.refresh_from_db()
    assert arbitrated.ruled_at is None


def test_an_arbiter_without_voiding_powers_cannot_void_and_a_bad_decision_is_named(
        claim, ann, bob, cat, mod, ann_key, bob_key, cat_key):
    agreement = sign_agreement(draft(claim, ann, bob, arbiter="cat"),
                               (ann, ann_key), (bob, bob_key), (cat, cat_key))
    agreement_void_propose(agreement_id=agreement.pk, proposer=ann, reason="Clause 1 applies.")
    with pytest.raises(Forbidden, match="not voiding"):
        arbiter_document_write(agreement_id=agreement.pk, author=cat, kind="decision",
                               dispute="void", decision="void")
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    with pytest.raises(InvalidInput, match='"paid" or "unpaid"') as bad:
        arbiter_document_write(agreement_id=agreement.pk, author=cat, kind="decision",
                               dispute="payment", decision="no")
    assert bad.value.field == "decision"
    assert not ArbiterDocument.objects.exists()


def test_an_arbiter_who_has_not_accepted_cannot_decide(claim, ann, bob, cat, mod, ann_key,
                                                       bob_key):
    agreement = sign_agreement(draft(claim, ann, bob, arbiter="cat"),
                               (ann, ann_key), (bob, bob_key))
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    settle(claim.pk)
    with pytest.raises(Conflict, match="Accept the role first"):
        arbiter_document_write(agreement_id=agreement.pk, author=cat, kind="decision",
                               dispute="resolution", decision="no")


def test_the_arbiter_decides_a_void_the_parties_disagree_on(
        arbitrated, ann, bob, cat, ann_key, cat_key):
    void = agreement_void_propose(agreement_id=arbitrated.pk, proposer=ann,
                                  reason="The benchmark was retired.")
    agreement_void_sign(agreement_id=arbitrated.pk, signer=ann,
                        signature=ssh_sign(ann_key, void.canonical))
    assert (user_balance(ann), user_balance(bob)) == (700, 900)
    decide(arbitrated, cat, cat_key, dispute="void", decision="void")
    assert arbitrated.status == Agreement.Status.VOID and arbitrated.called_off_at
    assert "The arbiter cat decided" in arbitrated.void_reason
    assert (user_balance(ann), user_balance(bob)) == (1000, 1000)
    assert ledger_violations() == []


def test_the_arbiter_may_rule_that_the_agreement_stands_and_all_three_hear_of_it_once(
        arbitrated, ann, bob, cat, cat_key, bob_key):
    from tests.betting.agreements.test_notifications import fan_out_all, titles

    void = agreement_void_propose(agreement_id=arbitrated.pk, proposer=ann, reason="Clause")
    decide(arbitrated, cat, cat_key, dispute="void", decision="stands")
    assert arbitrated.status == Agreement.Status.BINDING
    assert AgreementVoid.objects.get(pk=void.pk).rejected_at is not None
    fan_out_all()
    fan_out_all()
    for person in (ann, bob, cat):
        heard = [t for _, t in titles(person) if "decided the void dispute" in t]
        assert heard == ['The arbiter cat decided the void dispute of your agreement on '
                         '“Gap widens”: stands'], person
    with pytest.raises(Conflict, match="No call-off"):
        agreement_void_sign(agreement_id=arbitrated.pk, signer=bob,
                            signature=ssh_sign(bob_key, void.canonical))


def test_a_payment_dispute_decided_unpaid_counts_on_the_losers_record(
        claim, ann, bob, cat, mod, ann_key, bob_key, cat_key):
    agreement = sign_agreement(
        draft(claim, ann, bob, arbiter="cat", stake={"amount": 500, "unit": "USD"},
              counterparty_stake={"amount": 200, "unit": "USD"}),
        (ann, ann_key), (bob, bob_key), (cat, cat_key))
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    settle(claim.pk)
    with pytest.raises(Conflict, match="No payment dispute is open"):
        arbiter_document_write(agreement_id=agreement.pk, author=cat, kind="decision",
                               dispute="payment", decision="unpaid")
    Agreement.objects.filter(pk=agreement.pk).update(
        payment_due_at=timezone.now() - timedelta(minutes=1))
    agreement_mark(agreement_id=agreement.pk, user=bob, kind="not_received")
    assert participant_record(user=ann).disputed == 1
    document = decide(agreement, cat, cat_key, dispute="payment", decision="unpaid")
    assert document.mark.kind == "not_received"
    record = participant_record(user=ann)
    assert (record.disputed, record.unpaid) == (0, 1)


def test_a_declining_arbiter_hands_over_to_the_fallback_participant(
        claim, ann, bob, cat, ann_key, bob_key, cat_key, keys_dir):
    from bets.betting.agreements.keys import key_register
    from tests.betting.agreements.conftest import make_key

    dan = make_user("dan")
    agreement = sign_agreement(draft(claim, ann, bob, arbiter="cat", fallback_arbiter="dan"),
                               (ann, ann_key), (bob, bob_key), (cat, cat_key))
    decline = arbiter_document_write(agreement_id=agreement.pk, author=cat, kind="decline",
                                     reason="I now work for one of the labs.")
    assert agreement_arbiter_seat(agreement).username == "cat"
    arbiter_document_sign(agreement_id=agreement.pk, document_id=decline.pk, signer=cat,
                          signature=ssh_sign(cat_key, decline.canonical))
    seat = agreement_arbiter_seat(agreement)
    assert (seat.username, seat.accepted) == ("dan", False)
    dan_key = make_key(keys_dir, "ed25519", "dan")
    key_register(user=dan, public_key=dan_key.public)
    sign_agreement(agreement, (dan, dan_key))
    assert agreement_arbiter_seat(agreement).accepted
    assert "dan namespaces=" in allowed_signers(agreement)


def test_with_the_pick_rule_both_parties_sign_the_pick_within_30_days(
        claim, ann, bob, cat, ann_key, bob_key, cat_key):
    dan = make_user("dan")
    agreement = sign_agreement(draft(claim, ann, bob, arbiter="cat"),
                               (ann, ann_key), (bob, bob_key))
    with pytest.raises(Conflict, match="not vacant"):
        arbiter_document_write(agreement_id=agreement.pk, author=ann, kind="pick",
                               arbiter="dan")
    decline = arbiter_document_write(agreement_id=agreement.pk, author=cat, kind="decline")
    arbiter_document_sign(agreement_id=agreement.pk, document_id=decline.pk, signer=cat,
                          signature=ssh_sign(cat_key, decline.canonical))
    seat = agreement_arbiter_seat(agreement)
    assert seat.user is None and seat.pick_until > timezone.now() + timedelta(days=29)
    with pytest.raises(InvalidInput, match="cannot be one of the parties"):
        arbiter_document_write(agreement_id=agreement.pk, author=ann, kind="pick",
                               arbiter="bob")
    pick = arbiter_document_write(agreement_id=agreement.pk, author=ann, kind="pick",
                                  arbiter="dan")
    arbiter_document_sign(agreement_id=agreement.pk, document_id=pick.pk, signer=ann,
                          signature=ssh_sign(ann_key, pick.canonical))
    assert agreement_arbiter_seat(agreement).user is None  # one signature picks nobody
    with pytest.raises(InvalidInput, match="does not match"):
        arbiter_document_sign(agreement_id=agreement.pk, document_id=pick.pk, signer=bob,
                              signature=ssh_sign(bob_key, decline.canonical))
    arbiter_document_sign(agreement_id=agreement.pk, document_id=pick.pk, signer=bob,
                          signature=ssh_sign(bob_key, pick.canonical))
    assert agreement_arbiter_seat(agreement).user == dan


def test_after_30_days_the_parties_can_no_longer_pick(claim, ann, bob, cat, ann_key,
                                                      bob_key, cat_key):
    make_user("dan")
    agreement = sign_agreement(draft(claim, ann, bob, arbiter="cat"),
                               (ann, ann_key), (bob, bob_key))
    decline = arbiter_document_write(agreement_id=agreement.pk, author=cat, kind="decline")
    arbiter_document_sign(agreement_id=agreement.pk, document_id=decline.pk, signer=cat,
                          signature=ssh_sign(cat_key, decline.canonical))
    ArbiterDocument.objects.filter(pk=decline.pk).update(
        effective_at=timezone.now() - timedelta(days=31))
    with pytest.raises(Conflict, match="30 days"):
        arbiter_document_write(agreement_id=agreement.pk, author=ann, kind="pick",
                               arbiter="dan")
