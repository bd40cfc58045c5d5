"""Proposing a claim, editing it until its criteria freeze, clarifying it after, and the
resolver-spec documentation the forms link to."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils import timezone

from bets.autoresolve.spec_preview import spec_preview
from bets.claims import services as claim_services
from bets.claims.continuous.fields import kind_fields_of
from bets.claims.selectors import claim_visible_or_404
from bets.common.errors import ServiceError
from bets.common.markdown import render_markdown
from bets.common.types import SignedInRequest
from bets.models import Claim
from bets.web.forms.claims import ClaimProposeForm, ClarificationForm
from bets.web.plumbing.common import add_service_error

PREVIEWED = ("statement", "resolution_criteria", "fine_print")


def _default_times() -> dict:
    """Opens at the next whole hour, closes 30 days later, resolvable a day after that."""
    opens = (timezone.now() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    closes = opens + timedelta(days=30)
    return {"open_time": opens, "close_time": closes, "resolve_after": closes + timedelta(days=1)}


def _previews(form) -> list[tuple[str, str]]:
    """(label, safe HTML) of each markdown field as typed, for the preview button."""
    return [
        (form.fields[name].label or name.replace("_", " ").capitalize(),
         render_markdown(form.data.get(name, "")))
        for name in PREVIEWED
        if form.data.get(name, "").strip()
    ]


def _decided_warning(request: SignedInRequest, form) -> dict | None:
    """{"verdict", "reason"} when the spec as typed would resolve the claim today (YES or
    NO): the proposer is warned on the preview, since a moderator must confirm approving a
    claim whose answer may be known. A dry run through the spec builder's preview."""
    text = (form.data.get("resolver_spec") or "").strip()
    try:
        spec = json.loads(text) if text else None
    except ValueError:
        return None  # saving says what is wrong with it, beside the field
    if not isinstance(spec, dict):
        return None
    try:
        found = spec_preview(spec=spec, actor=request.user)
    except ServiceError:
        return None
    verdict = {"yes": "YES", "no": "NO"}.get(str(found.get("verdict")))
    return {"verdict": verdict, "reason": found.get("reason", "")} if verdict else None


@login_required
def claim_propose(request: SignedInRequest):
    posted = request.method == "POST"
    form = ClaimProposeForm(request.POST if posted else None, initial=_default_times())
    previews = _previews(form) if posted and "preview" in request.POST else None
    decided = _decided_warning(request, form) if previews is not None else None
    if posted and previews is None and form.is_valid():
        try:
            claim = claim_services.claim_propose(author=request.user, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Thanks: your claim waits for a moderator's approval.")
            return redirect(claim)
    status = 400 if posted and previews is None else 200
    return render(
        request, "bets/claim_propose.html",
        {"form": form, "previews": previews, "decided": decided}, status=status
    )


def _editable_initial(claim: Claim) -> dict:
    return {
        "title": claim.title,
        "statement": claim.statement,
        "resolution_criteria": claim.resolution_criteria,
        "fine_print": claim.fine_print,
        "tags": ", ".join(claim.tags.values_list("name", flat=True)),
        "open_time": claim.open_time,
        "close_time": claim.close_time,
        "resolve_after": claim.resolve_after,
        "resolver_spec": "" if claim.resolver_spec is None else _spec_text(claim.resolver_spec),
        **{name: _kind_initial(value) for name, value in kind_fields_of(claim).items()},
    }


def _kind_initial(value: object) -> object:
    """A kind field as the form shows it: a date as ISO text, options one per line."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "\n".join(str(label) for label in value)
    return value


def _spec_text(spec) -> str:
    return json.dumps(spec, indent=2)


@login_required
def claim_edit(request: SignedInRequest, claim_id: int):
    """The author's (or a moderator's) edit page: the whole form while the criteria are not
    frozen; once the first forecast or offer froze them, append-only clarifications."""
    claim = claim_visible_or_404(claim_id=claim_id, user=request.user)
    if not (request.user.is_staff or request.user.pk == claim.author_id):
        raise PermissionDenied("Only the author or a moderator can edit a claim.")
    frozen = claim.criteria_frozen_at is not None or claim.status not in (
        Claim.Status.PROPOSED,
        Claim.Status.OPEN,
    )
    posted = request.method == "POST"
    form, clarify, previews = None, None, None
    if frozen:
        clarify = ClarificationForm(request.POST if posted else None)
        if posted and clarify.is_valid():
            try:
                claim_services.claim_clarify(
                    claim_id=claim.pk, author=request.user, text=clarify.cleaned_data["text"]
                )
            except ServiceError as exc:
                add_service_error(clarify, exc)
            else:
                messages.success(request, "Clarification added.")
                return redirect(claim)
    else:
        form = ClaimProposeForm(request.POST if posted else None, initial=_editable_initial(claim))
        previews = _previews(form) if posted and "preview" in request.POST else None
        if posted and previews is None and form.is_valid():
            try:
                claim_services.claim_edit(
                    claim_id=claim.pk, editor=request.user, changes=form.cleaned_data
                )
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "Claim updated.")
                return redirect(claim)
    failed = posted and previews is None
    return render(
        request,
        "bets/claim_edit.html",
        {
            "claim": claim,
            "frozen": frozen,
            "form": form,
            "clarify": clarify,
            "previews": previews,
            "clarifications": claim.clarifications.select_related("author"),
        },
        status=400 if failed else 200,
    )


def spec_docs(request: HttpRequest):
    """docs/resolver-specs.md as a page, so the forms can link to it without internet."""
    text = (Path(settings.BASE_DIR) / "docs" / "resolver-specs.md").read_text(encoding="utf-8")
    return render(request, "bets/spec_docs.html", {"doc": render_markdown(text)})
