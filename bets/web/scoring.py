"""Score pages: the leaderboard, the methodology page, and a participant's public page
(track record, scores, calibration; their own API token)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TypedDict

import numpy as np
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from bets.accounts import tokens
from bets.accounts.profiles import profile_public
from bets.claims.aggregation import community_forecast
from bets.common.types import SignedInRequest
from bets.models import Forecast
from bets.scoring import maths as scoring
from bets.scoring import selectors
from bets.web.betting.agreements import participant_agreements_section
from bets.web.betting.sections import bettors_section, participant_betting_section
from bets.web.forms.scoring import LeaderboardFilterForm
from bets.web.plumbing.charts import calibration_chart, cumulative_chart

PAGE_SIZE = 50


def _day_start(day) -> datetime | None:
    """Midnight UTC of `day`; None past the last representable day (no upper bound then)."""
    try:
        return datetime.combine(day, time.min, tzinfo=UTC)
    except OverflowError:
        return None


def leaderboard(request: HttpRequest):
    form = LeaderboardFilterForm(request.GET or None)
    context: dict[str, object] = {
        "form": form, "page": None, "rows": [], "bettors": bettors_section(),
    }
    if form.is_bound and not form.is_valid():
        return render(request, "bets/leaderboard.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    score_type = data.get("score") or "peer"
    until = data.get("until")
    try:
        until_next = _day_start(until + timedelta(days=1)) if until else None
    except OverflowError:
        until_next = None
    since = data.get("since")
    qs = selectors.leaderboard_queryset(
        score_type=score_type,
        tag=data.get("tag") or None,
        since=_day_start(since) if since else None,
        until=until_next,
        min_claims=data.get("min_claims") or 1,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    offset = (page.number - 1) * PAGE_SIZE
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        page=page,
        rows=selectors.leaderboard_rows(page.object_list, offset=offset),
        score_type=score_type,
        query=query.urlencode(),
        lower_is_better=not selectors.LEADERBOARD_TYPES[score_type][2],
    )
    return render(request, "bets/leaderboard.html", context)


class _Example(TypedDict):
    open: float
    close: float
    alice: tuple[float, float]  # (probability, start time)
    bob: tuple[float, float]


# The worked example: a claim open for 10 days that resolves YES on schedule.
# Alice says 80% from day 0; Bob says 40% from day 5. Times in days (the maths is unit-free).
EXAMPLE: _Example = {"open": 0.0, "close": 10.0, "alice": (0.8, 0.0), "bob": (0.4, 5.0)}


def _worked_example() -> dict:
    (pa, sa), (pb, sb) = EXAMPLE["alice"], EXAMPLE["bob"]
    close, total = EXAMPLE["close"], EXAMPLE["close"] - EXAMPLE["open"]
    result = scoring.binary_scores(
        outcome=True,
        open_time=EXAMPLE["open"],
        close_time=close,
        actual_close_time=close,
        participants=np.array([1, 2]),
        probabilities=np.array([pa, pb]),
        start_times=np.array([sa, sb]),
        end_times=np.array([np.inf, np.inf]),
    )
    geo = float(np.sqrt(pa * pb))
    return {
        "pa": pa, "pb": pb, "sb": sb, "total": total,
        "alice": result[1], "bob": result[2],
        "s_alice": 100 * (np.log2(pa) + 1), "s_bob": 100 * (np.log2(pb) + 1),
        "cov_alice": (close - sa) / total, "cov_bob": (close - sb) / total,
        "geo": geo, "both_share": (close - sb) / total,
        "peer_alice_rate": 100 * 2 * np.log(pa / geo), "peer_bob_rate": 100 * 2 * np.log(pb / geo),
        "brier_alice": (pa - 1) ** 2, "brier_bob": (pb - 1) ** 2,
        "log_alice": np.log(pa), "log_bob": np.log(pb),
        "community_two": community_forecast(np.array([pa, pb])),
        "community_three": community_forecast(np.array([0.8, 0.4, 0.6])),
    }


def methodology(request: HttpRequest):
    return render(request, "bets/methodology.html", {"ex": _worked_example()})


User = get_user_model()


def _context(request: HttpRequest, person, *, new_token: str | None = None) -> dict:
    history = list(selectors.participant_score_history(user=person))
    bins = selectors.participant_calibration(user=person)
    own = request.user.is_authenticated and request.user.pk == person.pk
    return {
        "person": person,
        "profile": profile_public(person),
        "own": own,
        "record": selectors.participant_track_record(user=person),
        "history": history,
        "peer_chart": cumulative_chart([s.peer for s in history]),
        "bins": bins,
        "calibration_chart": calibration_chart(bins),
        # The table shows each claim by its title: its other columns stay in the database.
        "forecasts": Forecast.objects.filter(participant=person)
        .select_related("claim")
        .only("probability", "start_time", "end_time", "claim__title")
        .order_by("-start_time")[:100],
        "token": Token.objects.filter(user=person).first() if own else None,
        "new_token": new_token,
        "betting": participant_betting_section(request, person),
        "agreements": participant_agreements_section(request, person),
    }


def participant_detail(request: HttpRequest, username: str):
    person = get_object_or_404(User, username=username, is_active=True)
    return render(request, "bets/participant.html", _context(request, person))


@require_POST
@login_required
def token_create(request: SignedInRequest):
    key = tokens.token_create(user=request.user)
    # Rendered in this response only (not redirected): the key is never shown again.
    context = _context(request, request.user, new_token=key)
    response = render(request, "bets/participant.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def token_revoke(request: SignedInRequest):
    if tokens.token_revoke(user=request.user):
        messages.success(request, "Your API token is revoked; scripts using it stop working.")
    else:
        messages.info(request, "You had no API token.")
    return redirect("participant", username=request.user.username)
