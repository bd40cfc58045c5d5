"""Settling a claim with 10,000 matched bets: target <= 2 s.

Loads a consistent ledger with COPY (grants, offer reserves, 10,000 matched bets with their
escrow entries) into a fresh `crux_bench_settle` database, then times one
`claim_settle_bets` for the claim's resolution, checks every ledger invariant, and also
reports (untargeted) how long reversing all 10,000 payouts takes after an unresolve.
Run: `DATABASE_URL=postgres://... python bench/bench_settle.py`.
"""

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import copy_rows, django_on_fresh_database, report, reset_sequence, users  # noqa: E402

BETS = 10_000
OFFERERS = 100
TAKERS = 100
GRANT = 1_000_000
STAKE = 10
TARGET = 2.0


def load() -> None:
    now = datetime.now(UTC)
    users(OFFERERS + TAKERS)
    n_users = OFFERERS + TAKERS
    # Accounts: 1 grants, 2 offers, 3 escrow, then user i -> account 3 + i.
    copy_rows("bets_account", ["id", "kind", "user_id", "balance"],
              [(1, "grants", None, 0), (2, "offers", None, 0), (3, "escrow", None, 0)]
              + [(3 + u, "participant", u, 0) for u in range(1, n_users + 1)])
    reset_sequence("bets_account")
    copy_rows(
        "bets_claim",
        ["id", "title", "statement", "resolution_criteria", "fine_print", "kind", "status",
         "open_time", "close_time", "resolve_after", "outcome", "actual_resolve_time",
         "resolved_at", "resolution_method", "resolution_note", "review_note",
         "resolution_seq", "scored_seq", "settled_seq", "resolver_flag_reason",
         "created_at", "updated_at", "featured", "open_lower_bound", "open_upper_bound",
         "unit"],
        [(1, "Bench claim", "s", "c", "", "binary", "resolved", now - timedelta(days=2),
          now + timedelta(days=1), now - timedelta(days=2), "yes", now, now, "manual", "", "",
          1, 1, 0, "", now, now, False, False, False, "")],
    )
    per_offer = BETS // OFFERERS
    copy_rows("bets_offer",
              ["id", "claim_id", "offerer_id", "side", "probability", "max_stake",
               "filled_stake", "status", "expires_at", "note", "created_at"],
              [(o, 1, o, "yes", 0.5, per_offer * STAKE, per_offer * STAKE, "filled",
                now + timedelta(days=1), "", now) for o in range(1, OFFERERS + 1)])
    reset_sequence("bets_offer")
    bets = [(b, (b - 1) % OFFERERS + 1, 1, (b - 1) % OFFERERS + 1,
             OFFERERS + (b - 1) % TAKERS + 1) for b in range(1, BETS + 1)]
    copy_rows("bets_bet",
              ["id", "offer_id", "claim_id", "offerer_id", "taker_id", "offerer_side",
               "probability", "offerer_stake", "taker_stake", "note", "status", "settled_seq",
               "created_at"],
              [(b, o, c, off, tk, "yes", 0.5, STAKE, STAKE, "", "matched", 0, now)
               for b, o, c, off, tk in bets])
    reset_sequence("bets_bet")
    load_ledger(bets, n_users, per_offer, now)


def load_ledger(bets, n_users: int, per_offer: int, now) -> None:
    txns, entries = [], []

    def txn(kind, key, lines, **fk):
        tid = len(txns) + 1
        txns.append((tid, kind, key, "", fk.get("claim"), fk.get("bet"), fk.get("offer"), now))
        entries.extend((tid, account, amount) for account, amount in lines)

    for u in range(1, n_users + 1):
        txn("grant", f"grant:{u}", [(1, -GRANT), (3 + u, GRANT)])
    for o in range(1, OFFERERS + 1):
        txn("offer_reserve", f"offer-reserve:{o}", [(3 + o, -per_offer * STAKE),
                                                     (2, per_offer * STAKE)], claim=1, offer=o)
    for b, o, _, _, taker in bets:
        txn("bet_match", f"match:{b}", [(2, -STAKE), (3 + taker, -STAKE), (3, 2 * STAKE)],
            claim=1, bet=b, offer=o)
    copy_rows("bets_ledgertransaction",
              ["id", "kind", "idempotency_key", "memo", "claim_id", "bet_id", "offer_id",
               "created_at"], txns)
    copy_rows("bets_ledgerentry", ["transaction_id", "account_id", "amount"], entries)
    reset_sequence("bets_ledgertransaction")
    reset_sequence("bets_ledgerentry")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""UPDATE bets_account a SET balance = s.total FROM (
            SELECT account_id, SUM(amount) AS total FROM bets_ledgerentry GROUP BY account_id
        ) s WHERE a.id = s.account_id AND a.kind = 'participant'""")
        cursor.execute("ANALYZE")


def main() -> None:
    django_on_fresh_database("settle")
    from django.db import transaction

    with transaction.atomic():
        load()
    from bets.betting.checks import ledger_violations
    from bets.betting.settlement import claim_settle_bets
    from bets.models import Claim

    assert ledger_violations() == [], ledger_violations()[:5]
    started = time.perf_counter()
    posted = claim_settle_bets(claim_id=1, seq=1)
    elapsed = time.perf_counter() - started
    assert posted == BETS, posted
    violations = ledger_violations()
    report(f"settle a claim with {BETS:,} matched bets", elapsed, TARGET, unit="s",
           note=f"{posted} payouts, invariants {'hold' if not violations else 'BROKEN'}")
    Claim.objects.filter(pk=1).update(status="closed", outcome=None, resolution_seq=2)
    started = time.perf_counter()
    claim_settle_bets(claim_id=1, seq=2)
    reversed_in = time.perf_counter() - started
    violations += ledger_violations()
    print(f"reverse {BETS:,} payouts after an unresolve: {reversed_in:.2f} s (no target)")
    if violations:
        print("\n".join(violations[:20]))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
