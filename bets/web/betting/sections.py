"""The betting sections of the claim, participant and leaderboard pages, as plain data.

The pages' views call these and hand the result to their partial templates
(`{% section "bets/partials/_betting_claim.html" betting %}`), so templates only render.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from bets.betting import selectors as sel
from bets.betting.offers import Quote, claim_accepts_bets
from bets.betting.prices import offerer_stake_for, price_ratio
from bets.models import Bet, Claim
from bets.web.forms.betting import AcceptForm, OfferForm


@dataclass(frozen=True)
class TakeRow:
    """One open offer as a taker sees it: the side they back, at what price, how much, and
    the form that takes it (bound when this is the offer the viewer just tried to take)."""

    row: sel.BookRow
    take_side: str  # the side a taker backs: the opposite of the offerer's
    take_percent: float  # the taker's price for their side, in percent
    max_stake: int  # the most a taker can stake now
    max_win: int  # what that stake wins (the offerer's matching stake)
    per_price_win: float  # staking take_percent credits wins this (100 - take_percent)
    ratio: tuple[int, int]  # the offerer's credits per taker credit, as numerator/denominator
    form: AcceptForm | None = None
    quote: Quote | None = None  # the bet awaiting the viewer's confirmation


@dataclass(frozen=True)
class TakeGroup:
    take_side: str
    rows: list[TakeRow]
    total: int  # what a taker can stake on this side across all its offers


@dataclass(frozen=True)
class OwnOffer:
    """One of the viewer's own open offers, in their words."""

    row: sel.BookRow
    percent: float  # the offerer's price for their side
    could_win: int  # what the unfilled remainder wins if fully taken


def book_groups(book: list[sel.BookRow], *, forms: dict | None = None,
                quote: Quote | None = None) -> list[TakeGroup]:
    """The order book grouped by the side a taker backs, the best (lowest) price for the
    taker first. `forms` maps an offer id to its accept form (others get none)."""
    forms = forms or {}
    groups = []
    for take_side in ("yes", "no"):
        offers = sorted(
            (r for r in book if r.side != take_side),
            key=lambda r: (-r.probability, r.offer.created_at, r.offer.pk),
        )
        rows = []
        for r in offers:
            take_p = 1 - r.probability
            ratio = price_ratio(r.probability)
            rows.append(
                TakeRow(
                    row=r,
                    take_side=take_side,
                    take_percent=round(take_p * 100, 1),
                    max_stake=r.max_taker_stake,
                    max_win=offerer_stake_for(r.probability, r.max_taker_stake),
                    per_price_win=round(100 - take_p * 100, 1),
                    ratio=(ratio.numerator, ratio.denominator),
                    form=forms.get(r.offer.pk),
                    quote=quote if quote and quote.offer.pk == r.offer.pk else None,
                )
            )
        groups.append(TakeGroup(take_side=take_side, rows=rows,
                                total=sum(t.max_stake for t in rows)))
    return groups


def claim_betting_section(
    request: HttpRequest, claim: Claim, *, bets: list[Bet], offer_form: OfferForm | None = None,
    accept_form: AcceptForm | None = None, accept_offer_id: int | None = None,
    quote: Quote | None = None,
) -> dict:
    """The claim page's betting section: the order book by the taker's side (the viewer's
    own offers apart, in their words), the recent bets (read once by the page, which also
    shows the last price), the viewer's balance, and the forms. The offer and accept forms'
    views pass their bound forms (an error or the "60% or 0.6%?" question in place) and the
    quote awaiting confirmation."""
    user = request.user
    signed_in = user.is_authenticated
    book = sel.claim_order_book(claim=claim)
    own = [r for r in book if signed_in and r.offer.offerer_id == user.pk]
    others = [r for r in book if not (signed_in and r.offer.offerer_id == user.pk)]
    forms = {}
    if signed_in:
        for r in others:
            if r.offer.counterparty_id in (None, user.pk):
                forms[r.offer.pk] = AcceptForm.for_offer(r.offer.pk)
        if accept_form is not None and accept_offer_id in forms:
            forms[accept_offer_id] = accept_form
    return {
        "claim": claim,
        "book": book,
        "groups": book_groups(others, forms=forms, quote=quote),
        "own": [OwnOffer(row=r, percent=round(r.probability * 100, 1),
                         could_win=r.max_taker_stake) for r in own],
        # An error on an offer no longer in the book (just filled or cancelled) shows above it.
        "orphan_form": accept_form if accept_form is not None
        and accept_offer_id not in forms else None,
        "bets": bets,
        "last_price": sel.claim_last_matched_price(bets),
        "open": claim_accepts_bets(claim, now=timezone.now()),
        "user": user,
        "signed_in": signed_in,
        "balance": sel.user_balance(user) if user.is_authenticated else None,
        "offer_form": offer_form or OfferForm(),
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
