"""Resolving, annulling and unresolving claims; computing their scores.

Each resolution bumps Claim.resolution_seq. Scoring and settlement tasks carry the sequence
they were dispatched for, so a stale or duplicated task does nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from bets.claims.continuous.fields import claim_scale, resolution_parse
from bets.claims.locking import claim_lock
from bets.common.dispatch import dispatch_on_commit
from bets.common.errors import Conflict, Forbidden, InvalidInput
from bets.common.outbox import event_publish
from bets.common.types import AuthUser
from bets.models import Claim, ResolutionEvent, ResolutionProposal, Score

RESOLVABLE = (Claim.Status.OPEN, Claim.Status.CLOSED)
UNRESOLVABLE = (Claim.Status.RESOLVED, Claim.Status.ANNULLED)


def _check_actor(actor: AuthUser | None, method: str) -> None:
    if method == Claim.Method.MANUAL and not (actor and actor.is_staff):
        raise Forbidden("Only moderators can resolve, annul or unresolve claims.")


def _check_resolve_time(claim: Claim, actual_resolve_time: datetime, now: datetime) -> None:
    if timezone.is_naive(actual_resolve_time):
        raise InvalidInput("Give a time zone.", field="actual_resolve_time")
    if actual_resolve_time > now:
        raise InvalidInput(
            "The answer cannot have become known in the future.", field="actual_resolve_time"
        )
    if actual_resolve_time < claim.open_time:
        raise InvalidInput(
            "The answer cannot have become known before the claim opened.",
            field="actual_resolve_time",
        )


def claim_still_open(claim: Claim, *, now: datetime) -> bool:
    """Before its close time an open claim takes forecasts (or will); after it, it only
    waits for the periodic sweep to mark it closed."""
    return claim.status == Claim.Status.OPEN and now < claim.close_time


def _check_not_open(claim: Claim, *, close_early: bool, verb: str, now: datetime) -> None:
    """A claim still taking forecasts is resolved early only when the caller says so: the
    staff page asks the moderator to close it first, and the admin's bulk action (which has no
    such question) refuses it. The API's and resolvers' explicit requests are that decision."""
    if claim_still_open(claim, now=now) and not close_early:
        closes = claim.close_time.strftime("%Y-%m-%d %H:%M UTC")
        raise Conflict(
            f"“{claim.title}” is still open (forecasting until {closes}). Close it first to "
            f"{verb} it early: tick “Close it now” on the claim's page.",
            field="close_early",
        )


def _after_resolution_change(claim: Claim) -> None:
    dispatch_on_commit("bets.tasks.claim_score", claim.pk, claim.resolution_seq)
    dispatch_on_commit("bets.tasks.claim_settle", claim.pk, claim.resolution_seq)
    # Followers hear of it; the notification task reads the event by (claim, seq).
    event_publish(event="claim.resolution", object_id=claim.pk, seq=claim.resolution_seq)


def _record(claim: Claim, *, action: str, actor: AuthUser | None, method: str, note: str,
            outcome: str = "", actual_resolve_time: datetime | None = None) -> None:
    ResolutionEvent.objects.create(
        claim=claim,
        action=action,
        outcome=outcome,
        resolution=claim.resolution or "",
        actual_resolve_time=actual_resolve_time,
        actor=actor,
        method=method,
        note=note or "",
        resolution_seq=claim.resolution_seq,
    )


def _apply(claim: Claim, *, status: str, outcome: str | None, at: datetime | None, now: datetime,
           actor: AuthUser | None, method: str, note: str, resolution: str | None = None
           ) -> None:
    """Write a resolution or annulment onto the locked claim and bump its sequence."""
    claim.status = status
    claim.outcome = outcome
    claim.resolution = resolution
    claim.actual_resolve_time = at
    claim.resolved_at = now
    claim.resolved_by = actor
    claim.resolution_method = method
    claim.resolution_note = note or ""
    claim.resolution_seq += 1
    claim.save()
    if method == Claim.Method.MANUAL:
        # A resolver's pending proposal no longer applies once an admin resolves or annuls by
        # hand: it is superseded (and its dispute form goes with it).
        ResolutionProposal.objects.filter(
            claim_id=claim.pk, status__in=(ResolutionProposal.Status.PENDING,
                                           ResolutionProposal.Status.DISPUTED),
        ).update(status=ResolutionProposal.Status.SUPERSEDED, decided_at=now)


@transaction.atomic
def claim_resolve(
    *,
    claim_id: int,
    outcome: str | None = None,
    value: object = None,
    actor: AuthUser | None,
    method: str = Claim.Method.MANUAL,
    actual_resolve_time: datetime | None = None,
    note: str = "",
    close_early: bool = True,
) -> Claim:
    """Resolve an open or closed claim: a binary one YES or NO (`outcome`), any other kind
    with `value` (a number, a date, an option label, or below_lower_bound /
    above_upper_bound). Takes the claim's row lock, so of two concurrent resolutions exactly
    one succeeds and the other gets a Conflict. With close_early=False a claim still open is
    refused (Conflict on `close_early`)."""
    _check_actor(actor, method)
    now = timezone.now()
    claim = claim_lock(claim_id)
    resolution = None
    if claim.kind == Claim.Kind.BINARY:
        if outcome not in Claim.Outcome.values:
            raise InvalidInput("Outcome must be 'yes' or 'no'.", field="outcome")
    elif outcome is not None or value is None:
        raise InvalidInput(f"A {claim.get_kind_display().lower()} claim resolves with a "
                           "value, not an outcome.", field="value")
    else:
        resolution = resolution_parse(value, kind=claim.kind, scale=claim_scale(claim),
                                      options=claim.options)
    if claim.status not in RESOLVABLE:
        raise Conflict(f"Only open or closed claims can be resolved; this one is {claim.status}.")
    _check_not_open(claim, close_early=close_early, verb="resolve", now=now)
    actual_resolve_time = actual_resolve_time or now
    _check_resolve_time(claim, actual_resolve_time, now)
    _apply(
        claim,
        status=Claim.Status.RESOLVED,
        outcome=outcome,
        at=actual_resolve_time,
        now=now,
        actor=actor,
        method=method,
        note=note,
        resolution=resolution,
    )
    _record(
        claim,
        action="resolve",
        actor=actor,
        method=method,
        note=note,
        outcome=outcome or "",
        actual_resolve_time=actual_resolve_time,
    )
    _after_resolution_change(claim)
    return claim


@transaction.atomic
def claim_annul(
    *,
    claim_id: int,
    actor: AuthUser | None,
    method: str = Claim.Method.MANUAL,
    note: str = "",
    actual_resolve_time: datetime | None = None,
    close_early: bool = True,
) -> Claim:
    """Annul an open or closed claim: no scores, every bet refunded. Takes the row lock.
    With close_early=False a claim still open is refused, as in claim_resolve."""
    _check_actor(actor, method)
    now = timezone.now()
    claim = claim_lock(claim_id)
    if claim.status not in RESOLVABLE:
        raise Conflict(f"Only open or closed claims can be annulled; this one is {claim.status}.")
    _check_not_open(claim, close_early=close_early, verb="annul", now=now)
    if actual_resolve_time is not None:
        _check_resolve_time(claim, actual_resolve_time, now)
    _apply(
        claim,
        status=Claim.Status.ANNULLED,
        outcome=None,
        at=actual_resolve_time,
        now=now,
        actor=actor,
        method=method,
        note=note,
    )
    Score.objects.filter(claim=claim).delete()
    _record(
        claim,
        action="annul",
        actor=actor,
        method=method,
        note=note,
        actual_resolve_time=actual_resolve_time,
    )
    _after_resolution_change(claim)
    return claim


@transaction.atomic
def claim_unresolve(*, claim_id: int, actor: AuthUser | None, note: str = "") -> Claim:
    """Undo a resolution or annulment: scores are removed, payouts reversed (by compensating
    transactions in the settlement task). Takes the row lock."""
    _check_actor(actor, Claim.Method.MANUAL)
    now = timezone.now()
    claim = claim_lock(claim_id)
    if claim.status not in UNRESOLVABLE:
        raise Conflict(
            f"Only resolved or annulled claims can be unresolved; this one is {claim.status}."
        )
    claim.status = Claim.Status.CLOSED if now >= claim.close_time else Claim.Status.OPEN
    claim.outcome = None
    claim.resolution = None
    claim.actual_resolve_time = None
    claim.resolved_at = None
    claim.resolved_by = None
    claim.resolution_method = ""
    claim.resolution_note = ""
    claim.resolution_seq += 1
    claim.save()
    Score.objects.filter(claim=claim).delete()
    _record(claim, action="unresolve", actor=actor, method=Claim.Method.MANUAL, note=note)
    _after_resolution_change(claim)
    return claim


