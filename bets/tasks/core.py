import logging

from celery import shared_task

from bets.services import claims as claim_services
from bets.services import resolution

logger = logging.getLogger(__name__)


@shared_task(name="bets.tasks.claims_close_due", acks_late=True, reject_on_worker_lost=True)
def claims_close_due() -> int:
    closed = claim_services.claims_close_due()
    if closed:
        logger.info("Closed %d claims at their close time.", closed)
    return closed


@shared_task(name="bets.tasks.claim_score", acks_late=True, reject_on_worker_lost=True)
def claim_score(claim_id: int, seq: int) -> bool:
    return resolution.claim_score(claim_id=claim_id, seq=seq)


@shared_task(name="bets.tasks.claims_score_missing")
def claims_score_missing() -> int:
    """Catch up on scoring whose dispatch was lost (broker down at commit time)."""
    pending = list(resolution.claims_needing_scores().values_list("pk", "resolution_seq")[:500])
    for claim_id, seq in pending:
        claim_score.delay(claim_id, seq)
    return len(pending)
