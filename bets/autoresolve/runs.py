"""Automatic resolution: sweep due claims, run their resolvers, propose, finalize, dispute.

The flow (see docs/autoresolve.md):
  sweep      -> claims each due claim with a compare-and-swap lease and dispatches one run;
  run        -> records a ResolutionAttempt keyed by run_key, runs the resolver with NO
                database lock or transaction held, then records the result with a
                compare-and-swap on the attempt's status (the row count decides which of two
                duplicate deliveries records and proposes);
  finalize   -> a proposal past its dispute window becomes the claim's resolution through
                bets.claims.resolution.claim_resolve, like a manual resolution;
  dispute    -> a participant stops the clock with a reason; an admin adjudicates.

A claim whose resolver still cannot decide after its deadline (resolve_after plus
CRUX_RESOLVER_DEADLINE_SECONDS) is flagged for the admins.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bets.autoresolve.bridge import execute_spec, verdict_as_dict
from bets.autoresolve.evidence.disclosure import preview_disclose
from bets.autoresolve.evidence.snapshots import verdict_keep_fetched
from bets.autoresolve.live.runs import is_live_spec, live_run_start
from bets.autoresolve.schedules import schedule_slot_of, schedule_sweep
from bets.autoresolve.selectors import claims_due_for_resolver
from bets.autoresolve.snapshots.polling import claim_snapshots_poll
from bets.claims.locking import claim_lock
from bets.common import sql
from bets.common.dispatch import dispatch_on_commit, publish_all
from bets.common.errors import Conflict, Forbidden, NotFound
from bets.common.outbox import event_publish
from bets.common.types import Viewer
from bets.models import Claim, ResolutionAttempt, ResolutionProposal

logger = logging.getLogger(__name__)

Status = ResolutionAttempt.Status
RESOLVABLE = (Claim.Status.OPEN, Claim.Status.CLOSED)
# A transient failure may be recorded and retried under the same run_key.
RERUNNABLE = (Status.RUNNING, Status.FAILED_TRANSIENT)


def lease_seconds() -> int:
    # Covers the task's retries; a lease that lapses only costs a duplicate run, which the
    # attempt's run_key and the one-live-proposal constraint make harmless.
    return settings.CRUX_RESOLVER_LEASE_SECONDS


def recheck_seconds() -> int:
    """How long an undecided claim waits before the sweep tries it again."""
    return settings.CRUX_RESOLVER_RECHECK_SECONDS


def claim_resolver_deadline(claim: Claim) -> datetime | None:
    """After this, a claim that no attempt could decide is flagged to the admins; None when
    it cannot be computed (a far-future time stored before such times were refused)."""
    try:
        return claim.resolve_after + timedelta(seconds=settings.CRUX_RESOLVER_DEADLINE_SECONDS)
    except OverflowError:
        return None


class TransientResolverFailure(Exception):
    """The evidence could not be fetched this time; the task retries with backoff."""


# --- sweep ---------------------------------------------------------------------------------


def _lease_token(now: datetime) -> datetime:
    # The lease's end doubles as the compare-and-swap token: random microseconds make it
    # unique to this sweep, so the rows holding it afterwards are exactly the ones it won.
    # (Were two sweeps ever to draw the same token, they would dispatch the same run_key,
    # which records once.)
    return now + timedelta(seconds=lease_seconds(), microseconds=secrets.randbelow(10**6))


def _lease_batch(ids: list[int], now: datetime, until: datetime) -> list[int]:
    """Compare-and-swap over a batch: only rows still due take this sweep's lease."""
    claims_due_for_resolver(now=now).filter(pk__in=ids).update(
        resolver_lease_until=until, updated_at=now
    )
    return list(Claim.objects.filter(pk__in=ids, resolver_lease_until=until)
                .order_by("pk").values_list("pk", flat=True))


def run_key_for_lease(claim_id: int, until: datetime) -> str:
    # Deterministic per lease: a duplicated message for this lease records one attempt.
    return f"claim:{claim_id}:lease:{until.isoformat()}"


def _publish_runs(claim_ids: list[int], until: datetime) -> list[tuple[int, str]]:
    """Publish one run per claim over one producer; stops at the first failure (the caller
    releases the unsent leases for the next sweep)."""
    runs = [(claim_id, run_key_for_lease(claim_id, until)) for claim_id in claim_ids]
    count = publish_all([("bets.tasks.claim_run_resolver", run) for run in runs],
                        what="resolver runs")
    return runs[:count]


def resolver_sweep(*, now: datetime | None = None, limit: int = 5000,
                   batch: int = 500) -> list[tuple[int, str]]:
    """Lease every due claim (up to `limit`) and dispatch one resolver run per lease.

    Runs outside any transaction: each batch's lease commits on its own, so a publish that
    fails (broker down) releases the unsent leases at once and the next sweep tries again.
    """
    now = now or timezone.now()
    _fail_lost_runs(now)
    ids = list(claims_due_for_resolver(now=now).order_by("resolve_after", "pk")
               .values_list("pk", flat=True)[:limit])
    dispatched = []
    for start in range(0, len(ids), batch):
        until = _lease_token(now)
        won = _lease_batch(ids[start:start + batch], now, until)
        sent = _publish_runs(won, until)
        dispatched += sent
        if len(sent) < len(won):
            unsent = won[len(sent):]
            Claim.objects.filter(pk__in=unsent, resolver_lease_until=until).update(
                resolver_lease_until=None
            )
            break
    return dispatched + schedule_sweep(now=now, limit=limit)


def _fail_lost_runs(now: datetime) -> int:
    """A "run now" whose message was lost (broker down at commit) would show as running
    forever; once it is older than a lease, say so."""
    return ResolutionAttempt.objects.filter(
        status=Status.RUNNING, trigger=ResolutionAttempt.Trigger.MANUAL,
        started_at__lt=now - timedelta(seconds=lease_seconds()),
        live_run__isnull=True,  # a live run may take longer than a lease; it ends itself
    ).update(status=Status.FAILED_PERMANENT, finished_at=now,
             error="This run was never picked up by a worker (was the broker down?).")


# --- one run -------------------------------------------------------------------------------


def _trigger_for(run_key: str) -> str:
    if ":manual:" in run_key:
        return ResolutionAttempt.Trigger.MANUAL
    return ResolutionAttempt.Trigger.SCHEDULED


def _start_attempt(claim: Claim, run_key: str) -> ResolutionAttempt | None:
    """The attempt for run_key, created once; None when it already finished."""
    attempt = ResolutionAttempt(run_key=run_key, claim_id=claim.pk, spec=claim.resolver_spec,
                                trigger=_trigger_for(run_key),
                                schedule_slot=schedule_slot_of(run_key))
    with transaction.atomic():
        _relax_durability()
        # INSERT ... ON CONFLICT DO NOTHING: a concurrent delivery's insert simply loses.
        if sql.insert_instance(attempt, on_conflict_do_nothing=True) is None:
            existing = sql.select_one(ResolutionAttempt, "run_key = %s", [run_key],
                                      columns=("id", "claim_id", "run_key", "spec", "status",
                                               "schedule_slot"))
            if existing is None:  # the row the insert lost to is gone again: nothing to run
                return None
            attempt = existing
    if attempt.claim_id != claim.pk or attempt.status not in RERUNNABLE:
        return None
    return attempt


def _relax_durability() -> None:
    """Let PostgreSQL commit this transaction without waiting for its WAL flush.

    Only for resolver bookkeeping (attempts, proposals, leases): a database crash can lose
    the last fraction of a second of them, and then the claim is simply run again, with the
    same outcome from the same evidence. Finalization (claim_resolve, money, scores) keeps
    full durability. Nothing to do on SQLite.
    """
    from django.db import connection

    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def claim_run_resolver(*, claim_id: int, run_key: str) -> ResolutionAttempt | None:
    """Run the claim's resolver once for `run_key` and record what it found.

    Safe to deliver twice, also concurrently: the attempt is created once (unique run_key)
    and recorded by a compare-and-swap on its status, so only one delivery proposes.
    Raises TransientResolverFailure (after recording it) when retrying can help.
    """
    from resolvers.base import SourceError, SpecError

    # Plain SQL (bets.common.sql) on this path: a sweep runs it once per due claim.
    claim = sql.select_one(Claim, "id = %s", [claim_id],
                           columns=("id", "status", "resolver_spec"))
    if claim is None or claim.status not in RESOLVABLE or not claim.resolver_spec:
        _release(claim_id)
        return None
    attempt = _start_attempt(claim, run_key)
    if attempt is None:
        return None
    if is_live_spec(attempt.spec):  # runs the benchmark on the `evals` workers, in shards
        return live_run_start(attempt=attempt)
    fetched: list = []  # what URL sources fetched: kept before the verdict is recorded
    try:
        # A published table with no snapshot to resolve from yet is retrieved now.
        claim_snapshots_poll(spec=attempt.spec, claim_id=claim_id)
        verdict = execute_spec(attempt.spec, claim_id, keep_fetched=fetched)
    except SpecError as exc:
        return _record_failure(attempt, "; ".join(exc.errors), retryable=False)
    except SourceError as exc:
        _record_failure(attempt, str(exc), retryable=exc.retryable)
        if exc.retryable:
            raise TransientResolverFailure(str(exc)) from exc
        return attempt
    except Exception as exc:  # a resolver bug or the soft time limit: recorded and shown
        logger.exception("Resolver run %s failed", run_key)
        return _record_failure(attempt, f"{type(exc).__name__}: {exc}", retryable=False)
    try:
        return attempt_record_verdict(attempt=attempt,
                                      verdict=verdict_keep_fetched(verdict, fetched))
    except Exception as exc:  # recording crashed: say so on the attempt, never leave it running
        logger.exception("Recording resolver run %s failed", run_key)
        # Only the attempt's status and the lease: whatever crashed is not run again here.
        if _finish(attempt.pk, status=Status.FAILED_PERMANENT,
                   error=f"Recording the verdict failed: {type(exc).__name__}: {exc}"[:5000]
                   ) and not attempt.measures_only:
            _release(attempt.claim_id, next_run_at=timezone.now() + timedelta(
                seconds=recheck_seconds()))
        attempt.refresh_from_db()
        return attempt


def _release(claim_id: int, *, next_run_at: datetime | None = None) -> None:
    sql.update(Claim, {"resolver_lease_until": None, "resolver_next_run_at": next_run_at},
               "id = %s", [claim_id])


def _finish(attempt_id: int, **fields) -> bool:
    """Compare-and-swap on the attempt's status: True for the one delivery that records."""
    fields.setdefault("finished_at", timezone.now())
    return bool(sql.update(ResolutionAttempt, fields, "id = %s AND status IN (%s, %s)",
                           [attempt_id, *RERUNNABLE]))


def _record_failure(attempt: ResolutionAttempt, message: str, *, retryable: bool):
    now = timezone.now()
    status = Status.FAILED_TRANSIENT if retryable else Status.FAILED_PERMANENT
    # A scheduled measurement holds no lease and has no deadline to miss.
    if _finish(attempt.pk, status=status, error=message[:5000]) and not attempt.measures_only:
        if not retryable:  # a retried run keeps its lease until its retries end
            _release(attempt.claim_id, next_run_at=now + timedelta(seconds=recheck_seconds()))
        _flag_if_past_deadline(attempt.claim_id, message, now)
    attempt.refresh_from_db()
    return attempt


@transaction.atomic
def attempt_record_verdict(*, attempt: ResolutionAttempt, verdict) -> ResolutionAttempt:
    """Store a run's verdict; propose the outcome when it is decisive.

    Takes the claim's row lock only here, after the resolver has finished, so proposing
    cannot race a manual resolution of the same claim.
    """
    _relax_durability()
    now = timezone.now()
    decided = verdict.verdict in Claim.Outcome.values
    fields = {
        "status": Status.DECIDED if decided else Status.INCONCLUSIVE,
        "verdict": verdict.verdict, "reason": verdict.reason, "error": "",
        "measurement": verdict.measurement, "evidence": verdict.evidence,
        "finished_at": now,
    }
    if not _finish(attempt.pk, **fields):  # a duplicate delivery already recorded this run
        return ResolutionAttempt.objects.get(pk=attempt.pk)
    for name, value in fields.items():
        setattr(attempt, name, value)
    if attempt.measures_only:  # a scheduled measurement: evidence only, never a proposal
        return attempt
    claim = claim_lock(attempt.claim_id, columns=("id", "status"))
    if decided and claim.status in RESOLVABLE:
        _propose(claim, attempt, verdict.verdict, now)
        _release(claim.pk)
    else:
        _release(claim.pk, next_run_at=now + timedelta(seconds=recheck_seconds()))
        if not decided:
            _flag_if_past_deadline(claim.pk, verdict.reason, now)
    return attempt


def _propose(claim: Claim, attempt: ResolutionAttempt, outcome: str, now: datetime) -> None:
    live = (ResolutionProposal.Status.PENDING, ResolutionProposal.Status.DISPUTED)
    if sql.fetch_one("SELECT 1 FROM bets_resolutionproposal WHERE claim_id = %s "
                     "AND status IN (%s, %s)", [claim.pk, *live]):
        return  # one pending proposal per claim (also a database constraint)
    window = settings.CRUX_DISPUTE_WINDOW_SECONDS
    proposal_id = sql.insert_instance(ResolutionProposal(
        claim_id=claim.pk, attempt_id=attempt.pk, outcome=outcome,
        finalize_after=now + timedelta(seconds=window),
    ))
    assert proposal_id is not None  # no ON CONFLICT clause: it returns the id or raises
    event_publish(event="proposal.created", object_id=proposal_id)
    if window <= 0:
        dispatch_on_commit("bets.tasks.proposals_finalize_due")


def _flag_if_past_deadline(claim_id: int, reason: str, now: datetime) -> None:
    claim = Claim.objects.get(pk=claim_id)
    deadline = claim_resolver_deadline(claim)
    if claim.resolver_flagged_at is None and deadline is not None and now >= deadline:
        Claim.objects.filter(pk=claim_id, resolver_flagged_at__isnull=True).update(
            resolver_flagged_at=now,
            resolver_flag_reason=f"Past its resolver deadline and still undecided: {reason}"[
                :2000
            ],
        )


# --- run now and preview -------------------------------------------------------------------


def _require_spec(claim_id: int) -> Claim:
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        raise NotFound("No such claim.")
    if not claim.resolver_spec:
        raise Conflict("This claim has no resolver spec.")
    return claim


@transaction.atomic
def claim_run_resolver_now(*, claim_id: int, actor: Viewer | None) -> ResolutionAttempt:
    """An admin runs the resolver now; the attempt shows as running until the worker ends."""
    if not (actor and actor.is_staff):
        raise Forbidden("Only admins can run a resolver now.")
    claim = _require_spec(claim_id)
    if claim.status not in RESOLVABLE:
        raise Conflict(f"Only open or closed claims can be resolved; this one is {claim.status}.")
    attempt = ResolutionAttempt.objects.create(
        claim=claim, trigger=ResolutionAttempt.Trigger.MANUAL, requested_by=actor,
        run_key=f"claim:{claim.pk}:manual:{uuid.uuid4().hex}", spec=claim.resolver_spec,
    )
    dispatch_on_commit("bets.tasks.claim_run_resolver", claim.pk, attempt.run_key)
    return attempt


def claim_preview_resolver(*, claim_id: int, actor: Viewer | None) -> dict:
    """"Would resolve as ... today": run the spec now and write nothing (author or admin).

    The result is what `actor` may see of it (preview_disclose): the author of a claim is
    not a reader of the private files staff uploaded to it, and sees of a preview what an
    attempt would show them."""
    claim = _require_spec(claim_id)
    if not actor or not (actor.is_staff or actor.pk == claim.author_id):
        raise Forbidden("Only the claim's author and admins can preview its resolver.")
    return preview_disclose(_preview_run(claim), actor, claim=claim)


def _preview_run(claim: Claim) -> dict:
    from resolvers.base import SourceError, SpecError

    if is_live_spec(claim.resolver_spec):  # a preview must not run a benchmark in the web
        return {"verdict": "inconclusive", "reason": "A live run is not previewed: it runs "
                "the benchmark against the endpoint. An admin can run it now.",
                "measurement": {}, "evidence": {}}
    try:
        # Inside a web request: all its fetches together get the preview's budget.
        verdict = execute_spec(claim.resolver_spec, claim.pk,
                               fetch_budget=float(settings.CRUX_PREVIEW_FETCH_SECONDS))
    except SpecError as exc:
        return {"verdict": "inconclusive", "reason": "; ".join(exc.errors),
                "measurement": {}, "evidence": {}}
    except SourceError as exc:
        return {"verdict": "inconclusive", "reason": str(exc), "measurement": {},
                "evidence": {"retryable": exc.retryable}}
    except Exception as exc:  # a resolver bug must not turn a preview into a 500
        logger.exception("Resolver preview of claim %s failed", claim.pk)
        return {"verdict": "inconclusive", "reason": f"The resolver failed: {exc}",
                "measurement": {}, "evidence": {}}
    return verdict_as_dict(verdict)


