"""The explicit registry of source and criterion kinds, and running a spec.

Kinds map to dotted paths imported on first use (like healthchecks' integrations), so
validating a spec never pays for inspect_ai's import and a new kind is one line here.

A spec is data:
  {"source": {"kind": "inspect_logs", "location": {"data": "*.eval"}, ...},
   "criterion": {"kind": "gap", "model": "mockllm/gen2", "a": "cot", "b": "snap", ...}}
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from resolvers import schedule
from resolvers.base import (
    BadEvidence,
    Checker,
    Criterion,
    Decision,
    Evidence,
    Measurement,
    RunContext,
    Source,
    SourceError,
    SpecError,
    Verdict,
    describe,
    oversized_integers,
)
from resolvers.sources import locations

SOURCES = {
    "inspect_logs": "resolvers.sources.inspect_logs.InspectLogsSource",
    "lm_eval": "resolvers.sources.lm_eval.LmEvalSource",
    "http_json": "resolvers.sources.http_json.HttpJsonSource",
    "csv": "resolvers.sources.csv_table.CsvSource",
    "inspect_run": "resolvers.sources.inspect_run.InspectRunSource",
    "published": "resolvers.sources.published.PublishedSource",
}

CRITERIA = {
    "threshold": "resolvers.criteria.threshold.Threshold",
    "gap": "resolvers.criteria.gaps.Gap",
    "widening_gap": "resolvers.criteria.gaps.WideningGap",
    "ordering": "resolvers.criteria.ordering.Ordering",
    "at_least_k": "resolvers.criteria.counting.AtLeastK",
    "best_model": "resolvers.criteria.counting.BestModel",
}

SPEC_VERSION = 1
TOP_LEVEL = ("source", "criterion", "models", "version", "description", "disclose", "schedule")
# What the public sees of the numbers (Crux applies it; a resolver always measures in full).
DISCLOSURES = ("full", "aggregates")


@cache
def load(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def source_class(kind: str) -> type[Source]:
    """The class of a registered source kind (KeyError for an unknown one)."""
    cls: type[Source] = load(SOURCES[kind])
    return cls


def criterion_class(kind: str) -> type[Criterion]:
    """The class of a registered criterion kind (KeyError for an unknown one)."""
    cls: type[Criterion] = load(CRITERIA[kind])
    return cls


def _kind(obj: Any, path: str, table: dict[str, str], check: Checker) -> str | None:
    """obj["kind"] when the table registers it, or None after recording why not."""
    if not check.object(obj, path):
        return None
    kind = obj.get("kind")
    if kind is None:
        check.error(f"{path}.kind", f"required field is missing (one of: {', '.join(table)})")
    elif not isinstance(kind, str) or kind not in table:
        check.error(f"{path}.kind", f"unknown kind {describe(kind)} (expected one of: "
                                    f"{', '.join(table)})")
    else:
        return kind
    return None


def validate_spec(spec: object) -> None:
    """Raise SpecError listing every problem in the spec; return None when it can run."""
    check = Checker()
    if not isinstance(spec, dict):
        raise SpecError([f"spec: expected an object, got {describe(spec)}"])
    # Before any check does arithmetic on a value: an integer too large for a float is named
    # once, with its path, instead of failing deep inside a criterion's check.
    if oversized := oversized_integers(spec, ""):
        raise SpecError(oversized)
    for key in ("source", "criterion"):
        if key not in spec:
            check.error(key, "required field is missing (expected an object)")
    for key in spec:
        if key not in TOP_LEVEL:
            check.error(key, f"unknown field (expected {', '.join(TOP_LEVEL)})")
    if "models" in spec:
        _check_aliases(spec["models"], check)
    if "version" in spec and spec["version"] != SPEC_VERSION:
        check.error("version", f"only version {SPEC_VERSION} exists, got "
                               f"{describe(spec['version'])}")
    if "disclose" in spec and spec["disclose"] not in DISCLOSURES:
        check.error("disclose", f"expected one of {', '.join(DISCLOSURES)}, got "
                                f"{describe(spec['disclose'])}")
    if "description" in spec and not isinstance(spec["description"], str):
        check.error("description", f"expected a string, got {describe(spec['description'])}")
    if "schedule" in spec:
        schedule.validate(spec["schedule"], "schedule", check)
    source_cls: type[Source] | None = None
    criterion_cls: type[Criterion] | None = None
    if "source" in spec:
        source_kind = _kind(spec["source"], "source", SOURCES, check)
        if source_kind:
            source_cls = source_class(source_kind)
            source_cls.validate(spec["source"], "source", check)
    if "criterion" in spec:
        criterion_kind = _kind(spec["criterion"], "criterion", CRITERIA, check)
        if criterion_kind:
            criterion_cls = criterion_class(criterion_kind)
            criterion_cls.validate(spec["criterion"], "criterion", check)
    if source_cls and criterion_cls:
        _check_conditions(source_cls, spec["source"], criterion_cls, spec["criterion"], check)
    if check.errors:
        raise SpecError(check.errors)


def _check_aliases(models: Any, check: Checker) -> None:
    """`"models": {"gen1": "mockllm/gen1"}`: short names criteria may use for models."""
    if not check.object(models, "models"):
        return
    for alias, full in models.items():
        if not alias.strip():
            check.error("models", "an alias must not be empty")
        if not isinstance(full, str) or not full.strip():
            check.error(f"models.{alias}", f"expected the model's full name (a non-empty "
                                           f"string), got {describe(full)}")


def with_aliases(criterion: dict, models: dict | None) -> dict:
    """The criterion with every aliased model name replaced by the model it stands for."""
    if not models:
        return criterion
    out = dict(criterion)
    if isinstance(out.get("model"), str):
        out["model"] = models.get(out["model"], out["model"])
    if isinstance(out.get("models"), list):
        out["models"] = [models.get(m, m) if isinstance(m, str) else m for m in out["models"]]
    return out


class _Recorded(Evidence):
    """Evidence that remembers every reading a criterion took, for the evidence table."""

    def __init__(self, inner: Evidence, aliases: dict[str, str]):
        self.inner = inner
        self.names = {full: alias for alias, full in aliases.items()}
        self.readings: list[dict] = []

    def lookup(self, *, model: str, condition: str | None, metric: str) -> Measurement:
        m = self.inner.lookup(model=model, condition=condition, metric=metric)
        self.readings.append({"model": model, "alias": self.names.get(model),
                              "condition": condition, "metric": metric, "value": m.value,
                              "stderr": m.stderr, **m.details})
        return m

    def report(self) -> dict:
        return self.inner.report()


def _check_conditions(source_cls: type[Source], source: dict,
                      criterion_cls: type[Criterion], criterion: dict, check: Checker) -> None:
    defined = source_cls.defined_conditions(source)
    if defined is None:  # the source takes condition names literally (e.g. a CSV column)
        return
    for path, name in criterion_cls.conditions_used(criterion, "criterion"):
        if name not in defined:
            known = f" (defined: {', '.join(sorted(defined))})" if defined else ""
            check.error(path, f"condition {name!r} is not defined in source.conditions{known}")


def run_spec(spec: dict, *, context: RunContext) -> Verdict:
    """Validate, fetch evidence, measure, decide.

    Raises SpecError for a bad spec and SourceError when evidence cannot be fetched or read
    (see .retryable). Evidence that exists but must not decide (a failed run, a missing log,
    an unknown stderr under a confidence requirement) gives an inconclusive verdict whose
    reason says why.
    """
    validate_spec(spec)
    aliases = spec.get("models") or {}
    source = source_class(spec["source"]["kind"])(spec["source"], context)
    criterion = criterion_class(spec["criterion"]["kind"])(with_aliases(spec["criterion"],
                                                                        aliases))
    evidence = _Recorded(source.load(), aliases)
    try:
        decision = criterion.decide(evidence)
    except BadEvidence as e:
        decision = Decision("inconclusive", str(e), {"criterion": spec["criterion"]["kind"]})
    report = evidence.report()
    report["locators"] = spec_locators(spec)
    measurement = {**decision.measurement, "readings": evidence.readings}
    return Verdict(decision.verdict, decision.reason, _clean(measurement), report)


def preview_spec(spec: Any, *, context: RunContext) -> dict:
    """For someone writing a spec: the runs its source finds and, once the criterion is
    complete, the verdict it would give now. Never raises for a bad spec: problems come back
    as `errors` (each with its JSON path), evidence that cannot be read as `error`."""
    out: dict = {"runs": [], "errors": [], "verdict": None, "reason": "", "error": ""}
    if not isinstance(spec, dict) or not isinstance(spec.get("source"), dict):
        out["errors"] = ["source: choose where the results are"]
        return out
    if oversized := oversized_integers(spec, ""):
        out["errors"] = oversized
        return out
    check = Checker()
    source_kind = _kind(spec["source"], "source", SOURCES, check)
    if source_kind:
        source_class(source_kind).validate(spec["source"], "source", check)
    if check.errors:
        out["errors"] = check.errors
        return out
    try:
        evidence = source_class(spec["source"]["kind"])(spec["source"], context).load()
    except SourceError as e:
        out["error"] = str(e)
        return out
    inventory = getattr(evidence, "inventory", None)
    out["runs"] = inventory() if inventory else []
    out["notes"] = evidence.report().get("notes", [])
    if "criterion" not in spec:
        return out
    try:
        verdict = run_spec(spec, context=context)
    except SpecError as e:
        out["errors"] = e.errors
        return out
    except SourceError as e:
        out["error"] = str(e)
        return out
    out.update(verdict=verdict.verdict, reason=verdict.reason,
               measurement=verdict.measurement)
    return out


def files_to_read(spec: dict, *, context: RunContext) -> list[tuple[str, str]] | None:
    """(locator, sha256) of every file the spec would read now, without parsing any; None
    when that cannot be known without fetching (a URL). A cache of verdicts keyed by this
    (and the spec) is exact: same spec, same bytes, same verdict."""
    from resolvers.cache import LogCache

    validate_spec(spec)
    if "location" not in spec["source"]:
        return None  # a source that does not read files (a live run)
    cache = context.cache if context.cache is not None else LogCache()
    out = []
    for location in locations.as_list(spec["source"]["location"]):
        refs, _ = locations.expand(location, context)
        for ref in refs:
            sha = locations.digest(ref, context, cache)
            if sha is None:
                return None
            out.append((ref.locator, sha))
    return sorted(out)


def _clean(measurement: dict) -> dict:
    from resolvers.sources.common import jsonable

    return jsonable(measurement)


def spec_locators(spec: Any) -> list[str]:
    """What the spec reads, e.g. ["data:*.eval"], for display; [] for a malformed spec."""
    if not isinstance(spec, dict) or not isinstance(spec.get("source"), dict):
        return []
    return locations.locators(spec["source"].get("location"))
