"""A participant's public page: track record, scores, calibration; their own API token."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from bets.accounts import tokens
from bets.accounts.profiles import profile_public
from bets.models import Forecast
from bets.scoring import selectors
from bets.web.charts import calibration_chart, cumulative_chart

User = get_user_model()


def _context(request, person, *, new_token: str | None = None) -> dict:
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
    }


def participant_detail(request, username: str):
    person = get_object_or_404(User, username=username, is_active=True)
    return render(request, "bets/participant.html", _context(request, person))


@require_POST
@login_required
def token_create(request):
    key = tokens.token_create(user=request.user)
    # Rendered in this response only (not redirected): the key is never shown again.
    context = _context(request, request.user, new_token=key)
    response = render(request, "bets/participant.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def token_revoke(request):
    if tokens.token_revoke(user=request.user):
        messages.success(request, "Your API token is revoked; scripts using it stop working.")
    else:
        messages.info(request, "You had no API token.")
    return redirect("participant", username=request.user.username)
