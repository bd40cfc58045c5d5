"""The moderators' queue of proposed claims, and resolving or annulling from a claim's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bets.autoresolve import selectors as autoresolve_selectors
from bets.autoresolve.dryrun import spec_dry_run
from bets.claims import resolution, selectors
from bets.claims import services as claim_services
from bets.common.errors import ServiceError
from bets.common.types import SignedInRequest
from bets.models import Claim
from bets.web.claims.pages import claim_page_context
from bets.web.forms.claims import ReviewForm, StaffResolutionForm
from bets.web.plumbing.common import add_service_error, staff_required

REVIEWS = {"approve": claim_services.claim_approve, "reject": claim_services.claim_reject}
VERDICT_WORDS = {"yes": "YES", "no": "NO"}


def decided_today(claim: Claim) -> dict | None:
    """{"verdict", "reason"} when the claim's spec would resolve it today (YES or NO): its
    answer may already be known, so approving it needs the moderator's confirmation. A dry
    run (bets.autoresolve.dryrun): it records nothing."""
    if not claim.resolver_spec:
        return None
    verdict, reason = spec_dry_run(spec=claim.resolver_spec, claim_id=claim.pk)
    if verdict not in VERDICT_WORDS:
        return None
    return {"verdict": VERDICT_WORDS[verdict], "reason": reason}


def _queue(request: SignedInRequest, *, refused: tuple[int, ReviewForm] | None = None,
           status: int = 200):
    """The queue; `refused`: a claim's approve form to show again with its error."""
    items = []
    for claim in selectors.claims_awaiting_review():
        form = refused[1] if refused and refused[0] == claim.pk else None
        items.append({"claim": claim, "decided": decided_today(claim), "form": form})
    return render(request, "bets/moderation.html", {
        "items": items,
        # Automatic resolution waiting on a person: open disputes and flagged claims.
        "open_disputes": list(autoresolve_selectors.disputes_open().order_by("created_at")),
        "flagged_claims": list(autoresolve_selectors.claims_flagged().order_by(
            "resolver_flagged_at")),
    }, status=status)


@staff_required
def moderation_queue(request: SignedInRequest):
    return _queue(request)


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
    if decision == "approve" and not form.cleaned_data["confirm_decided"]:
        decided = decided_today(claim)
        if decided is not None:
            form.add_error("confirm_decided", f"Its spec would resolve it as "
                                              f"{decided['verdict']} today: tick the box to "
                                              "approve a claim whose answer may be known.")
            return _queue(request, refused=(claim.pk, form), status=400)
    try:
        review(claim_id=claim.pk, moderator=request.user, note=note)
    except ServiceError as exc:
        messages.error(request, f"{claim.title}: {exc.message}")
    else:
        verb = "approved" if decision == "approve" else "rejected"
        messages.success(request, f"{claim.title}: {verb}.")
    return redirect("moderation")


@require_POST
@staff_required
def claim_resolve_view(request, claim_id: int):
    """Resolve YES or NO, or annul, through the same services as the admin. A claim still
    open is refused unless the moderator ticked "Close it now"; a refusal comes back on the
    claim's page beside the field it concerns, with what was typed kept."""
    claim = get_object_or_404(Claim, pk=claim_id)
    form = StaffResolutionForm(request.POST,
                               claim_open=resolution.claim_still_open(claim, now=timezone.now()))
    if form.is_valid():
        data = form.cleaned_data
        common = {"claim_id": claim.pk, "actor": request.user, "note": data["note"],
                  "actual_resolve_time": data.get("actual_resolve_time"),
                  "close_early": bool(data.get("close_early"))}
        try:
            if data["decision"] == "annul":
                resolution.claim_annul(**common)
            else:
                resolution.claim_resolve(outcome=data["decision"], **common)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            done = {"yes": "resolved YES", "no": "resolved NO", "annul": "annulled"}
            messages.success(request, f"{claim.title}: {done[data['decision']]}.")
            return redirect(f"{claim.get_absolute_url()}#resolution-record")
    claim.refresh_from_db()
    context = claim_page_context(request, claim, resolve_form=form)
    return render(request, "bets/claim_detail.html", context, status=400)
