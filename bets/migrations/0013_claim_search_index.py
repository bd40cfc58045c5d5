"""A GIN index on the claim list's full-text document (bets.models.claims.claim_search_vector),
so a search reads the index instead of computing every claim's vector.

PostgreSQL only: SQLite (`make run`'s embedded default) has no tsvector and searches with LIKE,
so there the index exists in the migration state only."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations


class AddIndexOnPostgres(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ("bets", "0012_live_schedules"),
    ]

    operations = [
        AddIndexOnPostgres(
            model_name="claim",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        "title", config="english", weight="A"
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        "statement", "resolution_criteria", "fine_print",
                        config="english", weight="B",
                    ),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                name="claim_search_document",
            ),
        ),
    ]
