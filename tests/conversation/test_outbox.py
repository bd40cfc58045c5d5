"""The event outbox: every event that notifies is recorded with its state change, forgotten
when its fan-out commits, and found again by the periodic job when its dispatch was lost."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bets.betting.offers import offer_accept, offer_create
from bets.betting.settlement import claim_settle_bets
from bets.claims.resolution import claim_resolve
from bets.common.outbox import event_publish, events_due, outbox_key
from bets.conversation import comments as svc
from bets.conversation.events import event_notify
from bets.models import EventFanout, EventOutbox, Notification
from tests.conversation.events import EXPECTED, make_every_event

pytestmark = pytest.mark.django_db


def test_every_kind_of_event_is_recorded_in_the_transaction_of_its_change(claim, ann, bob, mod):
    events = make_every_event(claim=claim, ann=ann, bob=bob, mod=mod)
    assert {e for e, _, _ in events} == {
        "claim.resolution", "claim.reviewed", "bet.matched", "offer.expired", "claim.settled",
        "proposal.created", "dispute.opened", "dispute.decided", "comment.created"}
    recorded = set(EventOutbox.objects.values_list("event", "object_id", "seq"))
    assert set(events) <= recorded


def test_a_change_rolled_back_takes_its_outbox_row_with_it(claim, ann, bob):
    offer = offer_create(claim_id=claim.pk, offerer=ann, side="yes", probability=0.5,
                         max_stake=100, expires_at=claim.close_time)

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        bet = offer_accept(offer_id=offer.pk, taker=bob, stake=40)
        assert EventOutbox.objects.filter(key=outbox_key("bet.matched", bet.pk)).exists()
        raise Abandon  # the acceptance is rolled back: no bet, so no event to announce
    assert not EventOutbox.objects.filter(event="bet.matched").exists()
    assert not offer.bets.exists()


def test_a_fanned_out_event_leaves_the_outbox_and_dispatched_again_changes_nothing(
    claim, ann, bob, mod
):
    offer = offer_create(claim_id=claim.pk, offerer=ann, side="yes", probability=0.5,
                         max_stake=100, expires_at=claim.close_time)
    bet = offer_accept(offer_id=offer.pk, taker=bob, stake=40)
    key = outbox_key("bet.matched", bet.pk)
    assert EventOutbox.objects.filter(key=key).exists()
    fanout = event_notify(event="bet.matched", object_id=bet.pk)
    assert not EventOutbox.objects.filter(key=key).exists()
    before = list(Notification.objects.values_list("pk", "recipient_id", "title"))
    assert event_notify(event="bet.matched", object_id=bet.pk) == fanout
    assert list(Notification.objects.values_list("pk", "recipient_id", "title")) == before
    assert len(before) == 1 and EventFanout.objects.get(key=fanout).recipients == 1
    assert not EventOutbox.objects.filter(key=key).exists()


def test_an_event_is_due_again_only_after_its_grace_period(settings, claim, mod):
    settings.CRUX_EVENT_GRACE_SECONDS = 60
    claim = claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)  # its task never ran
    key = outbox_key("claim.resolution", claim.pk, claim.resolution_seq)
    now = timezone.now()
    assert key not in [e.key for e in events_due(now=now)]  # an in-flight task may still run
    later = now + timedelta(seconds=61)
    assert key in [e.key for e in events_due(now=later)]
    EventOutbox.objects.filter(key=key).update(dispatched_at=later)  # as a re-dispatch does
    assert key not in [e.key for e in events_due(now=later + timedelta(seconds=30))]


def test_the_periodic_job_takes_a_bounded_batch_oldest_first(settings, claim, ann):
    settings.CRUX_EVENT_GRACE_SECONDS = 0
    settings.CRUX_EVENT_REDISPATCH_BATCH = 2
    comments = [svc.comment_create(claim_id=claim.pk, author=ann, body=f"c{i}")
                for i in range(3)]
    # The claim's approval came first.
    assert [(e.event, e.object_id) for e in events_due()] == [
        ("claim.reviewed", claim.pk), ("comment.created", comments[0].pk)]


def test_a_resolution_whose_notification_task_was_lost_is_announced_once(claim, ann, mod):
    claim = claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)  # its task never ran
    [due] = [e for e in events_due(now=timezone.now() + timedelta(minutes=5))
             if e.event == "claim.resolution"]
    for _ in range(2):  # the re-dispatch, and the lost message arriving late after all
        event_notify(event=due.event, object_id=due.object_id, seq=due.seq)
    assert Notification.objects.get(recipient=ann).title == "“Gap widens” resolved NO"


def test_an_event_with_nothing_to_say_leaves_the_outbox_too(claim):
    with transaction.atomic():  # as a write path would, for an object gone before its fan-out
        event_publish(event="comment.created", object_id=10**15)
    assert event_notify(event="comment.created", object_id=10**15) is None
    assert not EventOutbox.objects.filter(event="comment.created").exists()


def test_every_event_fanned_out_notifies_each_recipient_once_whatever_the_deliveries(
    claim, ann, bob, mod
):
    events = make_every_event(claim=claim, ann=ann, bob=bob, mod=mod)
    for _ in range(2):
        for event, object_id, seq in events:
            event_notify(event=event, object_id=object_id, seq=seq)
    got = Counter(Notification.objects.filter(created_at__gte=claim.created_at)
                  .exclude(kind="claim_reviewed", claim=claim)
                  .values_list("recipient__username", "kind"))
    assert got == EXPECTED
    left = set(EventOutbox.objects.values_list("event", "object_id", "seq"))
    assert not left & set(events)


def test_a_settlement_event_is_recorded_with_its_resolution_sequence(claim, ann, bob, mod):
    offer = offer_create(claim_id=claim.pk, offerer=ann, side="yes", probability=0.5,
                         max_stake=100, expires_at=claim.close_time)
    offer_accept(offer_id=offer.pk, taker=bob, stake=40)
    claim = claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    claim_settle_bets(claim_id=claim.pk, seq=claim.resolution_seq)
    assert EventOutbox.objects.filter(
        key=outbox_key("claim.settled", claim.pk, claim.resolution_seq)).exists()


def test_staff_see_an_event_whose_notifications_are_still_not_written(client, claim, mod):
    claim = claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)  # its task never ran
    EventOutbox.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    client.force_login(mod)
    page = client.get(reverse("notification-status")).content.decode()
    assert f"claim.resolution:{claim.pk}:{claim.resolution_seq}" in page
    event_notify(event="claim.resolution", object_id=claim.pk, seq=claim.resolution_seq)
    EventOutbox.objects.all().delete()  # the approval too, as its fan-out would
    page = client.get(reverse("notification-status")).content.decode()
    assert "None: every event" in page


@pytest.mark.django_db(transaction=True)
def test_an_event_published_outside_a_transaction_is_refused_and_nothing_is_recorded():
    """Recorded in a transaction of its own, an event could announce a change that rolled
    back, or be lost with it: event_publish refuses to run outside the change's transaction."""
    with pytest.raises(RuntimeError, match="inside the transaction"):
        event_publish(event="claim.reviewed", object_id=1)
    assert not EventOutbox.objects.exists()
