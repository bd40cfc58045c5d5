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
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchdb import django_on_fresh_database, users  # noqa: E402
from bench.resolverload import load_claims, log_parses, resolvers_worker  # noqa: E402

N_CLAIMS = int(os.environ.get("CRUX_BENCH_DRY_RUN_CLAIMS", "10000"))
TARGET_PER_SECOND = 200


def main() -> int:
    django_on_fresh_database("dry_run")
    from bets.autoresolve.dryrun import dry_run_sweep
    from bets.models import ClaimDryRun

    users(1)
    load_claims(N_CLAIMS, due=False)
    worker = resolvers_worker()
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
    parses, once = log_parses(worker)
    rate = dispatched / elapsed
    verdict = "PASS" if rate >= TARGET_PER_SECOND and decided == N_CLAIMS else "MISS"
    print(f"dry_run_rate: {rate:.0f} claims/s (target {TARGET_PER_SECOND} claims/s) "
          f"{verdict}  [{dispatched} dispatched, {decided} decided yes or no in "
          f"{elapsed:.1f} s; sweep itself {swept:.1f} s; 2 worker processes]")
    print(f"dry_run_log_parses: {sum(parses)} parses of 9 logs over {len(parses)} worker "
          f"processes (target <= 9 per process) {'PASS' if once else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
