"""Score versions come from a sequence, so a value is never handed out twice.

The counter row itself is transactional: a score write that rolls back restores the old value,
and the next write would have produced the same number again. A leaderboard read inside the
rolled-back transaction could then have cached rows that never committed under a version that
later becomes real. nextval() is not rolled back, so every committed version is new.
"""

from django.db import migrations

FORWARDS = """
CREATE SEQUENCE IF NOT EXISTS crux_score_version_seq;
SELECT setval('crux_score_version_seq', GREATEST(1, (SELECT version FROM crux_score_version)));
CREATE OR REPLACE FUNCTION crux_score_version_bump() RETURNS trigger AS $$
BEGIN
    UPDATE crux_score_version SET version = nextval('crux_score_version_seq') WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

BACKWARDS = """
CREATE OR REPLACE FUNCTION crux_score_version_bump() RETURNS trigger AS $$
BEGIN
    UPDATE crux_score_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP SEQUENCE IF EXISTS crux_score_version_seq;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("bets", "0003_ops_score_version")]

    operations = [migrations.RunPython(forwards, backwards)]
