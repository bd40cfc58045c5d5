"""Auto-resolution on the site: the claim's resolution panel and its form posts.

Each POST is one service call; a service error becomes a message on the page, never a 500.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from bets import selectors
from bets.errors import ServiceError
from bets.models import Claim, Dispute, ResolutionProposal
from bets.services import artifacts as artifact_services
from bets.services import autoresolve, autoresolve_disputes

MAX_ID = 2**63 - 1


def _claim_or_404(pk: int) -> Claim:
    claim = Claim.objects.filter(pk=pk).first() if pk <= MAX_ID else None
    if claim is None:
        raise Http404
    return claim


def _back(request, claim_id: int) -> HttpResponseRedirect:
    """Back to the page the form was on (the claim page or the resolution page)."""
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        from django.urls import reverse

        target = reverse("claim-resolution", args=[claim_id])
    return HttpResponseRedirect(target)


def _act(request, claim_id: int, action, success: str) -> HttpResponseRedirect:
    if not request.user.is_authenticated:
        messages.error(request, "Sign in first.")
        return _back(request, claim_id)
    try:
        action()
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return _back(request, claim_id)


@require_GET
def claim_resolution(request, pk: int):
    """The resolution panel on its own page; ?preview=1 adds the dry run."""
    claim = _claim_or_404(pk)
    if not selectors.claim_visible_to(claim, request.user):
        raise Http404
    return render(request, "bets/claim_resolution.html", {"claim": claim})


@require_POST
def artifact_upload(request, pk: int):
    claim = _claim_or_404(pk)
    upload = request.FILES.get("file")
    return _act(
        request, claim.pk,
        lambda: artifact_services.artifact_upload(
            claim_id=claim.pk, uploader=request.user,
            name=request.POST.get("name") or (upload.name if upload else ""), file=upload,
        ),
        "File uploaded.",
    )


@require_POST
def resolver_run_now(request, pk: int):
    claim = _claim_or_404(pk)
    return _act(
        request, claim.pk,
        lambda: autoresolve.claim_run_resolver_now(claim_id=claim.pk, actor=request.user),
        "The resolver is running; its attempt appears below when it finishes.",
    )


@require_POST
def proposal_dispute(request, pk: int):
    proposal = ResolutionProposal.objects.filter(pk=pk).first() if pk <= MAX_ID else None
    if proposal is None:
        raise Http404
    return _act(
        request, proposal.claim_id,
        lambda: autoresolve_disputes.proposal_dispute(
            proposal_id=proposal.pk, participant=request.user,
            reason=request.POST.get("reason", ""),
        ),
        "Dispute recorded; the outcome will not become final until an admin decides.",
    )


@require_POST
def dispute_adjudicate(request, pk: int):
    dispute = Dispute.objects.select_related("proposal").filter(pk=pk).first() \
        if pk <= MAX_ID else None
    if dispute is None:
        raise Http404
    return _act(
        request, dispute.proposal.claim_id,
        lambda: autoresolve_disputes.dispute_adjudicate(
            dispute_id=dispute.pk, admin=request.user,
            decision=request.POST.get("decision", ""), note=request.POST.get("note", ""),
        ),
        "Dispute decided.",
    )


def autoresolve_urlpatterns():
    from django.urls import path

    return [
        path("claims/<int:pk>/resolution/", claim_resolution, name="claim-resolution"),
        path("claims/<int:pk>/artifacts/upload/", artifact_upload, name="artifact-upload"),
        path("claims/<int:pk>/resolver/run/", resolver_run_now, name="resolver-run-now"),
        path("proposals/<int:pk>/dispute/", proposal_dispute, name="proposal-dispute"),
        path("disputes/<int:pk>/adjudicate/", dispute_adjudicate, name="dispute-adjudicate"),
    ]
