"""Comments and arguments on claims: write, reply, edit (15 minutes, history kept), delete,
hide (staff), vote (once per participant), follow and unfollow."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bets.claims.selectors import claim_visible_or_404
from bets.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from bets.common.outbox import event_publish
from bets.common.types import AuthUser, Viewer
from bets.models import ClaimFollow, Comment, CommentRevision, CommentVote

MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")
HIDE_REASON_MAX = 500


def mentioned_usernames(body: str) -> set[str]:
    return {m.rstrip(".") for m in MENTION.findall(body or "") if m.rstrip(".")}


def _require_user(user: Viewer | None) -> None:
    if not (user and user.is_authenticated and user.is_active):
        raise Forbidden("Log in to take part in the conversation.")


def _clean_body(body) -> str:
    if not isinstance(body, str):
        raise InvalidInput("Write a comment.", field="body")
    body = body.strip()
    if not body:
        raise InvalidInput("A comment cannot be empty.", field="body")
    limit = settings.CRUX_COMMENT_MAX_CHARS
    if len(body) > limit:
        raise InvalidInput(
            f"A comment is at most {limit} characters; this one has {len(body)}.", field="body"
        )
    if "\x00" in body:
        raise InvalidInput("A comment cannot contain NUL characters.", field="body")
    return body


def _clean_stance(stance) -> str:
    stance = stance or ""
    if stance not in Comment.Stance.values:
        raise InvalidInput("An argument is for 'yes' or 'no' (or leave it empty).", field="stance")
    return stance


def _check_rate(author) -> None:
    window = timezone.now() - timedelta(seconds=settings.CRUX_COMMENT_RATE_WINDOW)
    recent = Comment.objects.filter(author=author, created_at__gte=window).count()
    if recent >= settings.CRUX_COMMENT_RATE_LIMIT:
        minutes = max(1, settings.CRUX_COMMENT_RATE_WINDOW // 60)
        raise Conflict(
            f"You have written {recent} comments in the last {minutes} minutes, the most "
            "allowed; please wait a little before writing another."
        )


@transaction.atomic
def comment_create(
    *, claim_id: int, author, body, stance="", parent_id: int | None = None
) -> Comment:
    """A comment (or an argument for YES/NO) on a claim the author can see, or a reply to a
    top-level comment of the same claim. Notifies the replied-to and the mentioned."""
    _require_user(author)
    claim = claim_visible_or_404(claim_id=claim_id, user=author)
    body = _clean_body(body)
    stance = _clean_stance(stance)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, claim_id=claim.pk).first()
        if parent is None:
            raise InvalidInput("That comment is not on this claim.", field="parent")
        if parent.parent_id is not None:
            raise InvalidInput("Reply to the top-level comment: replies go one level deep.",
                               field="parent")
        if not parent.visible:
            raise Conflict("That comment was removed; it takes no replies.")
    # Serialise one author's comments so two at once cannot both slip under the rate limit.
    get_user_model().objects.select_for_update().filter(pk=author.pk).first()
    _check_rate(author)
    comment = Comment.objects.create(
        claim=claim, author=author, body=body, stance=stance, parent=parent
    )
    event_publish(event="comment.created", object_id=comment.pk)
    return comment


def _own_comment(comment_id: int, user: AuthUser, *, lock: bool = True) -> Comment:
    rows = Comment.objects.select_for_update() if lock else Comment.objects
    comment = rows.filter(pk=comment_id).first()
    if comment is None:
        raise NotFound("No such comment.")
    if not (user and user.is_authenticated) or comment.author_id != user.pk:
        raise Forbidden("Only its author can change a comment.")
    if comment.deleted_at or comment.hidden_at:
        raise Conflict("This comment was removed; it cannot be changed.")
    return comment


def comment_for_edit(*, comment_id: int, editor) -> Comment:
    """The comment whose text fills its edit form: only for its author, and never once it is
    deleted or hidden (a moderator's hiding must not be undone by reading the form)."""
    _require_user(editor)
    return _own_comment(comment_id, editor, lock=False)


@transaction.atomic
def comment_edit(*, comment_id: int, editor, body, stance=None) -> Comment:
    """Edit within CRUX_COMMENT_EDIT_SECONDS of writing; the earlier text is kept."""
    _require_user(editor)
    comment = _own_comment(comment_id, editor)
    limit = settings.CRUX_COMMENT_EDIT_SECONDS
    if timezone.now() - comment.created_at > timedelta(seconds=limit):
        raise Conflict(f"Comments can be edited for {limit // 60} minutes after writing.")
    body = _clean_body(body)
    stance = comment.stance if stance is None else _clean_stance(stance)
    if body == comment.body and stance == comment.stance:
        return comment
    CommentRevision.objects.create(comment=comment, body=comment.body, stance=comment.stance)
    comment.body, comment.stance, comment.edited_at = body, stance, timezone.now()
    comment.save(update_fields=["body", "stance", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment_id: int, actor: AuthUser) -> Comment:
    """The author removes a comment: its text and history go, a placeholder stays so that
    replies keep their place."""
    _require_user(actor)
    comment = _own_comment(comment_id, actor)
    comment.revisions.all().delete()
    comment.body, comment.deleted_at = "", timezone.now()
    comment.save(update_fields=["body", "deleted_at"])
    return comment


@transaction.atomic
def comment_hide(*, comment_id: int, moderator, reason) -> Comment:
    if not (moderator and moderator.is_authenticated and moderator.is_staff):
        raise Forbidden("Only moderators can hide comments.")
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise InvalidInput("Give the reason for hiding this comment.", field="reason")
    if len(reason) > HIDE_REASON_MAX:
        raise InvalidInput(f"At most {HIDE_REASON_MAX} characters.", field="reason")
    updated = Comment.objects.filter(pk=comment_id, hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_by=moderator, hidden_reason=reason
    )
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise NotFound("No such comment.")
    if not updated:
        raise Conflict("This comment is already hidden.")
    return comment


@transaction.atomic
def comment_vote(*, comment_id: int, voter) -> Comment:
    """One up-vote per participant; never on one's own comment."""
    _require_user(voter)
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise NotFound("No such comment.")
    claim_visible_or_404(claim_id=comment.claim_id, user=voter)
    if comment.author_id == voter.pk:
        raise Forbidden("You cannot vote for your own comment.")
    if not comment.visible:
        raise Conflict("This comment was removed; it takes no votes.")
    try:
        with transaction.atomic():
            CommentVote.objects.create(comment=comment, voter=voter)
    except IntegrityError:
        raise Conflict("You already voted for this comment.") from None
    Comment.objects.filter(pk=comment.pk).update(vote_count=F("vote_count") + 1)
    comment.refresh_from_db(fields=["vote_count"])
    return comment


@transaction.atomic
def claim_follow_set(*, claim_id: int, user: AuthUser, following: bool) -> ClaimFollow:
    """Follow or unfollow a claim. An unfollow is remembered, so proposing, forecasting,
    betting or commenting later does not follow it again."""
    _require_user(user)
    claim = claim_visible_or_404(claim_id=claim_id, user=user)
    follow, _ = ClaimFollow.objects.update_or_create(
        claim=claim, user=user, defaults={"following": following}
    )
    return follow
