"""What a source read and did not use, and why: the evidence's `set_aside` list.

Someone checking a verdict sees the files that decided and, apart from them, every file (or
row, or task of a results file) that was read and not used, each with its reason in plain
words: another model, task, dataset, condition or metric; superseded by a later run; refused
(its status, errors, a partial run); dated after `as_of`; unreadable.

A run is set aside at the furthest step it reached in any lookup: a gen2 chain-of-thought log
passed over while the criterion looked up gen3 is "another model" only if no lookup of gen2
reached it, and "another condition" when a gen2 lookup wanted another condition. The reasons
that name what the criterion looked up (models, conditions) are written once every lookup is
done, so they list all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

# The steps of a lookup, in order: a run dropped at a later step came closer to deciding.
MODEL, TASK, DATASET, CONDITION, METRIC, CHOICE = range(6)


class Row(Protocol):
    """What is needed of a record here (resolvers.sources.common.Record)."""

    @property
    def model(self) -> str: ...

    @property
    def task(self) -> str | None: ...

    @property
    def identity(self) -> dict: ...


R = TypeVar("R", bound=Row)


def key(record: Row) -> str:
    """One record's key: one file can hold several records (lm-eval tasks, CSV rows)."""
    return repr((record.identity["locator"], record.task, record.identity.get("line")))


class SetAside:
    def __init__(self, noun: str, files: Iterable[dict] = ()):
        self.noun = noun
        self.files = list(files)  # whole files set aside before any record was made
        self.stages: dict[str, tuple[int, str | None]] = {}
        self.looked_up: dict[str, list[str]] = {}  # model -> conditions looked up ("" none)

    def lookup(self, model: str, condition: str | None) -> None:
        wanted = self.looked_up.setdefault(model, [])
        if (condition or "") not in wanted:
            wanted.append(condition or "")

    def mark(self, records: Iterable[R], stage: int,
             reason: str | Callable[[R], str] | None = None) -> None:
        """Set these records aside at `stage` (None: the reason is written at the end)."""
        for record in records:
            held = self.stages.get(key(record))
            if held is None or held[0] < stage:
                words = reason(record) if callable(reason) else reason
                self.stages[key(record)] = (stage, words)

    def entries(self, records: list[R], used: set[str],
                condition_of: Callable[[R], str]) -> list[dict]:
        """Every record not used and every file set aside whole, each with its reason."""
        per_file: dict[str, int] = {}
        for record in records:
            per_file[record.identity["locator"]] = per_file.get(record.identity["locator"],
                                                                0) + 1
        out = list(self.files)
        for record in records:
            if key(record) in used:
                continue
            stage, words = self.stages.get(key(record), (-1, None))
            entry = {"file": _row_id(record, per_file), "locator": record.identity["locator"],
                     "reason": words or self._reason(record, stage, condition_of)}
            if record.identity.get("line") is not None:
                entry["line"] = record.identity["line"]
            if per_file[record.identity["locator"]] > 1 and record.task is not None:
                entry["task"] = record.task
            out.append(entry)
        return out

    def _reason(self, record: R, stage: int, condition_of: Callable[[R], str]) -> str:
        if stage == MODEL or stage == -1 and self.looked_up:
            models = ", ".join(self.looked_up)
            return f"another model ({record.model}): the criterion read {models}"
        if stage == CONDITION:
            wanted = ", ".join(c for c in self.looked_up.get(record.model, []) if c)
            return (f"another condition ({condition_of(record)}): the criterion read "
                    f"{record.model} under {wanted or 'no named condition'}")
        return f"not needed: the criterion read no {self.noun} before it stopped"


def row_id(record: Row) -> str:
    """The locator, and the line of a table's row."""
    if record.identity.get("line") is not None:
        return f"{record.identity['locator']} line {record.identity['line']}"
    return str(record.identity["locator"])


def _row_id(record: Row, per_file: dict[str, int]) -> str:
    """row_id, and the task when the file holds several tasks' records (lm-eval)."""
    locator = record.identity["locator"]
    if record.identity.get("line") is None and per_file[locator] > 1 \
            and record.task is not None:
        return f"{locator} task {record.task}"
    return row_id(record)
