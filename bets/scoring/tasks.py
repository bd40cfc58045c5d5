"""Scoring tasks: score one resolution of a claim, and catch up on lost dispatches."""

from celery import shared_task

from bets.common.dispatch import publish_all
from bets.scoring.services import claim_score, claims_needing_scores


@shared_task(name="bets.tasks.claim_score", acks_late=True, reject_on_worker_lost=True)
def claim_score_task(claim_id: int, seq: int) -> bool:
    return claim_score(claim_id=claim_id, seq=seq)


@shared_task(name="bets.tasks.claims_score_missing")
def claims_score_missing_task() -> int:
    """Catch up on scoring whose dispatch was lost (broker down at commit time)."""
    pending = list(claims_needing_scores().values_list("pk", "resolution_seq")[:500])
    return publish_all([("bets.tasks.claim_score", (claim_id, seq)) for claim_id, seq in pending],
                       what="score messages")
