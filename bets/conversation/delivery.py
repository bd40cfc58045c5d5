"""Email delivery of notifications: once each, retried with backoff, failures recorded.

A batch task claims each pending notification with a compare-and-swap UPDATE (pending ->
sending) whose row count decides which worker sends it, so a batch delivered twice sends
nothing twice. A send that fails goes back to pending with the next attempt's time (the task
retries itself after that delay); after CRUX_EMAIL_MAX_ATTEMPTS it is recorded as failed and
shown to staff. A worker that dies in the middle of a send leaves the row `sending`: the
sweep records it as failed ("delivery uncertain") rather than risk sending it twice.
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from bets.conversation.kinds import KINDS
from bets.models import Notification

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "crux.unsubscribe"
# A send still marked `sending` after this long was interrupted (the SMTP timeout is far
# shorter).
SENDING_LEASE = timedelta(minutes=10)
E = Notification.Email


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """The (user id, kind) a token was made for, or None if it was altered or is garbage."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    kind = data.get("k")
    if kind != "all" and kind not in KINDS:
        return None
    return data["u"], kind


def absolute(path: str) -> str:
    return settings.CRUX_SITE_URL + path if path.startswith("/") else path


def unsubscribe_url(user_id: int, kind: str) -> str:
    return absolute(reverse("unsubscribe", args=[unsubscribe_token(user_id=user_id, kind=kind)]))


def build_email(*, to: str, user_id: int, kind: str, subject: str, lines: Sequence[str],
                connection: BaseEmailBackend | None = None) -> EmailMultiAlternatives:
    unsubscribe = unsubscribe_url(user_id, kind)
    stop = f"Stop emails about {KINDS[kind].about}" if kind in KINDS else (
        "Stop all Crux emails")
    settings_url = absolute(reverse("notification-settings"))
    text = "\n\n".join([*lines, f"{stop}: {unsubscribe}",
                        f"All your notification settings: {settings_url}"])
    return EmailMultiAlternatives(
        subject=subject[:200].replace("\n", " "),
        body=text,
        to=[to],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _message(n: Notification, connection: BaseEmailBackend) -> EmailMultiAlternatives:
    lines = [n.title]
    if n.body:
        lines.append(n.body)
    if n.url:
        lines.append(absolute(n.url))
    return build_email(to=n.recipient.email, user_id=n.recipient_id, kind=n.kind,
                       subject=n.title, lines=lines, connection=connection)


def _still_verified(n: Notification) -> bool:
    profile = getattr(n.recipient, "profile", None)
    return bool(n.recipient.email) and profile is not None and (
        profile.verified_email == n.recipient.email)


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=settings.CRUX_EMAIL_RETRY_SECONDS * 2 ** max(0, attempt - 1))


def _claim(pk: int, now: datetime) -> bool:
    return bool(
        Notification.objects.filter(pk=pk, email_status=E.PENDING)
        .exclude(email_next_at__gt=now)
        .update(email_status=E.SENDING, email_attempts=F("email_attempts") + 1,
                email_next_at=now + SENDING_LEASE)
    )


def _failed(n: Notification, error: str, now: datetime) -> datetime | None:
    """Record a failed attempt; the time of the next one, or None when it was the last."""
    attempts = n.email_attempts + 1
    if attempts >= settings.CRUX_EMAIL_MAX_ATTEMPTS:
        Notification.objects.filter(pk=n.pk, email_status=E.SENDING).update(
            email_status=E.FAILED, email_error=error[:2000], email_next_at=None)
        logger.error("Email for notification %s failed for good: %s", n.pk, error)
        return None
    retry_at = now + backoff(attempts)
    Notification.objects.filter(pk=n.pk, email_status=E.SENDING).update(
        email_status=E.PENDING, email_error=error[:2000], email_next_at=retry_at)
    return retry_at


def emails_send(*, notification_ids: Sequence[int]) -> tuple[int, datetime | None]:
    """Send the pending emails among `notification_ids` over one SMTP connection. Returns
    (how many were sent, when the earliest retry is due or None)."""
    sent, retry_at = 0, None
    connection = None
    try:
        for pk in notification_ids:
            now = timezone.now()
            if not _claim(pk, now):
                continue  # sent, failed, being sent elsewhere, or not due yet
            n = Notification.objects.select_related("recipient__profile").get(pk=pk)
            n.email_attempts -= 1  # the value before this attempt, as _failed expects
            if not _still_verified(n):  # the address changed since: never mail the new one
                Notification.objects.filter(pk=pk, email_status=E.SENDING).update(
                    email_status=E.NONE, email_next_at=None)
                continue
            try:
                if connection is None:
                    connection = get_connection(fail_silently=False)
                    connection.open()
                _message(n, connection).send(fail_silently=False)
            except Exception as exc:  # SMTP refusal, timeout, DNS: all worth a retry
                if connection is not None:
                    connection.close()
                    connection = None
                when = _failed(n, f"{type(exc).__name__}: {exc}", now)
                if when is not None and (retry_at is None or when < retry_at):
                    retry_at = when
                continue
            Notification.objects.filter(pk=pk, email_status=E.SENDING).update(
                # email_error keeps the last failed attempt's error, if any, for the record.
                email_status=E.SENT, email_sent_at=timezone.now(), email_next_at=None)
            sent += 1
    finally:
        if connection is not None:
            connection.close()
    return sent, retry_at


def emails_due(*, now: datetime | None = None, limit: int = 5000) -> list[int]:
    """Pending emails whose time has come (their task was lost or is waiting to retry), after
    recording interrupted sends as failed."""
    now = now or timezone.now()
    Notification.objects.filter(email_status=E.SENDING, email_next_at__lt=now).update(
        email_status=E.FAILED, email_next_at=None,
        email_error="Delivery uncertain: the worker stopped while sending; not resent so "
                    "that nobody gets it twice.")
    stale = now - timedelta(seconds=60)
    return list(
        Notification.objects.filter(email_status=E.PENDING)
        .exclude(email_next_at__gt=now)
        .filter(created_at__lt=stale)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
