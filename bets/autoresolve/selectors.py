"""Reads for automatic resolution: which claims are due, and what a claim page shows."""

from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from bets.models import Claim, ClaimArtifact, Dispute, ResolutionAttempt, ResolutionProposal

PROPOSAL_PENDING = (ResolutionProposal.Status.PENDING, ResolutionProposal.Status.DISPUTED)


def claims_due_for_resolver(*, now: datetime) -> QuerySet:
    """Claims a sweep should run: past resolve_after, with a spec, not final, not leased,
    not waiting out a recheck delay, without a pending proposal, and never overturned on
    dispute (those wait for an admin)."""
    blocking = ResolutionProposal.objects.filter(claim=OuterRef("pk")).filter(
        Q(status__in=PROPOSAL_PENDING) | Q(status=ResolutionProposal.Status.OVERTURNED)
    )
    return (
        Claim.objects.filter(
            status__in=(Claim.Status.OPEN, Claim.Status.CLOSED),
            resolver_spec__isnull=False,
            resolve_after__lte=now,
        )
        .filter(Q(resolver_lease_until__isnull=True) | Q(resolver_lease_until__lt=now))
        .filter(Q(resolver_next_run_at__isnull=True) | Q(resolver_next_run_at__lte=now))
        .exclude(Exists(blocking))
    )


def claims_due_for_schedule(*, now: datetime) -> QuerySet:
    """Open or closed claims whose next scheduled measurement slot is due (see schedules)."""
    return Claim.objects.filter(
        status__in=(Claim.Status.OPEN, Claim.Status.CLOSED),
        resolver_spec__isnull=False,
        resolver_schedule_next_at__lte=now,
    )


def claim_attempts(claim_id: int, *, limit: int = 20) -> list[ResolutionAttempt]:
    """The newest attempts, each with `number`: #1, #2, ... in the order they were made."""
    return list(
        ResolutionAttempt.objects.filter(claim_id=claim_id)
        .annotate(number=Window(RowNumber(), partition_by=[F("claim_id")],
                                order_by=F("id").asc()))
        .select_related("requested_by", "proposal")
        .order_by("-started_at", "-id")[:limit]
    )


def claim_proposals(claim_id: int) -> list[ResolutionProposal]:
    return list(
        ResolutionProposal.objects.filter(claim_id=claim_id)
        .select_related("attempt")
        .prefetch_related("disputes__participant", "disputes__decided_by")
        .order_by("-created_at", "-id")
    )


def claim_artifacts(claim_id: int) -> list[ClaimArtifact]:
    return list(ClaimArtifact.objects.filter(claim_id=claim_id).order_by("name"))


def disputes_open() -> QuerySet:
    """Undecided disputes of proposals still live (a superseded proposal's are moot)."""
    return Dispute.objects.filter(decision=Dispute.Decision.OPEN,
                                  proposal__status__in=PROPOSAL_PENDING).select_related(
        "proposal__claim", "participant"
    )


def claims_flagged() -> QuerySet:
    """Claims the resolver could not settle by their deadline, or whose proposal fell."""
    return Claim.objects.filter(resolver_flagged_at__isnull=False).exclude(
        status__in=(Claim.Status.RESOLVED, Claim.Status.ANNULLED)
    )
