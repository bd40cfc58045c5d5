"""Live runs: run a bundled inspect task against a registered endpoint, then read its logs.

Spec:
  {"kind": "inspect_run", "task": "arith", "endpoint": "lab", "models": ["gen1", "gen2"],
   "conditions": ["snap", "cot"],              # solver recipes (resolvers.recipes)
   "epochs": 1, "limit": 50, "seed": 7,         # optional
   "generate": {"temperature": 0, "max_tokens": 256},
   "max_connections": 16, "shards": 4,          # optional: concurrency, split over workers
   "budget_seconds": 600, "budget_tokens": 200000}

Criteria name models as listed in `models` and conditions by recipe name. Every (model,
condition) pair runs with inspect's own `eval_set`; the logs it writes are read by the same
code as `inspect_logs` (resolvers.sources.inspect_logs), so the same criteria decide. A run
whose responses name another model than the one asked for is inconclusive.

Run by the service, shards run on Celery workers and this source only reads their logs
(`RunContext.live_read_only`); run from `resolve_spec`, it runs everything here, into
`RunContext.live_logs_dir` (or a temporary directory).
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resolvers import evals, recipes
from resolvers.base import Checker, RunContext, Source, SourceError, describe, is_type
from resolvers.live import catalog, identity
from resolvers.sources import common, inspect_logs
from resolvers.sources.common import Record
from resolvers.sources.files import load_records
from resolvers.sources.inspect_logs import InspectEvidence

if TYPE_CHECKING:
    from resolvers.live.runner import ShardPlan

KIND = "inspect_run"
FIELDS = {"epochs": "integer", "limit": "integer", "seed": "integer", "generate": "object",
          "max_connections": "integer", "shards": "integer", "budget_seconds": "integer",
          "budget_tokens": "integer", "stderr_metric": "string",
          # false: inspect keeps no samples (no transcripts, no outputs) in the logs.
          "log_samples": "boolean",
          # Who sees the logs' details: public, aggregates or private (Crux applies it).
          "visibility": "string"}
VISIBILITIES = ("public", "aggregates", "private")
GENERATE = {"temperature": ("number", 0.0, 2.0), "top_p": ("number", 0.0, 1.0),
            "max_tokens": ("integer", 1, 100_000)}
MAX_EPOCHS = 100


def sample_count(source: dict, data_dir: Path | None = None) -> int:
    """How many dataset samples the spec runs (before epochs, models and conditions)."""
    size = evals.task_info(source["task"], data_dir).size
    return min(size, source.get("limit", size))


def total_samples(source: dict, data_dir: Path | None = None) -> int:
    return (sample_count(source, data_dir) * source.get("epochs", 1)
            * len(source["models"]) * len(source["conditions"]))


def shard_ranges(count: int, shards: int) -> list[tuple[int, int]]:
    """Split samples [0, count) into `shards` contiguous ranges whose sizes differ by <= 1."""
    base, extra = divmod(count, shards)
    ranges, start = [], 0
    for i in range(shards):
        end = start + base + (1 if i < extra else 0)
        ranges.append((start, end))
        start = end
    return ranges


class InspectRunSource(Source):
    kind = KIND

    @classmethod
    def validate(cls, source: dict, path: str, check: Checker) -> None:
        check.fields(source, path,
                     required={"kind": "string", "task": "string", "endpoint": "string",
                               "models": "strings", "conditions": "strings"},
                     optional=FIELDS)
        env = catalog.environment()
        limits = env.limits
        task = source.get("task")
        if isinstance(task, str) and task:
            if task not in evals.task_names(env.data_dir):
                check.error(f"{path}.task", f"unknown task {task!r} (bundled tasks: "
                                            f"{', '.join(evals.task_names(env.data_dir))})")
                task = None
        else:
            task = None
        check.nonempty_strings(source, "models", path)
        check.nonempty_strings(source, "conditions", path)
        if is_type(source.get("conditions"), "strings"):
            for i, name in enumerate(source["conditions"]):
                if name and name not in recipes.RECIPES:
                    check.error(f"{path}.conditions[{i}]", f"unknown recipe {name!r} (recipes: "
                                                           f"{', '.join(recipes.RECIPES)})")
        _check_endpoint(source, path, check)
        bounds: dict[str, tuple[int, int | None]] = {
            "epochs": (1, MAX_EPOCHS), "limit": (1, None), "shards": (1, limits.max_shards),
                  "max_connections": (1, limits.max_connections),
                  "budget_seconds": (1, limits.max_seconds),
                  "budget_tokens": (1, limits.max_tokens), "seed": (0, 2**31 - 1)}
        for key, (low, high) in bounds.items():
            value = source.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                if value < low:
                    check.error(f"{path}.{key}", f"must be at least {low}, got {value}")
                elif high is not None and value > high:
                    budget = " (the service's budget)" if key.startswith("budget") else ""
                    check.error(f"{path}.{key}", f"must be at most {high}{budget}, got {value}")
        _check_generate(source.get("generate"), f"{path}.generate", check)
        if source.get("log_samples") is False and isinstance(source.get("shards"), int) \
                and source["shards"] > 1:
            check.error(f"{path}.log_samples", "false needs a single shard: merging shards "
                                               "recomputes the metric from the samples")
        visibility = source.get("visibility")
        if isinstance(visibility, str) and visibility not in VISIBILITIES:
            check.error(f"{path}.visibility", f"expected one of {', '.join(VISIBILITIES)}, got "
                                              f"{describe(visibility)}")
        if task and not check.errors:
            count = sample_count(source, env.data_dir)
            total = total_samples(source, env.data_dir)
            if total > limits.max_samples:
                check.error(f"{path}.limit", f"the run would take {total} samples (samples x "
                                             f"epochs x models x conditions), over the budget "
                                             f"of {limits.max_samples}")
            if source.get("shards", 1) > count:
                check.error(f"{path}.shards", f"{source['shards']} shards for {count} samples: "
                                              "each shard needs at least one sample")

    @classmethod
    def defined_conditions(cls, source: dict) -> set[str] | None:
        conditions = source.get("conditions")
        return set(conditions) if isinstance(conditions, list) and is_type(
            conditions, "strings") else set()

    def __init__(self, spec: dict, context: RunContext) -> None:
        self.spec, self.context = spec, context

    def load(self) -> LiveEvidence:
        ctx = self.context
        if ctx.live_read_only:
            if ctx.live_logs_dir is None:
                raise SourceError("a live run's logs directory is not set", retryable=False)
            return read_logs(self.spec, ctx.live_logs_dir, ctx)
        if ctx.live_logs_dir is not None:
            return self._run_here(Path(ctx.live_logs_dir))
        with tempfile.TemporaryDirectory(prefix="crux-live-") as tmp:
            return self._run_here(Path(tmp))

    def _run_here(self, log_dir: Path) -> LiveEvidence:
        from resolvers.live.runner import run_shard

        env = catalog.environment()
        endpoint = catalog.endpoint(self.spec["endpoint"])
        if endpoint is None:
            raise SourceError(f"endpoint {self.spec['endpoint']!r} is not registered",
                              retryable=False)
        count = sample_count(self.spec, env.data_dir)
        run_shard(plan_for(self.spec, 0, count), endpoint, log_dir, data_dir=env.data_dir,
                  limits=env.limits)
        return read_logs(self.spec, log_dir, self.context)


def plan_for(spec: dict, start: int, end: int, *, index: int = 0, shards: int = 1,
             log_buffer: int = 10) -> ShardPlan:
    from resolvers.live.runner import ShardPlan

    return ShardPlan(task=spec["task"], models=tuple(spec["models"]),
                     conditions=tuple(spec["conditions"]), start=start, end=end,
                     epochs=spec.get("epochs", 1), seed=spec.get("seed"),
                     generate=dict(spec.get("generate") or {}),
                     max_connections=spec.get("max_connections"), index=index, shards=shards,
                     log_buffer=log_buffer, log_samples=spec.get("log_samples", True))


def _check_endpoint(source: dict, path: str, check: Checker) -> None:
    name = source.get("endpoint")
    if not isinstance(name, str) or not name:
        return
    endpoint = catalog.endpoint(name)
    if endpoint is None:
        check.error(f"{path}.endpoint", f"unknown endpoint {name!r} (an admin registers "
                                        "endpoints)")
        return
    if is_type(source.get("models"), "strings"):
        for i, model in enumerate(source["models"]):
            if model and model not in endpoint.models:
                check.error(f"{path}.models[{i}]", f"endpoint {name!r} does not serve model "
                                                   f"{model!r} (it serves: "
                                                   f"{', '.join(endpoint.models)})")


def _check_generate(value: Any, path: str, check: Checker) -> None:
    if value is None or not isinstance(value, dict):
        return
    for key, item in value.items():
        if key not in GENERATE:
            check.error(f"{path}.{key}", f"unknown field (expected one of: "
                                         f"{', '.join(GENERATE)})")
            continue
        kind, low, high = GENERATE[key]
        if not is_type(item, kind):
            noun = "an integer" if kind == "integer" else "a number"
            check.error(f"{path}.{key}", f"expected {noun}, got {describe(item)}")
        elif not low <= item <= high:
            check.error(f"{path}.{key}", f"must be between {low} and {high}, got {item}")


# --- reading the logs --------------------------------------------------------------------------


class LiveEvidence(InspectEvidence):
    """The logs of a live run, with models named as the spec lists them."""

    def __init__(self, *, kind: str, spec: dict, records: list[Record], files: list[dict],
                 notes: list[str], tool_versions: dict, identities: list[dict],
                 aside: list[dict] | None = None):
        super().__init__(kind=kind, spec=spec, records=records, files=files, notes=notes,
                         tool_versions=tool_versions, aside=aside)
        self.identities = identities

    def matches(self, record: Record, condition: str) -> bool:
        return record.attrs["metadata"].get("crux_condition") == condition

    def condition_of(self, record: Record) -> str:
        return str(record.attrs["metadata"].get("crux_condition"))

    def expected_task(self, condition: str | None) -> str | None:
        return self.spec["task"]

    def report(self) -> dict:
        out = super().report()
        out["live"] = common.jsonable({
            "task": self.spec["task"], "endpoint": self.spec["endpoint"],
            "recipes": {c: recipes.RECIPES.get(c) for c in self.spec["conditions"]},
            "generate": self.spec.get("generate") or {}, "seed": self.spec.get("seed"),
            "epochs": self.spec.get("epochs", 1), "shards": self.identities,
        })
        return out


def read_logs(spec: dict, log_dir: Path, context: RunContext) -> LiveEvidence:
    """Read a live run's logs (every `*.eval` in log_dir) and its identity records."""
    import inspect_ai

    log_dir = Path(log_dir)
    reading = dataclasses.replace(context, base_dir=log_dir, artifacts={})
    located = {**spec, "location": {"path": "*.eval"}}
    # Coverage is judged against what the spec asked for (its `limit`), not the dataset's
    # size: a live run of `"limit": 50` is complete with 50 samples.
    loaded = load_records(located, reading, kind=inspect_logs.KIND, parse=inspect_logs.parse,
                          to_records=lambda result, _: inspect_logs.read_records(result))
    identities = [identity.load(p.parent) for p in sorted(log_dir.glob("**/identity.json"))]
    seen: dict = {}
    for record in identities:
        seen = identity.merge_seen(seen, record.get("responses") or {})
    asked = _asked_samples(spec)
    renamed = [_as_spec_model(r, spec, seen, asked) for r in loaded.records]
    return LiveEvidence(kind=KIND, spec=located, records=renamed, files=loaded.files,
                        notes=loaded.notes, tool_versions={"inspect_ai": inspect_ai.__version__},
                        identities=identities, aside=loaded.aside)


def _asked_samples(spec: dict) -> int | None:
    """How many samples the spec asked each (model, condition) to run, from the task's
    dataset here; None when this machine lacks the task (an added task, re-checked away
    from the service): then each log's own record of its dataset's size stands in."""
    try:
        return sample_count(spec, catalog.environment().data_dir)
    except (evals.TaskNotFound, ValueError, OSError):
        return None


def _as_spec_model(record: Record, spec: dict, seen: dict, asked: int | None) -> Record:
    """Name the record's model as the spec does ("gen1", not "openai-api/lab/gen1"), and
    refuse it when the endpoint answered as another model, or when it covered fewer
    samples than the spec asked for (a shard, a smoke run written into the same folder)."""
    meta = record.attrs.get("metadata") or {}
    model = str(meta.get("crux_model") or record.model)
    problems = list(record.problems)
    wrong = identity.mismatches(model, seen)
    if wrong:
        problems.append(f"responses named model {', '.join(wrong)}, not {model}")
    if meta.get("crux_task") != spec["task"]:
        problems.append(f"log is for task {meta.get('crux_task')}, not {spec['task']}")
    if asked is None:
        size = record.attrs["dataset"]["samples"]
        asked = min(size, spec.get("limit", size)) if isinstance(size, int) else None
    if partial := inspect_logs.coverage(record.attrs, asked, "the spec asked for"):
        problems.append(partial)
    return dataclasses.replace(record, model=model, problems=tuple(problems))

