"""Proposed outcomes after a resolver decided: finalize after the dispute window, dispute,
adjudicate. Split from autoresolve.py; finalization goes through claim_resolve like a
manual resolution.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from bets.claims.arbiters import claim_arbiter_ids
from bets.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from bets.common.outbox import event_publish
from bets.common.types import AuthUser
from bets.models import Claim, ResolutionProposal

Proposal = ResolutionProposal.Status
LIVE = (Proposal.PENDING, Proposal.DISPUTED)
REASON_MAX = 5000


def _finalize_locked(proposal: ResolutionProposal, now: datetime) -> bool:
    """Resolve the claim from a locked, pending proposal through the one resolve service."""
    from bets.claims.resolution import claim_resolve

    try:
        with transaction.atomic():  # a savepoint: a refused resolve leaves the proposal usable
            claim_resolve(
                claim_id=proposal.claim_id, outcome=proposal.outcome, actor=None,
                method=Claim.Method.AUTOMATIC, actual_resolve_time=proposal.created_at,
                note=f"Proposed by resolver attempt {proposal.attempt_id}; "
                     "no dispute within the window.",
            )
    except Conflict:
        # Resolved or annulled by hand meanwhile: the proposal no longer applies.
        proposal.status = Proposal.SUPERSEDED
    else:
        proposal.status = Proposal.FINALIZED
    proposal.decided_at = now
    proposal.save(update_fields=["status", "decided_at"])
    return proposal.status == Proposal.FINALIZED


def proposals_finalize_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Finalize every pending proposal past its dispute window; returns how many resolved.

    Each proposal is taken with a row lock that skips rows another finalizer holds, and the
    lock re-checks `pending`, so a duplicated or concurrent tick resolves each claim once.
    """
    now = now or timezone.now()
    ids = list(ResolutionProposal.objects.filter(status=Proposal.PENDING, finalize_after__lte=now)
               .values_list("pk", flat=True)[:limit])
    finalized = 0
    for proposal_id in ids:
        with transaction.atomic():
            proposal = (ResolutionProposal.objects.select_for_update(skip_locked=True)
                        .filter(pk=proposal_id, status=Proposal.PENDING,
                                finalize_after__lte=now).first())
            if proposal is not None:
                finalized += _finalize_locked(proposal, now)
    return finalized


def _is_participant(claim: Claim, user: AuthUser) -> bool:
    from bets.models import Bet, Forecast

    return (
        user.is_staff
        or claim.author_id == user.pk
        or Forecast.objects.filter(claim=claim, participant=user).exists()
        or Bet.objects.filter(claim=claim).filter(offerer=user).exists()
        or Bet.objects.filter(claim=claim).filter(taker=user).exists()
    )


def _lock_proposal(proposal_id: int) -> ResolutionProposal:
    proposal = (ResolutionProposal.objects.select_for_update().select_related("claim")
                .filter(pk=proposal_id).first())
    if proposal is None:
        raise NotFound("No such proposal.")
    return proposal


@transaction.atomic
def proposal_dispute(*, proposal_id: int, participant, reason: str):
    """A participant disputes a proposed outcome within its window; finalization stops until
    an admin adjudicates. Takes the proposal's row lock (races the finalizer)."""
    from bets.models import Dispute

    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the proposed outcome is wrong.", field="reason")
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"At most {REASON_MAX} characters.", field="reason")
    if not participant or not participant.is_authenticated:
        raise Forbidden("Sign in to dispute.")
    proposal = _lock_proposal(proposal_id)
    if not _is_participant(proposal.claim, participant):
        raise Forbidden("Only participants in this claim (author, forecasters, bettors) "
                        "can dispute its proposed outcome.")
    if proposal.status not in LIVE or timezone.now() >= proposal.finalize_after:
        raise Conflict("The dispute window for this proposal has closed.")
    if proposal.disputes.filter(participant=participant,
                                decision=Dispute.Decision.OPEN).exists():
        raise Conflict("You already have an open dispute on this proposal.")
    dispute = Dispute.objects.create(proposal=proposal, participant=participant, reason=reason)
    if proposal.status != Proposal.DISPUTED:
        proposal.status = Proposal.DISPUTED
        proposal.save(update_fields=["status"])
    event_publish(event="dispute.opened", object_id=dispute.pk)
    return dispute


@transaction.atomic
def dispute_adjudicate(*, dispute_id: int, admin, decision: str, note: str = ""):
    """An admin or one of the claim's arbiters upholds or rejects a dispute (the decision and
    its note are public). Upholding overturns the proposal (the claim is flagged for
    resolution by hand); when the last open dispute is rejected the proposal stands and
    finalizes at once if its window has passed. Takes the proposal's row lock."""
    from bets.models import Dispute

    dispute = Dispute.objects.select_related("proposal").filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound("No such dispute.")
    if not (admin and admin.is_authenticated and (
            admin.is_staff or admin.pk in claim_arbiter_ids(dispute.proposal.claim_id))):
        raise Forbidden("Only admins and the claim's arbiters can adjudicate disputes.")
    if decision not in (Dispute.Decision.UPHELD, Dispute.Decision.REJECTED):
        raise InvalidInput("Decision must be 'upheld' or 'rejected'.", field="decision")
    if len(note or "") > REASON_MAX:
        raise InvalidInput(f"At most {REASON_MAX} characters.", field="note")
    proposal = _lock_proposal(dispute.proposal_id)
    dispute.refresh_from_db()
    if dispute.decision != Dispute.Decision.OPEN or proposal.status != Proposal.DISPUTED:
        raise Conflict("This dispute has already been decided.")
    now = timezone.now()
    dispute.decision, dispute.decided_by, dispute.decided_at = decision, admin, now
    dispute.decision_note = note or ""
    dispute.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    if decision == Dispute.Decision.UPHELD:
        _overturn(proposal, dispute, now)
    elif not proposal.disputes.filter(decision=Dispute.Decision.OPEN).exists():
        proposal.status = Proposal.PENDING
        proposal.save(update_fields=["status"])
        if proposal.finalize_after <= now:
            _finalize_locked(proposal, now)
    event_publish(event="dispute.decided", object_id=dispute.pk)
    return dispute


def _overturn(proposal: ResolutionProposal, dispute, now: datetime) -> None:
    from bets.models import Dispute

    proposal.status, proposal.decided_at = Proposal.OVERTURNED, now
    proposal.save(update_fields=["status", "decided_at"])
    # The other open disputes made the same point: they are answered by this decision.
    proposal.disputes.filter(decision=Dispute.Decision.OPEN).update(
        decision=Dispute.Decision.UPHELD, decided_by=dispute.decided_by, decided_at=now,
        decision_note=f"Decided with dispute {dispute.pk}.",
    )
    Claim.objects.filter(pk=proposal.claim_id).update(
        resolver_flagged_at=now,
        resolver_flag_reason=f"The resolver's proposed {proposal.outcome.upper()} was overturned "
                             f"on dispute: {dispute.reason[:500]} Resolve this claim by hand.",
    )
