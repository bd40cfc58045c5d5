"""inspect_ai evaluation logs (`.eval` and `.json`), read with inspect_ai's own reader.

Spec:
  {"kind": "inspect_logs", "location": {"data": "*.eval"},
   "task": "arith", "dataset": "arith-20",          # optional: refuse logs of anything else
   "scorer": "match", "stderr_metric": "stderr",    # optional: which scorer, which stderr
   "reducer": "mean",                               # optional: which epoch reduction
   "conditions": {"cot": {"solvers_include": "chain_of_thought"},
                  "snap": {"solvers": ["generate"], "epochs": 3}}}

A condition is identified from what the log records: the solver plan (`solvers` exactly,
`solvers_include`, `solvers_exclude`), `task_args`, `tags`, `metadata` (all given keys must
match) and `epochs`. The model is `eval.model` as written in the log, e.g. "mockllm/gen2".

A log run over several epochs with several reducers (`Epochs(3, ["mean", "max"])`) holds one
`results.scores` entry per reducer, all under the scorer's name. Every entry is kept: a spec
names the one it means with `reducer`, and a metric reduced several ways in a log whose spec
names none is inconclusive (the reason lists the reductions), never silently one of them.

A log decides only when it covered its whole dataset: as many distinct sample ids as
`eval.dataset.samples`. A run narrowed with `limit` or `sample_id` is an ordinary `success`
log whose completed count equals its own total; it is refused as a partial run, so a smoke
run written after the full run cannot decide in its place.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import TYPE_CHECKING, Any, Literal

from resolvers import archives
from resolvers.base import BadEvidence, Checker, is_type, number
from resolvers.sources import common, files, locations
from resolvers.sources.common import Record, RecordEvidence
from resolvers.sources.files import RecordSource

if TYPE_CHECKING:
    from inspect_ai.log import EvalLog

KIND = "inspect_logs"
SAMPLE_IDS_SHOWN = 1000  # evidence keeps at most this many ids (plus a hash of all)
CONDITION_KEYS = {"solvers": "strings", "solvers_include": "string_or_strings",
                  "solvers_exclude": "string_or_strings", "task_args": "object",
                  "tags": "string_or_strings", "metadata": "object", "epochs": "integer"}


def parse(data: bytes, name: str) -> dict:
    """The parts of a log header a resolver needs, as plain data (cached by sha256)."""
    from inspect_ai.log import read_eval_log  # heavy import: only when a log is read
    from pydantic import ValidationError

    # Callers check with their configured caps first (locations.read, uploads); this is the
    # last line for anyone who hands bytes to the parser directly.
    archives.check_archive(data)

    fmt: Literal["eval", "json"]
    if name.endswith(".eval"):
        fmt = "eval"
    elif name.endswith(".json"):
        fmt = "json"
    else:  # e.g. an artifact stored without its extension: .eval files are zip archives
        fmt = "eval" if data[:2] == b"PK" else "json"
    try:
        log = read_eval_log(io.BytesIO(data), header_only=True, format=fmt)
    except ValidationError as e:
        fields = sorted({".".join(str(p) for p in err["loc"]) or "document"
                         for err in e.errors()})
        raise ValueError(f"not an inspect_ai log (problems at: {', '.join(fields[:5])})") \
            from None
    return _summary(log)


def summary_of(log: EvalLog) -> dict:
    """The summary `parse` caches, from an EvalLog already in memory (live runs use it)."""
    return _summary(log)


def score_key(scorer: str, reducer: str | None) -> str:
    return scorer if reducer is None else f"{scorer}[{reducer}]"


def _summary(log: EvalLog) -> dict:
    ev, results = log.eval, log.results
    # One entry per (scorer, reducer): keyed by the name alone, a second reducer of the same
    # scorer used to replace the first.
    scores = {}
    for score in results.scores if results else []:
        scores[score_key(score.name, score.reducer)] = {
            "scorer": score.name, "reducer": score.reducer,
            "scored_samples": score.scored_samples,
            "metrics": {m: _value(metric.value) for m, metric in score.metrics.items()},
        }
    config = ev.config
    epochs = config.epochs if config and config.epochs else 1
    ids = list(ev.dataset.sample_ids or [])
    return {
        # How the run was narrowed, as the caller asked for it (None: the whole dataset).
        "limit": common.jsonable(config.limit) if config else None,
        "sample_id": common.jsonable(config.sample_id) if config else None,
        "model": ev.model, "task": ev.task, "task_args": dict(ev.task_args or {}),
        "epochs": epochs,
        "epochs_reducer": list(config.epochs_reducer or []) if config else [],
        "solvers": [step.solver for step in (log.plan.steps if log.plan else [])],
        "dataset": {
            "name": ev.dataset.name, "samples": ev.dataset.samples,
            "sample_ids": ids[:SAMPLE_IDS_SHOWN],
            "sample_ids_truncated": len(ids) > SAMPLE_IDS_SHOWN,
            # The run's own samples; `samples` is the size of the dataset it drew them from.
            "sample_ids_count": len(set(map(str, ids))) if ev.dataset.sample_ids else None,
            "sample_ids_sha256": hashlib.sha256(json.dumps(ids).encode()).hexdigest(),
        },
        "status": log.status, "invalidated": bool(getattr(log, "invalidated", False)),
        "error": log.error.message if log.error else None,
        "started_at": log.stats.started_at if log.stats else None,
        "completed_at": log.stats.completed_at if log.stats else None,
        "total_samples": results.total_samples if results else None,
        "completed_samples": results.completed_samples if results else None,
        "scores": scores, "packages": dict(ev.packages or {}),
        "tags": list(ev.tags or []), "metadata": common.jsonable(ev.metadata or {}),
        "eval_id": ev.eval_id, "run_id": ev.run_id, "task_version": ev.task_version,
    }


def _value(value: Any) -> Any:
    return number(value) if number(value) is not None else common.jsonable(value)


def problems(s: dict) -> tuple[str, ...]:
    found = []
    if s["status"] != "success":
        found.append(f"status is {s['status']}" + (f" ({s['error'][:120]})" if s["error"]
                                                     else ""))
    if s["invalidated"]:
        found.append("log is invalidated")
    total, done = s["total_samples"], s["completed_samples"]
    if s["status"] == "success" and (total is None or done is None):
        found.append("log has no sample counts")
    elif total is not None and done is not None and done < total:
        found.append(f"only {done} of {total} samples completed")
    return tuple(found)


def narrowing(s: dict) -> str:
    """How the run was narrowed to part of its dataset, in the words of inspect's options."""
    parts = [f"{key}={s[key]}" for key in ("limit", "sample_id") if s.get(key) is not None]
    return ", ".join(parts)


def coverage(s: dict, expected: int | None, of_what: str) -> str | None:
    """Why a run that covered fewer than `expected` distinct samples must not decide a claim
    about all of them (or None when it covered them, or when that cannot be told)."""
    ran, how = s["dataset"].get("sample_ids_count"), narrowing(s)
    if ran is None:
        # No sample ids recorded: the options are all there is to go by.
        return f"partial run: it was limited ({how}) and lists no sample ids" if how else None
    if expected is not None and ran < expected:
        return (f"partial run: it covered {ran} of the {expected} samples {of_what}"
                + (f" ({how})" if how else ""))
    return None


def to_records(result: locations.ReadResult, spec: dict) -> list[Record]:
    """A log's record, refused when it covered only part of its dataset: a claim about a
    task's dataset is decided only by runs over all of it (a `limit=10` smoke test, a
    `sample_id` list, a shard), however successful."""
    s = result.parsed
    partial = coverage(s, s["dataset"]["samples"], f"of dataset {s['dataset']['name']}")
    return read_records(result, extra_problems=(partial,) if partial else ())


def read_records(result: locations.ReadResult, *,
                 extra_problems: tuple[str, ...] = ()) -> list[Record]:
    """A log's record with the problems of its status and counts (and any the caller adds:
    live runs judge coverage against what their spec asked for)."""
    s = result.parsed
    identity = {
        "locator": result.ref.locator, "sha256": result.sha256, "limit": s["limit"],
        "sample_id": s["sample_id"],
        **{k: s[k] for k in ("model", "task", "task_args", "solvers", "dataset", "status",
                             "invalidated", "error", "started_at", "completed_at",
                             "total_samples", "completed_samples", "epochs", "epochs_reducer",
                             "packages", "tags", "metadata", "eval_id", "run_id",
                             "task_version")},
        # Flat as before ({"match": {"accuracy": ...}}, a reducer's entry as "match[max]"),
        # and every entry with its scorer, reducer and sample count.
        "metrics": {key: entry["metrics"] for key, entry in s["scores"].items()},
        "scores": list(s["scores"].values()),
    }
    return [Record(model=s["model"], task=s["task"], dataset=s["dataset"]["name"],
                   metrics=s["scores"], problems=problems(s) + extra_problems,
                   completed=s["completed_at"], identity=identity, attrs=s)]


class InspectEvidence(RecordEvidence):
    noun = "log"

    def matches(self, record: Record, condition: str) -> bool:
        return condition_matches(self.spec["conditions"][condition], record.attrs)

    def condition_of(self, record: Record) -> str:
        named = [name for name, definition in (self.spec.get("conditions") or {}).items()
                 if condition_matches(definition, record.attrs)]
        return ", ".join(named) if named else "solvers " + ", ".join(record.attrs["solvers"])

    def variant(self, record: Record) -> Any:
        return (tuple(record.attrs["solvers"]),
                json.dumps(record.attrs["task_args"], sort_keys=True, default=str),
                record.attrs.get("epochs", 1))

    def metric(self, record: Record, name: str, condition: str | None) -> tuple[str, dict]:
        scorer = self.spec.get("scorer")
        if "/" in name:
            scorer, name = name.split("/", 1)
        entries = list(record.metrics.values())
        candidates = [e for e in entries if name in e["metrics"] and scorer in (None, e["scorer"])]
        where = record.identity["locator"]
        if not candidates:
            have = sorted(f"{score_key(e['scorer'], e['reducer'])}/{m}"
                          for e in entries for m in e["metrics"])
            raise BadEvidence(f"metric {name!r}{f' of scorer {scorer!r}' if scorer else ''} "
                              f"is not in {where} (it has: {', '.join(have) or 'no metrics'})")
        scorers = sorted({e["scorer"] for e in candidates})
        if len(scorers) > 1:
            raise BadEvidence(f"metric {name!r} is reported by several scorers "
                              f"({', '.join(scorers)}) in {where}: name one with 'scorer'")
        entry = self._reduction(candidates, record, f"{scorers[0]}/{name}", where)
        stderr = entry["metrics"].get(self.spec.get("stderr_metric", "stderr"))
        return f"{score_key(entry['scorer'], entry['reducer'])}/{name}", {
            "value": entry["metrics"][name], "stderr": stderr, "scorer": entry["scorer"],
            "reducer": entry["reducer"], "epochs": record.attrs.get("epochs", 1),
            "samples": entry.get("scored_samples")}

    def _reduction(self, candidates: list[dict], record: Record, what: str,
                   where: str) -> dict:
        """The one epoch reduction the spec means: named by `reducer`, or the only one."""
        wanted = self.spec.get("reducer")
        epochs = record.attrs.get("epochs", 1)
        reducers = ", ".join(str(e["reducer"]) for e in candidates)
        if wanted is None:
            if len(candidates) > 1:
                raise BadEvidence(f"{what} is reduced across {epochs} epochs in several ways "
                                  f"({reducers}) in {where}: name one with 'reducer'")
            return candidates[0]
        named = [e for e in candidates if e["reducer"] == wanted]
        # A single-epoch log is not reduced at all: every reducer of one value is that value.
        if not named and epochs == 1 and len(candidates) == 1 \
                and candidates[0]["reducer"] is None:
            return candidates[0]
        if not named:
            raise BadEvidence(f"{what} has no {wanted!r} reduction in {where} (it has: "
                              f"{reducers}; {epochs} epochs)")
        return named[0]


def condition_matches(definition: dict, s: dict) -> bool:
    plan = s["solvers"]
    if "solvers" in definition and plan != definition["solvers"]:
        return False
    if not all(x in plan for x in _strings(definition.get("solvers_include"))):
        return False
    if any(x in plan for x in _strings(definition.get("solvers_exclude"))):
        return False
    if not all(t in s["tags"] for t in _strings(definition.get("tags"))):
        return False
    if "epochs" in definition and s.get("epochs", 1) != definition["epochs"]:
        return False
    for field in ("task_args", "metadata"):
        have = s[field] or {}
        if any(k not in have or have[k] != v for k, v in definition.get(field, {}).items()):
            return False
    return True


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def validate_condition(definition: Any, path: str, check: Checker) -> None:
    if not check.object(definition, path):
        return
    if not definition:
        check.error(path, f"needs at least one of: {', '.join(CONDITION_KEYS)}")
    check.fields(definition, path, required={}, optional=CONDITION_KEYS)
    for key in ("solvers",):
        if is_type(definition.get(key), "strings") and not definition[key]:
            check.error(f"{path}.{key}", "needs at least one solver name")
    epochs = definition.get("epochs")
    if is_type(epochs, "integer") and epochs < 1:
        check.error(f"{path}.epochs", f"must be 1 or more, got {epochs}")


class InspectLogsSource(RecordSource):
    kind = KIND
    fields = {"task": "string", "dataset": "string", "scorer": "string", "reducer": "string",
              "stderr_metric": "string", "conditions": "object"}
    evidence = InspectEvidence
    parse = staticmethod(parse)
    to_records = staticmethod(to_records)

    @classmethod
    def validate_fields(cls, source: dict, path: str, check: Checker) -> None:
        files.validate_conditions(source, path, check, validate_condition)

    def tool_versions(self, records: list[Record]) -> dict:
        import inspect_ai

        return {"inspect_ai": inspect_ai.__version__}
