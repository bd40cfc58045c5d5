"""CSV tables of results: one row per (model, condition[, task][, metric]) with a value.

Spec:
  {"kind": "csv", "location": {"artifact": "results"},
   "columns": {"model": "model", "value": "accuracy",          # required
               "condition": "prompting", "stderr": "stderr",   # optional
               "task": "task", "metric": "metric", "completed": "date"},
   "task": "arith",                                            # needs columns.task
   "conditions": {"cot": "chain-of-thought"},                  # optional: name -> cell value
   "as_of": "2026-06-30", "date_column": "run_date"}           # optional, together

Without a metric column the value column is the metric, so criteria name it
(`"metric": "accuracy"`). Cells that are empty or not numbers (e.g. "N/A") are unknown.
Tables carry no run status, so a row is taken at its word; several rows for the same model,
condition and metric need a `completed` column to say which is newest. With `as_of`
(resolvers.sources.dating) rows dated after the day, or undated, are set aside, and without a
`completed` column the date column also says which row is newest.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from resolvers.base import BadEvidence, Checker
from resolvers.sources import dating, locations
from resolvers.sources.common import Record, RecordEvidence
from resolvers.sources.files import RecordSource

KIND = "csv"
COLUMN_FIELDS = {"model": "string", "value": "string", "condition": "string",
                 "stderr": "string", "task": "string", "metric": "string",
                 "completed": "string"}
MAX_ROWS = 100_000


def parse(data: bytes, name: str) -> dict:
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    if not rows:
        raise ValueError("empty CSV file")
    header = [h.strip() for h in rows[0]]
    if len(rows) - 1 > MAX_ROWS:
        raise ValueError(f"more than {MAX_ROWS} rows")
    return {"header": header, "rows": [row for row in rows[1:] if any(c.strip() for c in row)]}


def _float(cell: str | None) -> float | None:
    try:
        return float(cell) if cell is not None and cell.strip() else None
    except ValueError:
        return None


def to_records(result: locations.ReadResult, spec: dict) -> list[Record]:
    columns, header = spec["columns"], result.parsed["header"]
    as_of = dating.AsOf.of(spec)
    wanted = {**columns, **({"as_of date": as_of.column} if as_of else {})}
    missing = [f"{role} column {col!r}" for role, col in wanted.items() if col not in header]
    if missing:
        raise ValueError(f"has no {', '.join(missing)} (header: {', '.join(header)})")
    index = {role: header.index(col) for role, col in wanted.items()}
    records = []
    for number_, row in enumerate(result.parsed["rows"], start=2):  # line 1 is the header

        def cell(role: str, row: list[str] = row) -> str | None:
            i = index.get(role)
            return row[i].strip() if i is not None and i < len(row) else None

        metric = cell("metric") if "metric" in columns else columns["value"]
        value, stderr = cell("value"), cell("stderr")
        identity = {"locator": result.ref.locator, "sha256": result.sha256, "line": number_,
                    "model": cell("model"), "condition": cell("condition"),
                    "task": cell("task"), "metric": metric, "value": value, "stderr": stderr,
                    "completed": cell("completed")}
        completed, problem = cell("completed"), None
        if as_of is not None:
            identity[as_of.column] = cell("as_of date")
            problem = as_of.problem(cell("as_of date"))
            if "completed" not in columns:  # the date that counts also says which is newest
                completed = cell("as_of date")
        records.append(Record(
            model=cell("model") or "", task=cell("task"), dataset=None,
            metrics={metric: {"value": _float(value), "stderr": _float(stderr),
                              "raw": value}},
            problems=(problem,) if problem else (), completed=completed, identity=identity,
            attrs={"condition": cell("condition")}))
    return records


class CsvEvidence(RecordEvidence):
    noun = "row"

    def matches(self, record: Record, condition: str) -> bool:
        if "condition" not in self.spec["columns"]:
            raise BadEvidence(f"the table has no condition column, so it cannot tell "
                              f"condition {condition!r}")
        cell = (self.spec.get("conditions") or {}).get(condition, condition)
        return record.attrs["condition"] == cell

    def variant(self, record: Record) -> Any:
        return record.attrs["condition"]

    def condition_of(self, record: Record) -> str:
        return f"{self.spec['columns'].get('condition', 'condition')} " \
               f"{record.attrs['condition']!r}"

    def relevant(self, record: Record, metric: str) -> bool:
        return metric in record.metrics

    def metric(self, record: Record, name: str, condition: str | None) -> tuple[str, dict]:
        numbers = record.metrics[name]
        if numbers["value"] is None:
            raise BadEvidence(f"{record.identity['locator']} line {record.identity['line']}: "
                              f"{name} is {numbers['raw']!r}, not a number")
        return name, numbers


class CsvSource(RecordSource):
    kind = KIND
    # columns is required, with its own message below.
    fields = {"task": "string", "conditions": "object", "columns": "object", **dating.FIELDS}
    literal_conditions = True  # without a conditions object, a name is the cell itself
    evidence = CsvEvidence
    parse = staticmethod(parse)
    to_records = staticmethod(to_records)

    @classmethod
    def validate_fields(cls, source: dict, path: str, check: Checker) -> None:
        columns = source.get("columns")
        if "columns" not in source:
            check.error(f"{path}.columns", "required field is missing (expected an object "
                                           "naming at least the model and value columns)")
        elif isinstance(columns, dict):
            check.fields(columns, f"{path}.columns", required={"model": "string",
                                                               "value": "string"},
                         optional=COLUMN_FIELDS)
        if "task" in source and isinstance(columns, dict) and "task" not in columns:
            check.error(f"{path}.task", "needs columns.task to say where the task is")
        conditions = source.get("conditions")
        if isinstance(conditions, dict):
            for name, cell in conditions.items():
                if not isinstance(cell, str):
                    check.error(f"{path}.conditions.{name}", "expected the cell value (a "
                                                             "string) that marks this condition")
            if isinstance(columns, dict) and "condition" not in columns:
                check.error(f"{path}.conditions", "needs columns.condition")
        dating.validate(source, path, check)
