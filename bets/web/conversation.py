"""Pages of the conversation: comments and arguments on a claim, votes, follows, the inbox,
notification settings and the one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bets.claims.selectors import claim_visible_or_404
from bets.common.errors import ServiceError
from bets.common.outbox import events_waiting
from bets.common.types import SignedInRequest
from bets.conversation import comments as services
from bets.conversation import preferences, selectors
from bets.conversation.delivery import unsubscribe_read
from bets.conversation.jobs import heartbeats
from bets.conversation.kinds import KINDS
from bets.models import Comment
from bets.web.claims.pages import claim_page_context
from bets.web.forms.conversation import CommentForm
from bets.web.plumbing.common import staff_required

INBOX_PAGE = 50


def notifications_context(request: HttpRequest) -> dict:
    """The unread count in the header; counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: selectors.unread_label(user))}


def _back(claim_id: int, anchor: str = "conversation"):
    return redirect(reverse("claim-detail", args=[claim_id]) + f"#{anchor}")


@require_POST
@login_required
def comment_create(request, claim_id: int):
    """Post a comment or a reply. Refused (too long, too many in a while, a reply to a
    comment that is gone), the claim page comes back with the text kept in its box and the
    reason beside it."""
    claim = claim_visible_or_404(claim_id=claim_id, user=request.user)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_create(
                claim_id=claim.pk, author=request.user, body=form.cleaned_data["body"],
                stance=form.cleaned_data["stance"] or "", parent_id=form.cleaned_data["parent"],
            )
        except ServiceError as exc:
            # The rate limit names no field: its message belongs beside the box too.
            form.add_error(exc.field if exc.field in ("body", "stance") else "body", exc.message)
        else:
            messages.success(request, "Your comment is posted.")
            return _back(claim.pk, f"comment-{comment.pk}")
    context = claim_page_context(request, claim, conversation={"comment_form": form})
    return render(request, "bets/claim_detail.html", context, status=400)


@login_required
def comment_edit(request: SignedInRequest, comment_id: int):
    comment = get_object_or_404(Comment, pk=comment_id)
    claim_visible_or_404(claim_id=comment.claim_id, user=request.user)
    try:  # the form is filled with the text: its author's only, and never a removed one's
        comment = services.comment_for_edit(comment_id=comment.pk, editor=request.user)
    except ServiceError as exc:
        raise PermissionDenied(exc.message) from None
    initial = {"body": comment.body, "stance": comment.stance}
    form = CommentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment_id=comment.pk, editor=request.user,
                                  body=form.cleaned_data["body"],
                                  stance=form.cleaned_data["stance"] or "")
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your comment is updated.")
            return _back(comment.claim_id, f"comment-{comment.pk}")
    form.fields.pop("parent")
    return render(request, "bets/comment_edit.html", {"form": form, "comment": comment},
                  status=400 if form.errors else 200)


def _comment_action(request: HttpRequest, comment_id: int, action, done: str, **kwargs):
    comment = get_object_or_404(Comment, pk=comment_id)
    claim_visible_or_404(claim_id=comment.claim_id, user=request.user)
    try:
        action(comment_id=comment.pk, **kwargs)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(comment.claim_id, f"comment-{comment.pk}")


@require_POST
@login_required
def comment_delete(request: SignedInRequest, comment_id: int):
    return _comment_action(request, comment_id, services.comment_delete,
                           "Your comment is deleted.", actor=request.user)


@require_POST
@login_required
def comment_hide(request: SignedInRequest, comment_id: int):
    return _comment_action(request, comment_id, services.comment_hide, "The comment is hidden.",
                           moderator=request.user, reason=request.POST.get("reason", ""))


@require_POST
@login_required
def comment_vote(request: SignedInRequest, comment_id: int):
    return _comment_action(request, comment_id, services.comment_vote, "Vote counted.",
                           voter=request.user)


@require_POST
@login_required
def claim_follow(request: SignedInRequest, claim_id: int):
    following = request.POST.get("following") != "0"
    try:
        services.claim_follow_set(claim_id=claim_id, user=request.user, following=following)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "You follow this claim." if following
                         else "You no longer follow this claim.")
    return _back(claim_id)


@login_required
def notifications(request: SignedInRequest):
    unread_only = request.GET.get("unread") == "1"
    raw = request.GET.get("before", "")
    before = int(raw) if raw.isdigit() and len(raw) <= 18 else None
    rows, next_before = selectors.inbox_page(user=request.user, before=before,
                                             unread_only=unread_only, size=INBOX_PAGE)
    return render(request, "bets/notifications.html", {
        "rows": rows, "next_before": next_before, "first_page": before is None,
        "unread_only": unread_only})


@require_POST
@login_required
def notifications_read(request: SignedInRequest):
    raw = request.POST.get("id", "")
    ids = [int(raw)] if raw.isdigit() and len(raw) <= 18 else None
    n = preferences.notifications_mark_read(user=request.user, ids=ids)
    messages.success(request, f"{n} notification{'s' if n != 1 else ''} marked read.")
    return redirect("notifications")


@login_required
def notification_settings(request: SignedInRequest):
    if request.method == "POST":
        try:
            preferences.preferences_save(user=request.user, data=request.POST)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("notification-settings")
    return render(request, "bets/notification_settings.html",
                  {"rows": preferences.preferences_for(user=request.user),
                   "digest": preferences.digest_on(user=request.user)})


@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058)
def unsubscribe(request: HttpRequest, token: str):
    found = unsubscribe_read(token)
    if found is None:
        return render(request, "bets/unsubscribe.html", {"invalid": True}, status=400)
    user_id, kind = found
    label = "all Crux emails" if kind == "all" else f"emails about {KINDS[kind].about}"
    if request.method == "POST":
        scope = "all" if request.POST.get("scope") == "all" else kind
        preferences.unsubscribe(user_id=user_id, kind=scope)
        label = "all Crux emails" if scope == "all" else label
        return render(request, "bets/unsubscribe.html", {"done": True, "label": label})
    return render(request, "bets/unsubscribe.html", {"label": label, "token": token})


@staff_required
def notification_status(request: SignedInRequest):
    return render(request, "bets/notification_status.html", {
        "heartbeats": heartbeats(),
        "failed": selectors.failed_emails(),
        "summary": selectors.delivery_summary(),
        "waiting": events_waiting(),
        "now": timezone.now(),
    })
