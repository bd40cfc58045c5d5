"""Claim pages: the list, proposing a claim, a claim's page and forecasting on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bets.claims import forecasts as forecast_services
from bets.claims import selectors
from bets.claims import services as claim_services
from bets.claims.selectors import claim_visible_or_404
from bets.common.errors import ServiceError
from bets.models import Claim, Forecast, Score
from bets.web.autoresolve import autoresolve_panel
from bets.web.charts import community_chart
from bets.web.common import add_service_error
from bets.web.forms import ClaimFilterForm, ClaimProposeForm, ForecastForm

PAGE_SIZE = 25


def home(request):
    filters = ClaimFilterForm(request.GET or None)
    status, tag = None, None
    if filters.is_bound and filters.is_valid():
        status = filters.cleaned_data["status"] or None
        tag = filters.cleaned_data["tag"] or None
    claims_qs = selectors.claims_for_listing(status=status, tag=tag)
    page = Paginator(claims_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    community = selectors.claims_community_now(c.pk for c in page)
    rows = [(c, community.get(c.pk)) for c in page]
    return render(
        request,
        "bets/home.html",
        {"filters": filters, "rows": rows, "page": page, "status": status, "tag": tag},
        status=400 if filters.errors else 200,
    )


@login_required
def claim_propose(request):
    form = ClaimProposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = claim_services.claim_propose(author=request.user, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Thanks: your claim waits for a moderator's approval.")
            return redirect(claim)
    status = 400 if form.is_bound else 200
    return render(request, "bets/claim_propose.html", {"form": form}, status=status)


def _claim_context(request, claim: Claim, *, forecast_form=None) -> dict:
    user = request.user
    history = selectors.claim_community_history(claim=claim)
    chart_end = (claim.actual_resolve_time or min(timezone.now(), claim.close_time)).timestamp()
    mine = (
        Forecast.objects.filter(claim=claim, participant=user).order_by("-start_time")
        if user.is_authenticated
        else Forecast.objects.none()
    )
    return {
        "claim": claim,
        "tags": claim.tags.all(),
        "clarifications": claim.clarifications.select_related("author"),
        "events": claim.resolution_events.select_related("actor"),
        "community_now": selectors.claims_community_now([claim.pk]).get(claim.pk),
        "history": history,
        "standing_count": Forecast.objects.filter(claim=claim, end_time__isnull=True).count(),
        "chart": community_chart(history, start=claim.open_time.timestamp(), end=chart_end),
        "my_forecasts": mine,
        "standing": selectors.claim_standing_forecast(claim=claim, user=user),
        "accepts_forecasts": claim_services.claim_accepts_forecasts(claim),
        "forecast_form": forecast_form or ForecastForm(),
        "scores": Score.objects.filter(claim=claim)
        .select_related("participant")
        .order_by("-peer", "participant__username"),
        "autoresolve": autoresolve_panel(request, claim),
    }


def claim_detail(request, claim_id: int):
    claim = claim_visible_or_404(claim_id=claim_id, user=request.user)
    return render(request, "bets/claim_detail.html", _claim_context(request, claim))


@require_POST
@login_required
def forecast_submit(request, claim_id: int):
    claim = claim_visible_or_404(claim_id=claim_id, user=request.user)
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
            return redirect(claim)
    context = _claim_context(request, claim, forecast_form=form)
    return render(request, "bets/claim_detail.html", context, status=400)


@require_POST
@login_required
def forecast_withdraw(request, claim_id: int):
    claim = claim_visible_or_404(claim_id=claim_id, user=request.user)
    try:
        forecast_services.forecast_withdraw(claim_id=claim.pk, participant=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your forecast is withdrawn; your history is kept.")
    return redirect(claim)
