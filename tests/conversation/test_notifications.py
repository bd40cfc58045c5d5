"""Notifications: who hears of what, exactly once, with their preferences; the inbox."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from bets.betting.offers import offer_accept, offer_create
from bets.betting.settlement import claim_settle_bets
from bets.claims.forecasts import forecast_submit
from bets.claims.resolution import claim_resolve, claim_unresolve
from bets.claims.services import claim_reject
from bets.conversation import comments as svc
from bets.conversation.delivery import emails_send
from bets.conversation.events import event_notify
from bets.conversation.preferences import preferences_save
from bets.models import EventFanout, Notification, NotificationPreference
from tests.conversation.conftest import verify_email
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _resolve(claim, mod, outcome="yes"):
    claim = claim_resolve(claim_id=claim.pk, outcome=outcome, actor=mod, note="Published")
    return event_notify(event="claim.resolution", object_id=claim.pk, seq=claim.resolution_seq)


def test_a_resolution_notifies_every_follower_once_even_when_the_event_comes_twice(
    claim, ann, bob, cat, mod
):
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.8)
    svc.claim_follow_set(claim_id=claim.pk, user=cat, following=True)
    key = _resolve(claim, mod)
    assert event_notify(event="claim.resolution", object_id=claim.pk, seq=1) == key
    rows = Notification.objects.filter(key=key)
    assert sorted(rows.values_list("recipient__username", flat=True)) == ["ann", "bob", "cat"]
    assert {n.title for n in rows} == {"“Gap widens” resolved YES (Published)"}
    assert EventFanout.objects.get(key=key).recipients == 3


def test_someone_who_unfollowed_hears_nothing(claim, ann, bob, mod):
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.8)
    svc.claim_follow_set(claim_id=claim.pk, user=bob, following=False)
    key = _resolve(claim, mod)
    assert list(Notification.objects.filter(key=key).values_list("recipient", flat=True)) == [
        ann.pk]


def test_unresolving_and_resolving_again_are_each_announced(claim, ann, mod):
    _resolve(claim, mod)
    claim = claim_unresolve(claim_id=claim.pk, actor=mod, note="Wrong table")
    event_notify(event="claim.resolution", object_id=claim.pk, seq=claim.resolution_seq)
    claim = claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    event_notify(event="claim.resolution", object_id=claim.pk, seq=claim.resolution_seq)
    assert list(Notification.objects.filter(recipient=ann).order_by("pk")
                .values_list("kind", flat=True)) == [
        "claim_resolved", "claim_reresolved", "claim_reresolved"]


def test_preferences_choose_between_email_in_app_and_off(claim, ann, bob, cat, mod):
    for person in (bob, cat):
        forecast_submit(claim_id=claim.pk, participant=person, probability=0.5)
    verify_email(ann)
    verify_email(bob)
    preferences_save(user=bob, data={"kind_claim_resolved": "inapp"})
    preferences_save(user=cat, data={"kind_claim_resolved": "off"})
    key = _resolve(claim, mod)
    states = dict(Notification.objects.filter(key=key)
                  .values_list("recipient__username", "email_status"))
    assert states == {"ann": "pending", "bob": "none"}


def test_an_unverified_address_gets_no_email_and_the_digest_waits(claim, ann, bob, mod):
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.5)
    bob.email = "bob@example.org"
    bob.save()
    verify_email(ann)
    preferences_save(user=ann, data={"digest": "on"})
    key = _resolve(claim, mod)
    states = dict(Notification.objects.filter(key=key)
                  .values_list("recipient__username", "email_status"))
    assert states == {"ann": "digest", "bob": "none"}


def test_an_unknown_preference_value_is_refused_and_nothing_is_saved(ann):
    from bets.common.errors import InvalidInput

    with pytest.raises(InvalidInput, match="Unknown choice"):
        preferences_save(user=ann, data={"kind_claim_resolved": "inapp",
                                         "kind_offer_taken": "pigeon"})
    assert not NotificationPreference.objects.exists()


def test_an_email_is_sent_once_even_when_its_batch_is_delivered_twice(claim, ann, mod):
    verify_email(ann)
    key = _resolve(claim, mod)
    ids = list(Notification.objects.filter(key=key).values_list("pk", flat=True))
    assert emails_send(notification_ids=ids) == (1, None)
    assert emails_send(notification_ids=ids) == (0, None)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.org"]
    assert "resolved YES" in message.subject
    assert "/unsubscribe/" in message.body and "/unsubscribe/" in message.extra_headers[
        "List-Unsubscribe"]
    assert Notification.objects.get(pk=ids[0]).email_status == "sent"


def test_mentions_and_replies_notify_the_people_named_but_never_the_author(claim, ann, bob, cat):
    top = svc.comment_create(claim_id=claim.pk, author=ann, body="I say yes")
    reply = svc.comment_create(claim_id=claim.pk, author=bob, parent_id=top.pk,
                               body="No, and @cat agrees with me. @nobody @bob")
    event_notify(event="comment.created", object_id=top.pk)
    event_notify(event="comment.created", object_id=reply.pk)
    got = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert got == [("ann", "comment_reply"), ("cat", "comment_mention")]


def test_an_offer_taken_and_the_bets_settled_tell_the_amounts(claim, ann, bob, mod):
    offer = offer_create(claim_id=claim.pk, offerer=ann, side="yes", probability=0.5,
                         max_stake=100, expires_at=claim.close_time)
    bet = offer_accept(offer_id=offer.pk, taker=bob, stake=40)
    event_notify(event="bet.matched", object_id=bet.pk)
    taken = Notification.objects.get(kind="offer_taken")
    assert taken.recipient == ann and "bob took your offer" in taken.title
    assert "40 credits of yours against 40" in taken.title
    claim = claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    claim_settle_bets(claim_id=claim.pk, seq=claim.resolution_seq)
    event_notify(event="claim.settled", object_id=claim.pk, seq=claim.resolution_seq)
    titles = dict(Notification.objects.filter(kind="bet_settled")
                  .values_list("recipient__username", "title"))
    assert titles == {"ann": "Your bets on “Gap widens” settled YES: won 40 credits",
                      "bob": "Your bets on “Gap widens” settled YES: lost 40 credits"}


def test_a_rejected_proposal_tells_its_author_the_reason(ann, mod):
    from datetime import timedelta

    from django.utils import timezone

    from bets.claims.services import claim_propose

    now = timezone.now()
    claim = claim_propose(author=ann, title="Vague", statement="s", resolution_criteria="c",
                          open_time=now, close_time=now + timedelta(days=3),
                          resolve_after=now + timedelta(days=3))
    claim_reject(claim_id=claim.pk, moderator=mod, note="Criteria are not checkable")
    event_notify(event="claim.reviewed", object_id=claim.pk)
    n = Notification.objects.get(recipient=ann)
    assert n.title == "Your claim “Vague” was rejected: Criteria are not checkable"


def test_an_unknown_event_or_a_vanished_object_writes_nothing(claim):
    assert event_notify(event="no.such.event", object_id=claim.pk) is None
    assert event_notify(event="comment.created", object_id=10**17) is None
    assert not Notification.objects.exists()


# --- inbox, header count, API --------------------------------------------------------------


def test_the_header_counts_unread_and_the_inbox_marks_them_read(client, claim, ann, mod):
    _resolve(claim, mod)
    client.force_login(ann)
    page = client.get(reverse("home")).content.decode()
    assert '<span class="count" aria-label="unread">1</span>' in page
    inbox = client.get(reverse("notifications")).content.decode()
    assert "“Gap widens” resolved YES" in inbox
    client.post(reverse("notifications-read"))
    page = client.get(reverse("home")).content.decode()
    assert 'aria-label="unread"' not in page
    assert Notification.objects.get(recipient=ann).read_at is not None


def test_the_api_lists_only_ones_own_notifications_and_marks_them_read(
    claim, ann, bob, mod, ann_client, bob_client, anon
):
    _resolve(claim, mod)
    body = ann_client.get("/api/notifications/?unread=true").json()
    assert body["count"] == 1 and body["results"][0]["kind"] == "claim_resolved"
    assert bob_client.get("/api/notifications/").json()["count"] == 0
    assert anon.get("/api/notifications/").status_code in (401, 403)
    other = bob_client.post("/api/notifications/read/", {"ids": [body["results"][0]["id"]]},
                            format="json")
    assert other.json() == {"marked": 0}
    assert ann_client.post("/api/notifications/read/", {}, format="json").json() == {"marked": 1}
    assert ann_client.get("/api/notifications/?unread=true").json()["count"] == 0
    bad = ann_client.get("/api/notifications/?unread=perhaps")
    assert bad.status_code == 400


def test_the_notification_settings_page_saves_choices(client, ann):
    client.force_login(ann)
    assert "Your offer is taken" in client.get(reverse("notification-settings")).content.decode()
    client.post(reverse("notification-settings"), {"kind_offer_taken": "off", "digest": "on"})
    assert NotificationPreference.objects.get(user=ann, kind="offer_taken").channel == "off"
    response = client.post(reverse("notification-settings"), {"kind_offer_taken": "x"},
                           follow=True)
    assert "Unknown choice" in response.content.decode()
    assert NotificationPreference.objects.get(user=ann, kind="offer_taken").channel == "off"


def test_staff_see_failed_emails_and_heartbeats_and_others_may_not(client, ann, mod):
    n = Notification.objects.create(recipient=ann, kind="claim_resolved", key="k", title="T",
                                    created_at="2026-01-01T00:00Z", email_status="failed",
                                    email_error="SMTPServerDisconnected: gone", email_attempts=5)
    client.force_login(ann)
    assert client.get(reverse("notification-status")).status_code == 403
    client.force_login(mod)
    page = client.get(reverse("notification-status")).content.decode()
    assert "SMTPServerDisconnected: gone" in page and "forecast_reminders" in page
    assert n.pk


def test_many_users_are_each_notified(claim, mod):
    people = [make_user(f"f{i}") for i in range(30)]
    for p in people:
        svc.claim_follow_set(claim_id=claim.pk, user=p, following=True)
    key = _resolve(claim, mod)
    assert Notification.objects.filter(key=key).count() == 31  # and the author


def test_a_big_inbox_pages_by_cursor_and_the_header_caps_the_count(client, ann):
    from bets.conversation.notify import Message, notify_users

    for i in range(120):
        notify_users(key=f"big:{i}", message=Message("offer_taken", f"Note {i:03d}", "/"),
                     user_ids=[ann.pk])
    client.force_login(ann)
    first = client.get(reverse("notifications")).content.decode()
    assert '<span class="count" aria-label="unread">99+</span>' in first
    assert "Note 119" in first and "Note 070" in first and "Note 069" not in first
    older = re.search(r'href="\?before=(\d+)"', first).group(1)
    second = client.get(reverse("notifications") + f"?before={older}").content.decode()
    assert "Note 069" in second and "Note 070" not in second
    assert client.get(reverse("notifications") + "?before=abc").status_code == 200

