"""Admin for the conversation: comments (hidden with a reason, through the service),
notifications with their email state, follows, profiles, the heartbeats of periodic jobs, and
the events waiting in the outbox. All read-only: writes go through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.text import Truncator

from bets.admin.base import ReadOnlyAdmin, action_with_form
from bets.common.types import SignedInRequest
from bets.conversation.comments import HIDE_REASON_MAX, comment_hide
from bets.models import (
    ClaimFollow,
    Comment,
    EventFanout,
    EventOutbox,
    JobHeartbeat,
    Notification,
    Profile,
)


class HideForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=HIDE_REASON_MAX,
        help_text="Shown in place of the comment, so readers know why it went.")


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["id", "claim", "author", "stance", "vote_count", "created_at", "hidden_at",
                    "deleted_at"]
    list_filter = ["stance", ("hidden_at", admin.EmptyFieldListFilter)]
    list_select_related = ["claim", "author"]
    search_fields = ["body", "author__username"]
    actions = ["hide"]

    @admin.action(description="Hide the selected comments…")
    def hide(self, request: SignedInRequest, queryset):
        """Ask for the reason first."""
        return action_with_form(
            self, request, queryset.select_related("author"), action="hide", title="Hide",
            form_class=HideForm,
            row=lambda c: f"#{c.pk} by {c.author.username}: {Truncator(c.body).chars(120)}",
            call=lambda c, data: comment_hide(comment_id=c.pk, moderator=request.user,
                                              reason=data["reason"]),
            verb="Hid")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "recipient", "kind", "title", "created_at", "read_at",
                    "email_status", "email_attempts", "email_error"]
    list_filter = ["email_status", "kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "key", "title"]
    date_hierarchy = "created_at"


@admin.register(ClaimFollow)
class ClaimFollowAdmin(ReadOnlyAdmin):
    list_display = ["claim", "user", "following", "updated_at"]
    list_filter = ["following"]
    list_select_related = ["claim", "user"]
    search_fields = ["user__username", "claim__title"]


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    list_display = ["user", "display_name", "verified_email", "digest"]
    list_filter = ["digest"]
    search_fields = ["user__username", "display_name"]


@admin.register(JobHeartbeat)
class JobHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_run_at", "detail"]


@admin.register(EventOutbox)
class EventOutboxAdmin(ReadOnlyAdmin):
    """Events whose notifications are not written yet; an old row here is a stuck event."""

    list_display = ["key", "event", "created_at", "dispatched_at", "dispatches"]
    list_filter = ["event"]
    ordering = ["created_at"]


@admin.register(EventFanout)
class EventFanoutAdmin(ReadOnlyAdmin):
    list_display = ["key", "created_at", "recipients"]
    search_fields = ["key"]
