"""Reads of agreements: who sees one, its verification data (signatures, allowed_signers and
the commands that re-check it with stock OpenSSH), a claim's and a participant's agreements,
and a participant's record of honouring them."""

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bets.betting.agreements.signing import allowed_signers_line
from bets.claims.selectors import claim_visible_to, claims_visible_to
from bets.models import (
    Agreement,
    AgreementMark,
    AgreementSignature,
    ArbiterDocument,
    ArbiterDocumentSignature,
    SshKey,
)

PICK_DAYS = 30  # "whoever the two parties pick within 30 days" of the seat falling vacant

Viewer = User | AnonymousUser


def agreement_visible_or_404(*, agreement_id: int, user: Viewer) -> Agreement:
    """The agreement if `user` may see its claim (visibility is the claim's); Http404 else."""
    agreement = (Agreement.objects.select_related("claim", "proposer", "counterparty",
                                                  "drafted_by", "winner", "supersedes")
                 .filter(pk=agreement_id).first())
    if agreement is None or not claim_visible_to(agreement.claim, user):
        raise Http404("No such agreement.")
    return agreement


def agreement_terms(agreement: Agreement) -> dict[str, Any]:
    return dict(json.loads(agreement.canonical))


def agreement_namespace(agreement: Agreement) -> str:
    return str(agreement_terms(agreement)["namespace"])


def agreement_signatures(agreement: Agreement) -> list[AgreementSignature]:
    return list(AgreementSignature.objects.filter(agreement=agreement)
                .select_related("signer", "key").order_by("created_at", "pk"))


def _keys_for(agreement: Agreement, signatures: list[AgreementSignature]) -> list[
        tuple[str, SshKey]]:
    """(principal, key): the key each signer used, on the agreement and on its arbiter
    documents; for a party or the arbiter of the moment who has not signed the agreement
    yet, their keys that are not revoked (the keys that could still sign it)."""
    rows = [(s.signer.get_username(), s.key) for s in signatures]
    rows += [(s.signer.get_username(), s.key) for s in ArbiterDocumentSignature.objects
             .filter(document__agreement=agreement).select_related("signer", "key")
             .order_by("created_at", "pk")]
    signed = {s.signer_id for s in signatures}
    waiting = [agreement.proposer, agreement.counterparty]
    seat = agreement_arbiter_seat(agreement)
    if seat.user is not None:
        waiting.append(seat.user)
    for person in waiting:
        if person.pk not in signed:
            rows += [(person.get_username(), k) for k in
                     SshKey.objects.filter(user=person, revoked_at__isnull=True)]
    seen: set[tuple[str, str]] = set()
    unique = []
    for principal, key in rows:
        if (principal, key.fingerprint) not in seen:
            seen.add((principal, key.fingerprint))
            unique.append((principal, key))
    return unique


def allowed_signers(agreement: Agreement,
                    signatures: list[AgreementSignature] | None = None) -> str:
    """An OpenSSH allowed_signers file naming both parties' keys and the arbiter's
    (principal = username), limited to the agreement namespace."""
    sigs = agreement_signatures(agreement) if signatures is None else signatures
    namespace = agreement_namespace(agreement)
    return "".join(allowed_signers_line(principal, key.public_line, namespace) + "\n"
                   for principal, key in _keys_for(agreement, sigs))


def verify_command(agreement: Agreement, username: str) -> str:
    """The stock OpenSSH command that re-checks one party's signature, offline."""
    return (f"ssh-keygen -Y verify -f allowed_signers -I {username} "
            f"-n {agreement_namespace(agreement)} -s {username}.sig < agreement.json")


def document_verify_command(agreement: Agreement, document: ArbiterDocument,
                            username: str) -> str:
    """The stock OpenSSH command that re-checks one signature of an arbiter document."""
    return (f"ssh-keygen -Y verify -f allowed_signers -I {username} "
            f"-n {agreement_namespace(agreement)} -s {document.kind}-{document.pk}-{username}.sig"
            f" < {document.kind}-{document.pk}.json")


def sign_command(agreement: Agreement, key_path: str = "~/.ssh/id_ed25519") -> str:
    return f"ssh-keygen -Y sign -n {agreement_namespace(agreement)} -f {key_path} agreement.json"


def agreement_drafts(agreement: Agreement) -> list[Agreement]:
    """The chain this draft belongs to, oldest first: the drafts it replaced, itself, and the
    counter-proposals that replaced it."""
    chain: list[Agreement] = []
    current: Agreement | None = agreement
    while current is not None and len(chain) < 100:
        chain.insert(0, current)
        current = current.supersedes
    newer = Agreement.objects.filter(supersedes=agreement).first()
    while newer is not None and len(chain) < 200:
        chain.append(newer)
        newer = Agreement.objects.filter(supersedes=newer).first()
    return chain


def agreement_replaced_by(agreement: Agreement) -> Agreement | None:
    return Agreement.objects.filter(supersedes=agreement).first()


def agreement_amended_by(agreement: Agreement) -> Agreement | None:
    """The binding amendment that replaced this agreement, if one did."""
    if agreement.status != Agreement.Status.AMENDED:
        return None
    return agreement.amendments.filter(bound_at__isnull=False).first()


def claim_agreements(*, claim_id: int) -> QuerySet[Agreement]:
    """The claim's agreements that are not replaced drafts, newest first."""
    return (Agreement.objects.filter(claim_id=claim_id, superseded_by__isnull=True)
            .select_related("proposer", "counterparty").order_by("-created_at", "-pk"))


def participant_agreements(*, user: User, viewer: Viewer) -> QuerySet[Agreement]:
    return (Agreement.objects.filter(Q(proposer=user) | Q(counterparty=user),
                                     superseded_by__isnull=True,
                                     claim__in=claims_visible_to(viewer))
            .select_related("claim", "proposer", "counterparty", "winner")
            .order_by("-created_at", "-pk"))


@dataclass(frozen=True)
class Record:
    """How a participant honoured the off-platform stakes they lost."""

    honoured: int  # the winner confirmed receipt by the deadline
    paid_late: int  # confirmed, after the deadline
    disputed: int  # the winner marked "not received"
    unpaid: int  # past the deadline with no confirmation
    due: int  # not yet due


def participant_record(*, user: User) -> Record:
    """Counted from the marks of the resolution that stands (annulled marks count for
    nothing) and the arbiter's decisions on "not received" disputes: ruled paid counts as
    honoured or paid late by when the loser marked it paid, ruled unpaid as unpaid."""
    lost = list(Agreement.objects.filter(
        Q(proposer=user) | Q(counterparty=user), winner__isnull=False,
        status__in=[Agreement.Status.RESOLVED, Agreement.Status.SETTLED],
        payment_due_at__isnull=False,
    ).exclude(winner=user))
    marks: dict[int, dict[str, Any]] = {}
    for agreement_id, kind, created_at in AgreementMark.objects.filter(
            agreement__in=lost, annulled_at__isnull=True).values_list(
                "agreement_id", "kind", "created_at"):
        marks.setdefault(agreement_id, {})[kind] = created_at
    rulings = dict(ArbiterDocument.objects.filter(
        agreement__in=lost, kind=ArbiterDocument.Kind.DECISION, dispute="payment",
        effective_at__isnull=False, mark__annulled_at__isnull=True,
    ).values_list("agreement_id", "decision"))
    counts: Counter[str] = Counter()
    now = timezone.now()
    for a in lost:
        got = marks.get(a.pk, {})
        due_at = a.payment_due_at
        assert due_at is not None  # filtered above
        paid_at = got.get(AgreementMark.Kind.RECEIVED) or got.get(AgreementMark.Kind.PAID)
        if rulings.get(a.pk) == "paid":
            counts["honoured" if paid_at is not None and paid_at <= due_at else "paid_late"] += 1
        elif rulings.get(a.pk) == "unpaid":
            counts["unpaid"] += 1
        elif AgreementMark.Kind.NOT_RECEIVED in got:
            counts["disputed"] += 1
        elif AgreementMark.Kind.RECEIVED in got:
            counts["honoured" if got[AgreementMark.Kind.RECEIVED] <= due_at else "paid_late"] += 1
        elif now > due_at:
            counts["unpaid"] += 1
        else:
            counts["due"] += 1
    return Record(honoured=counts["honoured"], paid_late=counts["paid_late"],
                  disputed=counts["disputed"], unpaid=counts["unpaid"], due=counts["due"])


def user_keys(*, user: User) -> list[SshKey]:
    return list(SshKey.objects.filter(user=user).order_by("created_at", "pk"))


@dataclass(frozen=True)
class ArbiterSeat:
    """Who arbitrates an agreement now: the arbiter the terms name, until they decline; then
    the fallback when the terms name a participant as fallback; otherwise (or when the
    fallback declines too) nobody, until the parties pick someone (both sign the pick) within
    PICK_DAYS of the seat falling vacant."""

    user: User | None
    accepted: bool  # signed the agreement's bytes
    may_decide: str  # "disputes" | "disputes_and_void"
    vacant_since: datetime | None
    pick_until: datetime | None  # a vacancy the parties may fill, until then

    @property
    def username(self) -> str | None:
        return self.user.get_username() if self.user is not None else None


def _fallback_user(agreement: Agreement, text: str) -> User | None:
    """The fallback when the terms name a participant (their username) who is not a party."""
    user = User.objects.filter(username=text.strip()).first() if text.strip() else None
    if user is None or user.pk in (agreement.proposer_id, agreement.counterparty_id):
        return None
    return user


def agreement_arbiter_seat(agreement: Agreement) -> ArbiterSeat:
    arbiter = agreement_terms(agreement)["arbiter"]
    named = arbiter["username"]
    current = User.objects.filter(username=named).first() if named else None
    fallback = _fallback_user(agreement, arbiter["fallback"])
    fallback_used = False
    if current is None and fallback is not None:  # no arbiter named: the fallback sits
        current, fallback_used = fallback, True
    vacant_since = None if current is not None else agreement.bound_at
    for doc in (ArbiterDocument.objects.filter(
            agreement=agreement, effective_at__isnull=False,
            kind__in=[ArbiterDocument.Kind.DECLINE, ArbiterDocument.Kind.PICK])
            .select_related("arbiter").order_by("effective_at", "pk")):
        if doc.kind == ArbiterDocument.Kind.PICK:
            current, vacant_since = doc.arbiter, None
        elif current is not None and doc.arbiter_id == current.pk:
            if fallback is not None and not fallback_used and fallback.pk != current.pk:
                current, fallback_used = fallback, True
            else:
                current, vacant_since = None, doc.effective_at
    accepted = current is not None and AgreementSignature.objects.filter(
        agreement=agreement, signer=current, role=AgreementSignature.Role.ARBITER).exists()
    pick_until = vacant_since + timedelta(days=PICK_DAYS) if vacant_since else None
    return ArbiterSeat(user=current, accepted=accepted, may_decide=arbiter["may_decide"],
                       vacant_since=vacant_since, pick_until=pick_until)


def agreement_arbiter_documents(agreement: Agreement) -> list[ArbiterDocument]:
    return list(ArbiterDocument.objects.filter(agreement=agreement)
                .select_related("author", "arbiter").prefetch_related("signatures__signer",
                                                                      "signatures__key")
                .order_by("created_at", "pk"))


def live_marks(agreement: Agreement) -> QuerySet[AgreementMark]:
    """The payment marks made under the resolution that stands now."""
    return agreement.marks.filter(annulled_at__isnull=True)
