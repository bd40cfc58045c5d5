"""The claim page's forecast section for numeric, date and multiple-choice claims: the
community median with its unit, the participant's standing forecast, and the form (a quantile
table, a date ladder or one number per option) with a server-side preview, so it all works
without JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib import messages
from django.shortcuts import redirect, render

from bets.claims.continuous.cdf import cdf_probability_below, cdf_quantile
from bets.claims.continuous.choices import all_options
from bets.claims.continuous.fields import claim_scale
from bets.claims.forecasts import forecast_distribution_parse, forecast_submit_distribution
from bets.common.errors import ServiceError
from bets.common.types import SignedInRequest
from bets.models import Claim, ClaimCommunity, Forecast
from bets.web.forms.claims import DistributionForecastForm


def location_shown(claim: Claim, value: float | None) -> str:
    """A value as the page shows it: a date, or a number with the claim's unit."""
    if value is None:
        return "beyond the range"
    if claim.kind == Claim.Kind.DATE:
        return datetime.fromtimestamp(value, tz=UTC).strftime("%Y-%m-%d")
    return f"{value:.4g}{f' {claim.unit}' if claim.unit else ''}"


def distribution_readout(claim: Claim, cdf: list | None, probabilities: list | None
                         ) -> list[tuple[str, str]]:
    """Plain readouts of a CDF (its 10th, 50th and 90th percentiles, the mass beyond open
    bounds) or of option probabilities, as (what, value) rows."""
    scale = claim_scale(claim)
    if probabilities is not None:
        labels = all_options(claim.options_history or [[None, claim.options or []]])
        return [(label, f"{p:.1%}") for label, p in zip(labels, probabilities, strict=True)
                if p is not None]
    if cdf is None or scale is None:
        return []
    rows = [(f"{q}th percentile" if q != 50 else "Median",
             location_shown(claim, cdf_quantile(cdf, q / 100, scale))) for q in (10, 50, 90)]
    if claim.open_lower_bound:
        below = cdf_probability_below(cdf, scale.range_min, scale)
        rows.append((f"Below {location_shown(claim, scale.range_min)}", f"{below:.1%}"))
    if claim.open_upper_bound:
        above = 1 - cdf_probability_below(cdf, scale.range_max, scale)
        rows.append((f"Above {location_shown(claim, scale.range_max)}", f"{above:.1%}"))
    return rows


def _readout_of(claim: Claim, values: list | None) -> list[tuple[str, str]]:
    if claim.kind == Claim.Kind.MULTIPLE_CHOICE:
        return distribution_readout(claim, None, values)
    return distribution_readout(claim, values, None)


def distribution_section(claim: Claim, *, summary: ClaimCommunity | None,
                         standing: Forecast | None, form: DistributionForecastForm | None,
                         preview: list[tuple[str, str]] | None = None) -> dict:
    """What the forecast and community sections of a non-binary claim show."""
    scale = claim_scale(claim)
    community = summary.distribution if summary else None
    mine = (standing.cdf if standing.cdf is not None else standing.probabilities
            ) if standing else None
    return {
        "kind": claim.get_kind_display(),
        "unit": claim.unit,
        "range": (f"{location_shown(claim, scale.range_min)} to "
                  f"{location_shown(claim, scale.range_max)}") if scale else "",
        "community": _readout_of(claim, community) if community else [],
        "community_median": (location_shown(claim, cdf_quantile(community, 0.5, scale))
                             if community and scale else ""),
        "mine": _readout_of(claim, mine) if mine else [],
        "form": form or DistributionForecastForm(claim=claim),
        "preview": preview,
    }


def forecast_distribution_submit(request: SignedInRequest, claim: Claim, context_for):
    """The forecast form of a non-binary claim: "Preview" shows what would be stored and
    stores nothing; "Forecast" stores it. A refusal stands beside its field, nothing typed
    is lost (`context_for(form, preview)` renders the claim page)."""
    form = DistributionForecastForm(request.POST, claim=claim)
    preview = None
    if form.is_valid():
        try:
            given = form.given()
            if "preview" in request.POST:
                parsed = forecast_distribution_parse(claim, given)
                preview = distribution_readout(claim, parsed.cdf, parsed.probabilities)
            else:
                forecast_submit_distribution(claim_id=claim.pk, participant=request.user,
                                             given=given)
                messages.success(request, "Forecast recorded.")
                return redirect(f"{claim.get_absolute_url()}#forecast")
        except ServiceError as exc:
            form.add_error(form.field_for(exc.field), exc.message)
    return render(request, "bets/claim_detail.html", context_for(form, preview),
                  status=400 if form.errors else 200)
