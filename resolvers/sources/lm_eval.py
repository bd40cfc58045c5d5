"""lm-evaluation-harness results JSON (`results_<date>.json`), read as the harness writes it.

Spec:
  {"kind": "lm_eval", "location": {"data": "lm_eval/*.json"},
   "task": "arith_lm",                   # which task's results (or per condition, below)
   "filter": "flexible-extract",         # optional: the filter half of "metric,filter"
   "conditions": {"cot": {"task": "arith_lm_cot"}, "snap": {"task": "arith_lm",
                                                           "filter": "strict-match"}}}

The model is the file's `model_name` (what lm-eval records from --model_args). Metrics live in
`results[task]["<metric>,<filter>"]` with stderr in `"<metric>_stderr,<filter>"`, which
lm-eval writes as the string "N/A" when it has none: that is an unknown stderr, so a
confidence requirement cannot be met. A run limited with --limit (n-samples effective <
original) must not decide.
"""

from __future__ import annotations

import json
from typing import Any

from resolvers.base import BadEvidence, Checker
from resolvers.sources import common, files, locations
from resolvers.sources.common import Record, RecordEvidence
from resolvers.sources.files import RecordSource

KIND = "lm_eval"
CONDITION_KEYS = {"task": "string", "filter": "string"}
NOT_METRICS = {"alias", "name", "sample_len", " "}
LM_EVAL_KEYS = ("versions", "n-samples", "lm_eval_version", "configs")  # beside "results"
SECRET_HINTS = ("key", "token", "secret", "password")


def parse(data: bytes, name: str) -> dict:
    doc = json.loads(data)
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), dict) \
            or not any(k in doc for k in LM_EVAL_KEYS):
        hint = " (it looks like an inspect_ai log)" if isinstance(doc, dict) \
            and "eval" in doc and "plan" in doc else ""
        raise ValueError(f"not an lm-eval results file{hint}")
    raw_config = doc.get("config")
    config: dict = raw_config if isinstance(raw_config, dict) else {}
    model_args = config.get("model_args")
    model = doc.get("model_name") or (model_args.get("model") or model_args.get("pretrained")
                                      if isinstance(model_args, dict) else None)
    if not isinstance(model, str) or not model:
        raise ValueError("lm-eval results file names no model (model_name)")
    tasks = {}
    for task, metrics in doc["results"].items():
        if isinstance(metrics, dict):
            tasks[task] = {k: v for k, v in metrics.items()
                           if "," in k and k.split(",")[0] not in NOT_METRICS}
    return {
        "model": model, "tasks": tasks, "date": doc.get("date"),
        "n_samples": doc.get("n-samples") or {}, "versions": doc.get("versions") or {},
        # group -> its subtasks (lm-eval writes n-samples for subtasks, none for a group).
        "group_subtasks": {g: list(subs) for g, subs in
                           (doc.get("group_subtasks") or {}).items()
                           if isinstance(subs, list) and all(isinstance(x, str) for x in subs)},
        "n_shot": doc.get("n-shot") or {}, "task_hashes": doc.get("task_hashes") or {},
        "lm_eval_version": doc.get("lm_eval_version"), "git_hash": doc.get("git_hash"),
        "config": _redacted(config),
    }


def _redacted(config: dict) -> dict:
    # Evidence is public; model_args can carry credentials.
    out = common.jsonable(config)
    args = out.get("model_args")
    if isinstance(args, dict):
        out["model_args"] = {k: ("<redacted>" if any(h in k.lower() for h in SECRET_HINTS)
                                 else v) for k, v in args.items()}
    elif isinstance(args, str):
        out["model_args"] = ",".join(
            p if not any(h in p.split("=")[0].lower() for h in SECRET_HINTS)
            else p.split("=")[0] + "=<redacted>" for p in args.split(","))
    return out


def problems(s: dict, task: str) -> tuple[str, ...]:
    counts = s["n_samples"].get(task)
    if not isinstance(counts, dict) and s["group_subtasks"].get(task):
        return group_problems(s, task)
    if not isinstance(counts, dict):
        return ("results give no sample counts (n-samples) for this task",)
    original, effective = counts.get("original"), counts.get("effective")
    if isinstance(original, int) and isinstance(effective, int) and effective < original:
        return (f"partial run: only {effective} of {original} samples evaluated "
                "(run limited)",)
    return ()


def subtask_counts(s: dict, group: str) -> dict[str, dict | None]:
    """The n-samples of every task under a group (nested groups walked through), None for
    a subtask that has none."""
    found: dict[str, dict | None] = {}
    stack, seen = list(reversed(s["group_subtasks"].get(group, []))), {group}
    while stack:
        task = stack.pop()
        if task in seen:  # a group listed inside itself: read each task once
            continue
        seen.add(task)
        if s["group_subtasks"].get(task) and not isinstance(s["n_samples"].get(task), dict):
            stack.extend(reversed(s["group_subtasks"][task]))
            continue
        counts = s["n_samples"].get(task)
        found[task] = counts if isinstance(counts, dict) else None
    return found


def group_problems(s: dict, group: str) -> tuple[str, ...]:
    """A group's score is complete when every subtask's is: lm-eval writes no n-samples for
    a group, so its completeness is its subtasks' (`group_subtasks`)."""
    counts = subtask_counts(s, group)
    missing = [task for task, c in counts.items() if c is None]
    limited = [f"{task} {c.get('effective')} of {c.get('original')}"
               for task, c in counts.items() if c is not None
               and isinstance(c.get("original"), int) and isinstance(c.get("effective"), int)
               and c["effective"] < c["original"]]
    found = []
    if limited:
        found.append(f"partial run of group {group}: subtasks evaluated only in part "
                     f"({', '.join(limited)} samples; run limited)")
    if missing:
        found.append(f"group {group}: no sample counts (n-samples) for subtask"
                     f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    return tuple(found)


def to_records(result: locations.ReadResult, spec: dict) -> list[Record]:
    s = result.parsed
    records = []
    for task, metrics in s["tasks"].items():
        identity = {
            "locator": result.ref.locator, "sha256": result.sha256, "model": s["model"],
            "task": task, "task_version": s["versions"].get(task),
            "n_shot": s["n_shot"].get(task), "n_samples": s["n_samples"].get(task),
            "task_hash": s["task_hashes"].get(task), "date": s["date"],
            "lm_eval_version": s["lm_eval_version"], "git_hash": s["git_hash"],
            "config": s["config"], "metrics": metrics,
        }
        if s["group_subtasks"].get(task):  # a group: its completeness is its subtasks'
            identity["subtasks"] = subtask_counts(s, task)
        records.append(Record(model=s["model"], task=task, dataset=None, metrics=metrics,
                              problems=problems(s, task), completed=s["date"],
                              identity=identity))
    return records


class LmEvalEvidence(RecordEvidence):
    noun = "results file"

    def _condition(self, condition: str | None) -> dict:
        return (self.spec.get("conditions") or {}).get(condition, {}) if condition else {}

    def expected_task(self, condition: str | None) -> str | None:
        return self._condition(condition).get("task") or self.spec.get("task")

    def matches(self, record: Record, condition: str) -> bool:
        return True  # the condition's task was already required by expected_task

    def variant(self, record: Record) -> Any:
        return record.task

    def metric(self, record: Record, name: str, condition: str | None) -> tuple[str, dict]:
        wanted = self._condition(condition).get("filter") or self.spec.get("filter")
        if "," in name:
            name, wanted = name.split(",", 1)
        keys = [k for k in record.metrics if not k.split(",")[0].endswith("_stderr")
                and k.split(",")[0] == name and (wanted is None or k.split(",", 1)[1] == wanted)]
        where = f"{record.identity['locator']} task {record.task}"
        if not keys:
            have = sorted(k for k in record.metrics if "_stderr," not in k)
            raise BadEvidence(f"metric {name!r}{f' with filter {wanted!r}' if wanted else ''} is "
                              f"not in {where} (it has: {', '.join(have) or 'no metrics'})")
        if len(keys) > 1:
            raise BadEvidence(f"metric {name!r} has several filters in {where} "
                              f"({', '.join(sorted(keys))}): set 'filter'")
        [key] = keys
        metric, filter_ = key.split(",", 1)
        return key, {"value": record.metrics[key],
                     "stderr": record.metrics.get(f"{metric}_stderr,{filter_}"),
                     "filter": filter_, "samples": _samples(record.identity)}

    def read_along(self, record: Record) -> list[Record]:
        # A group's subtasks were read for its completeness (its identity lists their
        # counts): part of what decided, not set aside.
        subtasks = record.identity.get("subtasks") or {}
        return [r for r in self.records if r.task in subtasks
                and r.identity["locator"] == record.identity["locator"]]


def _samples(identity: dict) -> int | None:
    """Samples behind a task's score: its n-samples, or for a group its subtasks' sum."""
    counts = identity.get("n_samples")
    if isinstance(counts, dict):
        return counts.get("effective")
    subtasks = identity.get("subtasks")
    if subtasks and all(isinstance(c, dict) and isinstance(c.get("effective"), int)
                        for c in subtasks.values()):
        return sum(c["effective"] for c in subtasks.values())
    return None


def validate_condition(definition: Any, path: str, check: Checker) -> None:
    if not check.object(definition, path):
        return
    if not definition:
        check.error(path, "needs 'task' and/or 'filter'")
    check.fields(definition, path, required={}, optional=CONDITION_KEYS)


class LmEvalSource(RecordSource):
    kind = KIND
    fields = {"task": "string", "filter": "string", "conditions": "object"}
    evidence = LmEvalEvidence
    parse = staticmethod(parse)
    to_records = staticmethod(to_records)

    @classmethod
    def validate_fields(cls, source: dict, path: str, check: Checker) -> None:
        files.validate_conditions(source, path, check, validate_condition)

    def tool_versions(self, records: list[Record]) -> dict:
        versions = sorted({r.identity["lm_eval_version"] for r in records
                           if r.identity.get("lm_eval_version")})
        return {"lm_eval (in results)": versions}
