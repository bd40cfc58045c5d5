"""The `as_of` rule of table sources: a claim about a day reads only rows dated by then.

A table (a CSV file, a JSON document) has no run status and no notion of time: read without
this rule, a claim "as of 2026-06-30" takes the newest row whatever its date, so the verdict
depends on the day the table was fetched. With it, every row is dated by a column the spec
names, and rows dated after the day are set aside with the reason:

  "as_of": "2026-06-30",        a day (YYYY-MM-DD), inclusive: rows of that day count
  "date_column": "run_date"     csv: the column that dates each row; http_json: the key,
                                beside the number, that dates the object holding it

A cell that is not a date (empty, "June 5", a number) sets its row aside too: an undated row
cannot be shown to be before the day. A table without the column is an evidence error, named
as such. Shared by `csv` and `http_json` (and any later table source) so the keys mean the
same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from resolvers.base import Checker, describe

FIELDS = {"as_of": "string", "date_column": "string"}
DATE_FORMS = "YYYY-MM-DD or an ISO 8601 time"


def parse_day(value: Any) -> date | None:
    """The calendar day a cell names (an ISO date, or an ISO time taken in UTC), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    # A naive time in a results table is taken as UTC, as naive times in logs are.
    return moment.astimezone(UTC).date() if moment.tzinfo else moment.date()


def validate(source: dict, path: str, check: Checker) -> None:
    """Spec problems of `as_of` and `date_column` (their types are checked with the fields)."""
    as_of, column = source.get("as_of"), source.get("date_column")
    if isinstance(as_of, str) and as_of:
        try:
            date.fromisoformat(as_of)
        except ValueError:
            check.error(f"{path}.as_of", f"expected a day as YYYY-MM-DD, got {describe(as_of)}")
    if "as_of" in source and "date_column" not in source:
        check.error(f"{path}.date_column", "required with as_of: the column that dates each "
                                           "row")
    if "date_column" in source and "as_of" not in source:
        check.error(f"{path}.as_of", "required with date_column: the day (YYYY-MM-DD) after "
                                     "which rows are set aside")
    if isinstance(column, str) and column != column.strip():
        check.error(f"{path}.date_column", "must not start or end with spaces")


@dataclass(frozen=True)
class AsOf:
    day: date
    column: str

    @classmethod
    def of(cls, spec: dict) -> AsOf | None:
        """The rule a valid spec states, or None when it states none."""
        if "as_of" not in spec:
            return None
        return cls(date.fromisoformat(spec["as_of"]), spec["date_column"])

    def problem(self, cell: Any) -> str | None:
        """Why a row whose date cell is `cell` must be set aside, or None when it counts."""
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return f"undated: its {self.column} is empty, so it cannot count as of {self.day}"
        day = parse_day(cell)
        if day is None:
            return (f"undated: its {self.column} {describe(cell)} is not a date "
                    f"({DATE_FORMS}), so it cannot count as of {self.day}")
        if day > self.day:
            return f"dated {day} ({self.column}), after as_of {self.day}"
        return None
