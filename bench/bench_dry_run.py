"""Scheduled dry runs ("would resolve as ... today"): 10,000 open claims whose specs read the
same 9 local inspect logs.

Target: >= 200 claims dry-run per second with 2 worker processes, and each log parsed once
per worker process (LogCache keyed by sha256), not once per claim.

Runs on its own database (crux_bench_dry_run on DATABASE_URL's server) and on REDIS_URL,
which it FLUSHES: give it a Redis database of its own.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crux REDIS_URL=redis://127.0.0.1:6379/15 \\
        python bench/bench_dry_run.py
"""

import os
import re
import secrets
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_sweep import spec_for  # noqa: E402 (the same mix of criteria)
from bench.benchdb import django_on_fresh_database, users  # noqa: E402

N_CLAIMS = int(os.environ.get("CRUX_BENCH_DRY_RUN_CLAIMS", "10000"))
TARGET_PER_SECOND = 200


def load_claims(n: int) -> None:
    from django.utils import timezone

    from bets.models import Claim

    now = timezone.now()
    Claim.objects.bulk_create(
        (Claim(title=f"Bench claim {i}", statement="s", resolution_criteria="c",
               status=Claim.Status.OPEN, author_id=1, open_time=now - timedelta(days=2),
               close_time=now + timedelta(days=30), resolve_after=now + timedelta(days=30),
               resolver_spec=spec_for(i)) for i in range(n)),
        batch_size=2000,
    )


def main() -> int:
    django_on_fresh_database("dry_run")
    from bets.autoresolve.dryrun import dry_run_sweep
    from bets.models import ClaimDryRun
    from tests.celery_worker import WorkerProcess
    from tests.fixtures.inspect_logs import generate_good_logs

    log_dir = Path(tempfile.mkdtemp(prefix="crux-bench-evals-"))
    generate_good_logs(log_dir)
    users(1)
    load_claims(N_CLAIMS)
    worker_env = {  # production settings, as docker-compose.yml runs the worker
        "CRUX_DATA_DIR": str(log_dir),
        "LOG_LEVEL": os.environ.get("CRUX_BENCH_LOG_LEVEL", "WARNING"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DB_CONN_MAX_AGE": "600",
    }
    worker = WorkerProcess(log_dir=log_dir, queues="resolvers", concurrency=2,
                           extra_env=worker_env)
    worker.start()
    try:
        started = time.perf_counter()
        dispatched = dry_run_sweep()
        swept = time.perf_counter() - started
        while ClaimDryRun.objects.count() < dispatched:
            if worker.proc.poll() is not None:
                print(worker.log()[-3000:])
                return 1
            time.sleep(0.25)
        elapsed = time.perf_counter() - started
    finally:
        worker.stop()
        if os.environ.get("CRUX_BENCH_SHOW_LOG"):
            print(worker.log()[-4000:])
    decided = ClaimDryRun.objects.exclude(verdict="inconclusive").count()
    parses = [int(p) for p in re.findall(r"Resolver log cache: (\d+) parses", worker.log())]
    rate = dispatched / elapsed
    verdict = "PASS" if rate >= TARGET_PER_SECOND and decided == N_CLAIMS else "MISS"
    print(f"dry_run_rate: {rate:.0f} claims/s (target {TARGET_PER_SECOND} claims/s) "
          f"{verdict}  [{dispatched} dispatched, {decided} decided yes or no in "
          f"{elapsed:.1f} s; sweep itself {swept:.1f} s; 2 worker processes]")
    once = bool(parses) and all(p <= 9 for p in parses)
    print(f"dry_run_log_parses: {sum(parses)} parses of 9 logs over {len(parses)} worker "
          f"processes (target <= 9 per process) {'PASS' if once else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
