"""Calling a binding agreement off takes both parties' signatures over the call-off's own
bytes; then the locked credits go back, and the claim's resolution leaves it alone."""

import pytest

from bets.betting.agreements.services import agreement_sign
from bets.betting.agreements.voiding import agreement_void_propose, agreement_void_sign
from bets.betting.checks import ledger_violations
from bets.betting.ledger import user_balance
from bets.betting.settlement import claim_settle_bets
from bets.claims.resolution import claim_resolve
from bets.common.errors import Conflict, InvalidInput
from bets.models import Agreement, AgreementVoidSignature, Claim
from tests.betting.agreements.conftest import draft, ssh_sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def binding(claim, ann, bob, ann_key, bob_key):
    agreement = draft(claim, ann, bob)
    for user, key in ((ann, ann_key), (bob, bob_key)):
        agreement_sign(agreement_id=agreement.pk, signer=user,
                       signature=ssh_sign(key, agreement.canonical))
    return agreement


def test_a_call_off_signed_by_both_voids_and_refunds_once_and_resolution_leaves_it(
        binding, claim, ann, bob, mod, ann_key, bob_key):
    void = agreement_void_propose(agreement_id=binding.pk, proposer=bob,
                                  reason="The benchmark was retired before the deadline.")
    assert binding.sha256 in void.canonical
    agreement_void_sign(agreement_id=binding.pk, signer=bob,
                        signature=ssh_sign(bob_key, void.canonical))
    binding.refresh_from_db()
    assert binding.status == Agreement.Status.BINDING
    agreement_void_sign(agreement_id=binding.pk, signer=ann,
                        signature=ssh_sign(ann_key, void.canonical))
    binding.refresh_from_db()
    assert binding.status == Agreement.Status.VOID and binding.called_off_at is not None
    assert (user_balance(ann), user_balance(bob)) == (1000, 1000)
    assert ledger_violations() == []
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    claim_settle_bets(claim_id=claim.pk, seq=Claim.objects.get(pk=claim.pk).resolution_seq)
    binding.refresh_from_db()
    assert binding.status == Agreement.Status.VOID
    assert (user_balance(ann), user_balance(bob)) == (1000, 1000)
    assert ledger_violations() == []


def test_signing_the_agreement_bytes_as_a_call_off_is_refused(binding, ann, bob, ann_key):
    agreement_void_propose(agreement_id=binding.pk, proposer=bob, reason="We agree.")
    with pytest.raises(InvalidInput, match="call-off's bytes"):
        agreement_void_sign(agreement_id=binding.pk, signer=ann,
                            signature=ssh_sign(ann_key, binding.canonical))
    assert not AgreementVoidSignature.objects.exists()


def test_a_draft_cannot_be_called_off_and_a_reason_is_required(claim, ann, bob, binding):
    with pytest.raises(InvalidInput, match="Say why"):
        agreement_void_propose(agreement_id=binding.pk, proposer=ann, reason="  ")
    other = draft(claim, ann, bob)
    with pytest.raises(Conflict, match="Only a binding agreement"):
        agreement_void_propose(agreement_id=other.pk, proposer=ann, reason="Changed my mind")
    agreement_void_propose(agreement_id=binding.pk, proposer=ann, reason="Clause 1")
    with pytest.raises(Conflict, match="already proposed"):
        agreement_void_propose(agreement_id=binding.pk, proposer=bob, reason="Clause 2")
