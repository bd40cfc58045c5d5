"""Live-run tasks, on the `evals` queue (config/settings CELERY_TASK_ROUTES): one shard per
worker process at a time, since inspect runs one eval per process."""

from celery import shared_task
from django.conf import settings

from bets.autoresolve.live.finish import live_run_finish
from bets.autoresolve.live.worker import EndpointDown, ShardHeld, shard_run

# A shard may run as long as the run's time budget; the hard limit stays above it so the
# run's own budget (a clean cancel with logs) acts first.
SHARD_HARD_LIMIT = settings.CRUX_LIVE_MAX_SECONDS + 120


@shared_task(
    bind=True,
    name="bets.tasks.live_shard_run",
    acks_late=True,  # a killed worker's shard is redelivered and resumes from its logs
    reject_on_worker_lost=True,
    autoretry_for=(EndpointDown,),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=settings.CRUX_LIVE_ENDPOINT_RETRIES + 1,
    time_limit=SHARD_HARD_LIMIT,
)
def live_shard_run_task(self, shard_id: int) -> str:
    try:
        return shard_run(shard_id=shard_id)
    except ShardHeld:
        # A watch, not a run: if the holder dies, a later delivery finds its heartbeat stale
        # and takes over. The countdown stays below the visibility timeout. The watch is a
        # new message each round, not self.retry: Celery's retry(max_retries=None) means the
        # task's own limit (endpoint retries), so the watch would give up after a few rounds
        # and, once the holder died, the shard would have no message left to resume it.
        self.apply_async((shard_id,), countdown=settings.CRUX_LIVE_STALE_SECONDS + 1)
        return "watching"


@shared_task(name="bets.tasks.live_run_finish", acks_late=True, reject_on_worker_lost=True)
def live_run_finish_task(run_id: int) -> str | None:
    attempt = live_run_finish(run_id=run_id)
    return attempt.status if attempt else None
