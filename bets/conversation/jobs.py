"""Periodic notification jobs: forecast reminders, the staff queue, the daily digest, and the
heartbeat that lets staff and /healthz notice a job that stopped running."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse
from django.utils import timezone

from bets.conversation.delivery import build_email
from bets.conversation.notify import (
    Message,
    emails_queue_on_commit,
    event_claim,
    notifications_write,
)
from bets.models import Claim, Dispute, JobHeartbeat, Notification, ResolutionAttempt

logger = logging.getLogger(__name__)
USERS = get_user_model()._meta.db_table
STAFF_SQL = f"SELECT id AS uid FROM {USERS} WHERE is_staff AND is_active"  # noqa: S608 (a table name)
REMINDER_JOB = "forecast_reminders"


SCHEDULER = "scheduler"


def heartbeat_record(name: str, detail: str = "", *, now: datetime | None = None) -> None:
    JobHeartbeat.objects.update_or_create(
        name=name, defaults={"last_run_at": now or timezone.now(), "detail": detail[:300]}
    )


def scheduler_started(*, now: datetime | None = None) -> None:
    """Beat records its start (config/celery.py): a job is late only once the periods it
    should have run in have passed since the scheduler that runs it started."""
    heartbeat_record(SCHEDULER, "beat started", now=now)


def _database_created() -> datetime | None:
    """When the first migration was applied: before beat has ever started, a fresh
    deployment's jobs are measured from here, and a deployment whose beat never starts is
    still reported."""
    return (MigrationRecorder.Migration.objects.order_by("applied")
            .values_list("applied", flat=True).first())


def heartbeats(*, now: datetime | None = None) -> list[dict]:
    """Every job expected to beat, when it last ran and whether it is late: stale once three
    of its periods have passed since it last ran, or, if it has not run since, since the
    scheduler last started (or, before beat ever started, since the database was created).
    A fresh deployment is therefore not stale before its jobs were due."""
    now = now or timezone.now()
    expected = {REMINDER_JOB: settings.CRUX_REMINDER_SECONDS}
    seen = {h.name: h for h in JobHeartbeat.objects.filter(
        name__in=[*expected, SCHEDULER])}
    scheduler = seen.get(SCHEDULER)
    started = scheduler.last_run_at if scheduler else _database_created()
    rows = []
    for name, period in expected.items():
        beat = seen.get(name)
        last = beat.last_run_at if beat else None
        since = max((t for t in (last, started) if t is not None), default=None)
        stale = since is None or now - since > timedelta(seconds=3 * period)
        rows.append({"name": name, "last_run_at": last, "stale": stale,
                     "detail": beat.detail if beat else "not run yet"})
    return rows


REMINDER_SQL = """
    SELECT f.participant_id AS uid FROM bets_forecast f
    WHERE f.claim_id = %s AND f.end_time IS NULL AND f.start_time < %s
"""


def _reminders(now: datetime) -> int:
    stale_before = now - timedelta(days=settings.CRUX_REMINDER_STALE_DAYS)
    claims = Claim.objects.filter(
        status=Claim.Status.OPEN, close_time__gt=now, close_time__lte=now + timedelta(hours=24)
    ).only("pk", "title", "close_time")
    written = 0
    for claim in claims:
        # One reminder per claim and close time (a changed close time may remind again).
        key = f"reminder:{claim.pk}:{int(claim.close_time.timestamp())}"
        with transaction.atomic():
            if not event_claim(key):
                continue
            closes = claim.close_time.strftime("%Y-%m-%d %H:%M UTC")
            title = (f"“{claim.title}” closes at {closes}; your forecast is more than "
                     f"{settings.CRUX_REMINDER_STALE_DAYS} days old. Update it?")
            written += notifications_write(
                key=key,
                message=Message("forecast_reminder", title,
                                reverse("claim-detail", args=[claim.pk]), claim_id=claim.pk),
                recipients_sql=REMINDER_SQL, params=[claim.pk, stale_before])
            emails_queue_on_commit(key)
    return written


def _staff(key: str, title: str, url: str, claim_id: int | None = None) -> int:
    with transaction.atomic():
        if not event_claim(key):
            return 0
        n = notifications_write(key=key, message=Message("staff_queue", title, url,
                                claim_id=claim_id), recipients_sql=STAFF_SQL)
        emails_queue_on_commit(key)
        return n


def _staff_queue(now: datetime) -> int:
    """One notification per waiting item, ever (the key names the item)."""
    since = now - timedelta(days=7)
    written = 0
    for claim in Claim.objects.filter(status=Claim.Status.PROPOSED, created_at__gte=since):
        written += _staff(f"staff-proposal:{claim.pk}", f"Proposal waiting: “{claim.title}”",
                          reverse("moderation"), claim.pk)
    for claim in Claim.objects.filter(resolver_flagged_at__gte=since):
        stamp = int(claim.resolver_flagged_at.timestamp())  # type: ignore[union-attr]
        written += _staff(f"staff-flag:{claim.pk}:{stamp}", f"Claim flagged: “{claim.title}”: "
                          f"{claim.resolver_flag_reason[:200]}",
                          reverse("claim-detail", args=[claim.pk]), claim.pk)
    for dispute in Dispute.objects.filter(decision=Dispute.Decision.OPEN,
                                          created_at__gte=since).select_related("proposal"):
        written += _staff(f"staff-dispute:{dispute.pk}", "A dispute waits for adjudication",
                          reverse("claim-detail", args=[dispute.proposal.claim_id]),
                          dispute.proposal.claim_id)
    for attempt in ResolutionAttempt.objects.filter(
        status=ResolutionAttempt.Status.FAILED_PERMANENT, started_at__gte=since
    ):
        written += _staff(f"staff-resolver:{attempt.pk}",
                          f"Resolver failed on claim {attempt.claim_id}",
                          reverse("claim-detail", args=[attempt.claim_id]), attempt.claim_id)
    return written


def notifications_periodic(*, now: datetime | None = None) -> dict[str, int]:
    """The reminder job (every CRUX_REMINDER_SECONDS): reminders, then the staff queue, then
    the heartbeat, recorded last so that it only says 'ran' when the run finished."""
    now = now or timezone.now()
    reminders = _reminders(now)
    staff = _staff_queue(now)
    heartbeat_record(REMINDER_JOB, f"{reminders} reminders, {staff} staff notifications")
    return {"reminders": reminders, "staff": staff}


def digests_send(*, now: datetime | None = None) -> int:
    """Once a day: one email per participant who chose the digest, listing what waited.
    The rows are claimed (digest -> sending) before the send, so a duplicated run sends
    nothing twice."""
    now = now or timezone.now()
    sent = 0
    users = (Notification.objects.filter(email_status=Notification.Email.DIGEST)
             .values_list("recipient_id", flat=True).distinct())
    for user_id in list(users):
        ids = list(Notification.objects.filter(
            recipient_id=user_id, email_status=Notification.Email.DIGEST
        ).order_by("pk").values_list("pk", flat=True)[:200])
        claimed = Notification.objects.filter(
            pk__in=ids, email_status=Notification.Email.DIGEST
        ).update(email_status=Notification.Email.SENDING, email_next_at=now)
        if not claimed:
            continue
        rows = list(Notification.objects.filter(pk__in=ids, email_status="sending")
                    .select_related("recipient"))
        recipient = rows[0].recipient
        lines = [f"- {n.title}" for n in rows] + [
            settings.CRUX_SITE_URL + reverse("notifications")]
        try:
            build_email(to=recipient.email, user_id=user_id, kind="all",
                        subject=f"Crux: {len(rows)} notifications today", lines=lines).send()
        except Exception as exc:
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
                email_status=Notification.Email.DIGEST, email_error=str(exc)[:2000])
            logger.warning("Digest for user %s failed; it will go with tomorrow's.", user_id)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
            email_status=Notification.Email.SENT, email_sent_at=timezone.now())
        sent += 1
    heartbeat_record("digest", f"{sent} digests")
    return sent
