"""Finishing and cancelling live runs: read the logs, record the attempt's verdict once."""

from __future__ import annotations

import logging
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from bets.autoresolve.bridge import run_context
from bets.autoresolve.live import runs
from bets.autoresolve.runs import attempt_record_verdict
from bets.common.errors import Conflict, Forbidden, NotFound
from bets.common.types import Viewer
from bets.models import LiveRun, LiveShard, ResolutionAttempt

logger = logging.getLogger(__name__)
RunStatus = LiveRun.Status


def _inconclusive(reason: str):
    """A verdict recorded without reading the run's logs (shards that did not finish, a
    cancel, logs that cannot be read): its evidence says so, and a re-check has nothing to
    re-run (resolvers.verify.recheck)."""
    from resolvers.base import Verdict
    from resolvers.verify import NO_EVIDENCE_READ

    return Verdict("inconclusive", reason, {"criterion": None}, {NO_EVIDENCE_READ: True})


def live_run_finish(*, run_id: int) -> ResolutionAttempt | None:
    """Read the finished run's logs and record the attempt's verdict (once: the run's status
    moves running -> finishing by compare-and-swap, so a duplicate message does nothing)."""
    from resolvers.base import SourceError, SpecError
    from resolvers.live import merge
    from resolvers.registry import run_spec

    if not LiveRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.FINISHING):
        return None
    run = LiveRun.objects.select_related("attempt").get(pk=run_id)
    attempt = run.attempt
    shards = list(run.shard_rows.order_by("index"))
    broken = [s for s in shards if s.status != LiveShard.Status.DONE]
    try:
        if broken:
            verdict = _inconclusive("; ".join(
                f"shard {s.index + 1} of {run.shards} {s.get_status_display().lower()}: "
                f"{s.error or 'no reason recorded'}" for s in broken))
        else:
            logs = runs.logs_dir(run)
            if run.shards > 1:
                merge.merge_shards([runs.shard_dir(run, s.index) for s in shards], logs)
            context = replace(run_context(attempt.claim_id, reads_artifacts=False),
                              live_logs_dir=logs, live_read_only=True)
            verdict = run_spec(attempt.spec, context=context)
    except (SpecError, SourceError) as exc:
        verdict = _inconclusive(f"the run's logs could not be read: {exc}")
    except Exception as exc:  # a bug must not leave the attempt running for ever
        logger.exception("Finishing live run %s failed", run_id)
        verdict = _inconclusive(f"the run's logs could not be read: {type(exc).__name__}: "
                                f"{exc}")
    recorded = attempt_record_verdict(attempt=attempt, verdict=verdict)
    LiveRun.objects.filter(pk=run_id).update(status=RunStatus.FINISHED,
                                             finished_at=timezone.now())
    return recorded


@transaction.atomic
def live_run_cancel(*, run_id: int, actor: Viewer | None, reason: str = "") -> LiveRun:
    """An admin stops a live run: its shards stop within a heartbeat or two and the attempt
    is recorded inconclusive with the reason."""
    if not (actor and actor.is_staff):
        raise Forbidden("Only admins can cancel a live run.")
    run = LiveRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None:
        raise NotFound("No such live run.")
    if run.status not in (RunStatus.RUNNING,):
        raise Conflict(f"This run is {run.get_status_display().lower()}; only a running run "
                       "can be cancelled.")
    words = f"cancelled by {actor.get_username()}" + (f": {reason}" if reason else "")
    run.status, run.cancel_reason, run.cancelled_by = RunStatus.CANCELLED, words, actor
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "cancel_reason", "cancelled_by", "finished_at"])
    LiveShard.objects.filter(run=run, status=LiveShard.Status.PENDING).update(
        status=LiveShard.Status.CANCELLED, error=words, finished_at=run.finished_at)
    attempt_record_verdict(attempt=run.attempt, verdict=_inconclusive(f"The live run was {words}."))
    return run
