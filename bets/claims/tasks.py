"""Claim lifecycle tasks. Thin: they take ids, call a service and log what it did."""

import logging

from celery import shared_task

from bets.claims.services import claims_close_due

logger = logging.getLogger(__name__)


@shared_task(name="bets.tasks.claims_close_due", acks_late=True, reject_on_worker_lost=True)
def claims_close_due_task() -> int:
    closed = claims_close_due()
    if closed:
        logger.info("Closed %d claims at their close time.", closed)
    return closed
