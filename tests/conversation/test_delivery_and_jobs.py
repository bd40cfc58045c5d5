"""Email failures, unsubscribing, reminders, the staff queue, heartbeats and /healthz."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse
from django.utils import timezone

from bets.claims.forecasts import forecast_submit
from bets.conversation.delivery import emails_due, emails_send, unsubscribe_token
from bets.conversation.jobs import (
    digests_send,
    heartbeats,
    notifications_periodic,
    scheduler_started,
)
from bets.conversation.notify import Message, notify_users
from bets.models import Forecast, JobHeartbeat, Notification, NotificationPreference
from tests.celery_worker import dead_port, publishing_to
from tests.conversation.conftest import verify_email
from tests.factories import make_open_claim

pytestmark = pytest.mark.django_db


def _pending_for(user, key="k1") -> Notification:
    verify_email(user)
    notify_users(key=key, message=Message("offer_taken", "Your offer was taken", "/"),
                 user_ids=[user.pk])
    return Notification.objects.get(key=key, recipient=user)


def test_a_failing_mail_server_is_retried_then_recorded_as_failed(ann, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", dead_port()
    settings.CRUX_EMAIL_MAX_ATTEMPTS = 2
    n = _pending_for(ann)
    sent, retry_at = emails_send(notification_ids=[n.pk])
    n.refresh_from_db()
    assert sent == 0 and retry_at is not None and n.email_status == "pending"
    assert n.email_attempts == 1 and "ConnectionRefusedError" in n.email_error
    assert emails_send(notification_ids=[n.pk]) == (0, None)  # not due yet: nothing tried
    Notification.objects.filter(pk=n.pk).update(email_next_at=timezone.now())
    assert emails_send(notification_ids=[n.pk]) == (0, None)  # the last attempt
    n.refresh_from_db()
    assert n.email_status == "failed" and n.email_attempts == 2


def test_a_send_interrupted_by_a_crash_is_recorded_as_uncertain_not_resent(ann):
    n = _pending_for(ann)
    Notification.objects.filter(pk=n.pk).update(
        email_status="sending", email_next_at=timezone.now() - timedelta(minutes=1))
    assert emails_due() == []
    n.refresh_from_db()
    assert n.email_status == "failed" and "uncertain" in n.email_error
    assert emails_send(notification_ids=[n.pk]) == (0, None) and mail.outbox == []


def test_pending_emails_whose_task_was_lost_are_found_by_the_sweep(ann):
    n = _pending_for(ann)
    assert emails_due() == []  # just written: its task is on the way
    Notification.objects.filter(pk=n.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert emails_due() == [n.pk]


def test_unsubscribing_from_the_email_link_stops_that_kind_and_keeps_the_inbox(client, ann):
    n = _pending_for(ann)
    url = reverse("unsubscribe", args=[unsubscribe_token(user_id=ann.pk, kind="offer_taken")])
    page = client.get(url)
    assert page.status_code == 200 and "Stop emails about your offers being taken" in (
        page.content.decode())
    client.post(url)
    assert NotificationPreference.objects.get(user=ann, kind="offer_taken").channel == "inapp"
    n.refresh_from_db()
    assert n.email_status == "none"  # the unsent one is not sent
    notify_users(key="k2", message=Message("offer_taken", "Again", "/"), user_ids=[ann.pk])
    assert Notification.objects.get(key="k2").email_status == "none"


def test_a_tampered_unsubscribe_link_is_refused_and_changes_nothing(client, ann, bob):
    token = unsubscribe_token(user_id=ann.pk, kind="offer_taken")
    forged = token.replace(token.split(":")[0], unsubscribe_token(
        user_id=bob.pk, kind="offer_taken").split(":")[0])
    for bad in (token[:-3] + "abc", forged, "garbage"):
        response = client.post(reverse("unsubscribe", args=[bad]))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_one_click_post_of_mail_clients_unsubscribes_from_everything(client, ann):
    token = unsubscribe_token(user_id=ann.pk, kind="claim_resolved")
    client.post(reverse("unsubscribe", args=[token]), {"scope": "all"})
    assert set(NotificationPreference.objects.filter(user=ann)
               .values_list("channel", flat=True)) == {"inapp"}


def test_a_reminder_goes_to_stale_forecasters_of_a_claim_closing_within_a_day(ann, bob, cat,
                                                                               mod):
    claim = make_open_claim(author=ann, moderator=mod, title="Closing", days_open=1,
                            opened_ago=timedelta(days=20))
    for person in (bob, cat):
        forecast_submit(claim_id=claim.pk, participant=person, probability=0.4)
    Forecast.objects.filter(participant=bob).update(
        start_time=timezone.now() - timedelta(days=10))
    assert notifications_periodic()["reminders"] == 1
    assert notifications_periodic()["reminders"] == 0  # once per claim and close time
    n = Notification.objects.get(kind="forecast_reminder")
    assert n.recipient == bob and "more than 7 days old" in n.title


def test_staff_hear_of_proposals_waiting_once(ann, mod):
    from bets.claims.services import claim_propose

    now = timezone.now()
    claim_propose(author=ann, title="Waiting", statement="s", resolution_criteria="c",
                  open_time=now, close_time=now + timedelta(days=3),
                  resolve_after=now + timedelta(days=3))
    notifications_periodic()
    notifications_periodic()
    assert list(Notification.objects.filter(kind="staff_queue")
                .values_list("recipient__username", "title")) == [
        ("mod", "Proposal waiting: “Waiting”")]


def test_the_heartbeat_shows_when_the_reminder_job_stopped(settings):
    scheduler_started()
    notifications_periodic()
    assert not heartbeats()[0]["stale"]
    late = timezone.now() + timedelta(seconds=3 * settings.CRUX_REMINDER_SECONDS + 5)
    assert heartbeats(now=late)[0]["stale"]


def test_a_job_not_run_yet_is_stale_only_once_its_periods_since_the_scheduler_started_passed(
    settings,
):
    started = timezone.now() - timedelta(days=1)
    scheduler_started(now=started)
    period = timedelta(seconds=settings.CRUX_REMINDER_SECONDS)
    row = heartbeats(now=started + period)[0]
    assert (row["stale"], row["last_run_at"], row["detail"]) == (False, None, "not run yet")
    assert heartbeats(now=started + 3 * period + timedelta(seconds=1))[0]["stale"]
    # A scheduler restarted after the job had stopped gives it its periods again.
    JobHeartbeat.objects.create(name="forecast_reminders", last_run_at=started - 10 * period)
    assert not heartbeats(now=started + period)[0]["stale"]
    assert heartbeats(now=started + 4 * period)[0]["stale"]


def test_before_beat_ever_started_jobs_are_measured_from_the_database_creation(settings):
    created = MigrationRecorder.Migration.objects.order_by("applied").first().applied
    period = timedelta(seconds=settings.CRUX_REMINDER_SECONDS)
    assert not heartbeats(now=created + period)[0]["stale"]
    assert heartbeats(now=created + 3 * period + timedelta(seconds=1))[0]["stale"]


def test_healthz_reports_the_database_the_broker_and_stale_jobs(client, settings):
    scheduler_started(now=timezone.now() - timedelta(
        seconds=3 * settings.CRUX_REMINDER_SECONDS + 5))
    body = client.get("/healthz")
    assert body.status_code == 503
    assert body.json()["stale_jobs"] == ["forecast_reminders"]
    assert body.json()["database"] == "ok" and body.json()["broker"] == "ok"
    notifications_periodic()
    body = client.get("/healthz")
    assert body.status_code == 200 and body.json()["status"] == "ok"


def test_healthz_is_ok_on_a_fresh_deployment_before_the_reminder_job_was_due(client):
    scheduler_started()
    body = client.get("/healthz")
    assert body.status_code == 200, body.json()
    assert body.json()["jobs"] == [
        {"name": "forecast_reminders", "stale": False, "last_run_at": None}]


def test_healthz_fails_while_an_event_stays_without_its_notifications(client, settings):
    from bets.common.outbox import event_publish
    from bets.models import EventOutbox

    notifications_periodic()
    with transaction.atomic():
        event_publish(event="claim.resolution", object_id=999_999, seq=1)
    # Just recorded (its task may simply not have run yet): not a failure.
    assert client.get("/healthz").json()["stuck_events"] == 0
    EventOutbox.objects.update(created_at=timezone.now() - timedelta(
        seconds=settings.CRUX_EVENT_GRACE_SECONDS + 3 * settings.CRUX_REMINDER_SECONDS + 5))
    body = client.get("/healthz")
    assert body.status_code == 503 and body.json()["stuck_events"] == 1
    assert body.json()["status"] == "failing"


def test_healthz_names_a_broker_that_cannot_be_reached(client, settings):
    notifications_periodic()
    with publishing_to(f"redis://127.0.0.1:{dead_port()}/0"):
        body = client.get("/healthz")
    assert body.status_code == 503 and body.json()["broker"].startswith("error")


def test_the_daily_digest_sends_one_email_listing_the_waiting_notifications(ann):
    from bets.conversation.preferences import preferences_save

    verify_email(ann)
    preferences_save(user=ann, data={"digest": "on"})
    for i in range(3):
        notify_users(key=f"d{i}", message=Message("offer_taken", f"Taken {i}", "/"),
                     user_ids=[ann.pk])
    assert digests_send() == 1 and digests_send() == 0
    assert len(mail.outbox) == 1 and "Taken 2" in mail.outbox[0].body
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}


def test_an_address_changed_after_the_event_gets_no_email(ann):
    n = _pending_for(ann)
    ann.email = "someone-else@example.org"
    ann.save()
    assert emails_send(notification_ids=[n.pk]) == (0, None) and mail.outbox == []
    n.refresh_from_db()
    assert n.email_status == "none"
