"""A version counter that changes with every write to the score table (PostgreSQL only).

The leaderboard cache is keyed by it (bets.selectors.scores_version): reading one row is far
cheaper than the COUNT/MAX stamp SQLite falls back to. A statement-level trigger bumps it inside
the writing transaction, so a reader never sees the new version before the new scores.
"""

from django.db import migrations

CREATE = """
CREATE TABLE IF NOT EXISTS crux_score_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO crux_score_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
CREATE OR REPLACE FUNCTION crux_score_version_bump() RETURNS trigger AS $$
BEGIN
    UPDATE crux_score_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS crux_score_version_bump ON bets_score;
CREATE TRIGGER crux_score_version_bump
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON bets_score
    FOR EACH STATEMENT EXECUTE FUNCTION crux_score_version_bump();
"""

DROP = """
DROP TRIGGER IF EXISTS crux_score_version_bump ON bets_score;
DROP FUNCTION IF EXISTS crux_score_version_bump();
DROP TABLE IF EXISTS crux_score_version;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bets", "0002_bets_ledger_guarantees")]

    operations = [migrations.RunPython(forwards, backwards)]
