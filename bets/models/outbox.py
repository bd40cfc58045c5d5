"""The event outbox: an event recorded in the transaction that caused it, until the
notifications it causes are written."""

from django.db import models


class EventOutbox(models.Model):
    """One row per event whose fan-out has not committed yet.

    The write path inserts it in the same transaction as the state change and dispatches
    `bets.tasks.notify_event` after commit; the fan-out deletes it in its own transaction.
    A row that outlives its grace period means the dispatch was lost (process died between
    commit and publish, broker refused the message) and the periodic job dispatches it
    again. Rows leave as soon as their event is fanned out, so the table only ever holds
    events in flight; that is also why it needs no index besides its key (a sequential scan
    of what is in flight is cheap, and the hot write path `offer_accept` pays for one
    index only).
    """

    # "<event>:<object id>:<seq>" (bets.common.outbox.outbox_key): deterministic, so the
    # same event recorded twice is one row.
    key = models.CharField(max_length=120, primary_key=True)
    event = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    seq = models.IntegerField(default=0)
    created_at = models.DateTimeField()
    # When it was last dispatched; the periodic job dispatches it again a grace period later.
    dispatched_at = models.DateTimeField()
    dispatches = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "event outbox"

    def __str__(self) -> str:
        return self.key
