"""Every ledger invariant, checked from the database. `manage.py check_ledger` and the daily
`bets.tasks.ledger_check` run these; the test suite runs them after every step.

Each check returns human-readable violations (empty when the invariant holds).
"""

from __future__ import annotations

from django.db import connection
from django.db.backends.utils import CursorWrapper

from bets.models import Account

# (name, SQL returning one row per violation, formatter)
CHECKS = [
    (
        "unbalanced transaction",
        """SELECT t.id, t.idempotency_key, SUM(e.amount) FROM bets_ledgertransaction t
           JOIN bets_ledgerentry e ON e.transaction_id = t.id
           GROUP BY t.id, t.idempotency_key HAVING SUM(e.amount) <> 0""",
        "transaction {0} ({1}) entries sum to {2}, not 0",
    ),
    (
        "empty transaction",
        """SELECT t.id, t.idempotency_key FROM bets_ledgertransaction t
           WHERE NOT EXISTS (SELECT 1 FROM bets_ledgerentry e WHERE e.transaction_id = t.id)""",
        "transaction {0} ({1}) has no entries",
    ),
    (
        "negative balance",
        """SELECT a.id, a.user_id, a.balance, COALESCE(SUM(e.amount), 0) FROM bets_account a
           LEFT JOIN bets_ledgerentry e ON e.account_id = a.id
           WHERE a.kind <> 'grants' GROUP BY a.id
           HAVING a.balance < 0 OR COALESCE(SUM(e.amount), 0) < 0""",
        "account {0} (user {1}) is negative: cached {2}, entries {3}",
    ),
    (
        "cached balance",
        """SELECT a.id, a.user_id, a.balance, COALESCE(SUM(e.amount), 0) FROM bets_account a
           LEFT JOIN bets_ledgerentry e ON e.account_id = a.id
           WHERE a.kind = 'participant' GROUP BY a.id
           HAVING a.balance <> COALESCE(SUM(e.amount), 0)""",
        "account {0} (user {1}) caches {2} but its entries sum to {3}",
    ),
    (
        "system cache",
        "SELECT id, kind, balance FROM bets_account WHERE kind <> 'participant' AND balance <> 0",
        "system account {0} ({1}) caches {2}; system balances are never cached",
    ),
    (
        "escrow",
        """SELECT (SELECT COALESCE(SUM(e.amount), 0) FROM bets_ledgerentry e
                   JOIN bets_account a ON a.id = e.account_id WHERE a.kind = 'escrow'),
                  (SELECT COALESCE(SUM(offerer_stake + taker_stake), 0) FROM bets_bet
                   WHERE status = 'matched')""",
        "escrow holds {0} but matched, unsettled bets stake {1}",
    ),
    (
        "offer reserve",
        """SELECT (SELECT COALESCE(SUM(e.amount), 0) FROM bets_ledgerentry e
                   JOIN bets_account a ON a.id = e.account_id WHERE a.kind = 'offers'),
                  (SELECT COALESCE(SUM(max_stake - filled_stake), 0) FROM bets_offer
                   WHERE status = 'open')""",
        "offer reserve holds {0} but open offers have {1} left",
    ),
    (
        "offer fill",
        """SELECT o.id, o.filled_stake, COALESCE(SUM(b.offerer_stake), 0) FROM bets_offer o
           LEFT JOIN bets_bet b ON b.offer_id = o.id GROUP BY o.id
           HAVING o.filled_stake <> COALESCE(SUM(b.offerer_stake), 0)""",
        "offer {0} records {1} filled but its bets stake {2}",
    ),
    (
        "payouts",
        """SELECT b.id, b.status, COUNT(t.id) FILTER (WHERE t.kind = 'settle'),
                  COUNT(t.id) FILTER (WHERE t.kind = 'refund')
           FROM bets_bet b LEFT JOIN bets_ledgertransaction t ON t.bet_id = b.id
               AND t.kind IN ('settle', 'refund')
               AND NOT EXISTS (SELECT 1 FROM bets_ledgertransaction r WHERE r.reverses_id = t.id)
           GROUP BY b.id, b.status
           HAVING (b.status = 'matched' AND COUNT(t.id) <> 0)
               OR (b.status = 'settled' AND (COUNT(t.id) FILTER (WHERE t.kind = 'settle') <> 1
                                             OR COUNT(t.id) <> 1))
               OR (b.status = 'refunded' AND (COUNT(t.id) FILTER (WHERE t.kind = 'refund') <> 1
                                              OR COUNT(t.id) <> 1))""",
        "bet {0} is {1} but has {2} standing payout(s) and {3} standing refund(s)",
    ),
    (
        "match",
        """SELECT b.id FROM bets_bet b WHERE NOT EXISTS (SELECT 1 FROM bets_ledgertransaction t
           WHERE t.bet_id = b.id AND t.kind = 'bet_match')""",
        "bet {0} has no matching ledger transaction",
    ),
    (
        "bet state",
        """SELECT b.id, b.status, c.id, c.status FROM bets_bet b
           JOIN bets_claim c ON c.id = b.claim_id
           WHERE c.settled_seq = c.resolution_seq AND c.settled_seq > 0 AND (
               (c.status = 'resolved' AND (b.status <> 'settled' OR b.winner_id IS DISTINCT FROM
                   CASE WHEN b.offerer_side = c.outcome THEN b.offerer_id ELSE b.taker_id END))
               OR (c.status = 'annulled' AND b.status <> 'refunded')
               OR (c.status NOT IN ('resolved', 'annulled') AND b.status <> 'matched'))""",
        "bet {0} is {1} (or names the wrong winner) but claim {2} is settled as {3}",
    ),
    (
        "agreement escrow",
        """SELECT (SELECT COALESCE(SUM(e.amount), 0) FROM bets_ledgerentry e
                   JOIN bets_account a ON a.id = e.account_id WHERE a.kind = 'agreements'),
                  (SELECT COALESCE(SUM(proposer_credits + counterparty_credits), 0)
                   FROM bets_agreement WHERE status = 'binding')""",
        "agreement escrow holds {0} but binding agreements lock {1}",
    ),
    (
        "agreement lock",
        """SELECT a.id, a.status, COUNT(t.id) FROM bets_agreement a
           LEFT JOIN bets_ledgertransaction t ON t.agreement_id = a.id
               AND t.kind = 'agreement_lock'
           GROUP BY a.id, a.status
           HAVING (a.bound_at IS NULL AND COUNT(t.id) <> 0)
               OR (a.bound_at IS NOT NULL AND a.proposer_credits + a.counterparty_credits > 0
                   AND COUNT(t.id) <> 1)""",
        "agreement {0} is {1} but has {2} credit lock(s)",
    ),
    (
        "missing account",
        """SELECT u.id, u.username FROM auth_user u
           WHERE NOT EXISTS (SELECT 1 FROM bets_account a WHERE a.user_id = u.id)""",
        "user {0} ({1}) has no account (no starting grant)",
    ),
]


def _results(cursor: CursorWrapper) -> list[list[tuple]]:
    """Every check's rows. PostgreSQL gets all the checks in one round trip (the suite runs
    them after every step of a state machine); other databases one by one."""
    if connection.vendor == "postgresql":
        cursor.execute(";\n".join(sql for _, sql, _ in CHECKS))
        results = [cursor.fetchall()]
        while cursor.nextset():
            results.append(cursor.fetchall())
        return results
    results = []
    for _, sql, _ in CHECKS:
        cursor.execute(sql)
        results.append(cursor.fetchall())
    return results


def ledger_violations() -> list[str]:
    """Run every check; return one line per violation."""
    found: list[str] = []
    with connection.cursor() as cursor:
        results = _results(cursor)
    for (name, _, message), rows in zip(CHECKS, results, strict=True):
        for row in rows:
            if name in ("escrow", "offer reserve", "agreement escrow") and row[0] == row[1]:
                continue
            found.append(f"{name}: " + message.format(*row))
    return found


def system_balances() -> dict[str, int]:
    """Sum of entries per system account (they keep no cached balance)."""
    from django.db.models import Sum

    rows = (
        Account.objects.exclude(kind=Account.Kind.PARTICIPANT)
        .values_list("kind")
        .annotate(total=Sum("entries__amount"))
    )
    return {kind: total or 0 for kind, total in rows}
