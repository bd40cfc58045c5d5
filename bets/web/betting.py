"""Web forms for betting: make an offer, accept one, cancel one. Thin: parse, call the
service, show its message, redirect back to the claim page."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from bets.betting import offers as offer_services
from bets.common.errors import ServiceError
from bets.models import Claim, Offer

User = get_user_model()


def _back(claim_id: int):
    return redirect(f"{get_object_or_404(Claim, pk=claim_id).get_absolute_url()}#betting")


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
def offer_create(request, claim_id: int):
    data = request.POST
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
            probability=data.get("probability", ""),
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
def offer_accept(request, offer_id: int):
    offer = get_object_or_404(Offer, pk=offer_id)
    try:
        bet = offer_services.offer_accept(
            offer_id=offer.pk, taker=request.user, stake=request.POST.get("stake", "")
        )
    except ServiceError as exc:
        messages.error(request, f"Not accepted: {exc.message}")
    else:
        messages.success(
            request, f"Bet matched: you stake {bet.taker_stake} against {bet.offerer_stake}."
        )
    return _back(offer.claim_id)


@login_required
@require_POST
def offer_cancel(request, offer_id: int):
    offer = get_object_or_404(Offer, pk=offer_id)
    try:
        offer_services.offer_cancel(offer_id=offer.pk, actor=request.user)
    except ServiceError as exc:
        messages.error(request, f"Not cancelled: {exc.message}")
    else:
        messages.success(request, "Offer cancelled; its unfilled remainder is back.")
    return _back(offer.claim_id)
