"""What the resolver benchmarks (bench_sweep, bench_dry_run) share: 10,000 claims whose specs
read the same nine local inspect logs, and a `resolvers` worker with production settings."""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

CONDITIONS = {"snap": {"solvers": ["generate"]},
              "cot": {"solvers_include": "chain_of_thought"},
              "tools": {"solvers_include": "use_tools"}}


def spec_for(i: int) -> dict:
    # A mix of criteria over the same nine logs, as a busy deployment would have.
    model = f"mockllm/gen{i % 3 + 1}"
    criteria = [
        {"kind": "gap", "model": model, "a": "cot", "b": "snap", "metric": "accuracy",
         "min_gap": 0.1},
        {"kind": "threshold", "model": model, "condition": "tools", "metric": "accuracy",
         "at_least": 0.7},
        {"kind": "ordering", "models": ["mockllm/gen1", "mockllm/gen2", "mockllm/gen3"],
         "order": ["tools", "cot", "snap"], "metric": "accuracy"},
    ]
    return {"source": {"kind": "inspect_logs", "location": {"data": "*.eval"},
                       "task": "arith", "conditions": CONDITIONS},
            "criterion": criteria[i % len(criteria)]}


def load_claims(n: int, *, due: bool) -> None:
    """n open claims by user 1 with spec_for(i); due: their resolve_after has passed (the
    sweep resolves them), else it is 30 days away (only dry runs read them)."""
    from django.utils import timezone

    from bets.models import Claim

    now = timezone.now()
    close = now - timedelta(minutes=1) if due else now + timedelta(days=30)
    Claim.objects.bulk_create(
        (Claim(title=f"Bench claim {i}", statement="s", resolution_criteria="c",
               status=Claim.Status.OPEN, author_id=1, open_time=now - timedelta(days=2),
               close_time=close, resolve_after=close, resolver_spec=spec_for(i))
         for i in range(n)),
        batch_size=2000,
    )


def resolvers_worker():
    """A started 2-process worker on the `resolvers` queue whose data directory holds the nine
    logs (generated here), with production settings as docker-compose.yml runs it."""
    from tests.celery_worker import WorkerProcess
    from tests.fixtures.inspect_logs import generate_good_logs

    log_dir = Path(tempfile.mkdtemp(prefix="crux-bench-evals-"))
    generate_good_logs(log_dir)
    worker = WorkerProcess(log_dir=log_dir, queues="resolvers", concurrency=2, extra_env={
        "CRUX_DATA_DIR": str(log_dir),
        "LOG_LEVEL": os.environ.get("CRUX_BENCH_LOG_LEVEL", "WARNING"),
        "DEBUG": "0",
        "CRUX_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DB_CONN_MAX_AGE": "600",  # workers keep their database connection
    })
    worker.start()
    return worker


def log_parses(worker) -> tuple[list[int], bool]:
    """Each worker process's count of log parses (its LogCache reports them at exit), and
    whether every process parsed each of the nine logs at most once."""
    parses = [int(p) for p in re.findall(r"Resolver log cache: (\d+) parses", worker.log())]
    return parses, bool(parses) and all(p <= 9 for p in parses)
