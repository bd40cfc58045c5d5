"""Shared machinery for sources that read a set of runs (logs, results files, rows).

A source parses each file into Records (resolvers.sources.files), and RecordEvidence answers
"the metric for this model under this condition" by identifying the runs from what they
record, refusing runs that must not decide (errored, invalidated, partial, dated after
as_of), and choosing the newest completed run when several match. Every choice is written
down for the audit trail, and every run read and not used is set aside with its reason
(resolvers.sources.aside).
"""

from __future__ import annotations

import math
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from resolvers.base import BadEvidence, Evidence, Measurement, number
from resolvers.sources import aside
from resolvers.sources.aside import SetAside

RESOLVERS_VERSION = "1"
NOTES_IN_REASON = 3  # a reason is read by people; the full list is in the evidence
# What a source's metric() may say about the number beside its value and stderr.
DETAIL_KEYS = ("scorer", "reducer", "epochs", "filter", "samples")


@dataclass(frozen=True)
class Record:
    """One run (or table row) as the source understood it. Shared between claims through
    the cache: never mutate."""

    model: str
    task: str | None
    dataset: str | None
    metrics: dict  # key -> {"value": float|None, "stderr": float|None}
    problems: tuple[str, ...]  # why it must not decide; empty when usable
    completed: Any  # sortable "newness" (ISO time or epoch seconds); None when unknown
    identity: dict  # JSON-serializable description for evidence
    attrs: dict = field(default_factory=dict)  # what conditions are matched against


def jsonable(value: Any) -> Any:
    """A JSON-safe deep copy: logs may carry odd metadata, and evidence lands in a JSON
    column where NaN is not allowed."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def fmt(x: float | None) -> str:
    return "unknown" if x is None else f"{x:.3g}"


class RecordEvidence(Evidence):
    noun = "log"

    def __init__(self, *, kind: str, spec: dict, records: list[Record], files: list[dict],
                 notes: list[str], tool_versions: dict, aside: list[dict] | None = None):
        self.kind = kind
        self.spec = spec
        self.records = records
        self.files = files
        self.notes = list(notes)
        self.selection: list[str] = []
        self.used: dict[str, dict] = {}
        # Every record (and file) read and not used, with the step of the lookup that
        # dropped it: the evidence's set_aside list (resolvers.sources.aside).
        self.aside = SetAside(self.noun, aside or [])
        self.along: set[str] = set()  # keys of records read as part of a used one
        # Runs the decision needed but that must not decide (failed, invalidated, partial):
        # the evidence shows each with its status and error, not only the reason.
        self.refused: dict[str, dict] = {}
        self.tool_versions = {"crux_resolvers": RESOLVERS_VERSION,
                              "python": platform.python_version(), **tool_versions}

    # --- what subclasses decide ------------------------------------------------------------
    def expected_task(self, condition: str | None) -> str | None:
        return self.spec.get("task")

    def matches(self, record: Record, condition: str) -> bool:
        raise NotImplementedError

    def variant(self, record: Record) -> Any:
        """What distinguishes conditions; several variants and no condition is ambiguous."""
        return None

    def metric(self, record: Record, name: str, condition: str | None) -> tuple[str, dict]:
        raise NotImplementedError  # -> (key, {"value", "stderr"}) or BadEvidence

    def relevant(self, record: Record, metric: str) -> bool:
        """Whether a record can hold `metric` at all (tables have one metric per row)."""
        return True

    def condition_of(self, record: Record) -> str:
        """What the record was run under, in words, for "another condition" reasons."""
        return str(self.variant(record))

    def read_along(self, record: Record) -> list[Record]:
        """Records read as part of a record that decides (an lm-eval group's subtasks): its
        identity describes them, and they are not set aside."""
        return []

    # --- the lookup ----------------------------------------------------------------------------
    def lookup(self, *, model: str, condition: str | None, metric: str) -> Measurement:
        label = " ".join(x for x in (model, condition, metric) if x)
        self.aside.lookup(model, condition)
        self.aside.mark((r for r in self.records if r.model != model), aside.MODEL)
        found = [r for r in self.records if r.model == model]
        if not found:
            raise BadEvidence(f"no {self.noun} for model {model}{self._inventory()}")
        try:
            return self._lookup(found, model, condition, metric, label)
        except BadEvidence as e:
            if self.notes:
                # An unreadable file may be the missing run: say so next to the gap.
                raise BadEvidence(f"{e} ({self._notes_summary()})") from None
            raise

    def _lookup(self, found: list[Record], model: str, condition: str | None, metric: str,
                label: str) -> Measurement:
        found = self._narrow(found, "task", self.expected_task(condition), model)
        found = self._narrow(found, "dataset", self.spec.get("dataset"), model)
        if condition is not None:
            self.aside.mark((r for r in found if not self.matches(r, condition)),
                            aside.CONDITION)
            found = [r for r in found if self.matches(r, condition)]
            if not found:
                raise BadEvidence(f"no {self.noun} for {model} under condition {condition}"
                                  f"{self._task_words(condition)}")
        elif len({self.variant(r) for r in found}) > 1:
            self.aside.mark(found, aside.CONDITION, f"the criterion names no condition and "
                                                   f"{model}'s {self.noun}s were run under "
                                                   "several")
            raise BadEvidence(f"{self.noun}s for {model} were run under several conditions; "
                              "name a condition in the criterion")
        self.aside.mark((r for r in found if not self.relevant(r, metric)), aside.METRIC,
                        lambda r: f"another metric ({', '.join(sorted(map(str, r.metrics)))}): "
                                  f"the criterion read {metric}")
        found = [r for r in found if self.relevant(r, metric)]
        if not found:
            raise BadEvidence(f"no {self.noun} for {label}")
        chosen = self._choose(found, f"{model}" + (f" {condition}" if condition else ""))
        key, numbers = self.metric(chosen, metric, condition)
        value = number(numbers.get("value"))
        if value is None:
            raise BadEvidence(f"{label}: {key} is not a number "
                              f"({numbers.get('value')!r}) in {chosen.identity['locator']}")
        # One file can hold several records (lm-eval tasks, CSV rows): key by all of it.
        self.used[aside.key(chosen)] = chosen.identity
        self.along.update(aside.key(r) for r in self.read_along(chosen))
        details = {"key": key, "file": chosen.identity["locator"],
                   **{k: numbers[k] for k in DETAIL_KEYS if k in numbers}}
        return Measurement(value, number(numbers.get("stderr")), label, chosen.identity,
                           details=jsonable(details))

    def _narrow(self, found: list[Record], attr: str, wanted: str | None,
                model: str) -> list[Record]:
        if wanted is None:
            return found
        kept = [r for r in found if getattr(r, attr) == wanted]
        self.aside.mark((r for r in found if getattr(r, attr) != wanted),
                        aside.TASK if attr == "task" else aside.DATASET,
                        lambda r: f"another {attr} ({getattr(r, attr)}, not {wanted})")
        if not kept:
            others = sorted({str(getattr(r, attr)) for r in found})
            raise BadEvidence(f"{self.noun}s for {model} are for {attr} "
                              f"{', '.join(others)}, not {wanted}")
        return kept

    def _choose(self, found: list[Record], what: str) -> Record:
        usable = [r for r in found if not r.problems]
        pool = sorted(usable or found, key=_newness, reverse=True)
        chosen = pool[0]
        tied = [r for r in pool if _newness(r) == _newness(chosen)]
        # A tie only matters when the tied runs disagree; identical results may pick any.
        if len(tied) > 1 and any(r.metrics != chosen.metrics for r in tied):
            when = ("record no completion time" if _newness(chosen) == float("-inf")
                    else "completed at the same time")
            self.aside.mark(tied, aside.CHOICE, f"{len(tied)} {self.noun}s for {what} {when} "
                                                "and disagree: cannot tell which is newest")
            self.aside.mark((r for r in found if r.problems), aside.CHOICE, problem_words)
            raise BadEvidence(f"{len(tied)} {self.noun}s for {what} {when} "
                              f"({tied[0].identity['locator']}, {tied[1].identity['locator']}) "
                              "and disagree: cannot tell which is newest")
        self.aside.mark((r for r in found if r.problems), aside.CHOICE, problem_words)
        self.aside.mark((r for r in found if not r.problems and r is not chosen), aside.CHOICE,
                        f"superseded by a later {self.noun}: {aside.row_id(chosen)} "
                        f"(completed {chosen.completed})")
        if len(found) > 1:
            ignored = [f"{r.identity['locator']} (completed {r.completed}"
                       + (f"; {'; '.join(r.problems)}" if r.problems else "") + ")"
                       for r in found if r is not chosen]
            self.selection.append(
                f"{len(found)} {self.noun}s matched {what}: used the newest completed, "
                f"{chosen.identity['locator']} (completed {chosen.completed}); ignored "
                + ", ".join(ignored))
        if chosen.problems:
            self.refused[aside.key(chosen)] = {**chosen.identity,
                                               "problems": list(chosen.problems)}
            raise BadEvidence(f"{what}: {'; '.join(chosen.problems)} "
                              f"({chosen.identity['locator']})")
        return chosen

    def _inventory(self) -> str:
        if not self.records:
            if not self.notes:
                return f": no {self.noun}s were read"
            return ": " + self._notes_summary()
        models = sorted({r.model for r in self.records})
        shown = ", ".join(models[:10]) + (" ..." if len(models) > 10 else "")
        return f" (found {self.noun}s for: {shown})"

    def _notes_summary(self) -> str:
        more = len(self.notes) - NOTES_IN_REASON
        return "; ".join(self.notes[:NOTES_IN_REASON]) + (
            f"; and {more} more (see evidence notes)" if more > 0 else "")

    def _task_words(self, condition: str | None) -> str:
        task = self.expected_task(condition)
        return f" on task {task}" if task else ""

    def inventory(self, limit: int = 200) -> list[dict]:
        """What the source found, one row per run, for someone writing a spec: the model,
        task, what tells conditions apart, and the metrics each run reports."""
        rows = []
        for r in self.records[:limit]:
            attrs = r.attrs or {}
            rows.append(jsonable({
                "model": r.model, "task": r.task, "dataset": r.dataset,
                "file": r.identity.get("locator"), "usable": not r.problems,
                "problems": list(r.problems), "solvers": attrs.get("solvers"),
                "epochs": attrs.get("epochs"), "tags": attrs.get("tags"),
                "task_args": attrs.get("task_args"), "condition": attrs.get("condition"),
                "metrics": sorted(self.metric_names(r)),
            }))
        return rows

    def metric_names(self, record: Record) -> set[str]:
        """The metric names a criterion may use with this record."""
        names = set()
        for key, value in record.metrics.items():
            if isinstance(value, dict) and isinstance(value.get("metrics"), dict):
                names |= {f"{value.get('scorer', key)}/{m}" for m in value["metrics"]}
            else:
                names.add(str(key))
        return names

    def report(self) -> dict:
        return jsonable({
            "source": self.kind,
            "files": self.files,
            "tool_versions": self.tool_versions,
            "logs": list(self.used.values()),
            "refused": list(self.refused.values()),
            "set_aside": self.aside.entries(self.records, set(self.used) | self.along,
                                            self.condition_of),
            "selection": self.selection,
            "notes": self.notes,
        })


def problem_words(record: Record) -> str:
    return "; ".join(record.problems)


def _newness(record: Record) -> float:
    """Completion time as epoch seconds; unknown sorts as oldest."""
    done = record.completed
    if number(done) is not None:
        return float(done)
    if isinstance(done, str):
        try:
            moment = datetime.fromisoformat(done.replace("Z", "+00:00"))
        except ValueError:
            return float("-inf")
        if moment.tzinfo is None:  # naive times in logs are UTC
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    return float("-inf")
