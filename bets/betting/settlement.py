"""Settling a claim's bets after each resolution change, exactly once per resolution seq.

A resolution change (resolve, annul, unresolve) bumps Claim.resolution_seq and dispatches
`claim_settle(claim_id, seq)` after commit. Settlement brings every bet to the state the
claim's current resolution asks for:

- first, every standing payout (a settle or refund not yet reversed) is reversed by a
  compensating transaction `reverse:<txn_id>` (never an edit or a delete), so the bet's
  stakes are back in escrow and the bet is matched again;
- then resolved -> the winner receives both stakes (`settle:<bet_id>:<seq>`); annulled ->
  each side gets its stake back (`refund:<bet_id>:<seq>`); unresolved -> nothing more.

One run holds the claim's row lock (FOR UPDATE) and the bets' row locks for its whole
database transaction and finishes by setting Claim.settled_seq = seq, so concurrent, retried
or duplicated runs move money once: the second one sees settled_seq == seq (or a newer
resolution_seq) and does nothing. A crash anywhere inside rolls the whole run back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from bets.betting.agreements.settlement import agreement_postings, agreements_mark
from bets.betting.ledger import Posting, post_many, reversal_of, system_account
from bets.claims.locking import claim_lock
from bets.common.errors import Conflict
from bets.common.outbox import event_publish
from bets.models import Account, Bet, Claim, LedgerEntry, LedgerTransaction

logger = logging.getLogger(__name__)
Kind = LedgerTransaction.Kind
PAYOUT_KINDS = (Kind.SETTLE, Kind.REFUND)


class SettlementBlocked(Conflict):
    """A reversal would take back credits a participant no longer holds."""


def _standing_payouts(claim: Claim) -> dict[int, tuple[LedgerTransaction, list[tuple[int, int]]]]:
    """bet_id -> (payout transaction not yet reversed, its entries)."""
    txns = {
        t.pk: t
        for t in LedgerTransaction.objects.filter(
            claim=claim, kind__in=PAYOUT_KINDS, reversed_by__isnull=True
        )
    }
    entries: dict[int, list[tuple[int, int]]] = {pk: [] for pk in txns}
    for txn_id, account_id, amount in LedgerEntry.objects.filter(
        transaction_id__in=list(txns)
    ).values_list("transaction_id", "account_id", "amount"):
        entries[txn_id].append((account_id, amount))
    # Settle and refund transactions are always posted with their bet.
    return {cast(int, t.bet_id): (t, entries[pk]) for pk, t in txns.items()}


def _payout(bet: Mapping[str, Any], claim: Claim, seq: int, accounts: dict,
            escrow_id: int) -> Posting | None:
    pot = bet["offerer_stake"] + bet["taker_stake"]
    offerer, taker = accounts[bet["offerer_id"]], accounts[bet["taker_id"]]
    if claim.status == Claim.Status.RESOLVED:
        winner = offerer if bet["offerer_side"] == claim.outcome else taker
        return Posting(
            key=f"settle:{bet['id']}:{seq}",
            kind=Kind.SETTLE,
            entries=[(escrow_id, -pot), (winner, pot)],
            memo=f"Bet {bet['id']} won ({claim.outcome})",
            claim_id=claim.pk,
            bet_id=bet["id"],
        )
    if claim.status == Claim.Status.ANNULLED:
        return Posting(
            key=f"refund:{bet['id']}:{seq}",
            kind=Kind.REFUND,
            entries=[
                (escrow_id, -pot),
                (offerer, bet["offerer_stake"]),
                (taker, bet["taker_stake"]),
            ],
            memo=f"Bet {bet['id']} refunded (claim annulled)",
            claim_id=claim.pk,
            bet_id=bet["id"],
        )
    return None


def _mark_bets(claim: Claim, seq: int) -> None:
    """Record each bet's new state in a few UPDATEs (kept separate so tests can inject a
    crash between writing the entries and marking the bets)."""
    bets = Bet.objects.filter(claim=claim)
    now = timezone.now()
    if claim.status == Claim.Status.RESOLVED:
        common = {"status": Bet.Status.SETTLED, "settled_seq": seq, "settled_at": now}
        bets.filter(offerer_side=claim.outcome).update(winner_id=F("offerer_id"), **common)
        bets.exclude(offerer_side=claim.outcome).update(winner_id=F("taker_id"), **common)
    elif claim.status == Claim.Status.ANNULLED:
        bets.update(status=Bet.Status.REFUNDED, winner=None, settled_seq=seq, settled_at=now)
    else:
        bets.update(status=Bet.Status.MATCHED, winner=None, settled_seq=seq, settled_at=None)


@transaction.atomic
def claim_settle_bets(*, claim_id: int, seq: int) -> int:
    """Bring every bet of the claim to resolution `seq`. Locks the claim row (FOR UPDATE) and
    its bets; returns how many ledger transactions it posted (0 when stale or already done).
    Raises SettlementBlocked, moving nothing, when a reversal cannot be covered."""
    claim = claim_lock(claim_id)
    if claim.resolution_seq != seq or claim.settled_seq == seq:
        return 0
    bets = list(
        Bet.objects.select_for_update()
        .filter(claim=claim)
        .order_by("pk")
        .values("id", "offerer_id", "taker_id", "offerer_side", "offerer_stake", "taker_stake")
    )
    postings = _postings(claim, seq, bets)
    # Signed agreements on the claim follow the same resolution, in the same transaction.
    agreement_posts, agreements = agreement_postings(claim, seq)
    postings += agreement_posts
    try:
        posted = post_many(postings, fresh=True)
    except Conflict as exc:
        logger.error("Settlement of claim %s (seq %s) blocked: %s", claim_id, seq, exc.message)
        raise SettlementBlocked(exc.message) from exc
    _mark_bets(claim, seq)
    agreements_mark(claim, seq, agreements)
    Claim.objects.filter(pk=claim.pk).update(settled_seq=seq)
    event_publish(event="claim.settled", object_id=claim.pk, seq=seq)
    return posted


def _postings(claim: Claim, seq: int, bets: Sequence[Mapping[str, Any]]) -> list[Posting]:
    if not bets:
        return []
    escrow_id = system_account(Account.Kind.ESCROW).pk
    users = {b["offerer_id"] for b in bets} | {b["taker_id"] for b in bets}
    accounts = dict(Account.objects.filter(user_id__in=users).values_list("user_id", "pk"))
    postings = [
        reversal_of(txn, entries, claim_id=claim.pk, bet_id=bet_id)
        for bet_id, (txn, entries) in sorted(_standing_payouts(claim).items())
    ]
    for bet in bets:
        payout = _payout(bet, claim, seq, accounts, escrow_id)
        if payout is not None:
            postings.append(payout)
    return postings


def claims_needing_settlement() -> QuerySet[Claim]:
    """Claims whose latest resolution change has not been settled yet: the dispatch was lost
    (broker down at commit) or the settlement was blocked. For the catch-up sweep."""
    return Claim.objects.filter(resolution_seq__gt=0).exclude(settled_seq=F("resolution_seq"))
