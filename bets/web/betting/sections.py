"""The betting sections of the claim, participant and leaderboard pages, as plain data.

The pages' views call these and hand the result to their partial templates
(`{% section "bets/partials/_betting_claim.html" betting %}`), so templates only render.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from bets.betting import selectors as sel
from bets.betting.offers import claim_accepts_bets, offerer_stake_for
from bets.models import Bet, Claim


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


def claim_betting_section(
    request: HttpRequest, claim: Claim, *, bets: list[Bet], offer_question: dict | None = None
) -> dict:
    """The claim page's betting section: the order book by the taker's side, the recent
    bets (read once by the page, which also shows the last price), the viewer's balance.
    `offer_question` is set by the offer form's view when a price like "0.6" needs
    "60% or 0.6%?"."""
    user = request.user
    signed_in = user.is_authenticated
    book = sel.claim_order_book(claim=claim)
    return {
        "claim": claim,
        "book": book,
        "groups": book_groups(book),
        "bets": bets,
        "last_price": sel.claim_last_matched_price(bets),
        "open": claim_accepts_bets(claim, now=timezone.now()),
        "user": user,
        "signed_in": signed_in,
        "balance": sel.user_balance(user) if user.is_authenticated else None,
        "offer_question": offer_question,
    }


def participant_betting_section(request: HttpRequest, person) -> dict:
    """A participant page's betting section: their offers, bets, money at risk and profit."""
    return {
        "person": person,
        "is_self": request.user.pk == person.pk,
        **sel.participant_betting(user=person),
    }


def bettors_section(*, limit: int = 20) -> dict:
    """The leaderboard page's table of bettors by realized profit."""
    return {"rows": sel.bettors_leaderboard(limit=limit)}
