"""The conversation around a claim: comments and arguments, votes, follows, notifications and
their delivery, notification preferences, profiles and the heartbeats of periodic jobs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Comment(models.Model):
    class Stance(models.TextChoices):
        NONE = "", "Comment"
        YES = "yes", "Argument for YES"
        NO = "no", "Argument for NO"

    claim = models.ForeignKey("bets.Claim", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    # One level of replies: a reply's parent is always a top-level comment.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField()
    stance = models.CharField(max_length=3, choices=Stance.choices, blank=True, default="")
    vote_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Deleted by its author: the text is gone, the placeholder keeps the thread readable.
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments_hidden",
    )
    hidden_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["claim", "created_at"]),
            models.Index(fields=["author", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on claim {self.claim_id}"

    @property
    def visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None



class CommentRevision(models.Model):
    """A comment's text before one of its edits."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    stance = models.CharField(max_length=3, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"revision of comment {self.comment_id}"



class CommentVote(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "voter"], name="comment_vote_once")
        ]

    def __str__(self) -> str:
        return f"vote by {self.voter_id} on comment {self.comment_id}"



class ClaimFollow(models.Model):
    """An explicit follow (following=True) or unfollow (False). Authors, forecasters, bettors
    and commenters follow a claim automatically unless a row here says they unfollowed."""

    claim = models.ForeignKey("bets.Claim", on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claim_follows"
    )
    following = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "user"], name="claim_follow_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {'follows' if self.following else 'unfollowed'} {self.claim_id}"



class Notification(models.Model):
    class Email(models.TextChoices):
        NONE = "none", "No email"
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        DIGEST = "digest", "Waiting for the daily digest"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    # The event's deterministic key: with the recipient it is unique, so a retried task or a
    # duplicated event can never write (or email) a notification twice.
    key = models.CharField(max_length=200)
    claim = models.ForeignKey(
        "bets.Claim", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=8, choices=Email.choices, default=Email.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="notification_once")
        ]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["email_status", "email_next_at"],
                condition=Q(email_status__in=["pending", "sending", "digest"]),
                name="notification_email_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"



class NotificationPreference(models.Model):
    """A participant's channel for one kind of notification; no row means the default."""

    class Channel(models.TextChoices):
        EMAIL = "email", "In Crux and by email"
        INAPP = "inapp", "In Crux only"
        OFF = "off", "Off"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.channel}"



class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
        related_name="profile",
    )
    display_name = models.CharField(max_length=60, blank=True)
    bio = models.CharField(max_length=500, blank=True)
    # The address that was verified; a changed email needs verifying again.
    verified_email = models.EmailField(blank=True)
    digest = models.BooleanField(default=False)

    class Meta:
        constraints = [
            # One verified address belongs to one account, whatever its case: a password
            # reset for an address goes to the one account that proved it holds it.
            models.UniqueConstraint(Lower("verified_email"), condition=~Q(verified_email=""),
                                    name="profile_verified_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return f"profile of {self.user_id}"



class JobHeartbeat(models.Model):
    """When a periodic job last ran, so a stopped job is noticed (staff page and /healthz)."""

    name = models.CharField(max_length=80, primary_key=True)
    last_run_at = models.DateTimeField()
    detail = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_run_at}"



class EventFanout(models.Model):
    """One row per event whose notifications were written: a duplicated event stops early.
    (Events whose dispatch was lost are found in the outbox, bets.models.outbox.)"""

    key = models.CharField(max_length=200, primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.key



class AttemptCounter(models.Model):
    """A fixed-window counter for the account limits (bets/accounts/limits.py): log-in
    failures per (username, address) and per address, sign-ups per address. One row per key,
    counted by a single upsert, so parallel requests cannot all read "under the limit"."""

    key = models.CharField(max_length=400, primary_key=True)
    count = models.IntegerField(default=0)
    # Unix seconds when the current window opened: plain integers compare alike on
    # PostgreSQL and SQLite inside the raw upsert.
    window_start = models.BigIntegerField(db_index=True)  # stale counters are pruned by it

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class UsernameKey(models.Model):
    """The look-alike key of a participant's username (bets/accounts/usernames.py), unique:
    two names that render alike (Cyrillic "а" for Latin "a", "1" for "l", an added accent,
    case) cannot both exist, also when two sign-ups race."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                primary_key=True, related_name="username_key")
    key = models.TextField(unique=True)  # a skeleton can be longer than the name

    def __str__(self) -> str:
        return self.key
