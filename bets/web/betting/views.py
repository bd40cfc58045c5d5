"""Web forms for betting: make an offer, accept one, cancel one. Thin: a Form class parses,
the service decides. A refused offer or stake comes back on the claim page with everything
typed kept and the message beside its field; taking an offer shows exactly what the stake
wins and asks for a confirmation before any credit moves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bets.betting import offers as offer_services
from bets.claims.selectors import claim_visible_or_404
from bets.common.errors import ServiceError
from bets.common.types import SignedInRequest
from bets.models import Claim, Offer
from bets.web.claims.pages import claim_page_context
from bets.web.forms.betting import AcceptForm, OfferForm


def _back(claim_id: int):
    return redirect(f"{get_object_or_404(Claim, pk=claim_id).get_absolute_url()}#betting")


# The service's names for fields the offer form asks for in other words.
FIELD_ALIASES = {"probability": "price", "expires_at": "hours"}


def _form_error(form, exc: ServiceError) -> None:
    """A service's refusal beside the field it names, else at the top of the form."""
    field = FIELD_ALIASES.get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def _claim_page(request: HttpRequest, claim: Claim, status: int, **betting):
    return render(request, "bets/claim_detail.html",
                  claim_page_context(request, claim, betting=betting), status=status)


@login_required
@require_POST
def offer_create(request: SignedInRequest, claim_id: int):
    # A hidden claim (proposed, rejected) answers 404 like a missing one, never a redirect
    # that would tell its id exists.
    claim = claim_visible_or_404(claim_id=claim_id, user=request.user)
    form = OfferForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            offer_services.offer_create(
                claim_id=claim.pk, offerer=request.user, side=data["side"],
                probability=data["price"], max_stake=data["max_stake"],
                expires_at=form.expires_at(), counterparty=data["counterparty"],
                note=data["note"],
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Offer made; your max stake is reserved.")
            return _back(claim.pk)
    # "0.6" is 60% or 0.6%: the page asks, with one button per reading, each posting the
    # whole offer again; no offer is made until one is chosen (as the forecast form does).
    return _claim_page(request, claim, 200 if form.ambiguous else 400, offer_form=form)


@login_required
@require_POST
def offer_accept(request, offer_id: int):
    """Without `confirmed`: the bet this stake would make, to confirm (nothing written).
    With it: the bet, matched by the service, which checks everything again."""
    offer = get_object_or_404(Offer, pk=offer_id)
    claim = claim_visible_or_404(claim_id=offer.claim_id, user=request.user)
    form = AcceptForm.for_offer(offer.pk, request.POST)
    if form.is_valid():
        stake = form.cleaned_data["stake"]
        try:
            if not form.cleaned_data["confirmed"]:
                quote = offer_services.offer_quote(offer_id=offer.pk, taker=request.user,
                                                   stake=stake)
                return _claim_page(request, claim, 200, accept_form=form,
                                   accept_offer_id=offer.pk, quote=quote)
            bet = offer_services.offer_accept(offer_id=offer.pk, taker=request.user,
                                              stake=stake)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            your_side = "NO" if bet.offerer_side == "yes" else "YES"
            messages.success(
                request,
                f"Bet matched: you stake {bet.taker_stake} on {your_side} against "
                f"{bet.offerer_stake}. If {your_side} happens you win {bet.offerer_stake}.",
            )
            return _back(offer.claim_id)
    return _claim_page(request, claim, 400, accept_form=form, accept_offer_id=offer.pk)


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
