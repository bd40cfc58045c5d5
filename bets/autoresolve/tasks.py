"""Auto-resolution tasks. The resolver run goes to the `resolvers` queue (config/settings
CELERY_TASK_ROUTES) so a long evaluation never delays settlement and scoring."""

import logging
import random

from celery import shared_task
from celery.signals import worker_process_shutdown
from django.conf import settings

from bets.autoresolve.bridge import cache_in_use
from bets.autoresolve.disputes import proposals_finalize_due
from bets.autoresolve.dryrun import claims_dry_run, dry_run_sweep
from bets.autoresolve.runs import TransientResolverFailure, claim_run_resolver, resolver_sweep
from bets.autoresolve.snapshots.polling import snapshot_poll_sweep, source_poll

logger = logging.getLogger(__name__)

# Time limits stay well under the broker's visibility timeout (FIELD-NOTES: Celery on Redis),
# otherwise a still-running resolver would be delivered again.
RUN_SOFT_LIMIT = settings.CRUX_RESOLVER_SOFT_TIME_LIMIT
RUN_HARD_LIMIT = RUN_SOFT_LIMIT + 30


@shared_task(name="bets.tasks.resolver_sweep")
def resolver_sweep_task() -> int:
    """Beat: lease each due claim (compare-and-swap) and dispatch one run per lease."""
    dispatched = resolver_sweep(limit=settings.CRUX_RESOLVER_SWEEP_LIMIT)
    if dispatched:
        logger.info("Resolver sweep dispatched %d runs.", len(dispatched))
    return len(dispatched)


MAX_RETRIES = 5


def resolver_retry_countdown(retries: int) -> float:
    """Seconds before the retry after `retries` earlier ones: a step doubling from
    CRUX_RESOLVER_RETRY_SECONDS up to CRUX_RESOLVER_RETRY_MAX_SECONDS, of which the upper
    half is drawn at random (many claims failing on one source spread out).

    Never less than half the step: Celery's full jitter drew from 0 s up, so a claim whose
    source had just been slow for a whole attempt was often tried again 0-4 s later, and a
    few of them kept the workers busy with one slow source for minutes."""
    step = min(float(settings.CRUX_RESOLVER_RETRY_MAX_SECONDS),
               float(settings.CRUX_RESOLVER_RETRY_SECONDS) * 2 ** retries)
    return step / 2 + random.uniform(0, step / 2)


@shared_task(
    name="bets.tasks.claim_run_resolver",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=RUN_SOFT_LIMIT,
    time_limit=RUN_HARD_LIMIT,
)
def claim_run_resolver_task(self, claim_id: int, run_key: str) -> str | None:
    try:
        attempt = claim_run_resolver(claim_id=claim_id, run_key=run_key)
    except TransientResolverFailure as exc:
        # After the last retry Celery raises exc itself: the attempt already says why.
        raise self.retry(exc=exc, countdown=resolver_retry_countdown(self.request.retries)) \
            from exc
    return attempt.status if attempt else None


@shared_task(name="bets.tasks.claims_dry_run_sweep")
def claims_dry_run_sweep_task() -> int:
    """Beat: dispatch a dry run of every open claim with a spec, in batches."""
    return dry_run_sweep()


@shared_task(name="bets.tasks.claims_dry_run", soft_time_limit=RUN_SOFT_LIMIT,
             time_limit=RUN_HARD_LIMIT)
def claims_dry_run_task(claim_ids: list[int]) -> int:
    """"Would resolve as ... today" for a batch of claims (replaces their dry-run rows)."""
    return claims_dry_run(claim_ids=claim_ids)


@shared_task(name="bets.tasks.proposals_finalize_due", acks_late=True, reject_on_worker_lost=True)
def proposals_finalize_due_task() -> int:
    """Beat: proposals past their dispute window become resolutions (each exactly once)."""
    return proposals_finalize_due()


@shared_task(name="bets.tasks.snapshot_poll_sweep")
def snapshot_poll_sweep_task() -> int:
    """Beat: poll each published source an open claim uses, once per period."""
    return snapshot_poll_sweep()


@shared_task(name="bets.tasks.snapshot_source_poll", soft_time_limit=RUN_SOFT_LIMIT,
             time_limit=RUN_HARD_LIMIT)
def snapshot_source_poll_task(source_id: int) -> int | None:
    """Retrieve one published source and keep the version it returns."""
    snapshot = source_poll(source_id=source_id)
    return snapshot.pk if snapshot else None


@worker_process_shutdown.connect
def report_log_cache(**kwargs) -> None:
    """One line per worker process: how often logs were parsed versus served from cache."""
    cache = cache_in_use()
    if cache is not None:
        logger.warning("Resolver log cache: %d parses, %d hits.", cache.parses, cache.hits)
