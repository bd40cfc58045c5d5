"""Run one shard of a live run: every (model, condition) pair over a range of samples.

inspect's own `eval_set` does the work and writes the logs into the shard's directory; run
again on the same directory it resumes (samples already in the logs are reused), which is how
a redelivered Celery task picks up where a killed one stopped. inspect allows one eval per
process at a time, so a worker process runs one shard at a time.

An inspect hook (`CruxLiveHooks`) reports each finished sample to the caller's Observer
(progress, tokens), records what every response said about the model (`identity`), and, from
inside inspect's event loop, cancels the tasks when the Observer says stop (an admin's
cancel, a time or token budget).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from resolvers.live import guard, identity
from resolvers.live.catalog import EndpointInfo, Limits, environment
from resolvers.live.identity import EndpointUnavailable  # noqa: F401 (re-exported)

POLL_SECONDS = 0.25  # how often the event loop asks the Observer whether to stop


@dataclass(frozen=True)
class ShardPlan:
    task: str
    models: tuple[str, ...]
    conditions: tuple[str, ...]
    start: int  # 0-based, half-open sample range of the dataset
    end: int
    epochs: int = 1
    seed: int | None = None
    generate: dict = field(default_factory=dict)  # temperature, max_tokens, top_p
    max_connections: int | None = None
    index: int = 0
    shards: int = 1
    log_buffer: int = 10  # samples per log flush: what a killed run loses at most
    log_samples: bool = True  # False: the logs keep results only, no transcripts

    @property
    def samples(self) -> int:
        return (self.end - self.start) * self.epochs

    def pairs(self) -> list[tuple[str, str]]:
        return [(m, c) for m in self.models for c in self.conditions]


class Observer:
    """What the caller hears from a running shard (all methods are called from inspect's
    event loop thread: keep them quick and never block on the network)."""

    def started(self, totals: dict[tuple[str, str], int]) -> None:
        pass

    def sample_done(self, model: str, condition: str, tokens: int) -> None:
        pass

    def stop_reason(self) -> str | None:
        return None


@dataclass
class _Running:
    plan: ShardPlan
    observer: Observer
    pairs: dict[str, tuple[str, str]] = field(default_factory=dict)  # eval_id -> pair
    seen: identity.ResponseIdentity = field(default_factory=identity.ResponseIdentity)
    stopped: str | None = None
    running: set[str] = field(default_factory=set)  # task ids whose watcher still polls


_CURRENT: _Running | None = None  # one eval per process, so one running shard


def model_name(endpoint: EndpointInfo, model: str) -> str:
    return f"openai-api/{endpoint.name}/{model}"


def run_shard(plan: ShardPlan, endpoint: EndpointInfo, log_dir: Path, *,
              data_dir: Path | None, limits: Limits, observer: Observer | None = None) -> dict:
    """Run (or resume) the shard into log_dir; return its identity record (also written to
    log_dir/identity.json). Raises EndpointUnavailable when the endpoint does not answer."""
    # inspect prints a banner (its version, the hooks) on stdout; a caller's stdout may be
    # its output (resolve_spec prints the verdict as JSON), so inspect writes to stderr.
    with contextlib.redirect_stdout(sys.stderr):
        return _run_shard(plan, endpoint, log_dir, data_dir=data_dir, limits=limits,
                          observer=observer)


def _run_shard(plan: ShardPlan, endpoint: EndpointInfo, log_dir: Path, *,
               data_dir: Path | None, limits: Limits, observer: Observer | None) -> dict:
    global _CURRENT
    from inspect_ai import eval_set
    from inspect_ai.model import get_model

    from resolvers.evals import tasks as bundled

    _register_hooks()
    log_dir.mkdir(parents=True, exist_ok=True)
    served = identity.probe_models(endpoint, timeout=min(30, limits.request_timeout))
    key = endpoint.api_key()
    tasks = []
    for m, condition in plan.pairs():
        model = get_model(model_name(endpoint, m), base_url=endpoint.base_url, api_key=key,
                          memoize=False)
        # Every model call through the SSRF guard: no redirects, addresses checked after
        # DNS resolution (private endpoints skip the address check, as their probe does).
        guard.guard_model(model, check_addresses=not endpoint.allow_private,
                          allow_loopback=environment().allow_loopback)
        tasks.append(bundled.build_task(
            plan.task, condition, data_dir=data_dir, model=model,
            metadata={"crux_model": m, "crux_endpoint": endpoint.name,
                      "crux_shard": f"{plan.index + 1}/{plan.shards}",
                      "crux_range": [plan.start, plan.end]}))
    state = _Running(plan, observer or Observer())
    previous = identity.load(log_dir)
    started = time.time()
    _CURRENT = state
    try:
        eval_set(
            tasks, log_dir=str(log_dir), retry_attempts=limits.retry_attempts,
            retry_wait=limits.retry_wait, limit=(plan.start, plan.end), epochs=plan.epochs,
            max_tasks=len(tasks), display="none", log_buffer=plan.log_buffer,
            log_realtime=False, score_display=False, log_samples=plan.log_samples,
            max_connections=plan.max_connections, max_retries=limits.request_retries,
            timeout=limits.request_timeout, seed=plan.seed, **plan.generate,
        )
    finally:
        _CURRENT = None
    record = {
        "shard": plan.index, "shards": plan.shards, "range": [plan.start, plan.end],
        "endpoint": {"name": endpoint.name, "models_answer": served,
                     "private": endpoint.allow_private},
        "plan": asdict(plan), "stopped": state.stopped,
        "responses": identity.merge_seen(previous.get("responses"), state.seen.as_dict()),
        "seconds": round(time.time() - started, 3),
    }
    identity.save(log_dir, record)
    return record


_REGISTERED = False


def _register_hooks() -> None:
    """Register the hook class once per process (inspect instantiates it at decoration)."""
    global _REGISTERED
    if _REGISTERED:
        return
    from inspect_ai.hooks import Hooks, SampleEnd, TaskEnd, TaskStart, hooks

    @hooks(name="crux_live", description="Crux live-run progress, identity and cancel")
    class CruxLiveHooks(Hooks):
        async def on_task_start(self, data: TaskStart) -> None:
            state = _CURRENT
            if state is None:
                return
            meta = data.spec.metadata or {}
            pair = (str(meta.get("crux_model")), str(meta.get("crux_condition")))
            state.pairs[data.eval_id] = pair
            if len(state.pairs) == len(state.plan.pairs()):
                state.observer.started({p: state.plan.samples for p in state.pairs.values()})
            state.running.add(data.spec.task_id)
            asyncio.get_running_loop().create_task(_watch(state, data.spec.task_id))

        async def on_task_end(self, data: TaskEnd) -> None:
            state = _CURRENT
            if state is not None:
                state.running.discard(data.log.eval.task_id)

        async def on_sample_end(self, data: SampleEnd) -> None:
            state = _CURRENT
            if state is None or data.eval_id not in state.pairs:
                return
            model, condition = state.pairs[data.eval_id]
            sample = data.sample
            tokens = sum(u.total_tokens for u in (sample.model_usage or {}).values())
            state.seen.add_sample(model, sample)
            state.observer.sample_done(model, condition, tokens)

    _REGISTERED = True
    _ = CruxLiveHooks


async def _watch(state: _Running, task_id: str) -> None:
    """Poll the Observer from inside the event loop; cancel this task when told to stop."""
    from inspect_ai._control.cancel import cancel_task  # inspect's in-process task cancel

    while _CURRENT is state and task_id in state.running:
        reason = state.stopped or state.observer.stop_reason()
        if reason:
            state.stopped = reason
            cancel_task(task_id)  # a no-op when the task has just finished
            return
        await asyncio.sleep(POLL_SECONDS)
