"""The event outbox: events that notify people are recorded with the state change that
caused them, so none is lost between commit and publish.

A write path (a resolution, an accepted offer, a comment, ...) calls `event_publish` inside
its transaction: one INSERT into `EventOutbox`, then `bets.tasks.notify_event` after commit
as before. The fan-out (bets.conversation.events) deletes the row in the transaction that
writes the notifications. A row still there a grace period after its dispatch means the
message never arrived (the process died between commit and publish, the broker refused it,
the worker crashed before the fan-out committed), and `events_redispatch`, run by the
periodic notification job, dispatches it again. The fan-out is idempotent per (event key,
recipient), so dispatching an event that did fan out changes nothing.

It lives here, below every domain, because claims, betting and autoresolve record events
and must not import bets.conversation, which sits above them.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from bets.common import sql
from bets.common.dispatch import dispatch_on_commit, publish_all
from bets.models import EventOutbox

logger = logging.getLogger(__name__)
NOTIFY_TASK = "bets.tasks.notify_event"
TABLE = EventOutbox._meta.db_table


def outbox_key(event: str, object_id: int, seq: int = 0) -> str:
    return f"{event}:{int(object_id)}:{int(seq)}"


def event_publish(*, event: str, object_id: int, seq: int = 0) -> None:
    """Record the event in the caller's transaction and dispatch its fan-out after commit.

    Must run inside the transaction that makes the state change (`transaction.atomic`):
    recorded in a transaction of its own, the event could still be lost, or announce a
    change that rolled back. One INSERT: `offer_accept`, the busiest write path, calls it.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("event_publish must run inside the transaction of its change.")
    now = timezone.now()
    # Recorded twice (it never is today) it stays one row, and one fan-out.
    sql.execute(
        f'INSERT INTO {TABLE} ("key", event, object_id, seq, created_at, dispatched_at, '  # noqa: S608
        "dispatches) VALUES (%s, %s, %s, %s, %s, %s, 1) ON CONFLICT (\"key\") DO NOTHING",
        [outbox_key(event, object_id, seq), event, object_id, seq, now, now],
    )
    dispatch_on_commit(NOTIFY_TASK, event, object_id, seq)


def event_done(*, event: str, object_id: int, seq: int = 0) -> None:
    """The event's fan-out is written: forget it. Call in the fan-out's transaction, so the
    row goes exactly when the notifications commit."""
    sql.execute(f'DELETE FROM {TABLE} WHERE "key" = %s',  # noqa: S608
                [outbox_key(event, object_id, seq)])


def events_due(*, now: datetime | None = None) -> list[EventOutbox]:
    """The oldest recorded events whose fan-out has not committed a grace period
    (CRUX_EVENT_GRACE_SECONDS) after their last dispatch, at most a batch of them."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CRUX_EVENT_GRACE_SECONDS)
    return list(EventOutbox.objects.filter(dispatched_at__lte=cutoff)
                .order_by("dispatched_at", "key")[: max(1, settings.CRUX_EVENT_REDISPATCH_BATCH)])


def events_waiting(*, now: datetime | None = None) -> list[EventOutbox]:
    """For staff: events whose notifications are still not written a grace period after
    their first dispatch (the oldest 50). Normally empty; a row that stays names a stuck
    event (a worker down, or a fan-out that keeps failing)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CRUX_EVENT_GRACE_SECONDS)
    return list(EventOutbox.objects.filter(created_at__lte=cutoff).order_by("created_at")[:50])


def events_stuck(*, now: datetime | None = None) -> int:
    """How many recorded events still have no fan-out after the grace period and three runs
    of the periodic job that re-dispatches them (CRUX_REMINDER_SECONDS apart): more re-sends
    will not help, something is broken (no worker takes notify_event, or its fan-out keeps
    failing). /healthz fails while any is."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CRUX_EVENT_GRACE_SECONDS
                             + 3 * settings.CRUX_REMINDER_SECONDS)
    return EventOutbox.objects.filter(created_at__lte=cutoff).count()


def events_redispatch(*, now: datetime | None = None) -> int:
    """Dispatch the due events again (one broker connection for the batch) and move their
    next try a grace period on; returns how many were dispatched. With the broker down
    nothing is marked, and the next run tries again."""
    now = now or timezone.now()
    due = events_due(now=now)
    count = publish_all([(NOTIFY_TASK, (row.event, row.object_id, row.seq)) for row in due],
                        what="recorded events")
    sent = [row.key for row in due[:count]]  # what was not sent stays due
    if sent:
        logger.info("Dispatched %d recorded events whose fan-out was missing.", len(sent))
        EventOutbox.objects.filter(key__in=sent).update(
            dispatched_at=now, dispatches=F("dispatches") + 1)
    return len(sent)
