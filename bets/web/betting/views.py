"""Web forms for betting: make an offer, accept one, cancel one. Thin: parse, call the
service, show its message, redirect back to the claim page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bets.betting import offers as offer_services
from bets.claims.selectors import claim_visible_or_404
from bets.common.errors import ServiceError
from bets.common.types import SignedInRequest
from bets.models import Claim, Offer
from bets.web.claims.pages import claim_page_context
from bets.web.forms import parse_percent, percent_question

User = get_user_model()


def _back(claim_id: int):
    return redirect(f"{get_object_or_404(Claim, pk=claim_id).get_absolute_url()}#betting")


# What the offer form posts besides the price: the question's buttons post them again.
OFFER_FIELDS = ("side", "max_stake", "hours", "counterparty", "note")


def _probability(raw) -> float:
    """The offer's price from the form, given in percent like forecasts (60 -> 0.6). An
    ambiguous "0.6" never reaches here unconfirmed: offer_create asks about it first."""
    try:
        value, _has_sign = parse_percent(raw or "")
    except ValidationError:
        raise ServiceError("Give your price in percent, e.g. 60.", field="price") from None
    if not 0.1 <= value <= 99.9:
        raise ServiceError("A price is between 0.1% and 99.9%.", field="price")
    return value / 100


def _hours(value) -> int:
    try:
        hours = int(str(value).strip())
    except ValueError:
        raise ServiceError("Give the expiry in whole hours.", field="hours") from None
    if not 1 <= hours <= 8760:
        raise ServiceError("An offer expires within 1 to 8760 hours.", field="hours")
    return hours


@login_required
@require_POST
def offer_create(request: SignedInRequest, claim_id: int):
    # A hidden claim (proposed, rejected) answers 404 like a missing one, never a redirect
    # that would tell its id exists.
    claim = claim_visible_or_404(claim_id=claim_id, user=request.user)
    data = request.POST
    question = percent_question(data.get("price", ""), confirmed=data.get("confirmed") == "1")
    if question:
        # "0.6" is 60% or 0.6%: ask with one button per reading, each posting the whole
        # offer again, and make no offer until one is chosen (as the forecast form does).
        messages.info(request, "Your offer needs one more answer: see Betting below.")
        context = claim_page_context(request, claim, offer_question={
            "options": question, "fields": {name: data.get(name, "") for name in OFFER_FIELDS},
        })
        return render(request, "bets/claim_detail.html", context)
    try:
        counterparty = None
        if data.get("counterparty", "").strip():
            counterparty = User.objects.filter(username=data["counterparty"].strip()).first()
            if counterparty is None:
                raise ServiceError("No participant by that username.", field="counterparty")
        offer_services.offer_create(
            claim_id=claim_id,
            offerer=request.user,
            side=data.get("side", ""),
            probability=_probability(data.get("price")),
            max_stake=data.get("max_stake", ""),
            expires_at=timezone.now() + timedelta(hours=_hours(data.get("hours", ""))),
            counterparty=counterparty,
            note=data.get("note", ""),
        )
    except ServiceError as exc:
        messages.error(request, f"Offer not made: {exc.message}")
    else:
        messages.success(request, "Offer made; your max stake is reserved.")
    return _back(claim_id)


@login_required
@require_POST
def offer_accept(request: SignedInRequest, offer_id: int):
    offer = get_object_or_404(Offer, pk=offer_id)
    try:
        bet = offer_services.offer_accept(
            offer_id=offer.pk, taker=request.user, stake=request.POST.get("stake", "")
        )
    except ServiceError as exc:
        messages.error(request, f"Not accepted: {exc.message}")
    else:
        your_side = "NO" if bet.offerer_side == "yes" else "YES"
        messages.success(
            request,
            f"Bet matched: you stake {bet.taker_stake} against {bet.offerer_stake}. "
            f"If {your_side} happens you win {bet.offerer_stake}.",
        )
    return _back(offer.claim_id)


@login_required
@require_POST
def offer_cancel(request: SignedInRequest, offer_id: int):
    offer = get_object_or_404(Offer, pk=offer_id)
    try:
        offer_services.offer_cancel(offer_id=offer.pk, actor=request.user)
    except ServiceError as exc:
        messages.error(request, f"Not cancelled: {exc.message}")
    else:
        messages.success(request, "Offer cancelled; its unfilled remainder is back.")
    return _back(offer.claim_id)
