"""The claim page's conversation section, as plain data for _conversation.html. Apart from
the conversation's views, which render the claim page (with a refused comment kept in
place) and so import the page that imports this."""

from django.conf import settings
from django.http import HttpRequest

from bets.conversation import selectors
from bets.web.forms.conversation import CommentForm


def claim_conversation_section(request: HttpRequest, claim, *,
                               comment_form: CommentForm | None = None) -> dict:
    """The thread as this viewer may read it, whether they follow the claim, the comment
    length limit, and the comment form (bound, with its error, after a refused comment: a
    reply's form shows open under the comment it answers)."""
    user = request.user
    signed_in = user.is_authenticated
    form = comment_form or CommentForm(auto_id="new-%s")
    reply_to = None
    if comment_form is not None and comment_form.is_bound:
        reply_to = comment_form.data.get("parent") or None
    return {
        "claim": claim,
        "user": user,
        "signed_in": signed_in,
        "thread": selectors.claim_thread(claim_id=claim.pk, user=user),
        "following": selectors.claim_is_followed(claim_id=claim.pk, user=user) if signed_in
        else False,
        "max_chars": settings.CRUX_COMMENT_MAX_CHARS,
        "comment_form": form if reply_to is None else CommentForm(auto_id="new-%s"),
        "reply_form": form if reply_to is not None else None,
        "reply_to": str(reply_to) if reply_to is not None else "",
    }
