"""Inclusion tags that put the betting sections on the claim and participant pages, so the
pages' own views need no betting context."""

from django import template

from bets.betting import selectors as sel
from bets.betting.offers import claim_accepts_bets

register = template.Library()


@register.inclusion_tag("bets/partials/_betting_claim.html", takes_context=True)
def betting_claim(context, claim):
    from django.utils import timezone

    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "claim": claim,
        "book": sel.claim_order_book(claim=claim),
        "bets": list(sel.bets_queryset(claim=claim)[:50]),
        "last_price": sel.claim_last_matched_price(claim=claim),
        "open": claim_accepts_bets(claim, now=timezone.now()),
        "user": user,
        "signed_in": signed_in,
        "balance": sel.user_balance(user) if signed_in else None,
    }


@register.inclusion_tag("bets/partials/_betting_participant.html", takes_context=True)
def betting_participant(context, person):
    request = context.get("request")
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "person": person,
        "is_self": bool(request and request.user.pk == person.pk),
        **sel.participant_betting(user=person),
    }


@register.inclusion_tag("bets/partials/_betting_leaderboard.html")
def bettors_leaderboard(limit=20):
    return {"rows": sel.bettors_leaderboard(limit=limit)}
