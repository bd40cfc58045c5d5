"""Agreements settle with their claim's resolution, as bets do, inside the same settlement run
(bets/betting/settlement.py holds the claim FOR UPDATE and calls these).

The credits of a binding agreement sit in the agreement escrow. Every run first reverses the
live payouts of the claim's agreements (`reverse:<txn_id>`), then: resolved -> the winner
receives every credit staked (`agreement-pay:<id>:<seq>`); annulled -> each party gets their
credits back (`agreement-refund:<id>:<seq>`) and the agreement is void; unresolved -> it
binds again. An agreement whose loser staked something off-platform is `resolved` until the
winner confirms receipt; one paid entirely in credits is `settled` at once.

Payment marks belong to the resolution they were made under. A run that names the same
winner again keeps them (the payment made is the payment owed, and so is its deadline); a run
that names another winner, unresolves or annuls annuls them (`annulled_at`): they stay on the
page as history, count for nothing, and the new loser and winner mark afresh against a new
deadline. Agreements the arbiter has ruled on, called off or amended are left be."""

from datetime import datetime, timedelta
from typing import cast

from django.utils import timezone

from bets.betting.ledger import Posting, reversal_of, system_account
from bets.models import Account, Agreement, AgreementMark, Claim, LedgerEntry, LedgerTransaction

Kind = LedgerTransaction.Kind
PAYOUTS = (Kind.AGREEMENT_PAY, Kind.AGREEMENT_REFUND)


def _settling(claim: Claim) -> list[Agreement]:
    """The claim's agreements that follow its resolution, locked FOR UPDATE in id order
    (the caller holds the claim's lock, so this never waits on a signer for long)."""
    return list(
        Agreement.objects.select_for_update()
        .filter(claim=claim, bound_at__isnull=False, called_off_at__isnull=True,
                ruled_at__isnull=True)
        .order_by("pk")
    )


def _reversals(claim: Claim) -> list[Posting]:
    # A called-off or amended agreement's refund is final, and so is what the arbiter's
    # ruling paid: the claim's resolution no longer moves them.
    txns = list(LedgerTransaction.objects.filter(claim=claim, kind__in=PAYOUTS,
                                                 reversed_by__isnull=True,
                                                 agreement__called_off_at__isnull=True,
                                                 agreement__ruled_at__isnull=True)
                .order_by("pk"))
    entries: dict[int, list[tuple[int, int]]] = {t.pk: [] for t in txns}
    for txn_id, account_id, amount in LedgerEntry.objects.filter(
        transaction_id__in=list(entries)
    ).values_list("transaction_id", "account_id", "amount"):
        entries[txn_id].append((account_id, amount))
    return [reversal_of(t, entries[t.pk], claim_id=claim.pk, agreement_id=t.agreement_id)
            for t in txns]


def _winner_id(agreement: Agreement, outcome: str) -> int:
    if agreement.proposer_side == outcome:
        return agreement.proposer_id
    return agreement.counterparty_id


def agreement_postings(claim: Claim, seq: int) -> tuple[list[Posting], list[Agreement]]:
    """The ledger postings that bring the claim's agreements to resolution `seq`, and the
    agreements (locked) for `agreements_mark`."""
    agreements = _settling(claim)
    postings = _reversals(claim)
    with_credits = [a for a in agreements if a.credits]
    if not with_credits:
        return postings, agreements
    escrow = system_account(Account.Kind.AGREEMENTS).pk
    users = {a.proposer_id for a in with_credits} | {a.counterparty_id for a in with_credits}
    accounts = dict(Account.objects.filter(user_id__in=users).values_list("user_id", "pk"))
    for a in with_credits:
        if claim.status == Claim.Status.RESOLVED:
            postings.append(Posting(
                key=f"agreement-pay:{a.pk}:{seq}", kind=Kind.AGREEMENT_PAY,
                entries=[(escrow, -a.credits),
                         (accounts[_winner_id(a, cast(str, claim.outcome))], a.credits)],
                memo=f"Agreement {a.sha256[:12]} won ({claim.outcome})",
                claim_id=claim.pk, agreement_id=a.pk,
            ))
        elif claim.status == Claim.Status.ANNULLED:
            refunds = [(accounts[user_id], amount) for user_id, amount in
                       ((a.proposer_id, a.proposer_credits),
                        (a.counterparty_id, a.counterparty_credits)) if amount]
            postings.append(Posting(
                key=f"agreement-refund:{a.pk}:{seq}", kind=Kind.AGREEMENT_REFUND,
                entries=[(escrow, -a.credits), *refunds],
                memo=f"Agreement {a.sha256[:12]} refunded (claim annulled)",
                claim_id=claim.pk, agreement_id=a.pk,
            ))
    return postings, agreements


def agreements_mark(claim: Claim, seq: int, agreements: list[Agreement]) -> None:
    """Record each agreement's new state after its postings (same transaction)."""
    now = timezone.now()
    for a in agreements:
        before = a.winner_id
        a.settled_seq = seq
        if claim.status == Claim.Status.RESOLVED:
            a.winner_id = _winner_id(a, cast(str, claim.outcome))
            loser_credits = (a.counterparty_credits if a.winner_id == a.proposer_id
                             else a.proposer_credits)
            same = before == a.winner_id and a.payment_due_at is not None
            if not same:
                a.resolved_at, a.reminders_sent = now, 0
            if loser_credits:
                a.status, a.payment_due_at = Agreement.Status.SETTLED, None
            else:
                if not same:
                    a.payment_due_at = now + timedelta(days=a.payment_days)
                received = a.marks.filter(kind=AgreementMark.Kind.RECEIVED,
                                          annulled_at__isnull=True).exists()
                a.status = Agreement.Status.SETTLED if same and received \
                    else Agreement.Status.RESOLVED
            a.void_reason = ""
        elif claim.status == Claim.Status.ANNULLED:
            a.status, a.winner_id, a.payment_due_at = Agreement.Status.VOID, None, None
            a.void_reason, a.reminders_sent = "The claim was annulled.", 0
        else:
            a.status, a.winner_id, a.payment_due_at = Agreement.Status.BINDING, None, None
            a.resolved_at, a.void_reason, a.reminders_sent = None, "", 0
        if a.winner_id != before:
            marks_annul(a, now)
        a.save(update_fields=["settled_seq", "reminders_sent", "winner", "resolved_at", "status",
                              "payment_due_at", "void_reason"])


def marks_annul(agreement: Agreement, now: datetime) -> int:
    """The resolution the live marks were made under no longer stands: annul them. The
    caller holds the agreement's row FOR UPDATE (settlement, or the arbiter's ruling)."""
    return agreement.marks.filter(annulled_at__isnull=True).update(annulled_at=now)
