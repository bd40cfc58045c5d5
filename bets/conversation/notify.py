"""Writing notifications exactly once, and queueing their emails in batches.

Every notification carries its event's deterministic key; (key, recipient) is unique, and
rows are written with INSERT ... SELECT ... ON CONFLICT DO NOTHING, so a retried task or a
duplicated event writes nothing twice. One statement writes the notifications of all the
followers of a claim (10,000 in well under a second), choosing each row's email state from
the recipient's preference and verified address in the same statement.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from bets.common import sql
from bets.common.dispatch import dispatch_all_on_commit, publish_all
from bets.conversation.kinds import KINDS
from bets.models import EventFanout, Notification

USERS = get_user_model()._meta.db_table
NOTIFICATIONS = Notification._meta.db_table
FANOUTS = EventFanout._meta.db_table


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    url: str = ""
    body: str = ""
    claim_id: int | None = None


def event_claim(key: str) -> bool:
    """Record that the event `key` is being fanned out; False if that already happened.

    Call inside the transaction that writes its notifications: a concurrent duplicate waits
    on the unique key until this one commits, then sees the row and stops."""
    inserted = sql.execute(
        f"INSERT INTO {FANOUTS} (\"key\", created_at, recipients) "  # noqa: S608
        "VALUES (%s, %s, 0) ON CONFLICT (\"key\") DO NOTHING",
        [key, timezone.now()],
    )
    return inserted == 1


def notifications_write(
    *, key: str, message: Message, recipients_sql: str, params: Sequence = (),
    exclude: Sequence[int] = (),
) -> int:
    """Write one notification of `message` for each user id that `recipients_sql` selects
    (as a column named uid), skipping `exclude` and those who switched this kind off.
    Returns the number of rows written (duplicates are not written again)."""
    kind = KINDS[message.kind]
    not_in = ""
    if exclude:
        not_in = f" AND r.uid NOT IN ({', '.join(['%s'] * len(exclude))})"
    # Table names and the recipients' SQL come from code; every value is a parameter.
    statement = f"""
        INSERT INTO {NOTIFICATIONS} (recipient_id, kind, "key", claim_id, title, body, url,
            created_at, email_status, email_attempts, email_error)
        SELECT r.uid, %s, %s, %s, %s, %s, %s, %s,
            CASE WHEN COALESCE(p.channel, %s) = 'email' AND u.email <> ''
                      AND pr.verified_email = u.email
                 THEN (CASE WHEN pr.digest THEN 'digest' ELSE 'pending' END)
                 ELSE 'none' END,
            0, ''
        FROM ({recipients_sql}) r
        JOIN {USERS} u ON u.id = r.uid AND u.is_active
        LEFT JOIN bets_notificationpreference p ON p.user_id = r.uid AND p.kind = %s
        LEFT JOIN bets_profile pr ON pr.user_id = r.uid
        WHERE COALESCE(p.channel, %s) <> 'off'{not_in}
        ON CONFLICT ("key", recipient_id) DO NOTHING
    """  # noqa: S608
    values = [
        message.kind, key, message.claim_id, message.title[:300], message.body,
        message.url[:300], timezone.now(), kind.default,
        *params, message.kind, kind.default, *exclude,
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        written = cursor.rowcount
    sql.execute(
        f"UPDATE {FANOUTS} SET recipients = recipients + %s WHERE \"key\" = %s",  # noqa: S608
        [written, key],
    )
    return written


def notify_users(*, key: str, message: Message, user_ids: Sequence[int]) -> int:
    """Notify a known list of people (an offerer, the people mentioned)."""
    ids = sorted({int(u) for u in user_ids})
    if not ids:
        return 0
    placeholders = " UNION ".join(["SELECT %s AS uid"] * len(ids))
    return notifications_write(key=key, message=message, recipients_sql=placeholders, params=ids)


def pending_email_ids(key: str) -> list[int]:
    return list(
        Notification.objects.filter(key=key, email_status=Notification.Email.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _email_batches(ids: Sequence[int]) -> list[tuple[str, tuple]]:
    size = max(1, settings.CRUX_EMAIL_BATCH)
    return [("bets.tasks.notifications_email_send", (list(ids[i : i + size]),))
            for i in range(0, len(ids), size)]


def emails_queue(ids: Sequence[int]) -> int:
    """Publish the email task for `ids` in batches (one broker connection for all of them);
    returns how many batches went out. A batch lost to a broker outage stays pending and the
    sweep publishes it again."""
    batches = _email_batches(ids)
    return publish_all(batches, what="email batches") if batches else 0


def emails_queue_on_commit(key: str) -> None:
    """Once the fan-out that wrote the event `key`'s notifications commits, queue their
    emails. Call it inside that transaction, after the notifications are written."""
    dispatch_all_on_commit(_email_batches(pending_email_ids(key)), what="email batches")
