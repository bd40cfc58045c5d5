"""The arbiter's signed documents: declining the role, the parties' pick of an arbiter, and
the arbiter's decisions on disputes.

Each is a small RFC 8785 document (format `crux-arbiter-document`) naming the agreement's
sha256, signed with `ssh-keygen -Y sign` under the agreement's namespace like the agreement
itself, so anyone re-verifies it offline with the agreement's allowed_signers file (which
names the arbiter's key). Two steps, as a call-off: one call writes the document's bytes,
then each signer uploads a signature over them; the last signature makes it take effect.

- `decline`: the arbiter of the moment steps down (signed by them). The fallback takes the
  seat when the terms name a participant; otherwise the parties pick one within 30 days.
- `pick`: a party proposes an arbiter for a vacant seat; both parties sign it.
- `decision`: the arbiter, who has accepted (signed the agreement), decides a dispute:
  `resolution` ("yes" | "no", or "void" with voiding powers) on a resolved agreement;
  `payment` ("paid" | "unpaid") on a "not received" mark; `void` ("void" | "stands") on a
  call-off the parties have not both signed, only when the terms give the arbiter voiding.
Whatever the arbiter may not decide is refused before anything is written."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from bets.betting.agreements import canonical
from bets.betting.agreements.keys import signing_key
from bets.betting.agreements.rulings import rule_outcome
from bets.betting.agreements.selectors import (
    ArbiterSeat,
    agreement_arbiter_seat,
    agreement_namespace,
    live_marks,
)
from bets.betting.agreements.services import (
    ARBITRATED,
    locked_agreement,
    party_only,
    text_input,
)
from bets.betting.agreements.signing import signature_matches, signature_parse
from bets.betting.agreements.voiding import pending_void, void_take_effect
from bets.claims.locking import claim_lock
from bets.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from bets.common.outbox import event_publish
from bets.models import (
    Agreement,
    AgreementMark,
    AgreementVoid,
    ArbiterDocument,
    ArbiterDocumentSignature,
    Claim,
    SshKey,
)

DOCUMENT_FORMAT = "crux-arbiter-document"
DECISIONS = {
    "resolution": ("yes", "no", "void"),
    "payment": ("paid", "unpaid"),
    "void": ("void", "stands"),
}
Kind = ArbiterDocument.Kind


@dataclass(frozen=True)
class _Subject:
    """What a decision is about: the "not received" mark, or the pending call-off."""

    mark: AgreementMark | None = None
    void: AgreementVoid | None = None


def _decision_subject(agreement: Agreement, seat: ArbiterSeat, dispute: str,
                      decision: str) -> _Subject:
    """Whether the arbiter may decide `decision` on `dispute` now; what it is about."""
    if dispute not in DECISIONS:
        raise InvalidInput('The dispute is "resolution", "payment" or "void".', field="dispute")
    if decision not in DECISIONS[dispute]:
        raise InvalidInput(f"A decision on a {dispute} dispute is "
                           + " or ".join(f'"{d}"' for d in DECISIONS[dispute]) + ".",
                           field="decision")
    voiding = dispute == "void" or decision == "void"
    if voiding and seat.may_decide != "disputes_and_void":
        raise Forbidden("The terms let this arbiter decide only disputes about the resolution "
                        "and the payment, not voiding: only both parties can call it off.")
    if dispute == "resolution":
        if agreement.status not in (Agreement.Status.RESOLVED, Agreement.Status.SETTLED) \
                or agreement.winner_id is None:
            raise Conflict("A dispute about the resolution is decided once the claim has "
                           "resolved and the agreement names a winner.")
        if agreement.ruled_at is not None:
            raise Conflict("The arbiter has already decided the resolution of this agreement.")
        return _Subject()
    if dispute == "payment":
        mark = live_marks(agreement).filter(kind=AgreementMark.Kind.NOT_RECEIVED).first()
        if mark is None:
            raise Conflict('No payment dispute is open: the winner opens one by marking "not '
                           'received" after the deadline.')
        if ArbiterDocument.objects.filter(mark=mark, effective_at__isnull=False).exists():
            raise Conflict("The arbiter has already decided this payment dispute.")
        return _Subject(mark=mark)
    void = pending_void(agreement) if agreement.status == Agreement.Status.BINDING else None
    if void is None:
        raise Conflict("No call-off of this agreement is waiting: a void dispute is a call-off "
                       "one party proposed and the other has not signed.")
    return _Subject(void=void)


def _check(agreement: Agreement, user: User, kind: str, *, arbiter: User,
           dispute: str = "", decision: str = "") -> _Subject:
    """Whether `user` may write (or sign) a document of `kind` on the agreement now."""
    if agreement.status not in ARBITRATED:
        raise Conflict(f"This agreement is {agreement.get_status_display().lower()}: an "
                       "arbiter acts only on an agreement that binds or has resolved.")
    seat = agreement_arbiter_seat(agreement)
    if kind == Kind.PICK:
        party_only(agreement, user)
        if seat.user is not None:
            raise Conflict(f"The seat is not vacant: {seat.username} is the arbiter.")
        if seat.pick_until is None or timezone.now() > seat.pick_until:
            raise Conflict("The terms gave the parties 30 days to pick an arbiter, and they "
                           "have passed: amend the agreement to name one.")
        if arbiter.pk in (agreement.proposer_id, agreement.counterparty_id):
            raise InvalidInput("The arbiter cannot be one of the parties.", field="arbiter")
        return _Subject()
    if seat.user is None or seat.user.pk != user.pk:
        raise Forbidden("Only this agreement's arbiter may do this"
                        + (f" ({seat.username})." if seat.username else
                           "; it has none now."))
    if kind == Kind.DECLINE:
        return _Subject()
    if not seat.accepted:
        raise Conflict("Accept the role first: sign the agreement's agreement.json as the "
                       "arbiter, then decide.")
    return _decision_subject(agreement, seat, dispute, decision)


@transaction.atomic
def arbiter_document_write(*, agreement_id: int, author: User, kind: Any, arbiter: Any = None,
                           dispute: Any = "", decision: Any = "",
                           reason: Any = "") -> ArbiterDocument:
    """Write the bytes of a decline, a pick or a decision, for its signers to sign. Checks
    everything it can before anything is signed; locks the agreement row (FOR UPDATE)."""
    agreement = locked_agreement(agreement_id)
    if kind not in Kind.values:
        raise InvalidInput('The document is "decline", "pick" or "decision".', field="kind")
    if kind == Kind.PICK:
        name = arbiter if isinstance(arbiter, str) else ""
        picked = User.objects.filter(username=name.strip()).first() if name.strip() else None
        if picked is None:
            raise NotFound("No participant by that username.", field="arbiter")
    else:
        picked = author
    dispute = dispute if kind == Kind.DECISION else ""
    decision = decision if kind == Kind.DECISION else ""
    subject = _check(agreement, author, kind, arbiter=picked, dispute=dispute,
                     decision=decision)
    text = text_input(reason, "reason")
    document = {
        "format": DOCUMENT_FORMAT, "version": canonical.VERSION,
        "namespace": agreement_namespace(agreement), "agreement": agreement.sha256,
        "kind": kind, "arbiter": picked.get_username(), "dispute": dispute or None,
        "decision": decision or None, "reason": text, "author": author.get_username(),
        "written_at": timezone.now().isoformat(timespec="microseconds"),
    }
    data = canonical.canonical_bytes(document)
    return ArbiterDocument.objects.create(
        agreement=agreement, kind=kind, author=author, arbiter=picked, dispute=dispute,
        decision=decision, reason=text, canonical=data.decode("utf-8"),
        sha256=canonical.sha256_hex(data), mark=subject.mark)


def document_signers(agreement: Agreement, document: ArbiterDocument) -> set[int]:
    """Who signs a document: both parties a pick; the arbiter a decline or a decision."""
    if document.kind == Kind.PICK:
        return {agreement.proposer_id, agreement.counterparty_id}
    return {document.arbiter_id}


def arbiter_document_sign(*, agreement_id: int, document_id: int, signer: User,
                          signature: Any) -> ArbiterDocument:
    """Sign an arbiter document. Verified outside any lock (it may run ssh-keygen): the
    namespace, a key of the signer's that is not revoked, the document's exact bytes. Then
    the claim FOR UPDATE (a decision may move credits, as settlement does), the agreement
    and the document FOR UPDATE; the last signature re-checks and makes it take effect."""
    parsed = signature_parse(signature)
    document = ArbiterDocument.objects.filter(pk=document_id, agreement_id=agreement_id).first()
    if document is None:
        raise NotFound("No such arbiter document on this agreement.")
    if signer.pk not in document_signers(document.agreement, document):
        raise Forbidden("This document is signed by "
                        + ("both parties." if document.kind == Kind.PICK else "the arbiter."))
    namespace = agreement_namespace(document.agreement)
    if parsed.namespace != namespace:
        raise InvalidInput(f"This signature is under the namespace {parsed.namespace[:100]!r};"
                           f" sign under {namespace!r}.", field="signature")
    key = signing_key(parsed, signer)
    if not signature_matches(message=document.canonical.encode("utf-8"), parsed=parsed,
                             namespace=namespace, key_line=key.public_line):
        raise InvalidInput(f"This signature does not match this {document.kind} document's "
                           f"bytes (sha256 {document.sha256}): download it and sign that "
                           "file.", field="signature")
    return _record(agreement_id, document.pk, signer, key, parsed.armored)


@transaction.atomic
def _record(agreement_id: int, document_id: int, signer: User, key: SshKey,
            armored: str) -> ArbiterDocument:
    claim = claim_lock(Agreement.objects.values_list("claim_id", flat=True).get(pk=agreement_id))
    agreement = locked_agreement(agreement_id)
    document = ArbiterDocument.objects.select_for_update().select_related(
        "author", "arbiter").get(pk=document_id)
    if document.effective_at is not None:
        raise Conflict(f"This {document.kind} document has already taken effect.")
    if document.signatures.filter(signer_id=signer.pk).exists():
        raise Conflict("You have already signed this document.")
    if not SshKey.objects.filter(pk=key.pk, revoked_at__isnull=True).exists():
        raise InvalidInput(f"Key {key.fingerprint} was revoked a moment ago.", field="signature")
    # What held when it was written may not hold now (the seat changed, the claim
    # re-resolved, a party paid): checked again under the locks.
    subject = _check(agreement, document.author, document.kind, arbiter=document.arbiter,
                     dispute=document.dispute, decision=document.decision)
    ArbiterDocumentSignature.objects.create(document=document, signer_id=signer.pk, key=key,
                                            signature=armored)
    signed = set(document.signatures.values_list("signer_id", flat=True))
    if signed >= document_signers(agreement, document):
        _take_effect(agreement, document, subject, claim)
    return document


def _take_effect(agreement: Agreement, document: ArbiterDocument, subject: _Subject,
                 claim: Claim) -> None:
    now = timezone.now()
    document.effective_at = now
    document.save(update_fields=["effective_at"])
    if document.kind == Kind.DECISION:
        why = f"The arbiter {document.arbiter.get_username()} decided"
        if document.dispute == "resolution":
            rule_outcome(agreement, document.decision, claim=claim,
                         why=f"{why}: void. {document.reason}".strip())
        elif document.dispute == "payment" and document.decision == "paid":
            agreement.status = Agreement.Status.SETTLED
            agreement.save(update_fields=["status"])
        elif document.dispute == "void" and subject.void is not None:
            if document.decision == "void":
                void_take_effect(agreement, subject.void,
                                 f"{why} to call it off: {subject.void.reason}")
            else:
                subject.void.rejected_at = now
                subject.void.save(update_fields=["rejected_at"])
    event_publish(event="agreement.arbiter_document", object_id=document.pk)
