"""Pages of signed agreements: your SSH keys, the draft form, the agreement page (terms,
canonical JSON, signatures, allowed_signers, payment marks) and its downloads, and the
agreement sections of the claim and participant pages. Thin: parse a form, call one service,
show its message."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bets.betting.agreements import keys as key_services
from bets.betting.agreements import marks, services, voiding
from bets.betting.agreements import selectors as sel
from bets.betting.agreements.services import ARBITRATED
from bets.claims.selectors import claim_visible_or_404
from bets.common.errors import ServiceError
from bets.models import Agreement, Claim
from bets.web.betting.arbiters import arbiter_context
from bets.web.forms.agreements import (
    AgreementDraftForm,
    AgreementTermsForm,
    KeyForm,
    MarkForm,
    SignatureForm,
    VoidForm,
)


def _form_errors(request, form: Any, what: str) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{what}: {label + ': ' if label else ''}{' '.join(errors)}")


# --- keys ---------------------------------------------------------------------------------


@login_required
def keys_page(request) -> HttpResponse:
    form = KeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key = key_services.key_register(user=request.user,
                                            public_key=form.cleaned_data["public_key"])
        except ServiceError as exc:
            form.add_error("public_key", exc.message)
        else:
            messages.success(request, f"Key {key.fingerprint} registered.")
            return redirect("agreement-keys")
    return render(request, "bets/agreement_keys.html", {
        "form": form, "keys": sel.user_keys(user=request.user),
    })


@login_required
@require_POST
def key_revoke(request, key_id: int) -> HttpResponse:
    try:
        key = key_services.key_revoke(key_id=key_id, user=request.user)
    except ServiceError as exc:
        messages.error(request, f"Not revoked: {exc.message}")
    else:
        messages.success(request, f"Key {key.fingerprint} revoked; it signs nothing new.")
    return redirect("agreement-keys")


# --- drafting -----------------------------------------------------------------------------


@login_required
def agreement_new(request, claim_id: int) -> HttpResponse:
    claim = claim_visible_or_404(claim_id=claim_id, user=request.user)
    amends = _amended(request, claim)
    initial = None if amends is None else {
        **_initial(amends), "amends": amends.pk,
        "counterparty": (amends.counterparty if amends.proposer_id == request.user.pk
                         else amends.proposer).get_username()}
    form = AgreementDraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_draft(
                claim_id=claim.pk, proposer=request.user,
                counterparty=form.cleaned_data["counterparty"],
                amends_id=form.cleaned_data["amends"], **form.terms())
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Draft proposed. Sign it below; it binds once "
                                      f"{agreement.counterparty.username} signs the same hash.")
            return redirect("agreement", agreement.pk)
    return render(request, "bets/agreement_new.html", {"claim": claim, "form": form,
                                                       "amends": amends})


def _amended(request, claim: Claim) -> Agreement | None:
    """The agreement an amendment drafted from its page's link amends (`?amends=<id>`)."""
    raw = request.POST.get("amends") or request.GET.get("amends") or ""
    if not raw.isdigit():
        return None
    return sel.claim_agreements(claim_id=claim.pk).filter(pk=int(raw)).first()


def _initial(agreement: Agreement) -> dict[str, Any]:
    terms = sel.agreement_terms(agreement)
    proposer, counterparty = terms["parties"]
    return {
        "side": proposer["side"], "stake_amount": proposer["stake"]["amount"],
        "stake_unit": proposer["stake"]["unit"],
        "counterparty_amount": counterparty["stake"]["amount"],
        "counterparty_unit": counterparty["stake"]["unit"],
        "odds": terms["odds"], "prepayment": terms["prepayment"],
        "arbiter": terms["arbiter"]["username"] or "",
        "fallback_arbiter": terms["arbiter"]["fallback"],
        "arbiter_may_decide": terms["arbiter"]["may_decide"],
        "call_off": "\n".join(terms["call_off"]),
        "payment_days": terms["payment"]["deadline_days_after_resolution"],
    }


@login_required
@require_POST
def agreement_counter(request, agreement_id: int) -> HttpResponse:
    sel.agreement_visible_or_404(agreement_id=agreement_id, user=request.user)
    form = AgreementTermsForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form, "Counter-proposal not made")
        return redirect("agreement", agreement_id)
    try:
        new = services.agreement_counter(agreement_id=agreement_id, author=request.user,
                                         **form.terms())
    except ServiceError as exc:
        messages.error(request, f"Counter-proposal not made: {exc.message}")
        return redirect("agreement", agreement_id)
    messages.success(request, "Counter-proposal made: a new draft with its own hash.")
    return redirect("agreement", new.pk)


# --- the agreement page -------------------------------------------------------------------


def _owes(agreement: Agreement, terms: dict[str, Any]) -> dict[str, Any] | None:
    """Who owes whom what, by when, once the claim has resolved."""
    if agreement.winner_id is None:
        return None
    proposer, counterparty = terms["parties"]
    winner_is_proposer = agreement.winner_id == agreement.proposer_id
    loser = counterparty if winner_is_proposer else proposer
    return {
        "winner": agreement.winner, "loser_name": loser["username"],
        "stake": loser["stake"], "due": agreement.payment_due_at,
        "off_platform": marks.agreement_owes_off_platform(agreement),
        "overdue": bool(agreement.payment_due_at and timezone.now() > agreement.payment_due_at),
    }


def agreement_page(request, agreement_id: int) -> HttpResponse:
    agreement = sel.agreement_visible_or_404(agreement_id=agreement_id, user=request.user)
    terms = sel.agreement_terms(agreement)
    signatures = sel.agreement_signatures(agreement)
    user = request.user
    is_party = user.is_authenticated and user.pk in (agreement.proposer_id,
                                                     agreement.counterparty_id)
    arbiter = arbiter_context(request, agreement)
    is_arbiter = user.is_authenticated and arbiter["seat"].username == user.get_username()
    replaced_by = sel.agreement_replaced_by(agreement)
    open_draft = agreement.status == Agreement.Status.DRAFT and replaced_by is None
    signed_by = {s.signer_id for s in signatures}
    mark_rows = list(agreement.marks.select_related("user"))
    owes = _owes(agreement, terms)
    void = voiding.pending_void(agreement) if agreement.status == Agreement.Status.BINDING \
        else None
    done = {m.kind for m in mark_rows if m.annulled_at is None}
    mark_buttons = []
    if is_party and owes and owes["off_platform"]:
        if user.pk != agreement.winner_id and "paid" not in done:
            mark_buttons.append(("paid", "Mark paid"))
        if user.pk == agreement.winner_id and "received" not in done:
            mark_buttons.append(("received", "Confirm received"))
            if owes["overdue"] and "not_received" not in done:
                mark_buttons.append(("not_received", "Mark not received (opens a dispute)"))
    return render(request, "bets/agreement.html", {
        "agreement": agreement, "claim": agreement.claim, "terms": terms,
        "proposer_terms": terms["parties"][0], "counterparty_terms": terms["parties"][1],
        "signatures": signatures, "allowed_signers": sel.allowed_signers(agreement, signatures),
        "verify_commands": [(u, sel.verify_command(agreement, u)) for u in
                            (agreement.proposer.username, agreement.counterparty.username,
                             *(s.signer.username for s in signatures if s.role == "arbiter"))],
        "sign_command": sel.sign_command(agreement), "namespace": terms["namespace"],
        "drafts": sel.agreement_drafts(agreement), "replaced_by": replaced_by,
        "can_sign": user.pk not in signed_by and (
            (is_party and open_draft)
            or (is_arbiter and (open_draft or agreement.status in ARBITRATED))),
        "can_counter": is_party and open_draft,
        "sign_form": SignatureForm(),
        "counter_form": AgreementTermsForm(initial=_initial(agreement)),
        "void": void, "void_form": VoidForm(),
        "can_amend": is_party and agreement.status == Agreement.Status.BINDING,
        "can_propose_void": is_party and agreement.status == Agreement.Status.BINDING
        and void is None,
        "can_sign_void": is_party and void is not None
        and not void.signatures.filter(signer_id=user.pk).exists(),
        "void_signers": [s.signer.username for s in void.signatures.select_related("signer")]
        if void else [],
        "owes": owes, "marks": mark_rows, "mark_buttons": mark_buttons, "mark_form": MarkForm(),
        "amends": agreement.amends, "amended_by": sel.agreement_amended_by(agreement),
        **arbiter,
    })


def agreement_json(request, agreement_id: int) -> HttpResponse:
    """The exact bytes to sign: a download, never re-serialised."""
    agreement = sel.agreement_visible_or_404(agreement_id=agreement_id, user=request.user)
    response = HttpResponse(agreement.canonical.encode("utf-8"),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="agreement.json"'
    return response


def agreement_allowed_signers(request, agreement_id: int) -> HttpResponse:
    agreement = sel.agreement_visible_or_404(agreement_id=agreement_id, user=request.user)
    response = HttpResponse(sel.allowed_signers(agreement),
                            content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="allowed_signers"'
    return response


@login_required
@require_POST
def agreement_sign(request, agreement_id: int) -> HttpResponse:
    sel.agreement_visible_or_404(agreement_id=agreement_id, user=request.user)
    form = SignatureForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form, "Not signed")
        return redirect("agreement", agreement_id)
    try:
        agreement = services.agreement_sign(agreement_id=agreement_id, signer=request.user,
                                            signature=form.cleaned_data["signature"])
    except ServiceError as exc:
        messages.error(request, f"Not signed: {exc.message}")
    else:
        if agreement.status == Agreement.Status.BINDING:
            messages.success(request, "Signature verified. Both parties have signed this "
                                      "hash: the agreement is binding.")
        else:
            messages.success(request, "Signature verified. The agreement binds when the "
                                      "other party signs the same hash.")
    return redirect("agreement", agreement_id)


@login_required
@require_POST
def agreement_mark(request, agreement_id: int) -> HttpResponse:
    sel.agreement_visible_or_404(agreement_id=agreement_id, user=request.user)
    form = MarkForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form, "Not marked")
        return redirect("agreement", agreement_id)
    try:
        mark = marks.agreement_mark(agreement_id=agreement_id, user=request.user,
                                       kind=form.cleaned_data["kind"],
                                       note=form.cleaned_data["note"])
    except ServiceError as exc:
        messages.error(request, f"Not marked: {exc.message}")
    else:
        messages.success(request, f"Marked {mark.get_kind_display().lower()}.")
    return redirect("agreement", agreement_id)


# --- calling off ----------------------------------------------------------------------------


@login_required
@require_POST
def agreement_void_propose(request, agreement_id: int) -> HttpResponse:
    sel.agreement_visible_or_404(agreement_id=agreement_id, user=request.user)
    form = VoidForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form, "Not proposed")
        return redirect("agreement", agreement_id)
    try:
        voiding.agreement_void_propose(agreement_id=agreement_id, proposer=request.user,
                                       reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, f"Not proposed: {exc.message}")
    else:
        messages.success(request, "Call-off proposed: it takes effect when both of you sign it.")
    return redirect("agreement", agreement_id)


@login_required
@require_POST
def agreement_void_sign(request, agreement_id: int) -> HttpResponse:
    sel.agreement_visible_or_404(agreement_id=agreement_id, user=request.user)
    form = SignatureForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form, "Not signed")
        return redirect("agreement", agreement_id)
    try:
        voiding.agreement_void_sign(agreement_id=agreement_id, signer=request.user,
                                    signature=form.cleaned_data["signature"])
    except ServiceError as exc:
        messages.error(request, f"Not signed: {exc.message}")
    else:
        messages.success(request, "Call-off signature verified.")
    return redirect("agreement", agreement_id)


def agreement_void_json(request, agreement_id: int) -> HttpResponse:
    """The exact bytes of the latest call-off, to sign."""
    agreement = sel.agreement_visible_or_404(agreement_id=agreement_id, user=request.user)
    void = agreement.voids.order_by("-created_at", "-pk").first()
    if void is None:
        raise Http404("No call-off proposed.")
    response = HttpResponse(void.canonical.encode("utf-8"),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="void.json"'
    return response


# --- sections of other pages ----------------------------------------------------------------


def claim_agreements_section(request, claim: Claim) -> dict[str, Any]:
    """The claim page's list of agreements and the link to propose one."""
    return {
        "claim": claim, "agreements": list(sel.claim_agreements(claim_id=claim.pk)[:50]),
        "new_url": reverse("agreement-new", args=[claim.pk]),
        "signed_in": request.user.is_authenticated,
    }


def participant_agreements_section(request, person: Any) -> dict[str, Any]:
    """A participant's agreements and their record of paying what they lost."""
    return {
        "person": person,
        "agreements": list(sel.participant_agreements(user=person, viewer=request.user)[:100]),
        "record": sel.participant_record(user=person),
        "is_self": request.user.is_authenticated and request.user.pk == person.pk,
    }


