"""The arbiter's part of the agreement page: who arbitrates now, their signed documents
(declining, the parties' pick, decisions on disputes) with their bytes to download and sign,
and the forms that write them. Thin: parse a form, call one service, show its message."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from bets.betting.agreements import arbitration
from bets.betting.agreements import selectors as sel
from bets.betting.agreements.services import ARBITRATED
from bets.common.errors import ServiceError
from bets.models import Agreement
from bets.web.forms.agreements import (
    ArbiterDecisionForm,
    ArbiterDeclineForm,
    ArbiterPickForm,
    SignatureForm,
)

FORMS = {"decline": ArbiterDeclineForm, "pick": ArbiterPickForm, "decision": ArbiterDecisionForm}


def arbiter_context(request, agreement: Agreement) -> dict[str, Any]:
    """What the agreement page shows and offers about its arbiter."""
    seat = sel.agreement_arbiter_seat(agreement)
    user = request.user
    me = user.pk if user.is_authenticated else None
    is_party = me in (agreement.proposer_id, agreement.counterparty_id)
    documents = []
    for d in sel.agreement_arbiter_documents(agreement):
        signed = {s.signer_id for s in d.signatures.all()}
        documents.append({
            "doc": d, "signed_by": [s.signer.username for s in d.signatures.all()],
            "form": SignatureForm(prefix=f"doc{d.pk}") if d.effective_at is None
            and me in arbitration.document_signers(agreement, d) - signed else None,
            "verify": [sel.document_verify_command(agreement, d, s.signer.username)
                       for s in d.signatures.all()],
        })
    active = agreement.status in ARBITRATED
    is_arbiter = active and seat.user is not None and seat.user.pk == me
    return {
        "seat": seat, "is_arbiter": is_arbiter, "arbiter_documents": documents,
        "decline_form": ArbiterDeclineForm(prefix="decline") if is_arbiter else None,
        "decision_form": ArbiterDecisionForm(prefix="decision") if is_arbiter and seat.accepted
        else None,
        "pick_form": ArbiterPickForm(prefix="pick") if active and is_party and seat.user is None
        and seat.pick_until is not None else None,
    }


@login_required
@require_POST
def arbiter_document_write(request, agreement_id: int, kind: str) -> HttpResponse:
    sel.agreement_visible_or_404(agreement_id=agreement_id, user=request.user)
    if kind not in FORMS:
        raise Http404("No such arbiter document.")
    form = FORMS[kind](request.POST, prefix=kind)  # prefixed: one page holds several forms
    if not form.is_valid():
        messages.error(request, "Not written: " + " ".join(
            f"{form.fields[f].label}: {' '.join(str(m) for m in e)}" for f, e in form.errors.items()
            if f in form.fields))
        return redirect("agreement", agreement_id)
    try:
        document = arbitration.arbiter_document_write(
            agreement_id=agreement_id, author=request.user, kind=kind, **form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, f"Not written: {exc.message}")
    else:
        messages.success(request, f"Written: download {document.kind}-{document.pk}.json and "
                                  "sign it to make it take effect.")
    return redirect("agreement", agreement_id)


@login_required
@require_POST
def arbiter_document_sign(request, agreement_id: int, document_id: int) -> HttpResponse:
    sel.agreement_visible_or_404(agreement_id=agreement_id, user=request.user)
    form = SignatureForm(request.POST, prefix=f"doc{document_id}")
    if not form.is_valid():
        messages.error(request, "Not signed: paste the whole .sig file.")
        return redirect("agreement", agreement_id)
    try:
        document = arbitration.arbiter_document_sign(
            agreement_id=agreement_id, document_id=document_id, signer=request.user,
            signature=form.cleaned_data["signature"])
    except ServiceError as exc:
        messages.error(request, f"Not signed: {exc.message}")
    else:
        messages.success(request, "Signature verified." + (
            " It has taken effect." if document.effective_at else
            " It takes effect when the other party signs too."))
    return redirect("agreement", agreement_id)


def arbiter_document_json(request, agreement_id: int, document_id: int) -> HttpResponse:
    """The exact bytes of an arbiter document, to sign or to re-verify."""
    agreement = sel.agreement_visible_or_404(agreement_id=agreement_id, user=request.user)
    document = agreement.arbiter_documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("No such arbiter document.")
    response = HttpResponse(document.canonical.encode("utf-8"),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{document.kind}-{document.pk}.json"')
    return response
