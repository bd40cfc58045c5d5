"""Auto-resolution on the site: the claim's resolution panel and its form posts.

Each POST is one service call; a service error becomes a message on the page, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from bets.autoresolve import disputes as autoresolve_disputes
from bets.autoresolve import runs as autoresolve
from bets.autoresolve.evidence import artifacts as artifact_services
from bets.autoresolve.evidence.bundles import verify_commands
from bets.autoresolve.evidence.disclosure import attempts_disclose, flag_reason_for
from bets.autoresolve.evidence.measurements import claim_measurement_series, measured_window
from bets.autoresolve.evidence.visibility import claim_evidence, evidence_reader, withheld_summary
from bets.autoresolve.live.selectors import live_progress_attach
from bets.autoresolve.runs import claim_preview_resolver, claim_resolver_deadline
from bets.autoresolve.selectors import claim_attempts, claim_proposals
from bets.claims.selectors import claim_visible_or_404
from bets.common.errors import ServiceError
from bets.common.types import Viewer
from bets.models import Claim, Dispute, ResolutionProposal
from bets.web.autoresolve.evidence import present, present_attempt, pretty_json
from bets.web.autoresolve.evidence_access import artifact_rows
from bets.web.autoresolve.measurement_chart import measurement_chart, measurement_rows
from bets.web.autoresolve.summary import ACTIVE, claim_summary
from resolvers.explain import explain_spec


def _back(request: HttpRequest, claim_id: int) -> HttpResponseRedirect:
    """Back to the page the form was on (the claim page or the resolution page)."""
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        from django.urls import reverse

        target = reverse("claim-resolution", args=[claim_id])
    return HttpResponseRedirect(target)


def _act(request: HttpRequest, claim_id: int, action, success: str) -> HttpResponseRedirect:
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


def measurements_panel(claim: Claim, user: Viewer | None, disclosed: list) -> dict | None:
    """The measured quantity over the claim's runs (chart and table), for a spec with a
    schedule or once two runs measured; None otherwise. `disclosed`: the claim's newest
    attempts as `user` may see them."""
    if not claim.resolver_spec:
        return None
    from resolvers.schedule import period

    every = period(claim.resolver_spec)
    data = claim_measurement_series(claim=claim, user=user, disclosed=disclosed)
    if every is None and len(data["runs"]) < 2:
        return None
    labels, rows = measurement_rows(data)
    return {"every_days": every.days if every else None,
            "next_at": claim.resolver_schedule_next_at,
            "chart": mark_safe(measurement_chart(data)),  # noqa: S308 (built and escaped in measurement_chart)
            "labels": labels, "rows": rows, "what": data["what"], "bar": data["bar"],
            "withheld": data["withheld"]}


def autoresolve_panel(request: HttpRequest, claim: Claim) -> dict:
    """What the claim's auto-resolution section shows: attempts, proposals, files and, on
    ?preview=1 for the author or an admin, a dry run of the resolver (computed here, in the
    view, never while a template renders)."""
    user = request.user
    is_admin = bool(user.is_staff)
    is_author = bool(user.is_authenticated and user.pk == claim.author_id)
    # Evidence and arbiters change only while the claim is undecided (open or closed).
    undecided = claim.status in (Claim.Status.OPEN, Claim.Status.CLOSED)
    can_preview = bool(claim.resolver_spec) and (is_admin or is_author)
    preview = None
    if can_preview and request.GET.get("preview"):
        # What this viewer may see of it: the service applies the disclosure rule.
        found = claim_preview_resolver(claim_id=claim.pk, actor=user)
        preview = {**found, "view": present(verdict=found["verdict"], reason=found["reason"],
                                            measurement=found["measurement"],
                                            evidence=found["evidence"],
                                            lead="Would resolve as", tail=" today")}
    # Each viewer sees of an attempt only what the files it read allow (disclosure).
    evidence = claim_evidence(claim.pk)  # files and arbiters, read once for the whole panel
    # Read once for both the attempts listed (the newest 20) and the measurement chart.
    recent = attempts_disclose(claim_attempts(claim.pk, limit=measured_window()), user,
                               claim=claim, evidence=evidence)
    attempts = recent[:20]
    for attempt in attempts:
        # Shown beside the attempt; computed here, never while the template renders.
        setattr(attempt, "view", present_attempt(attempt, getattr(attempt, "number", None)))  # noqa: B010
    live_progress_attach(attempts)  # live runs: progress per model and condition
    # Every proposal comes from an attempt: a claim without attempts has none.
    proposals = claim_proposals(claim.pk) if recent else []
    dry_run = getattr(claim, "dry_run", None) if claim.resolver_spec else None
    return {
        # Where the resolution stands, in one sentence, from the disclosed attempts.
        "summary": claim_summary(claim, attempts=recent, proposals=proposals,
                                 dry_run=dry_run),
        "spec_words": explain_spec(claim.resolver_spec) if claim.resolver_spec else None,
        "spec_json": pretty_json(claim.resolver_spec) if claim.resolver_spec else "",
        "measurements": measurements_panel(claim, user, recent),
        # The latest scheduled dry run, fetched with the claim (claim_visible_or_404).
        "dry_run": dry_run,
        "attempts": attempts,
        # The pending (or disputed) proposal goes first: it is what a participant acts on.
        "proposals": [p for p in proposals if p.status in ACTIVE],
        "past_proposals": [p for p in proposals if p.status not in ACTIVE],
        "artifacts": artifact_rows(claim, user, evidence=evidence),
        "withheld": withheld_summary(claim, user, evidence=evidence),
        "flag_reason": flag_reason_for(claim, user, evidence=evidence),
        "arbiters": claim.arbiters.order_by("username") if evidence[1] else [],
        "can_set_arbiters": undecided and (is_admin or is_author),
        "can_adjudicate": evidence_reader(user, evidence[1]),
        "deadline": claim_resolver_deadline(claim),
        "is_admin": is_admin,
        "can_preview": can_preview,
        "can_upload": undecided and (is_admin or is_author),
        "can_run": undecided and is_admin and bool(claim.resolver_spec),
        "signed_in": bool(user.is_authenticated),
        "preview": preview,
        # The first of the two commands that re-check an attempt's bundle (the second,
        # crux-verify on the zip, is written beside each attempt).
        "verify_install": verify_commands("")[0],
    }


@require_GET
def claim_resolution(request: HttpRequest, pk: int):
    """The resolution panel on its own page; ?preview=1 adds the dry run."""
    claim = claim_visible_or_404(claim_id=pk, user=request.user)
    return render(request, "bets/claim_resolution.html",
                  {"claim": claim, "autoresolve": autoresolve_panel(request, claim)})


@require_POST
def artifact_upload(request: HttpRequest, pk: int):
    claim = claim_visible_or_404(claim_id=pk, user=request.user)
    upload = request.FILES.get("file")
    return _act(
        request, claim.pk,
        lambda: artifact_services.artifact_upload(
            claim_id=claim.pk, uploader=request.user,
            name=request.POST.get("name") or (upload.name or "" if upload else ""), file=upload,
            visibility=request.POST.get("visibility", "public"),
        ),
        "File uploaded.",
    )


@require_POST
def resolver_run_now(request: HttpRequest, pk: int):
    claim = claim_visible_or_404(claim_id=pk, user=request.user)
    return _act(
        request, claim.pk,
        lambda: autoresolve.claim_run_resolver_now(claim_id=claim.pk, actor=request.user),
        "The resolver is running; its attempt appears below when it finishes.",
    )


@require_POST
def proposal_dispute(request: HttpRequest, pk: int):
    proposal = get_object_or_404(ResolutionProposal, pk=pk)
    claim_visible_or_404(claim_id=proposal.claim_id, user=request.user)
    return _act(
        request, proposal.claim_id,
        lambda: autoresolve_disputes.proposal_dispute(
            proposal_id=proposal.pk, participant=request.user,
            reason=request.POST.get("reason", ""),
        ),
        "Dispute recorded; the outcome will not become final until an admin decides.",
    )


@require_POST
def dispute_adjudicate(request: HttpRequest, pk: int):
    dispute = get_object_or_404(Dispute.objects.select_related("proposal"), pk=pk)
    return _act(
        request, dispute.proposal.claim_id,
        lambda: autoresolve_disputes.dispute_adjudicate(
            dispute_id=dispute.pk, admin=request.user,
            decision=request.POST.get("decision", ""), note=request.POST.get("note", ""),
        ),
        "Dispute decided.",
    )
