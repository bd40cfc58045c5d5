from celery import shared_task


@shared_task(name="bets.tasks.claim_settle", acks_late=True, reject_on_worker_lost=True)
def claim_settle(claim_id: int, seq: int) -> int:
    """Settle, refund or reverse every bet of a claim for resolution `seq` (exactly once)."""
    from bets import ledger

    return ledger.claim_settle_bets(claim_id=claim_id, seq=seq)
