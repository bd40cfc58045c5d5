"""Live runs on the site: an admin's cancel button (the progress itself is in the claim's
resolution panel, bets/templates/bets/partials/_live_progress.html)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bets.autoresolve.live.finish import live_run_cancel
from bets.common.errors import ServiceError
from bets.models import LiveRun


@require_POST
def live_run_cancel_view(request: HttpRequest, pk: int):
    run = get_object_or_404(LiveRun, pk=pk)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("claim-resolution", args=[run.claim_id])
    try:
        live_run_cancel(run_id=run.pk, actor=request.user,
                        reason=(request.POST.get("reason") or "")[:500])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The live run was cancelled.")
    return HttpResponseRedirect(target)
