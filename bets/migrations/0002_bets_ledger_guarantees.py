"""Database-enforced ledger guarantees (PostgreSQL only; SQLite, used by `make run`, skips).

- Ledger entries and transactions are append-only: a trigger refuses every UPDATE and DELETE.
  Corrections are compensating transactions. (TRUNCATE, which only a database owner runs,
  is left alone so the test suite can reset tables.)
- Every transaction's entries sum to zero: a DEFERRABLE INITIALLY DEFERRED constraint trigger
  re-sums the transaction of each inserted debit entry at commit, when all its entries exist.
  Only debits fire it: every transaction that can balance has one, and firing once per
  transaction instead of once per entry halves the cost of settling 10,000 bets. A
  credits-only transaction (which no code path can post: bets.ledger validates the sum first)
  is reported by `manage.py check_ledger`.
"""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION crux_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Crux ledger is append-only: % on % refused (post a compensating transaction)',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledgerentry_append_only BEFORE UPDATE OR DELETE ON bets_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION crux_ledger_append_only();
CREATE TRIGGER ledgertransaction_append_only BEFORE UPDATE OR DELETE ON bets_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION crux_ledger_append_only();

CREATE OR REPLACE FUNCTION crux_ledger_transaction_balanced() RETURNS trigger AS $$
DECLARE
    total bigint;
BEGIN
    SELECT COALESCE(SUM(amount), 0) INTO total
        FROM bets_ledgerentry WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'Crux ledger transaction % does not balance (entries sum to %)',
            NEW.transaction_id, total USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledgerentry_transaction_balanced
    AFTER INSERT ON bets_ledgerentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.amount < 0)
    EXECUTE FUNCTION crux_ledger_transaction_balanced();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS ledgerentry_transaction_balanced ON bets_ledgerentry;
DROP FUNCTION IF EXISTS crux_ledger_transaction_balanced();
DROP TRIGGER IF EXISTS ledgertransaction_append_only ON bets_ledgertransaction;
DROP TRIGGER IF EXISTS ledgerentry_append_only ON bets_ledgerentry;
DROP FUNCTION IF EXISTS crux_ledger_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL, params=None)


class Migration(migrations.Migration):
    dependencies = [("bets", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
