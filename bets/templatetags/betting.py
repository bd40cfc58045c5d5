"""Inclusion tags that put the betting sections on the claim and participant pages, so the
pages' own views need no betting context."""

from dataclasses import dataclass

from django import template
from django.utils import timezone

from bets.betting import selectors as sel
from bets.betting.offers import claim_accepts_bets, offerer_stake_for

register = template.Library()


@dataclass(frozen=True)
class TakeRow:
    """One open offer as its taker sees it: the side they back, at what price, how much."""

    row: sel.BookRow
    take_side: str  # the side a taker backs: the opposite of the offerer's
    take_percent: float  # the taker's price for their side, in percent
    max_stake: int  # the most a taker can stake now
    max_win: int  # what that stake wins (the offerer's matching stake)
    per_price_win: float  # staking take_percent credits wins this (100 - take_percent)
    depth: int  # taker stake available at this price or better, this row included


@dataclass(frozen=True)
class TakeGroup:
    take_side: str
    rows: list[TakeRow]
    depth: int


def book_groups(book: list[sel.BookRow]) -> list[TakeGroup]:
    """The order book grouped by the side a taker backs, the best (lowest) price for the
    taker first, with the stake available at each price or better (depth)."""
    groups = []
    for take_side in ("yes", "no"):
        offers = sorted(
            (r for r in book if r.side != take_side),
            key=lambda r: (-r.probability, r.offer.created_at, r.offer.pk),
        )
        rows, depth = [], 0
        for r in offers:
            depth += r.max_taker_stake
            take_p = 1 - r.probability
            rows.append(
                TakeRow(
                    row=r,
                    take_side=take_side,
                    take_percent=round(take_p * 100, 1),
                    max_stake=r.max_taker_stake,
                    max_win=offerer_stake_for(r.probability, r.max_taker_stake),
                    per_price_win=round(100 - take_p * 100, 1),
                    depth=depth,
                )
            )
        groups.append(TakeGroup(take_side=take_side, rows=rows, depth=depth))
    return groups


@register.inclusion_tag("bets/partials/_betting_claim.html", takes_context=True)
def betting_claim(context, claim):
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    book = sel.claim_order_book(claim=claim)
    # The claim page's view has read them already, for the last price beside the community.
    bets = context["claim_bets"] if "claim_bets" in context else sel.claim_recent_bets(claim=claim)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "claim": claim,
        "book": book,
        "groups": book_groups(book),
        "bets": bets,
        "last_price": sel.claim_last_matched_price(bets),
        "open": claim_accepts_bets(claim, now=timezone.now()),
        "user": user,
        "signed_in": signed_in,
        "balance": sel.user_balance(user) if signed_in else None,
        # Set by the offer form's view when a price like "0.6" needs "60% or 0.6%?".
        "offer_question": context.get("offer_question"),
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


@register.filter
def other_side(side: str) -> str:
    return "no" if side == "yes" else "yes"
