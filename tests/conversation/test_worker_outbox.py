"""A real worker on Redis: events whose dispatch was lost, of every kind, reach each recipient
once through the periodic job; an event dispatched twice more still notifies once."""

from collections import Counter
from datetime import timedelta

import pytest
import redis
from django.conf import settings

from bets.conversation import comments as svc
from bets.models import EventFanout, EventOutbox, Notification
from config.celery import app
from tests.celery_worker import WorkerProcess, dead_port, publishing_to, wait_for
from tests.conversation.events import EXPECTED, make_every_event
from tests.factories import make_open_claim, make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _drained() -> bool:
    r = redis.Redis.from_url(settings.REDIS_URL)
    return r.llen("default") == 0 and r.hlen("unacked") == 0


def _got() -> Counter:
    return Counter(Notification.objects.values_list("recipient__username", "kind"))


def test_lost_dispatches_of_every_kind_are_delivered_once_by_the_periodic_job(tmp_path):
    ann, bob, mod = make_user("ann"), make_user("bob"), make_user("mod", staff=True)
    claim = make_open_claim(author=ann, moderator=mod, title="Gap widens",
                            opened_ago=timedelta(days=2))
    # Every event is committed and published while no worker runs; starting the worker
    # flushes Redis, so the broker loses every message, as it would losing its data.
    events = make_every_event(claim=claim, ann=ann, bob=bob, mod=mod)
    # And one more whose publish the broker refuses outright.
    with publishing_to(f"redis://127.0.0.1:{dead_port()}/0"):
        refused = svc.comment_create(claim_id=claim.pk, author=bob, body="@ann look at the log")
    events.append(("comment.created", refused.pk, 0))
    assert set(events) <= set(EventOutbox.objects.values_list("event", "object_id", "seq"))

    worker = WorkerProcess(log_dir=tmp_path, extra_env={"CRUX_EVENT_GRACE_SECONDS": "0"})
    worker.start(flush=True)
    try:
        assert not Notification.objects.exists()
        app.send_task("bets.tasks.notifications_periodic")
        wait_for(lambda: not EventOutbox.objects.exists() and _drained(), timeout=90,
                 message=f"events left in the outbox:\n{worker.log()[-3000:]}")
        first = _got()
        # Each event dispatched twice more, and the periodic job again (nothing is due).
        for _ in range(2):
            for event, object_id, seq in events:
                app.send_task("bets.tasks.notify_event", args=(event, object_id, seq))
        app.send_task("bets.tasks.notifications_periodic")
        wait_for(_drained, timeout=60, message=f"queue not drained:\n{worker.log()[-3000:]}")
    finally:
        worker.stop()
    # ann also heard that "Gap widens" was approved, and was mentioned in the refused one.
    assert first == EXPECTED + Counter({("ann", "claim_reviewed"): 1,
                                        ("ann", "comment_mention"): 1})
    assert _got() == first
    assert EventFanout.objects.filter(key=f"comment:{refused.pk}").get().recipients == 1
