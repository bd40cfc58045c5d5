"""Calling a binding agreement off: a party proposes the void (a call-off clause applies, or
both simply agree), as its own small canonical document naming the agreement's sha256; it
takes effect when both parties have signed it with their SSH keys, like the agreement.

Then the credits locked by the agreement go back to each party (`agreement-refund:<id>:void`)
and the claim's later resolution leaves the agreement alone (`called_off_at`)."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from bets.betting.agreements import canonical
from bets.betting.agreements.keys import signing_key
from bets.betting.agreements.selectors import agreement_namespace
from bets.betting.agreements.services import MAX_TEXT, locked_agreement, party_only
from bets.betting.agreements.signing import signature_matches, signature_parse
from bets.betting.ledger import Posting, participant_account, post_transaction, system_account
from bets.claims.locking import claim_lock
from bets.common.errors import Conflict, InvalidInput, NotFound
from bets.common.outbox import event_publish
from bets.models import (
    Account,
    Agreement,
    AgreementVoid,
    AgreementVoidSignature,
    LedgerTransaction,
    SshKey,
)

VOID_FORMAT = "crux-agreement-void"


def pending_void(agreement: Agreement) -> AgreementVoid | None:
    """The call-off waiting for signatures (or for the arbiter, when the parties disagree)."""
    return agreement.voids.filter(effective_at__isnull=True, rejected_at__isnull=True).first()


@transaction.atomic
def agreement_void_propose(*, agreement_id: int, proposer: User, reason: Any) -> AgreementVoid:
    """Propose to call a binding agreement off, for `reason` (the clause invoked). Locks the
    agreement row (FOR UPDATE): one pending proposal at a time."""
    agreement = locked_agreement(agreement_id)
    party_only(agreement, proposer)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("Say why: the call-off clause that applies, or that you both agree.",
                           field="reason")
    text = reason.replace("\x00", "").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"At most {MAX_TEXT} characters.", field="reason")
    if agreement.status != Agreement.Status.BINDING:
        raise Conflict("Only a binding agreement that has not resolved can be called off.")
    if pending_void(agreement) is not None:
        raise Conflict("A call-off is already proposed: sign it, or wait for it.")
    document = {
        "format": VOID_FORMAT, "version": canonical.VERSION,
        "namespace": agreement_namespace(agreement), "agreement": agreement.sha256,
        "reason": text, "proposed_by": proposer.get_username(),
        "proposed_at": timezone.now().isoformat(timespec="microseconds"),
    }
    data = canonical.canonical_bytes(document)
    void = AgreementVoid.objects.create(
        agreement=agreement, proposed_by=proposer, reason=text,
        canonical=data.decode("utf-8"), sha256=canonical.sha256_hex(data))
    event_publish(event="agreement.void_proposed", object_id=void.pk)
    return void


def agreement_void_sign(*, agreement_id: int, signer: User, signature: Any) -> AgreementVoid:
    """Sign the pending call-off of an agreement. Verified outside any lock (it may run
    ssh-keygen); then the claim FOR UPDATE (as settlement takes it, so a refund never races
    a payout) and the agreement FOR UPDATE; the second signature voids and refunds."""
    parsed = signature_parse(signature)
    agreement = Agreement.objects.filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound("No such agreement.")
    party_only(agreement, signer)
    void = pending_void(agreement)
    if void is None:
        raise Conflict("No call-off of this agreement is waiting for signatures.")
    namespace = agreement_namespace(agreement)
    if parsed.namespace != namespace:
        raise InvalidInput(f"This signature is under the namespace {parsed.namespace[:100]!r};"
                           f" sign under {namespace!r}.", field="signature")
    key = signing_key(parsed, signer)
    if not signature_matches(message=void.canonical.encode("utf-8"), parsed=parsed,
                             namespace=namespace, key_line=key.public_line):
        raise InvalidInput(f"This signature does not match the call-off's bytes (sha256 "
                           f"{void.sha256}): download void.json and sign that.",
                           field="signature")
    return _record(agreement.pk, void.pk, signer, key, parsed.armored)


@transaction.atomic
def _record(agreement_id: int, void_id: int, signer: User, key: SshKey, armored: str
            ) -> AgreementVoid:
    claim_lock(Agreement.objects.values_list("claim_id", flat=True).get(pk=agreement_id))
    agreement = locked_agreement(agreement_id)
    void = AgreementVoid.objects.select_for_update().get(pk=void_id)
    if agreement.status != Agreement.Status.BINDING or void.effective_at is not None \
            or void.rejected_at is not None:
        raise Conflict("This agreement is no longer binding; the call-off cannot take effect.")
    if void.signatures.filter(signer_id=signer.pk).exists():
        raise Conflict("You have already signed this call-off.")
    if not SshKey.objects.filter(pk=key.pk, revoked_at__isnull=True).exists():
        raise InvalidInput(f"Key {key.fingerprint} was revoked a moment ago.", field="signature")
    AgreementVoidSignature.objects.create(void=void, signer_id=signer.pk, key=key,
                                          signature=armored)
    signers = set(void.signatures.values_list("signer_id", flat=True))
    if signers >= {agreement.proposer_id, agreement.counterparty_id}:
        void_take_effect(agreement, void, f"Called off by both parties: {void.reason}")
    return void


def void_take_effect(agreement: Agreement, void: AgreementVoid, why: str) -> None:
    """The call-off takes effect (both parties signed it, or the arbiter decided so): the
    locked credits go back once. The caller holds the claim and the agreement FOR UPDATE."""
    now = timezone.now()
    if agreement.credits:
        refunds = [(participant_account(user).pk, amount) for user, amount in
                   ((agreement.proposer, agreement.proposer_credits),
                    (agreement.counterparty, agreement.counterparty_credits)) if amount]
        post_transaction(Posting(
            key=f"agreement-refund:{agreement.pk}:void",
            kind=LedgerTransaction.Kind.AGREEMENT_REFUND,
            entries=[(system_account(Account.Kind.AGREEMENTS).pk, -agreement.credits),
                     *refunds],
            memo=f"Agreement {agreement.sha256[:12]} called off",
            claim_id=agreement.claim_id, agreement_id=agreement.pk,
        ))
    agreement.status, agreement.called_off_at = Agreement.Status.VOID, now
    agreement.void_reason = why[:300]
    agreement.save(update_fields=["status", "called_off_at", "void_reason"])
    void.effective_at = now
    void.save(update_fields=["effective_at"])
    event_publish(event="agreement.voided", object_id=agreement.pk)
