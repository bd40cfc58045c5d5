import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="bets.tasks.claim_settle", acks_late=True, reject_on_worker_lost=True)
def claim_settle(claim_id: int, seq: int) -> int:
    """Settle, refund or reverse every bet of a claim for resolution `seq` (exactly once)."""
    from bets import ledger
    from bets.services.settlement import SettlementBlocked

    try:
        return ledger.claim_settle_bets(claim_id=claim_id, seq=seq)
    except SettlementBlocked:
        # Retrying cannot help until the participant holds the credits again; nothing moved,
        # and check_ledger / the admin see the claim's settled_seq lagging its resolution.
        logger.exception("Settlement of claim %s seq %s is blocked.", claim_id, seq)
        return 0


@shared_task(name="bets.tasks.claims_settle_missing")
def claims_settle_missing() -> int:
    """Catch up on settlements whose dispatch was lost or which were blocked earlier."""
    from bets.services.settlement import claims_needing_settlement

    pending = list(claims_needing_settlement().values_list("pk", "resolution_seq")[:500])
    for claim_id, seq in pending:
        claim_settle.delay(claim_id, seq)
    return len(pending)


@shared_task(name="bets.tasks.offers_expire_due", acks_late=True, reject_on_worker_lost=True)
def offers_expire_due() -> int:
    from bets.services.offers import offers_expire_due as expire

    expired = expire()
    if expired:
        logger.info("Expired %d offers and released their unfilled stakes.", expired)
    return expired


@shared_task(name="bets.tasks.ledger_check")
def ledger_check() -> int:
    """Daily: re-check every ledger invariant and log each violation loudly."""
    from bets.ledger_checks import ledger_violations

    violations = ledger_violations()
    for violation in violations:
        logger.critical("LEDGER INVARIANT BROKEN: %s", violation)
    if not violations:
        logger.info("Ledger check: every invariant holds.")
    return len(violations)
