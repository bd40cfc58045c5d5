"""Run one shard of a live run in this worker process (the `evals` queue).

The shard is taken by compare-and-swap (bets.autoresolve.live.runs.shard_claim), run with
inspect's eval_set into the shard's own log directory (a redelivery resumes there), and
watched by a heartbeat thread that also writes progress and notices a cancel, an exceeded
budget or a lost hold. Bookkeeping stays off inspect's event loop: the hook only bumps
counters in memory; the heartbeat thread writes them.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from bets.autoresolve.live import runs
from bets.models import LiveProgress, LiveRun, LiveShard
from resolvers.live.runner import Observer

logger = logging.getLogger(__name__)
ShardStatus = LiveShard.Status


class EndpointDown(Exception):
    """The endpoint did not answer at the start of the shard; the task retries later."""


class ShardHeld(Exception):  # noqa: N818 (reads as what happened)
    """Another delivery is running the shard; the task checks again later."""


class ShardObserver(Observer):
    """Counts samples and tokens per (model, condition) and decides when to stop."""

    def __init__(self, shard: LiveShard, token: str, token_budget: int | None):
        self.shard, self.token, self.token_budget = shard, token, token_budget
        self.lock = threading.Lock()
        self.counts: dict[tuple[str, str], list[int]] = {}  # pair -> [done, tokens]
        self.totals: dict[tuple[str, str], int] = {}
        self.written: dict[tuple[str, str], tuple[int, int]] = {}
        self.stop: str | None = None

    # called on inspect's event loop: memory only
    def started(self, totals: dict[tuple[str, str], int]) -> None:
        with self.lock:
            self.totals = dict(totals)

    def sample_done(self, model: str, condition: str, tokens: int) -> None:
        with self.lock:
            slot = self.counts.setdefault((model, condition), [0, 0])
            slot[0] += 1
            slot[1] += tokens

    def stop_reason(self) -> str | None:
        return self.stop

    # called on the heartbeat thread
    def tokens(self) -> int:
        with self.lock:
            return sum(t for _, t in self.counts.values())

    def flush(self) -> None:
        with self.lock:
            rows = {pair: (self.counts.get(pair, [0, 0])[0], self.counts.get(pair, [0, 0])[1],
                           total) for pair, total in self.totals.items()}
        for (model, condition), (done, tokens, total) in rows.items():
            if self.written.get((model, condition)) == (done, tokens):
                continue
            progress, _ = LiveProgress.objects.get_or_create(
                shard_id=self.shard.pk, model=model, condition=condition,
                defaults={"total": total})
            # A resumed shard starts counting again from what the logs already hold.
            LiveProgress.objects.filter(pk=progress.pk).update(
                done=min(total, max(progress.done, done)), total=total,
                tokens=max(progress.tokens, tokens), updated_at=timezone.now())
            self.written[(model, condition)] = (done, tokens)

    def check(self) -> None:
        """Heartbeat, and decide whether the shard must stop (memory flag for the loop)."""
        if not runs.shard_heartbeat(shard_id=self.shard.pk, token=self.token):
            self.stop = "another worker took this shard over"
            return
        run = LiveRun.objects.only("status", "deadline_at", "cancel_reason").get(
            pk=self.shard.run_id)
        if run.status == LiveRun.Status.CANCELLED:
            self.stop = run.cancel_reason or "the run was cancelled"
        elif timezone.now() > run.deadline_at:
            self.stop = "the run's time budget ran out"
        elif self.token_budget is not None and self.tokens() > self.token_budget:
            self.stop = f"the run used more than its budget of {self.token_budget} tokens"


def _heartbeat_loop(observer: ShardObserver, done: threading.Event) -> None:
    try:
        while not done.wait(settings.CRUX_LIVE_HEARTBEAT_SECONDS):
            try:
                observer.flush()
                observer.check()
            except Exception:  # a database blip must not kill the run; the next beat retries
                logger.exception("Live shard %s heartbeat failed", observer.shard.pk)
    finally:
        connection.close()  # this thread's own connection


def shard_run(*, shard_id: int) -> str:
    """Run (or resume) the shard if this delivery may; returns what happened, in a word.

    Raises EndpointDown (after giving the shard back) when the endpoint did not answer and
    the task may try again.
    """
    from resolvers.live.identity import EndpointUnavailable
    from resolvers.live.runner import run_shard  # imports inspect_ai only when it runs
    from resolvers.sources.inspect_run import plan_for

    claimed = runs.shard_claim(shard_id=shard_id)
    if claimed is None:
        if LiveShard.objects.filter(pk=shard_id, status=ShardStatus.RUNNING).exists():
            # Another delivery holds it (a redelivery after the visibility timeout, a
            # duplicate). Dropping this message would leave the shard with no message at all
            # if that holder then died: come back once its heartbeat could have gone stale.
            raise ShardHeld(shard_id)
        return "ended"
    shard, token = claimed
    run = shard.run
    if run.status != LiveRun.Status.RUNNING:
        runs.shard_end(shard_id=shard_id, token=token, status=ShardStatus.CANCELLED,
                       error=run.cancel_reason or "the run is over")
        return "cancelled"
    source = run.attempt.spec["source"]
    endpoint = runs.endpoint_info(source["endpoint"])
    if endpoint is None:
        runs.shard_end(shard_id=shard_id, token=token, status=ShardStatus.FAILED,
                       error=f"endpoint {source['endpoint']!r} is no longer registered")
        return "failed"
    budget = source.get("budget_tokens", settings.CRUX_LIVE_MAX_TOKENS)
    observer = ShardObserver(shard, token, min(budget, settings.CRUX_LIVE_MAX_TOKENS) // run.shards
                             if run.shards > 1 else min(budget, settings.CRUX_LIVE_MAX_TOKENS))
    plan = plan_for(source, shard.start, shard.end, index=shard.index, shards=run.shards,
                    log_buffer=settings.CRUX_LIVE_LOG_BUFFER)
    done = threading.Event()
    beat = threading.Thread(target=_heartbeat_loop, args=(observer, done), daemon=True)
    beat.start()
    try:
        run_shard(plan, endpoint, runs.shard_dir(run, shard.index), data_dir=Path(
            settings.CRUX_DATA_DIR), limits=runs.limits(), observer=observer)
    except EndpointUnavailable as exc:
        done.set()
        beat.join()
        if shard.deliveries <= settings.CRUX_LIVE_ENDPOINT_RETRIES:
            runs.shard_release(shard_id=shard_id, token=token)
            raise EndpointDown(str(exc)) from exc
        runs.shard_end(shard_id=shard_id, token=token, status=ShardStatus.FAILED, error=str(exc))
        return "failed"
    except Exception as exc:  # recorded on the shard, shown as the attempt's reason
        logger.exception("Live shard %s failed", shard_id)
        done.set()
        beat.join()
        runs.shard_end(shard_id=shard_id, token=token, status=ShardStatus.FAILED,
                       error=f"{type(exc).__name__}: {exc}")
        return "failed"
    done.set()
    beat.join()
    close_old_connections()
    observer.flush()
    if observer.stop and "took this shard over" in observer.stop:
        return "lost"
    status = ShardStatus.CANCELLED if observer.stop else ShardStatus.DONE
    runs.shard_end(shard_id=shard_id, token=token, status=status, error=observer.stop or "")
    return status
