"""at_least_k and best_model: how many of the listed models reach a bar, and the best one.

  {"kind": "at_least_k", "models": ["mockllm/gen1", "mockllm/gen2", "mockllm/gen3"],
   "k": 2, "condition": "cot", "metric": "accuracy", "at_least": 0.7}
  {"kind": "best_model", "models": [...], "condition": "snap", "metric": "accuracy",
   "at_least": 0.5}

best_model reads each model's aggregate metric and asks whether the best of them reaches the
bar. With a confidence requirement a model counts only when its interval clears the bar,
and misses only when its interval is entirely below; the rest are undecided, and the verdict
is inconclusive when the undecided ones could tip it.
"""

from __future__ import annotations

from resolvers.base import Checker, Criterion, Decision, Evidence, Measurement
from resolvers.criteria._common import (
    COMMON_FIELDS,
    RULE_FIELDS,
    Comparison,
    check_confidence,
    compare,
    fmt,
    gather,
    rule_numbers,
    rule_of,
)

FIELDS = {**COMMON_FIELDS, "models": "strings", "at_least": "number"}


def _conditions(obj: dict, path: str) -> list[tuple[str, str]]:
    c = obj.get("condition")
    return [(f"{path}.condition", c)] if isinstance(c, str) else []


def _compare_all(spec: dict, evidence: Evidence) -> list[tuple[str, Measurement, Comparison]]:
    condition = spec.get("condition")
    found = gather(evidence, [(m, condition) for m in spec["models"]], spec["metric"])
    return [(m, found[(m, condition)],
             compare(found[(m, condition)].value, found[(m, condition)].stderr,
                     spec["at_least"], **rule_of(spec)))
            for m in spec["models"]]


def _what(spec: dict) -> str:
    """The condition (if any) and the metric as reasons say them, e.g. "cot accuracy"."""
    return f"{spec['condition']} {spec['metric']}" if spec.get("condition") else spec["metric"]


def _numbers(spec: dict, rows: list[tuple[str, Measurement, Comparison]]) -> dict:
    return {"metric": spec["metric"], "condition": spec.get("condition"),
            "bar": spec["at_least"], **rule_numbers(spec),
            "models": [{"model": m, "outcome": c.outcome, **c.numbers()} for m, _, c in rows]}


class AtLeastK(Criterion):
    kind = "at_least_k"

    @staticmethod
    def validate(obj: dict, path: str, check: Checker) -> None:
        check.fields(obj, path, required={**FIELDS, "k": "integer"},
                     optional={"condition": "string", **RULE_FIELDS})
        check.nonempty_strings(obj, "models", path)
        k, models = obj.get("k"), obj.get("models")
        if isinstance(k, int) and not isinstance(k, bool) and isinstance(models, list) \
                and not 1 <= k <= len(models):
            check.error(f"{path}.k", f"must be between 1 and the number of models "
                                     f"({len(models)}), got {k}")
        check_confidence(obj, path, check)

    conditions_used = staticmethod(_conditions)

    def __init__(self, spec: dict) -> None:
        self.spec = spec

    def decide(self, evidence: Evidence) -> Decision:
        s = self.spec
        rows = _compare_all(s, evidence)
        reached = [(m, c) for m, _, c in rows if c.outcome == "yes"]
        undecided = [(m, c) for m, _, c in rows if c.outcome == "inconclusive"]
        k, n = s["k"], len(rows)
        if len(reached) >= k:
            outcome = "yes"
        elif len(reached) + len(undecided) < k:
            outcome = "no"
        else:
            outcome = "inconclusive"
        listed = ", ".join(f"{m} {c.why}" for m, _, c in rows)
        reason = (f"{len(reached)} of {n} models reach {_what(s)} >= {fmt(s['at_least'])} "
                  f"(need {k})"
                  + (f", {len(undecided)} undecided" if undecided else "") + f": {listed}")
        return Decision(outcome, reason, {"criterion": self.kind, "k": k,
                                          "reached": len(reached),
                                          "undecided": len(undecided), **_numbers(s, rows)})


class BestModel(Criterion):
    kind = "best_model"

    @staticmethod
    def validate(obj: dict, path: str, check: Checker) -> None:
        check.fields(obj, path, required=FIELDS,
                     optional={"condition": "string", **RULE_FIELDS})
        check.nonempty_strings(obj, "models", path)
        check_confidence(obj, path, check)

    conditions_used = staticmethod(_conditions)

    def __init__(self, spec: dict) -> None:
        self.spec = spec

    def decide(self, evidence: Evidence) -> Decision:
        s = self.spec
        rows = _compare_all(s, evidence)
        best, best_m, best_c = max(rows, key=lambda r: r[1].value)
        outcomes = [c.outcome for _, _, c in rows]
        if "yes" in outcomes:
            outcome = "yes"
            # With confidence, a model whose interval clears the bar settles it even when
            # another model has a higher but noisier value.
            best, best_m, best_c = max((r for r in rows if r[2].outcome == "yes"),
                                       key=lambda r: r[1].value)
        elif "inconclusive" in outcomes:
            outcome = "inconclusive"
        else:
            outcome = "no"
        reason = (f"best of {len(rows)} models on {_what(s)} is {best} with {best_c.why}"
                  + ("" if outcome != "inconclusive" else
                     f"; undecided: {', '.join(m for m, _, c in rows if c.outcome == outcome)}"))
        return Decision(outcome, reason, {"criterion": self.kind, "best": best,
                                          "best_value": best_m.value, **_numbers(s, rows)})
