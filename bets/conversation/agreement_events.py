"""The fan-out of agreement events: the other party hears of a draft, a counter-proposal, a
signature and a payment mark; both hear when it binds; payment reminders before the deadline
and when it passes. Each is written once per (event key, recipient), like every event."""

from collections.abc import Callable

from django.urls import reverse

from bets.conversation.notify import Message, event_claim, notify_users
from bets.models import Agreement, AgreementMark, AgreementVoid, ArbiterDocument


def _agreement(agreement_id: int) -> Agreement | None:
    return (Agreement.objects.select_related("claim", "proposer", "counterparty", "drafted_by",
                                             "winner")
            .filter(pk=agreement_id).first())


def _message(kind: str, agreement: Agreement, title: str) -> Message:
    return Message(kind, title, reverse("agreement", args=[agreement.pk]),
                   claim_id=agreement.claim_id)


def _other(agreement: Agreement, user_id: int) -> int:
    if user_id == agreement.proposer_id:
        return agreement.counterparty_id
    return agreement.proposer_id


def _proposed(agreement_id: int, seq: int) -> str | None:
    agreement = _agreement(agreement_id)
    if agreement is None:
        return None
    key = f"agreement-proposed:{agreement_id}"
    if event_claim(key):
        verb = "counter-proposed" if agreement.supersedes_id else "proposed"
        title = (f"{agreement.drafted_by.username} {verb} an agreement on "
                 f"“{agreement.claim.title}”: read the terms and sign if you agree")
        notify_users(key=key, message=_message("agreement_activity", agreement, title),
                     user_ids=[_other(agreement, agreement.drafted_by_id)])
    return key


def _signed(agreement_id: int, seq: int) -> str | None:
    agreement = _agreement(agreement_id)
    signature = (agreement.signatures.select_related("signer").first()
                 if agreement is not None else None)
    if agreement is None or signature is None:
        return None
    key = f"agreement-signed:{agreement_id}"
    if event_claim(key):
        title = (f"{signature.signer.username} signed your agreement on "
                 f"“{agreement.claim.title}”; it binds when you sign the same hash")
        notify_users(key=key, message=_message("agreement_activity", agreement, title),
                     user_ids=[_other(agreement, signature.signer_id)])
    return key


def _bound(agreement_id: int, seq: int) -> str | None:
    agreement = _agreement(agreement_id)
    if agreement is None or agreement.bound_at is None:
        return None
    key = f"agreement-bound:{agreement_id}"
    if event_claim(key):
        title = f"Your agreement on “{agreement.claim.title}” is signed by both and binding"
        notify_users(key=key, message=_message("agreement_activity", agreement, title),
                     user_ids=[agreement.proposer_id, agreement.counterparty_id])
    return key


def _marked(mark_id: int, seq: int) -> str | None:
    mark = AgreementMark.objects.select_related("user").filter(pk=mark_id).first()
    agreement = _agreement(mark.agreement_id) if mark is not None else None
    if mark is None or agreement is None:
        return None
    key = f"agreement-mark:{mark_id}"
    if event_claim(key):
        title = (f"{mark.user.username} marked your agreement on “{agreement.claim.title}” "
                 f"{mark.get_kind_display().lower()}")
        notify_users(key=key, message=_message("agreement_payment", agreement, title),
                     user_ids=[_other(agreement, mark.user_id)])
    return key


def _void_proposed(void_id: int, seq: int) -> str | None:
    void = AgreementVoid.objects.select_related("proposed_by").filter(pk=void_id).first()
    agreement = _agreement(void.agreement_id) if void is not None else None
    if void is None or agreement is None:
        return None
    key = f"agreement-void-proposed:{void_id}"
    if event_claim(key):
        title = (f"{void.proposed_by.username} proposes to call off your agreement on "
                 f"“{agreement.claim.title}”: {void.reason}")
        notify_users(key=key, message=_message("agreement_activity", agreement, title),
                     user_ids=[_other(agreement, void.proposed_by_id)])
    return key


def _voided(agreement_id: int, seq: int) -> str | None:
    agreement = _agreement(agreement_id)
    if agreement is None or agreement.called_off_at is None:
        return None
    key = f"agreement-voided:{agreement_id}"
    if event_claim(key):
        title = f"Your agreement on “{agreement.claim.title}” is called off by both of you"
        notify_users(key=key, message=_message("agreement_activity", agreement, title),
                     user_ids=[agreement.proposer_id, agreement.counterparty_id])
    return key


def _arbiter_document(document_id: int, seq: int) -> str | None:
    """Both parties and the arbiter hear when an arbiter declines, a pick takes effect or
    the arbiter decides a dispute."""
    document = (ArbiterDocument.objects.select_related("arbiter").filter(pk=document_id)
                .first())
    agreement = _agreement(document.agreement_id) if document is not None else None
    if document is None or agreement is None or document.effective_at is None:
        return None
    key = f"agreement-arbiter-document:{document_id}"
    if event_claim(key):
        name, about = document.arbiter.username, f"your agreement on “{agreement.claim.title}”"
        titles: dict[str, str] = {
            ArbiterDocument.Kind.DECLINE: f"{name} declined to arbitrate {about}",
            ArbiterDocument.Kind.PICK: f"{name} is picked to arbitrate {about}",
        }
        title = titles.get(document.kind, f"The arbiter {name} decided the "
                                          f"{document.dispute} dispute of {about}: "
                                          f"{document.decision}")
        notify_users(key=key, message=_message("agreement_activity", agreement, title),
                     user_ids=[agreement.proposer_id, agreement.counterparty_id,
                               document.arbiter_id])
    return key


def _reminder(stage: str) -> Callable[[int, int], str | None]:
    def fan_out(agreement_id: int, seq: int) -> str | None:
        agreement = _agreement(agreement_id)
        if agreement is None or agreement.winner is None or agreement.payment_due_at is None:
            return None
        key = f"agreement-{stage}:{agreement_id}:{seq}"
        if event_claim(key):
            due = f"{agreement.payment_due_at:%Y-%m-%d %H:%M} UTC"
            title = (f"Payment for your agreement on “{agreement.claim.title}” is due by {due}"
                     if stage == "due" else
                     f"The payment deadline ({due}) of your agreement on "
                     f"“{agreement.claim.title}” has passed without a confirmed receipt")
            notify_users(key=key, message=_message("agreement_payment", agreement, title),
                         user_ids=[agreement.proposer_id, agreement.counterparty_id])
        return key

    return fan_out


AGREEMENT_HANDLERS: dict[str, Callable[[int, int], str | None]] = {
    "agreement.proposed": _proposed,
    "agreement.signed": _signed,
    "agreement.bound": _bound,
    "agreement.marked": _marked,
    "agreement.void_proposed": _void_proposed,
    "agreement.voided": _voided,
    "agreement.arbiter_document": _arbiter_document,
    "agreement.payment_due": _reminder("due"),
    "agreement.payment_overdue": _reminder("overdue"),
}
