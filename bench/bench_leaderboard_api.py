"""Leaderboard API with 10,000 ranked participants: p95 <= 50 ms under 32 concurrent clients.

Serves `GET /api/leaderboard/` from gunicorn on 127.0.0.1 against PostgreSQL (production
settings: DEBUG=0, persistent database connections), and drives it with 32 concurrent
clients (wrk, bench/wrk/leaderboard.lua) asking for random pages of random score types.
10,000 participants each hold 5 scored claims (2,500 resolved claims x 20 forecasters).
Client and server share this machine's CPUs, so the figure is pessimistic for a real
deployment.
"""

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import copy_rows, django_on_fresh_database, report, reset_sequence, users  # noqa: E402
from httpload import GUNICORN_WORKERS, gunicorn_serving, wrk  # noqa: E402

PARTICIPANTS = 10_000
CLAIMS = 2_500
PER_CLAIM = 20
CLIENTS = 32
WARMUP_SECONDS = 10
SECONDS = 20
TARGET = 0.050


def load() -> None:
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    rng = random.Random(5)
    users(PARTICIPANTS)
    copy_rows(
        "bets_claim",
        ["id", "title", "statement", "resolution_criteria", "fine_print", "kind", "status",
         "open_time", "close_time", "resolve_after", "outcome", "actual_resolve_time",
         "resolved_at", "resolution_method", "resolution_note", "review_note",
         "resolution_seq", "scored_seq", "settled_seq", "resolver_flag_reason",
         "created_at", "updated_at", "featured", "open_lower_bound", "open_upper_bound",
         "unit"],
        ((i, f"Claim {i}", "s", "c", "", "binary", "resolved", t0, t0 + timedelta(days=30),
          t0 + timedelta(days=30), "yes", t0 + timedelta(days=30), t0 + timedelta(days=30),
          "manual", "", "", 1, 1, 0, "", t0, t0, False, False, False, "")
         for i in range(1, CLAIMS + 1)),
    )
    reset_sequence("bets_claim")
    # Each participant appears in exactly 5 claims: a shuffled deck of 5 copies of everyone.
    deck = [pid for pid in range(1, PARTICIPANTS + 1) for _ in range(5)]
    rng.shuffle(deck)
    scores, seen = [], set()
    resolved = t0 + timedelta(days=30)
    for i, pid in enumerate(deck):
        claim_id = i // PER_CLAIM + 1
        if (claim_id, pid) in seen:  # the same person twice on one claim: skip the duplicate
            continue
        seen.add((claim_id, pid))
        scores.append((claim_id, pid, rng.gauss(20, 40), rng.gauss(0, 30), rng.random(),
                       rng.random() * 0.5, -rng.random(), 1, resolved, resolved))
    copy_rows("bets_score", ["claim_id", "participant_id", "baseline", "peer", "coverage",
                             "brier", "log", "resolution_seq", "resolved_at", "computed_at"],
              scores)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    database_url = django_on_fresh_database("leaderboard_api")
    load()
    env = {"CRUX_WRK_PARTICIPANTS": str(PARTICIPANTS)}
    with gunicorn_serving(database_url, ready_path="/api/leaderboard/") as base:
        # Warm up with the same traffic first: the figure is for a server that has been
        # answering, not one filling its caches (the warm-up's own p95 is printed too).
        warm = wrk(base, "leaderboard.lua", connections=CLIENTS, seconds=WARMUP_SECONDS, env=env)
        run = wrk(base, "leaderboard.lua", connections=CLIENTS, seconds=SECONDS, env=env)
    report(
        f"leaderboard API p95, {CLIENTS} concurrent clients, 10,000 ranked participants",
        run["p95_ms"] / 1000, TARGET,
        note=f"{run['requests']} requests in {run['seconds']:.0f} s, {run['rate']:.0f} req/s, "
        f"median {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms, gunicorn "
        f"{GUNICORN_WORKERS} workers; warm-up p95 {warm['p95_ms']:.1f} ms",
    )


if __name__ == "__main__":
    main()
