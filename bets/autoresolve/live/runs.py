"""Live runs: start one for an attempt, and the compare-and-swaps that hand out its shards.

A resolver attempt whose spec's source is `inspect_run` does not run in the resolver task:
`live_run_start` splits it into shards (sample ranges) and dispatches one
`bets.tasks.live_shard_run` per shard to the `evals` queue. A shard is held by exactly one
delivery at a time: the one whose compare-and-swap wrote its token (`shard_claim`), which
keeps `heartbeat_at` fresh; a redelivered message finds the shard held and leaves it, unless
the holder's heartbeat went stale (a killed worker), and then it takes over and resumes from
the logs. When the last shard ends, `bets.tasks.live_run_finish` reads the logs and records
the verdict (bets.autoresolve.live.finish).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from bets.common.dispatch import dispatch_on_commit
from bets.models import Claim, Endpoint, LiveRun, LiveShard, ResolutionAttempt

LIVE_KIND = "inspect_run"
ShardStatus = LiveShard.Status
TERMINAL = (ShardStatus.DONE, ShardStatus.FAILED, ShardStatus.CANCELLED)


def is_live_spec(spec) -> bool:
    return (isinstance(spec, dict) and isinstance(spec.get("source"), dict)
            and spec["source"].get("kind") == LIVE_KIND)


# --- what the resolvers package sees ----------------------------------------------------------


def endpoint_info(name: str):
    """The registered endpoint as the resolvers package describes it (no key, ever)."""
    from resolvers.live.catalog import EndpointInfo

    row = Endpoint.objects.filter(name=name).first()
    if row is None:
        return None
    return EndpointInfo(name=row.name, base_url=row.base_url,
                        models=tuple(str(m) for m in row.served_models),
                        api_key_env=row.api_key_env, allow_private=row.allow_private)


def limits():
    from resolvers.live.catalog import Limits

    return Limits(max_samples=settings.CRUX_LIVE_MAX_SAMPLES,
                  max_seconds=settings.CRUX_LIVE_MAX_SECONDS,
                  max_tokens=settings.CRUX_LIVE_MAX_TOKENS,
                  max_shards=settings.CRUX_LIVE_MAX_SHARDS,
                  max_connections=settings.CRUX_LIVE_MAX_CONNECTIONS,
                  retry_attempts=settings.CRUX_LIVE_TASK_RETRIES,
                  retry_wait=settings.CRUX_LIVE_TASK_RETRY_WAIT,
                  request_timeout=settings.CRUX_LIVE_REQUEST_TIMEOUT,
                  request_retries=settings.CRUX_LIVE_REQUEST_RETRIES)


def install_environment() -> None:
    """Tell the resolvers package which endpoints exist and what runs may spend (at start-up,
    from BetsConfig.ready, so spec validation at proposal knows them)."""
    from resolvers.live import catalog

    catalog.set_environment(endpoint=endpoint_info, limits=limits(),
                            data_dir=Path(settings.CRUX_DATA_DIR),
                            allow_loopback=settings.CRUX_URL_SOURCE_ALLOW_LOOPBACK)


# --- starting a run ---------------------------------------------------------------------------


def run_dir(attempt_id: int) -> Path:
    return Path(settings.CRUX_LIVE_DIR) / f"attempt-{attempt_id}"


def shard_dir(run: LiveRun, index: int) -> Path:
    return Path(run.log_dir) / f"shard-{index}"


def logs_dir(run: LiveRun) -> Path:
    """Where the run's logs are read from when it finishes, and served from as evidence: its
    one shard's directory, or the merge of its shards."""
    return shard_dir(run, 0) if run.shards == 1 else Path(run.log_dir) / "merged"


def live_run_start(*, attempt: ResolutionAttempt) -> ResolutionAttempt:
    """Create the attempt's live run and shards once, and dispatch every shard not yet done.

    Safe to call again for the same attempt (a redelivered resolver task): the run is
    created once (one per attempt) and a shard dispatched twice runs once (shard_claim).
    """
    from resolvers.live.catalog import environment
    from resolvers.sources.inspect_run import sample_count, shard_ranges

    source = attempt.spec["source"]
    budget = min(source.get("budget_seconds", settings.CRUX_LIVE_MAX_SECONDS),
                 settings.CRUX_LIVE_MAX_SECONDS)
    with transaction.atomic():
        run, created = LiveRun.objects.get_or_create(
            attempt=attempt, defaults={
                "claim_id": attempt.claim_id, "log_dir": str(run_dir(attempt.pk)),
                "shards": source.get("shards", 1),
                "deadline_at": timezone.now() + timedelta(seconds=budget)})
        if created:
            count = sample_count(source, environment().data_dir)
            LiveShard.objects.bulk_create(
                LiveShard(run=run, index=i, start=start, end=end)
                for i, (start, end) in enumerate(shard_ranges(count, run.shards)))
            # The sweep must not lease the claim again while the run is going: hold the
            # lease until the run's deadline (finishing releases it). A scheduled
            # measurement holds none: it must not delay the deciding run.
            if not attempt.measures_only:
                Claim.objects.filter(pk=attempt.claim_id).update(
                    resolver_lease_until=run.deadline_at + timedelta(minutes=5))
        for shard_id in run.shard_rows.exclude(status__in=TERMINAL).values_list("pk", flat=True):
            dispatch_on_commit("bets.tasks.live_shard_run", shard_id)
    return attempt


# --- holding a shard --------------------------------------------------------------------------


def shard_claim(*, shard_id: int) -> tuple[LiveShard, str] | None:
    """Compare-and-swap: take the shard when it is pending, or running with a stale
    heartbeat (its worker died). Returns (shard, token) for the one delivery that won."""
    now = timezone.now()
    token = uuid.uuid4().hex
    stale = now - timedelta(seconds=settings.CRUX_LIVE_STALE_SECONDS)
    won = LiveShard.objects.filter(
        Q(status=ShardStatus.PENDING)
        | Q(status=ShardStatus.RUNNING, heartbeat_at__lt=stale), pk=shard_id,
    ).update(status=ShardStatus.RUNNING, token=token, heartbeat_at=now,
             deliveries=F("deliveries") + 1, started_at=now)
    if not won:
        return None
    return LiveShard.objects.select_related("run", "run__attempt").get(pk=shard_id), token


def shard_heartbeat(*, shard_id: int, token: str) -> bool:
    """Keep holding the shard; False when another delivery took it over."""
    return bool(LiveShard.objects.filter(pk=shard_id, token=token,
                                         status=ShardStatus.RUNNING)
                .update(heartbeat_at=timezone.now()))


def shard_release(*, shard_id: int, token: str) -> bool:
    """Give the shard back (pending) for a later delivery, e.g. before a retry."""
    return bool(LiveShard.objects.filter(pk=shard_id, token=token,
                                         status=ShardStatus.RUNNING)
                .update(status=ShardStatus.PENDING, token="", heartbeat_at=None))


@transaction.atomic
def shard_end(*, shard_id: int, token: str, status: str, error: str = "") -> bool:
    """Record the shard's end once (compare-and-swap on its token); the delivery that ends
    the last shard dispatches the finish."""
    ended = LiveShard.objects.filter(pk=shard_id, token=token,
                                     status=ShardStatus.RUNNING).update(
        status=status, error=error[:5000], finished_at=timezone.now())
    if not ended:
        return False
    run_id = LiveShard.objects.values_list("run_id", flat=True).get(pk=shard_id)
    LiveRun.objects.filter(pk=run_id).update(shards_done=F("shards_done") + 1)
    run = LiveRun.objects.only("shards", "shards_done").get(pk=run_id)
    if run.shards_done >= run.shards:
        dispatch_on_commit("bets.tasks.live_run_finish", run_id)
    return True
