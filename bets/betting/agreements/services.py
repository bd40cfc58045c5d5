"""Writes on agreements: draft, counter-propose, sign (binding, and the credits locked once),
payment marks.

Lock order, as everywhere money moves: the claim first (FOR SHARE here; settlement takes it
FOR UPDATE), then the agreement row FOR UPDATE, then accounts by the ledger. So no agreement
binds behind a settlement of its claim, and two parties signing at the same moment queue on
the agreement row: the second sees the first signature and binds, once."""

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from bets.betting.agreements import canonical
from bets.betting.agreements.amending import amendment_take_over
from bets.betting.agreements.keys import signing_key
from bets.betting.agreements.selectors import agreement_arbiter_seat, agreement_namespace
from bets.betting.agreements.signing import signature_matches, signature_parse
from bets.betting.ledger import (
    InsufficientFunds,
    Posting,
    participant_account,
    post_transaction,
    system_account,
    user_balance,
)
from bets.betting.offers import claim_accepts_bets
from bets.common import sql
from bets.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from bets.common.outbox import event_publish
from bets.models import (
    Account,
    Agreement,
    AgreementSignature,
    Claim,
    LedgerTransaction,
    SshKey,
)

CREDITS = "credits"
MAX_AMOUNT = 10**12
MAX_UNIT = 100
MAX_CLAUSES = 10
MAX_TEXT = 300
SIDES = ("yes", "no")
# The states in which an agreement has an arbiter to accept, decline, pick or decide.
ARBITRATED = (Agreement.Status.BINDING, Agreement.Status.RESOLVED, Agreement.Status.SETTLED)


def current_namespace() -> str:
    """The SSH signature namespace new drafts are signed under: Crux's own, with the site's
    host (`crux-agreement-v1@crux.example`), so a signature made for git or another site is
    never taken as an agreement signature. Each document records its namespace, so changing
    the site's address never invalidates signatures already made."""
    host = urlsplit(settings.CRUX_SITE_URL).hostname or "crux"
    return f"{canonical.NAMESPACE_PREFIX}@{host}"


def text_input(value: Any, field: str, *, limit: int = MAX_TEXT) -> str:
    """Optional free text of a form or API field: NULs dropped, trimmed, at most `limit`."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput("Give text.", field=field)
    value = value.replace("\x00", "").strip()
    if len(value) > limit:
        raise InvalidInput(f"At most {limit} characters.", field=field)
    return value


def _stake(value: Any, field: str) -> dict[str, Any]:
    """{"amount": whole number >= 1, "unit": "credits" or the off-platform unit}."""
    if not isinstance(value, Mapping) or set(value) - {"amount", "unit"}:
        raise InvalidInput('Give {"amount": <whole number>, "unit": "credits" or your unit, '
                           'e.g. "USD to the winner"}.', field=field)
    amount = value.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidInput("A stake's amount is a whole number (money is never a fraction "
                           "here: give cents as a unit if you need them).", field=field)
    if not 1 <= amount <= MAX_AMOUNT:
        raise InvalidInput(f"A stake's amount is between 1 and {MAX_AMOUNT}.", field=field)
    unit = text_input(value.get("unit", CREDITS), field, limit=MAX_UNIT) or CREDITS
    if unit.lower() == CREDITS:
        unit = CREDITS
    return {"amount": amount, "unit": unit}


def _user(username: Any, field: str) -> User:
    name = text_input(username, field, limit=150)
    user = User.objects.filter(username=name).first() if name else None
    if user is None:
        raise NotFound("No participant by that username.", field=field)
    return user


def _claim_for_terms(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "title": claim.title,
        "statement": claim.statement,
        "resolution_criteria": claim.resolution_criteria,
        "fine_print": claim.fine_print,
        "resolver_spec_sha256": canonical.spec_sha256(claim.resolver_spec),
        "url": f"{settings.CRUX_SITE_URL}{claim.get_absolute_url()}",
    }


def _check_claim(claim: Claim) -> None:
    if claim.kind != Claim.Kind.BINARY:
        raise Conflict("Agreements are on yes/no claims.")
    if not claim_accepts_bets(claim, now=timezone.now()):
        raise Conflict(f"This claim takes no new agreements (it is {claim.get_status_display()}"
                       " or outside its betting window).")


def _terms(
    *, claim: Claim, proposer: User, counterparty: User,
    drafted_by: User, supersedes: Agreement | None, amends: Agreement | None,
    side: Any, stake: Any, counterparty_stake: Any, odds: Any, prepayment: Any,
    arbiter: Any, fallback_arbiter: Any, arbiter_may_decide: Any, call_off: Any,
    payment_days: Any,
) -> Agreement:
    """Validate the terms and build the (unsaved) draft with its canonical bytes."""
    if side not in SIDES:
        raise InvalidInput('The side is "yes" or "no" (the proposer\'s side).', field="side")
    mine, theirs = _stake(stake, "stake"), _stake(counterparty_stake, "counterparty_stake")
    arbiter_user = _user(arbiter, "arbiter") if arbiter else None
    if arbiter_user is not None and arbiter_user.pk in (proposer.pk, counterparty.pk):
        raise InvalidInput("The arbiter cannot be one of the parties.", field="arbiter")
    powers = arbiter_may_decide or "disputes"
    if powers not in canonical.ARBITER_POWERS:
        raise InvalidInput('The arbiter may decide "disputes" or "disputes_and_void".',
                           field="arbiter_may_decide")
    if call_off is None:
        call_off = []
    if not isinstance(call_off, Sequence) or isinstance(call_off, str):
        raise InvalidInput("Give the call-off clauses as a list of sentences.", field="call_off")
    clauses = [c for c in (text_input(c, "call_off") for c in call_off) if c]
    if len(clauses) > MAX_CLAUSES:
        raise InvalidInput(f"At most {MAX_CLAUSES} call-off clauses.", field="call_off")
    days = 30 if payment_days is None else payment_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise InvalidInput("The payment deadline is 1 to 365 days after resolution.",
                           field="payment_days")
    namespace = current_namespace()
    document = canonical.build_document(
        namespace=namespace, claim=_claim_for_terms(claim),
        proposer=proposer.get_username(), counterparty=counterparty.get_username(),
        drafted_by=drafted_by.get_username(),
        drafted_at=timezone.now().isoformat(timespec="microseconds"),
        side=side, stake=mine, counterparty_stake=theirs,
        odds=text_input(odds, "odds", limit=MAX_UNIT),
        prepayment=text_input(prepayment, "prepayment"),
        arbiter=arbiter_user.get_username() if arbiter_user else None,
        fallback_arbiter=text_input(fallback_arbiter, "fallback_arbiter"),
        arbiter_may_decide=powers, call_off=clauses, payment_days=days,
        supersedes=supersedes.sha256 if supersedes else None,
        amends=amends.sha256 if amends else None,
    )
    data = canonical.canonical_bytes(document)
    return Agreement(
        claim=claim, proposer=proposer, counterparty=counterparty, drafted_by=drafted_by,
        supersedes=supersedes, canonical=data.decode("utf-8"),
        sha256=canonical.sha256_hex(data), proposer_side=side, amends=amends,
        proposer_credits=mine["amount"] if mine["unit"] == CREDITS else 0,
        counterparty_credits=theirs["amount"] if theirs["unit"] == CREDITS else 0,
        payment_days=days,
    )


@transaction.atomic
def agreement_draft(
    *, claim_id: int, proposer: User, counterparty: str, side: Any, stake: Any,
    counterparty_stake: Any, odds: Any = "", prepayment: Any = "", arbiter: Any = None,
    fallback_arbiter: Any = "", arbiter_may_decide: Any = "disputes", call_off: Any = None,
    payment_days: Any = 30, amends_id: int | None = None,
) -> Agreement:
    """Propose an agreement on a claim to `counterparty` (a username). Nothing binds yet:
    the draft waits for both signatures. Takes no row lock (a draft moves no money)."""
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        raise NotFound("No such claim.", field="claim")
    _check_claim(claim)
    other = _user(counterparty, "counterparty")
    if other.pk == proposer.pk:
        raise InvalidInput("An agreement is between two people: name someone else.",
                           field="counterparty")
    amends = None
    if amends_id is not None:
        amends = Agreement.objects.filter(pk=amends_id, claim_id=claim_id).first()
        if amends is None or amends.status != Agreement.Status.BINDING:
            raise Conflict("Only a binding agreement on this claim can be amended.", field="amends")
        if {amends.proposer_id, amends.counterparty_id} != {proposer.pk, other.pk}:
            raise InvalidInput("An amendment is between the same two parties as the agreement "
                               "it amends.", field="counterparty")
    agreement = _terms(
        claim=claim, proposer=proposer, counterparty=other, drafted_by=proposer,
        supersedes=None, amends=amends, side=side, stake=stake,
        counterparty_stake=counterparty_stake, odds=odds, prepayment=prepayment,
        arbiter=arbiter, fallback_arbiter=fallback_arbiter,
        arbiter_may_decide=arbiter_may_decide, call_off=call_off, payment_days=payment_days,
    )
    agreement.save()
    event_publish(event="agreement.proposed", object_id=agreement.pk)
    return agreement


def locked_agreement(agreement_id: int) -> Agreement:
    agreement = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound("No such agreement.")
    return agreement


def party_only(agreement: Agreement, user: User) -> None:
    if user.pk not in (agreement.proposer_id, agreement.counterparty_id):
        raise Forbidden("Only the two parties of this agreement may do this.")


def _open_draft(agreement: Agreement) -> None:
    if agreement.status != Agreement.Status.DRAFT:
        raise Conflict(f"This agreement is {agreement.get_status_display().lower()}; its "
                       "terms can no longer change (an amendment is a new agreement).")
    newer = Agreement.objects.filter(supersedes_id=agreement.pk).values_list("sha256",
                                                                             flat=True).first()
    if newer:
        raise Conflict(f"This draft was replaced by a counter-proposal (sha256 {newer}); "
                       "sign or answer that one.")


@transaction.atomic
def agreement_counter(
    *, agreement_id: int, author: User, side: Any, stake: Any,
    counterparty_stake: Any, odds: Any = "", prepayment: Any = "", arbiter: Any = None,
    fallback_arbiter: Any = "", arbiter_may_decide: Any = "disputes", call_off: Any = None,
    payment_days: Any = 30,
) -> Agreement:
    """Counter-propose: a new draft (new bytes, new sha256) replacing an open draft; the
    parties keep their roles, so `side` and `stake` stay the proposer's. Signatures on the
    old draft stay on it and bind nothing. Locks the old draft's row (FOR UPDATE), so it is
    never both countered and bound."""
    old = locked_agreement(agreement_id)
    party_only(old, author)
    _open_draft(old)
    _check_claim(old.claim)
    new = _terms(
        claim=old.claim, proposer=old.proposer, counterparty=old.counterparty,
        drafted_by=author, supersedes=old, amends=old.amends, side=side, stake=stake,
        counterparty_stake=counterparty_stake, odds=odds, prepayment=prepayment,
        arbiter=arbiter, fallback_arbiter=fallback_arbiter,
        arbiter_may_decide=arbiter_may_decide, call_off=call_off, payment_days=payment_days,
    )
    new.save()
    event_publish(event="agreement.proposed", object_id=new.pk)
    return new


def _older_draft_signed(agreement: Agreement, parsed: Any, key_line: str) -> str | None:
    """The sha256 of an earlier draft of this agreement that the signature is over, if any:
    so the refusal can say "you signed the older draft"."""
    current = agreement.supersedes
    for _ in range(50):  # a chain of counter-proposals is short; never loop forever
        if current is None:
            return None
        if signature_matches(message=current.canonical.encode("utf-8"), parsed=parsed,
                             namespace=agreement_namespace(current), key_line=key_line):
            return current.sha256
        current = current.supersedes
    return None


def agreement_sign(*, agreement_id: int, signer: User, signature: Any) -> Agreement:
    """Sign an agreement as `signer` with an armored SSH signature over its canonical bytes.

    Verified first, outside any lock (it may run ssh-keygen): the namespace, a key of the
    signer's that is not revoked, the exact bytes. Then, in one transaction: the claim FOR
    SHARE, the agreement FOR UPDATE and the key FOR SHARE (a revocation racing us either
    lands first and we refuse, or waits), the signature row, and, when both parties have
    signed this same hash, binding: credits locked once (`agreement-lock:<id>`)."""
    parsed = signature_parse(signature)
    agreement = Agreement.objects.filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound("No such agreement.")
    role = _signing_role(agreement, signer)
    namespace = agreement_namespace(agreement)
    if parsed.namespace != namespace:
        raise InvalidInput(f"This signature is under the namespace {parsed.namespace[:100]!r}; "
                           f"agreements are signed under {namespace!r} (ssh-keygen -Y sign -n "
                           f"{namespace} ...).", field="signature")
    key = signing_key(parsed, signer)
    message = agreement.canonical.encode("utf-8")
    if not signature_matches(message=message, parsed=parsed, namespace=namespace,
                             key_line=key.public_line):
        older = _older_draft_signed(agreement, parsed, key.public_line)
        if older:
            raise InvalidInput(f"This signature is over an older draft (sha256 {older}), not "
                               f"this one (sha256 {agreement.sha256}): download this draft's "
                               "agreement.json and sign it.", field="signature")
        raise InvalidInput("This signature does not match this agreement's bytes (sha256 "
                           f"{agreement.sha256}): the file signed differs from the "
                           "agreement.json this page offers (edited, or another draft).",
                           field="signature")
    return _record_signature(agreement.pk, signer, key, parsed.armored, role)


def _signing_role(agreement: Agreement, signer: User) -> str:
    """A party signs to agree; the arbiter of the moment (the one the terms name, the
    fallback, or the parties' pick) signs the same bytes to accept the role."""
    if signer.pk in (agreement.proposer_id, agreement.counterparty_id):
        return AgreementSignature.Role.PARTY
    if signer.get_username() == agreement_arbiter_seat(agreement).username:
        return AgreementSignature.Role.ARBITER
    raise Forbidden("Only the two parties, or the arbiter of this agreement, may sign it.")


@transaction.atomic
def _record_signature(agreement_id: int, signer: User, key: SshKey,
                      armored: str, role: str) -> Agreement:
    claim_id = Agreement.objects.values_list("claim_id", flat=True).get(pk=agreement_id)
    claim = sql.select_one(Claim, "id = %s", [claim_id], locking="FOR SHARE")
    if claim is None:  # the agreement's foreign key keeps it; a guard for the type
        raise NotFound("No such claim.")
    agreement = locked_agreement(agreement_id)
    # Parties sign drafts only; the arbiter accepts a draft, or later takes the seat (the
    # fallback, or the parties' pick) of an agreement that binds or has resolved.
    if role == AgreementSignature.Role.PARTY or agreement.status == Agreement.Status.DRAFT:
        _open_draft(agreement)
    elif agreement.status not in ARBITRATED:
        raise Conflict(f"This agreement is {agreement.get_status_display().lower()}; there "
                       "is nothing left to arbitrate.")
    elif agreement_arbiter_seat(agreement).username != signer.get_username():
        raise Forbidden("You are no longer this agreement's arbiter.")
    if sql.select_one(SshKey, "id = %s AND revoked_at IS NULL", [key.pk],
                      locking="FOR SHARE") is None:
        raise InvalidInput(f"Key {key.fingerprint} was revoked a moment ago; it signs "
                           "nothing new.", field="signature")
    if AgreementSignature.objects.filter(agreement=agreement, signer_id=signer.pk).exists():
        raise Conflict("You have already signed this agreement.")
    try:
        with transaction.atomic():
            AgreementSignature.objects.create(agreement=agreement, signer_id=signer.pk,
                                              key=key, signature=armored, role=role)
    except IntegrityError:  # cannot happen under the row lock; the UNIQUE backs it
        raise Conflict("You have already signed this agreement.") from None
    if role == AgreementSignature.Role.ARBITER:
        return agreement
    signers = set(AgreementSignature.objects.filter(agreement=agreement, role=role)
                  .values_list("signer_id", flat=True))
    if signers >= {agreement.proposer_id, agreement.counterparty_id}:
        _bind(agreement, claim)
    else:
        event_publish(event="agreement.signed", object_id=agreement.pk)
    return agreement


def _bind(agreement: Agreement, claim: Claim) -> None:
    """Both have signed this hash: the agreement binds and its credits move to the
    agreement escrow, under the key `agreement-lock:<id>` (so never twice)."""
    # A bet made after betting stopped could be made knowing the answer.
    if not claim_accepts_bets(claim, now=timezone.now()):
        raise Conflict("This claim no longer takes bets, so the agreement cannot bind; "
                       "nothing was signed or locked.")
    if agreement.amends_id is not None:
        amendment_take_over(agreement)  # the old credits go back first, in this transaction
    if agreement.credits:
        _lock_credits(agreement)
    agreement.status = Agreement.Status.BINDING
    agreement.bound_at = timezone.now()
    agreement.save(update_fields=["status", "bound_at"])
    event_publish(event="agreement.bound", object_id=agreement.pk)


def _lock_credits(agreement: Agreement) -> None:
    escrow = system_account(Account.Kind.AGREEMENTS).pk
    entries = [(escrow, agreement.credits)]
    for user, amount in ((agreement.proposer, agreement.proposer_credits),
                         (agreement.counterparty, agreement.counterparty_credits)):
        if amount:
            entries.append((participant_account(user).pk, -amount))
    try:
        post_transaction(Posting(
            key=f"agreement-lock:{agreement.pk}", kind=LedgerTransaction.Kind.AGREEMENT_LOCK,
            entries=entries, memo=f"Agreement {agreement.sha256[:12]} binds",
            claim_id=agreement.claim_id, agreement_id=agreement.pk,
        ))
    except InsufficientFunds:
        short = [u.get_username() for u, amount in
                 ((agreement.proposer, agreement.proposer_credits),
                  (agreement.counterparty, agreement.counterparty_credits))
                 if amount and user_balance(u) < amount]
        raise Conflict(f"Not enough credits to lock the stakes ({', '.join(short) or 'a party'}"
                       " lacks them); nothing was signed or locked.") from None
