"""What an arbiter's decision on a dispute about the resolution does to an agreement.

The arbiter decides the agreement's outcome under its signed terms ("yes" or "no", or "void"
with voiding powers), and that outcome is final for it: `ruled_at` is set and the claim's
later settlement runs leave it be, as they leave a called-off agreement. When the decision
names another winner, the live payout is reversed and every credit staked goes to the new
winner (`agreement-pay:<id>:ruling`); void, each party gets their credits back
(`agreement-refund:<id>:ruling`). Payment marks made under the old winner are annulled."""

from datetime import timedelta

from django.utils import timezone

from bets.betting.agreements.settlement import PAYOUTS, marks_annul
from bets.betting.ledger import Posting, participant_account, post_many, reversal_of, system_account
from bets.common.errors import Conflict
from bets.models import Account, Agreement, Claim, LedgerEntry, LedgerTransaction

Kind = LedgerTransaction.Kind


def _reversals(agreement: Agreement) -> list[Posting]:
    txns = list(LedgerTransaction.objects.filter(agreement=agreement, kind__in=PAYOUTS,
                                                 reversed_by__isnull=True).order_by("pk"))
    entries: dict[int, list[tuple[int, int]]] = {t.pk: [] for t in txns}
    for txn_id, account_id, amount in LedgerEntry.objects.filter(
            transaction_id__in=list(entries)).values_list("transaction_id", "account_id",
                                                          "amount"):
        entries[txn_id].append((account_id, amount))
    return [reversal_of(t, entries[t.pk], claim_id=agreement.claim_id,
                        agreement_id=agreement.pk) for t in txns]


def rule_outcome(agreement: Agreement, decision: str, *, claim: Claim, why: str) -> None:
    """Apply the arbiter's decision. The caller holds the claim and the agreement FOR UPDATE
    (so no settlement run moves it meanwhile); raises Conflict, moving nothing, when a party
    no longer holds the credits a reversal takes back."""
    if claim.status != Claim.Status.RESOLVED or claim.settled_seq != claim.resolution_seq:
        raise Conflict("The claim's resolution is changing; decide once it has settled again.")
    now = timezone.now()
    escrow = system_account(Account.Kind.AGREEMENTS).pk
    before = agreement.winner_id
    if decision == "void":
        winner_id = None
    elif agreement.proposer_side == decision:
        winner_id = agreement.proposer_id
    else:
        winner_id = agreement.counterparty_id
    if winner_id != before and agreement.credits:
        postings = _reversals(agreement)
        if winner_id is None:
            postings.append(Posting(
                key=f"agreement-refund:{agreement.pk}:ruling", kind=Kind.AGREEMENT_REFUND,
                entries=[(escrow, -agreement.credits), *(
                    (participant_account(user).pk, amount) for user, amount in
                    ((agreement.proposer, agreement.proposer_credits),
                     (agreement.counterparty, agreement.counterparty_credits)) if amount)],
                memo=f"Agreement {agreement.sha256[:12]} void by the arbiter",
                claim_id=agreement.claim_id, agreement_id=agreement.pk))
        else:
            winner = agreement.proposer if winner_id == agreement.proposer_id \
                else agreement.counterparty
            postings.append(Posting(
                key=f"agreement-pay:{agreement.pk}:ruling", kind=Kind.AGREEMENT_PAY,
                entries=[(escrow, -agreement.credits),
                         (participant_account(winner).pk, agreement.credits)],
                memo=f"Agreement {agreement.sha256[:12]} won ({decision}, by the arbiter)",
                claim_id=agreement.claim_id, agreement_id=agreement.pk))
        post_many(postings)
    agreement.ruled_at = now
    if winner_id != before:
        marks_annul(agreement, now)
        agreement.winner_id, agreement.reminders_sent, agreement.resolved_at = winner_id, 0, now
        if winner_id is None:
            agreement.status, agreement.payment_due_at = Agreement.Status.VOID, None
            agreement.void_reason = why[:300]
        else:
            loser_credits = (agreement.counterparty_credits if winner_id == agreement.proposer_id
                             else agreement.proposer_credits)
            agreement.status = Agreement.Status.SETTLED if loser_credits \
                else Agreement.Status.RESOLVED
            agreement.payment_due_at = None if loser_credits \
                else now + timedelta(days=agreement.payment_days)
    agreement.save(update_fields=["ruled_at", "winner", "reminders_sent", "resolved_at",
                                  "status", "payment_due_at", "void_reason"])

