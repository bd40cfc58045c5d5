"""Auto-resolution sweep: 10,000 due claims whose specs read local inspect logs.

Target: >= 100 claims resolved per second with 2 worker processes, and each log parsed once
per worker process (LogCache keyed by sha256), not once per claim.

Runs on its own database (crux_bench_sweep on DATABASE_URL's server) and on REDIS_URL, which
it FLUSHES: give it a Redis database of its own.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crux REDIS_URL=redis://127.0.0.1:6379/15 \\
        python bench/bench_sweep.py
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchdb import django_on_fresh_database, users  # noqa: E402
from bench.resolverload import load_claims, log_parses, resolvers_worker  # noqa: E402

N_CLAIMS = int(os.environ.get("CRUX_BENCH_SWEEP_CLAIMS", "10000"))
TARGET_PER_SECOND = 100


def main() -> int:
    django_on_fresh_database("sweep")
    from bets.autoresolve import runs as autoresolve
    from bets.models import ResolutionAttempt, ResolutionProposal

    users(1)
    load_claims(N_CLAIMS, due=True)
    worker = resolvers_worker()
    try:
        started = time.perf_counter()
        dispatched = autoresolve.resolver_sweep(limit=N_CLAIMS)
        swept = time.perf_counter() - started
        while ResolutionAttempt.objects.exclude(status="running").count() < len(dispatched):
            if worker.proc.poll() is not None:
                print(worker.log()[-3000:])
                return 1
            time.sleep(0.25)
        elapsed = time.perf_counter() - started
    finally:
        worker.stop()
        if os.environ.get("CRUX_BENCH_SHOW_LOG"):
            print(worker.log()[-4000:])
    decided = ResolutionAttempt.objects.filter(status="decided").count()
    proposals = ResolutionProposal.objects.count()
    parses, once = log_parses(worker)
    rate = len(dispatched) / elapsed
    verdict = "PASS" if rate >= TARGET_PER_SECOND and decided == N_CLAIMS else "MISS"
    print(f"sweep_resolve_rate: {rate:.0f} claims/s (target {TARGET_PER_SECOND} claims/s) "
          f"{verdict}  [{len(dispatched)} dispatched, {decided} decided, {proposals} proposed "
          f"in {elapsed:.1f} s; sweep itself {swept:.1f} s; 2 worker processes]")
    print(f"sweep_log_parses: {sum(parses)} parses of 9 logs over {len(parses)} worker "
          f"processes (target <= 9 per process) {'PASS' if once else 'MISS'}")
    # A miss is a figure, not a crash: run_all.py reports MISS lines and exits non-zero itself.
    return 0


if __name__ == "__main__":
    sys.exit(main())
