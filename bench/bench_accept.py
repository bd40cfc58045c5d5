"""Accepting offers through the API: >= 200 acceptances/s with 8 concurrent clients hammering
50 offers, p99 <= 150 ms, every ledger invariant intact afterwards.

Creates `crux_bench_accept` (dropped at exit), 50 offerers with one large offer each and 8
takers with API tokens, serves the API from gunicorn on 127.0.0.1 (DEBUG=0, persistent DB
connections) and drives `POST /api/offers/{id}/accept/` from 8 clients (wrk,
bench/wrk/accept.lua) for 20 s; any refused acceptance fails the run. Client and server share
this machine's CPUs, so the figures are pessimistic.
Run: `DATABASE_URL=postgres://... python bench/bench_accept.py`.
"""

import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["CRUX_STARTING_GRANT"] = "1000000000"  # before Django reads its settings
from benchdb import django_on_fresh_database  # noqa: E402
from httpload import gunicorn_serving, wrk  # noqa: E402

OFFERS = 50
CLIENTS = 8
SECONDS = 20
TARGET_RATE = 200.0
TARGET_P99 = 0.150


def setup() -> tuple[list[int], list[str], int]:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from bets.betting.offers import offer_create
    from tests.factories import make_open_claim

    User = get_user_model()
    mod = User.objects.create_user("mod", is_staff=True, is_superuser=True)
    claim = make_open_claim(author=mod, moderator=mod, title="Bench claim")
    offers = [
        offer_create(claim_id=claim.pk, offerer=User.objects.create_user(f"offerer{i}"),
                     side=random.choice(["yes", "no"]), probability=random.choice([0.3, 0.5, 0.7]),
                     max_stake=10**8, expires_at=timezone.now() + timedelta(days=1)).pk
        for i in range(OFFERS)
    ]
    tokens = [Token.objects.create(user=User.objects.create_user(f"taker{i}")).key
              for i in range(CLIENTS)]
    return offers, tokens, claim.pk


def main() -> None:

    database_url = django_on_fresh_database("accept")
    offers, tokens, _ = setup()
    env = {"CRUX_WRK_OFFERS": " ".join(map(str, offers)), "CRUX_WRK_TOKENS": " ".join(tokens)}
    with gunicorn_serving(database_url, ready_path="/api/bets/") as base:
        # Each of the 8 clients is one taker with its own token (one wrk thread each).
        wrk(base, "accept.lua", connections=CLIENTS, threads=CLIENTS, seconds=2, env=env)
        run = wrk(base, "accept.lua", connections=CLIENTS, threads=CLIENTS, seconds=SECONDS,
                  env=env | {"CRUX_WRK_SEED": "11"})
    from bets.betting.checks import ledger_violations
    from bets.models import Bet

    violations = ledger_violations()
    ok_rate = run["rate"] >= TARGET_RATE
    print(f"API acceptances, {CLIENTS} clients on {OFFERS} offers: {run['rate']:.0f}/s "
          f"(target >= {TARGET_RATE:g}/s) {'PASS' if ok_rate else 'MISS'}  "
          f"[{run['requests']} in {run['seconds']:.0f} s]", flush=True)
    print(f"API acceptance p99: {run['p99_ms']:.1f} ms (target {TARGET_P99 * 1000:g} ms) "
          f"{'PASS' if run['p99_ms'] <= TARGET_P99 * 1000 else 'MISS'}  [median "
          f"{run['p50_ms']:.1f} ms, {Bet.objects.count()} bets in all]")
    print(f"ledger invariants after the run: {'hold' if not violations else 'BROKEN'}")
    if violations:
        print("\n".join(violations[:20]))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
