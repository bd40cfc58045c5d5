"""Money tasks: settlement after each resolution change, offer expiry, the ledger check."""

import logging

from celery import shared_task

from bets.betting.agreements.marks import agreements_remind_due
from bets.betting.checks import ledger_violations
from bets.betting.offers import offers_expire_due
from bets.betting.settlement import (
    SettlementBlocked,
    claim_settle_bets,
    claims_needing_settlement,
)
from bets.common.dispatch import publish_all

logger = logging.getLogger(__name__)


@shared_task(name="bets.tasks.claim_settle", acks_late=True, reject_on_worker_lost=True)
def claim_settle_task(claim_id: int, seq: int) -> int:
    """Settle, refund or reverse every bet of a claim for resolution `seq` (exactly once)."""
    try:
        return claim_settle_bets(claim_id=claim_id, seq=seq)
    except SettlementBlocked:
        # Retrying cannot help until the participant holds the credits again; nothing moved,
        # and check_ledger / the admin see the claim's settled_seq lagging its resolution.
        logger.exception("Settlement of claim %s seq %s is blocked.", claim_id, seq)
        return 0


@shared_task(name="bets.tasks.claims_settle_missing")
def claims_settle_missing_task() -> int:
    """Catch up on settlements whose dispatch was lost or which were blocked earlier."""
    pending = list(claims_needing_settlement().values_list("pk", "resolution_seq")[:500])
    return publish_all([("bets.tasks.claim_settle", (claim_id, seq)) for claim_id, seq in pending],
                       what="settle messages")


@shared_task(name="bets.tasks.offers_expire_due", acks_late=True, reject_on_worker_lost=True)
def offers_expire_due_task() -> int:
    expired = offers_expire_due()
    if expired:
        logger.info("Expired %d offers and released their unfilled stakes.", expired)
    return expired


@shared_task(name="bets.tasks.ledger_check")
def ledger_check_task() -> int:
    """Daily: re-check every ledger invariant and log each violation loudly."""
    violations = ledger_violations()
    for violation in violations:
        logger.critical("LEDGER INVARIANT BROKEN: %s", violation)
    if not violations:
        logger.info("Ledger check: every invariant holds.")
    return len(violations)


@shared_task(name="bets.tasks.agreements_remind_due")
def agreements_remind_due_task() -> int:
    """Payment reminders of agreements, each sent once (before the deadline, and after)."""
    return agreements_remind_due()
