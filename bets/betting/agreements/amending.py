"""An amendment is a new agreement both parties sign, naming the binding one it amends
(`amends`). When the amendment binds, it replaces the old one in the same transaction: the
old one becomes `amended` (its page says by which), its locked credits go back to each party
(`agreement-refund:<old id>:amended`) and the amendment locks its own (`agreement-lock:<new
id>`), so the credits move to the new terms exactly once. Settlement leaves the old one be."""

from django.utils import timezone

from bets.betting.ledger import Posting, participant_account, post_transaction, system_account
from bets.common.errors import Conflict
from bets.models import Account, Agreement, LedgerTransaction


def amendment_take_over(new: Agreement) -> None:
    """Retire the agreement `new` amends. Runs inside the transaction that binds `new`, which
    holds the claim FOR SHARE and `new` FOR UPDATE; takes the old row FOR UPDATE, so of two
    amendments binding at once the second finds it amended and refuses (nothing signed)."""
    assert new.amends_id is not None  # the caller binds an amendment
    old = Agreement.objects.select_for_update().select_related(
        "proposer", "counterparty").get(pk=new.amends_id)
    if old.status != Agreement.Status.BINDING or old.called_off_at is not None:
        raise Conflict(f"The agreement this amends (sha256 {old.sha256}) is "
                       f"{old.get_status_display().lower()}, no longer binding, so the "
                       "amendment cannot replace it; nothing was signed.")
    if old.credits:
        refunds = [(participant_account(user).pk, amount) for user, amount in
                   ((old.proposer, old.proposer_credits),
                    (old.counterparty, old.counterparty_credits)) if amount]
        post_transaction(Posting(
            key=f"agreement-refund:{old.pk}:amended", kind=LedgerTransaction.Kind.AGREEMENT_REFUND,
            entries=[(system_account(Account.Kind.AGREEMENTS).pk, -old.credits), *refunds],
            memo=f"Agreement {old.sha256[:12]} amended by {new.sha256[:12]}",
            claim_id=old.claim_id, agreement_id=old.pk,
        ))
    old.status, old.called_off_at = Agreement.Status.AMENDED, timezone.now()
    old.void_reason = f"Replaced by the amendment {new.sha256}"[:300]
    old.save(update_fields=["status", "called_off_at", "void_reason"])
