"""Pages for non-public evidence: download a file (signed link), reveal it, name arbiters.

Each POST is one service call; a refusal becomes a message on the claim's resolution page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bets.autoresolve.evidence.visibility import (
    artifact_download_token,
    artifact_open,
    artifact_readable_by,
    artifact_visibility_widen,
    claim_evidence,
)
from bets.claims.arbiters import claim_arbiters_set
from bets.claims.selectors import claim_visible_or_404
from bets.common.errors import Forbidden, NotFound, ServiceError
from bets.common.types import Viewer
from bets.models import ArtifactAccess, Claim, ClaimArtifact


@dataclass(frozen=True)
class ArtifactRow:
    """One file as the claim page lists it for one viewer."""

    artifact: ClaimArtifact
    readable: bool  # this viewer may download it
    download_url: str  # signed for this viewer when the file is not public
    can_reveal: bool  # the viewer uploaded it (or is staff) and it is not public yet


def artifact_rows(claim: Claim, user: Viewer, *,
                  evidence: tuple[list[ClaimArtifact], set[int]] | None = None
                  ) -> list[ArtifactRow]:
    files, arbiters = evidence or claim_evidence(claim.pk)
    rows = []
    for artifact in files:
        readable = artifact_readable_by(artifact, user, arbiters=arbiters)
        url = ""
        if readable:
            url = reverse("artifact-download", args=[artifact.pk])
            if artifact.visibility != ClaimArtifact.Visibility.PUBLIC:
                url += f"?t={artifact_download_token(artifact, user)}"
        owner = bool(user.is_authenticated
                     and (user.is_staff or user.pk == artifact.uploaded_by_id))
        rows.append(ArtifactRow(artifact, readable, url,
                                owner and artifact.visibility != ClaimArtifact.Visibility.PUBLIC))
    return rows


def _back(claim_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("claim-resolution", args=[claim_id]))


@require_GET
def artifact_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file's bytes; a non-public file needs a link signed for this viewer."""
    artifact = get_object_or_404(ClaimArtifact, pk=pk)
    claim_visible_or_404(claim_id=artifact.claim_id, user=request.user)
    # A non-public file is never served on a bare link (token "" says so).
    token = request.GET.get("t", "" if artifact.visibility != "public" else None)
    try:
        opened = artifact_open(artifact_id=pk, user=request.user, token=token,
                               via=ArtifactAccess.Via.DOWNLOAD)
    except NotFound:
        raise Http404("No such file.") from None
    except Forbidden as exc:
        return render(request, "bets/evidence_refused.html",
                      {"message": exc.message, "artifact": artifact}, status=403)
    return FileResponse(opened.file.open("rb"), as_attachment=True, filename=opened.name,
                        content_type="application/octet-stream")


@require_POST
def artifact_reveal(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    artifact = get_object_or_404(ClaimArtifact, pk=pk)
    claim_visible_or_404(claim_id=artifact.claim_id, user=request.user)
    try:
        artifact_visibility_widen(artifact_id=pk, actor=request.user,
                                  visibility=request.POST.get("visibility", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{artifact.name} is now {request.POST.get('visibility')}.")
    return _back(artifact.claim_id)


@require_POST
def claim_arbiters(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    claim = claim_visible_or_404(claim_id=pk, user=request.user)
    names = request.POST.get("arbiters", "").replace(",", " ").split()
    try:
        claim_arbiters_set(claim_id=claim.pk, actor=request.user, usernames=names)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Arbiters saved.")
    return _back(claim.pk)
