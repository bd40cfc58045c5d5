"""Notification tasks. Thin: they take ids, call a service and log what it did."""

import logging

from celery import shared_task
from django.utils import timezone

from bets.common.outbox import events_redispatch
from bets.conversation.delivery import emails_due, emails_send
from bets.conversation.events import event_notify
from bets.conversation.jobs import digests_send, notifications_periodic
from bets.conversation.notify import emails_queue

logger = logging.getLogger(__name__)


@shared_task(name="bets.tasks.notify_event", acks_late=True, reject_on_worker_lost=True)
def notify_event_task(event: str, object_id: int, seq: int = 0) -> str | None:
    """Fan one event out to its recipients; delivered twice, it writes nothing twice."""
    return event_notify(event=event, object_id=object_id, seq=seq)


@shared_task(
    name="bets.tasks.notifications_email_send",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def notifications_email_send_task(self, notification_ids: list[int]) -> int:
    """Send one batch of emails; what failed is retried after its backoff (the attempts are
    counted in the database, which also decides when to give up)."""
    sent, retry_at = emails_send(notification_ids=notification_ids)
    if retry_at is not None:
        countdown = max(0.0, (retry_at - timezone.now()).total_seconds())
        logger.info("Retrying part of an email batch in %.1f s.", countdown)
        raise self.retry(args=[notification_ids], countdown=countdown)
    return sent


@shared_task(name="bets.tasks.notifications_periodic", acks_late=True)
def notifications_periodic_task() -> dict[str, int]:
    """Forecast reminders and the staff queue; records the job's heartbeat. Also dispatches
    again the recorded events whose fan-out never committed, and queues emails whose task
    was lost (broker down at commit)."""
    done = notifications_periodic()
    done["events_redispatched"] = events_redispatch()
    queued = emails_queue(emails_due())
    if queued:
        logger.info("Queued %d email batches that were waiting.", queued)
    return done


@shared_task(name="bets.tasks.notifications_digest", acks_late=True)
def notifications_digest_task() -> int:
    return digests_send()
