"""Claim pages: the list, a claim's page and forecasting on it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bets.betting.selectors import claim_last_matched_price, claim_recent_bets
from bets.claims import forecasts as forecast_services
from bets.claims import selectors
from bets.claims import services as claim_services
from bets.claims.listing import ListingQuery, claims_featured, claims_listing
from bets.claims.resolution import claim_still_open
from bets.claims.selectors import claim_visible_or_404
from bets.common.errors import ServiceError
from bets.common.types import SignedInRequest
from bets.models import Claim, Forecast, Score
from bets.models.claims import PERCENT_MAX, PERCENT_MIN
from bets.web.autoresolve.pages import autoresolve_panel
from bets.web.betting.agreements import claim_agreements_section
from bets.web.betting.sections import claim_betting_section
from bets.web.claims.distribution import distribution_section, forecast_distribution_submit
from bets.web.claims.rows import claim_badge
from bets.web.conversation_section import claim_conversation_section
from bets.web.forms.claims import ClaimFilterForm, ForecastForm, StaffResolutionForm, WithdrawForm
from bets.web.plumbing.charts import community_chart, histogram_chart
from bets.web.plumbing.common import WELCOME_KEY

PAGE_SIZE = 20


def _page_link(params: QueryDict, page: int) -> str:
    query = params.copy()
    query["page"] = str(page)
    return "?" + query.urlencode()


def home(request: HttpRequest):
    signed_in = request.user.is_authenticated
    params = request.GET.copy()
    params.pop("page", None)
    filters = ClaimFilterForm(params or None, signed_in=signed_in)
    query = ListingQuery()
    if filters.is_bound and filters.is_valid():
        query = filters.listing_query()
    failed = filters.is_bound and not filters.is_valid()
    page = Paginator(claims_listing(query=query, user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    filtered = any(v for k, v in params.items())
    featured = claims_featured() if not filtered and page.number == 1 else []
    # Sign-up lands here once with a next step; a visitor is told what Crux is.
    welcome = request.session.pop(WELCOME_KEY, None) if signed_in else None
    return render(
        request,
        "bets/home.html",
        {
            "filters": filters,
            "page": page,
            "featured": featured,
            "filtered": filtered,
            "intro": not signed_in and not filtered and page.number == 1,
            "welcome": {"grant": settings.CRUX_STARTING_GRANT} if welcome else None,
            "previous_link": _page_link(params, page.number - 1) if page.has_previous() else "",
            "next_link": _page_link(params, page.number + 1) if page.has_next() else "",
        },
        status=400 if failed else 200,
    )


def _waiting_for(claim: Claim, *, badge: str) -> str:
    """Who the claim waits on once forecasting has closed, said on its page."""
    if badge != "closed":
        return ""
    if claim.resolver_spec:
        after = claim.resolve_after.strftime("%Y-%m-%d %H:%M UTC")
        return (f"Forecasting has closed. This claim is waiting for its automatic resolver, "
                f"which may decide from {after}; a moderator resolves it if the resolver "
                f"cannot.")
    return "Forecasting has closed. This claim is waiting for a moderator to resolve it."


def _resolve_form(user, claim: Claim, form) -> StaffResolutionForm | None:
    """The moderators' Resolve / Annul form, for claims that can still be resolved."""
    if not (user.is_authenticated and user.is_staff):
        return None
    if form is not None:  # a refusal is shown where it was made, whatever the status now
        return form
    if claim.status not in (Claim.Status.OPEN, Claim.Status.CLOSED):
        return None
    return StaffResolutionForm(claim_open=claim_still_open(claim, now=timezone.now()))


def claim_page_context(
    request, claim: Claim, *, forecast_form=None, betting: dict | None = None,
    conversation: dict | None = None, withdraw_question: bool = False, resolve_form=None,
    preview: list | None = None,
) -> dict:
    """Everything claim_detail.html needs, each domain's section composed by its builder;
    the forecast, offer, accept, comment and resolution forms' views render the page with it
    too, when they answer with a question, a confirmation or an error in place (`betting` and
    `conversation` are those sections' form states)."""
    user = request.user
    badge, badge_label = claim_badge(claim, now=timezone.now())
    chart_end = (claim.actual_resolve_time or min(timezone.now(), claim.close_time)).timestamp()
    summary, points = selectors.claim_community_stored(
        claim=claim, start=claim.open_time.timestamp(), end=chart_end
    )
    mine = (
        list(Forecast.objects.filter(claim=claim, participant=user).order_by("-start_time"))
        if user.is_authenticated
        else []
    )
    standing = next((f for f in mine if f.end_time is None), None)
    # The latest forecast ended with none after it: withdrawn. The box and the slider show
    # it, so they agree with each other and with what the person last said.
    withdrawn = mine[0] if mine and standing is None else None
    shown = standing or withdrawn
    bets = claim_recent_bets(claim=claim)  # the betting section's list, read once
    binary = claim.kind == Claim.Kind.BINARY
    mine_steps = [(f.start_time.timestamp(), f.probability) for f in reversed(mine)
                  if f.probability is not None]
    form = forecast_form if binary and forecast_form else ForecastForm(
        initial={"percent": f"{shown.probability * 100:g}" if shown and shown.probability
                 else ""}
    )
    return {
        "distribution": None if binary else distribution_section(
            claim, summary=summary, standing=standing, form=forecast_form, preview=preview),
        "claim": claim,
        "badge": badge,
        "badge_label": badge_label,
        "waiting_for": _waiting_for(claim, badge=badge),
        "resolve_form": _resolve_form(user, claim, resolve_form),
        "tags": claim.tags.all(),
        "clarifications": claim.clarifications.select_related("author"),
        "events": claim.resolution_events.select_related("actor"),
        "community_now": summary.probability if summary else None,
        "history": points,
        "standing_count": summary.forecasters if summary else 0,
        "chart": community_chart(
            points, start=claim.open_time.timestamp(), end=chart_end, mine=mine_steps
        ) if binary else "",
        "histogram": histogram_chart(
            summary.histogram if summary else [],
            mine=standing.probability if standing else None,
        ) if binary else "",
        "last_price": claim_last_matched_price(bets),
        "my_forecasts": mine,
        "standing": standing,
        "withdrawn": withdrawn,
        "slider_value": f"{(shown.probability if shown and shown.probability else 0.5) * 100:g}",
        "percent_min": f"{PERCENT_MIN:g}",
        "percent_max": f"{PERCENT_MAX:g}",
        "accepts_forecasts": claim_services.claim_accepts_forecasts(claim),
        "can_edit": user.is_authenticated
        and (user.is_staff or user.pk == claim.author_id)
        and claim.status in (Claim.Status.PROPOSED, Claim.Status.OPEN),
        "forecast_form": form,
        "scores": Score.objects.filter(claim=claim)
        .select_related("participant")
        .order_by("-peer", "participant__username")
        if claim.status == Claim.Status.RESOLVED
        else [],
        "autoresolve": autoresolve_panel(request, claim),
        "withdraw_question": withdraw_question,
        "betting": claim_betting_section(request, claim, bets=bets, **(betting or {})),
        "agreements": claim_agreements_section(request, claim),
        "conversation": claim_conversation_section(request, claim, **(conversation or {})),
    }


def claim_detail(request: HttpRequest, claim_id: int):
    claim = claim_visible_or_404(claim_id=claim_id, user=request.user)
    return render(request, "bets/claim_detail.html", claim_page_context(request, claim))


@require_POST
@login_required
def forecast_submit(request: SignedInRequest, claim_id: int):
    """Record a forecast given in percent. "0.5" gets the question "Did you mean 50% or
    0.5%?" (a 200 page with both answers as buttons) and records nothing."""
    claim = claim_visible_or_404(claim_id=claim_id, user=request.user)
    if claim.kind != Claim.Kind.BINARY:
        return forecast_distribution_submit(
            request, claim, lambda form, preview: claim_page_context(
                request, claim, forecast_form=form, preview=preview))
    form = ForecastForm(request.POST)
    if form.is_valid():
        try:
            forecast_services.forecast_submit(
                claim_id=claim.pk,
                participant=request.user,
                probability=form.cleaned_data["percent"],
            )
        except ServiceError as exc:
            form.add_error("percent", exc.message)
        else:
            messages.success(request, f"Forecast recorded: {form.cleaned_data['percent']:.1%}.")
            return redirect(f"{claim.get_absolute_url()}#forecast")
    context = claim_page_context(request, claim, forecast_form=form)
    context["question"] = form.ambiguous
    return render(request, "bets/claim_detail.html", context, status=200 if form.ambiguous else 400)


@require_POST
@login_required
def forecast_withdraw(request, claim_id: int):
    """First the question (what withdrawing does, nothing changed), then, confirmed, the
    withdrawal and a message that says what happened."""
    claim = claim_visible_or_404(claim_id=claim_id, user=request.user)
    form = WithdrawForm(request.POST)
    standing = Forecast.objects.filter(claim=claim, participant=request.user,
                                       end_time__isnull=True).exists()
    if standing and not (form.is_valid() and form.cleaned_data["confirmed"]):
        context = claim_page_context(request, claim, withdraw_question=True)
        return render(request, "bets/claim_detail.html", context)
    try:
        withdrawn = forecast_services.forecast_withdraw(claim_id=claim.pk,
                                                        participant=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        shown = f" of {withdrawn.probability:.1%}" if withdrawn.probability is not None else ""
        messages.success(
            request,
            f"Your forecast{shown} is withdrawn. It no longer counts "
            "in the community forecast, and until you forecast again the time counts as "
            "not forecast in your scores. Your history is kept.",
        )
    return redirect(f"{claim.get_absolute_url()}#forecast")
