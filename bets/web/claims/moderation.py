"""The moderators' queue of proposed claims."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bets.autoresolve import selectors as autoresolve_selectors
from bets.claims import selectors
from bets.claims import services as claim_services
from bets.common.errors import ServiceError
from bets.common.types import SignedInRequest
from bets.models import Claim
from bets.web.forms import ReviewForm
from bets.web.plumbing.common import staff_required

REVIEWS = {"approve": claim_services.claim_approve, "reject": claim_services.claim_reject}


@staff_required
def moderation_queue(request: SignedInRequest):
    return render(request, "bets/moderation.html", {
        "claims": selectors.claims_awaiting_review(),
        # Automatic resolution waiting on a person: open disputes and flagged claims.
        "open_disputes": list(autoresolve_selectors.disputes_open().order_by("created_at")),
        "flagged_claims": list(autoresolve_selectors.claims_flagged().order_by(
            "resolver_flagged_at")),
    })


@require_POST
@staff_required
def claim_review(request: SignedInRequest, claim_id: int, decision: str):
    review = REVIEWS.get(decision)
    if review is None:
        raise PermissionDenied("Unknown decision.")
    claim = get_object_or_404(Claim, pk=claim_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{claim.title}: the note is too long (2000 characters at most).")
        return redirect("moderation")
    note = form.cleaned_data["note"]
    try:
        review(claim_id=claim.pk, moderator=request.user, note=note)
    except ServiceError as exc:
        messages.error(request, f"{claim.title}: {exc.message}")
    else:
        verb = "approved" if decision == "approve" else "rejected"
        messages.success(request, f"{claim.title}: {verb}.")
    return redirect("moderation")
