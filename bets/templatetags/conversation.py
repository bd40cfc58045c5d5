"""The conversation section of a claim's page, so the claim view needs no comment context."""

from django import template
from django.conf import settings

from bets.conversation import selectors

register = template.Library()


@register.inclusion_tag("bets/partials/_conversation.html", takes_context=True)
def conversation_claim(context, claim):
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    thread = selectors.claim_thread(claim_id=claim.pk, user=user)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "claim": claim,
        "user": user,
        "signed_in": signed_in,
        "thread": thread,
        "following": selectors.claim_is_followed(claim_id=claim.pk, user=user) if signed_in
        else False,
        "max_chars": settings.CRUX_COMMENT_MAX_CHARS,
    }
