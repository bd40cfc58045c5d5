"""Reads of agreements: who sees one, its verification data (signatures, allowed_signers and
the commands that re-check it with stock OpenSSH), a claim's and a participant's agreements,
and a participant's record of honouring them."""

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bets.betting.agreements.signing import allowed_signers_line
from bets.claims.selectors import claim_visible_to, claims_visible_to
from bets.models import Agreement, AgreementMark, AgreementSignature, SshKey

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
    """(principal, key): the key each signer used; for a party who has not signed yet, their
    keys that are not revoked (the keys that could still sign this draft)."""
    rows = [(s.signer.get_username(), s.key) for s in signatures]
    signed = {s.signer_id for s in signatures}
    for party in (agreement.proposer, agreement.counterparty):
        if party.pk not in signed:
            rows += [(party.get_username(), k) for k in
                     SshKey.objects.filter(user=party, revoked_at__isnull=True)]
    return rows


def allowed_signers(agreement: Agreement,
                    signatures: list[AgreementSignature] | None = None) -> str:
    """An OpenSSH allowed_signers file naming both parties' keys (principal = username),
    limited to the agreement namespace."""
    sigs = agreement_signatures(agreement) if signatures is None else signatures
    namespace = agreement_namespace(agreement)
    return "".join(allowed_signers_line(principal, key.public_line, namespace) + "\n"
                   for principal, key in _keys_for(agreement, sigs))


def verify_command(agreement: Agreement, username: str) -> str:
    """The stock OpenSSH command that re-checks one party's signature, offline."""
    return (f"ssh-keygen -Y verify -f allowed_signers -I {username} "
            f"-n {agreement_namespace(agreement)} -s {username}.sig < agreement.json")


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
    lost = list(Agreement.objects.filter(
        Q(proposer=user) | Q(counterparty=user), winner__isnull=False,
        status__in=[Agreement.Status.RESOLVED, Agreement.Status.SETTLED],
        payment_due_at__isnull=False,
    ).exclude(winner=user))
    marks: dict[int, dict[str, Any]] = {}
    for agreement_id, kind, created_at in AgreementMark.objects.filter(
            agreement__in=lost).values_list("agreement_id", "kind", "created_at"):
        marks.setdefault(agreement_id, {})[kind] = created_at
    counts: Counter[str] = Counter()
    now = timezone.now()
    for a in lost:
        got = marks.get(a.pk, {})
        due_at = a.payment_due_at
        assert due_at is not None  # filtered above
        if AgreementMark.Kind.NOT_RECEIVED in got:
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
