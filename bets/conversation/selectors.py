"""Reads for the conversation: followers, threads, strongest arguments, inboxes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet

from bets.common import sql
from bets.common.types import AuthUser, Viewer
from bets.models import Comment, CommentVote, Notification

# Who follows a claim: explicit follows, plus (automatically) its author, its forecasters,
# its bettors and offerers and its commenters, minus everyone who unfollowed. One SQL
# statement, so that the notifications of 10,000 followers are written in one INSERT.
FOLLOWERS_SQL = """
    SELECT f.user_id AS uid FROM bets_claimfollow f WHERE f.claim_id = %s AND f.following
    UNION
    SELECT a.uid FROM (
        SELECT c.author_id AS uid FROM bets_claim c WHERE c.id = %s AND c.author_id IS NOT NULL
        UNION SELECT fc.participant_id FROM bets_forecast fc WHERE fc.claim_id = %s
        UNION SELECT o.offerer_id FROM bets_offer o WHERE o.claim_id = %s
        UNION SELECT b.taker_id FROM bets_bet b WHERE b.claim_id = %s
        UNION SELECT cm.author_id FROM bets_comment cm WHERE cm.claim_id = %s
    ) a
    WHERE NOT EXISTS (
        SELECT 1 FROM bets_claimfollow u
        WHERE u.claim_id = %s AND u.user_id = a.uid AND NOT u.following
    )
"""


def followers_sql(claim_id: int) -> tuple[str, list[int]]:
    return FOLLOWERS_SQL, [claim_id] * 7


def claim_follower_ids(*, claim_id: int) -> set[int]:
    query, params = followers_sql(claim_id)
    return {row[0] for row in sql.fetch_all(query, params)}


def claim_is_followed(*, claim_id: int, user: Viewer) -> bool:
    if not user.is_authenticated:
        return False
    query, params = followers_sql(claim_id)
    row = sql.fetch_one(f"SELECT 1 FROM ({query}) x WHERE x.uid = %s", [*params, user.pk])  # noqa: S608
    return row is not None


@dataclass
class Thread:
    arguments_yes: list[Comment] = field(default_factory=list)
    arguments_no: list[Comment] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    count: int = 0


_COMMENT_FIELDS = tuple(f.name for f in Comment._meta.concrete_fields)


def comments_queryset(*, claim_id: int, user: Viewer | None = None) -> QuerySet[Comment]:
    # A comment shows its author by username and display name: the rest of the joined
    # rows stays in the database (it is most of what compiling this query costs).
    qs = (
        Comment.objects.filter(claim_id=claim_id)
        .select_related("author", "author__profile")
        .only(*_COMMENT_FIELDS, "author__username", "author__profile__display_name")
    )
    if user is not None and user.is_authenticated:
        qs = qs.annotate(
            voted=Exists(CommentVote.objects.filter(comment=OuterRef("pk"), voter=user))
        )
    return qs


def claim_thread(*, claim_id: int, user: Viewer | None, strongest: int = 3) -> Thread:
    """Top-level comments oldest first, each with its replies (comment.reply_list), and the
    strongest visible arguments on each side (most up-votes, then oldest)."""
    rows = list(comments_queryset(claim_id=claim_id, user=user).order_by("created_at", "pk"))
    by_parent: dict[int, list[Comment]] = {}
    top: list[Comment] = []
    for c in rows:
        if c.parent_id:
            by_parent.setdefault(c.parent_id, []).append(c)
        else:
            top.append(c)
    for c in top:
        c.reply_list = by_parent.get(c.pk, [])  # type: ignore[attr-defined]

    def best(stance: str) -> list[Comment]:
        side = [c for c in rows if c.stance == stance and c.visible]
        return sorted(side, key=lambda c: (-c.vote_count, c.created_at))[:strongest]

    visible = sum(1 for c in rows if c.visible)
    return Thread(best("yes"), best("no"), top, visible)


UNREAD_CAP = 100


def unread_count(user: Viewer) -> int:
    """Unread notifications, counted up to UNREAD_CAP (the header shows "99+" beyond): a
    participant with thousands unread costs no more than one with a hundred."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True)[:UNREAD_CAP].count()


def unread_label(user: AuthUser) -> str:
    n = unread_count(user)
    return "" if n == 0 else f"{UNREAD_CAP - 1}+" if n >= UNREAD_CAP else str(n)


def inbox_page(*, user: AuthUser, before: int | None, unread_only: bool, size: int = 50
               ) -> tuple[list[Notification], int | None]:
    """One page of the inbox, newest first, older than id `before`; and the cursor of the
    next page (None at the end). Keyset paging: no COUNT over thousands of rows, and page
    1,000 costs what page 1 does."""
    qs = inbox(user=user, unread_only=unread_only)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].pk if more else None)


def inbox(*, user: AuthUser, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user).only(
        "pk", "kind", "title", "body", "url", "created_at", "read_at", "claim_id"
    )
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-pk")


def failed_emails(limit: int = 100) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(email_status=Notification.Email.FAILED)
        .select_related("recipient")
        .order_by("-pk")[:limit]
    )


def delivery_summary() -> dict[str, int]:
    rows = (
        Notification.objects.exclude(email_status=Notification.Email.NONE)
        .values("email_status")
        .annotate(n=Count("pk"))
    )
    return {r["email_status"]: r["n"] for r in rows}
