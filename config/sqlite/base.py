"""SQLite, as `make run`'s embedded default uses it: Django's backend, except that indexes
only PostgreSQL has (GIN on the claim search document, bets.models.claims) are never made.

They exist in the migration state on every database (0013 adds the claim search index on
PostgreSQL only), but SQLite rebuilds a table whenever one of its columns or constraints
changes, and the rebuild creates every index of the model's state: without this, the first
migration after 0013 that alters Claim fails on SQLite with `unrecognized token: ":"` (the
index's `::regconfig` cast).
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.indexes import PostgresIndex
from django.db.backends.sqlite3 import base, schema


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _model_indexes_sql(self, model: Any) -> list:
        skip = {self.quote_name(index.name) for index in model._meta.indexes
                if isinstance(index, PostgresIndex)}
        return [sql for sql in super()._model_indexes_sql(model)  # type: ignore[misc]
                if str(getattr(sql, "parts", {}).get("name", "")) not in skip]

    def add_index(self, model: Any, index: Any) -> None:
        if not isinstance(index, PostgresIndex):
            super().add_index(model, index)

    def remove_index(self, model: Any, index: Any) -> None:
        if not isinstance(index, PostgresIndex):
            super().remove_index(model, index)


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
