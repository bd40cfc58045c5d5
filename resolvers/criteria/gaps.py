"""gap and widening_gap: condition A minus condition B, for one model or across generations.

  {"kind": "gap", "model": "mockllm/gen2", "a": "cot", "b": "snap", "metric": "accuracy",
   "min_gap": 0.1, "confidence": 0.95}
  {"kind": "widening_gap", "models": ["mockllm/gen1", "mockllm/gen2", "mockllm/gen3"],
   "a": "cot", "b": "snap", "metric": "accuracy", "min_increase": 0.1}

The stderr of a difference of independent estimates is sqrt(a^2 + b^2). "Widening" means the
gap strictly grows from each generation to the next (by at least `min_increase` when given).
"""

from __future__ import annotations

from resolvers.base import Checker, Criterion, Decision, Evidence
from resolvers.criteria._common import (
    COMMON_FIELDS,
    RULE_FIELDS,
    all_of,
    check_confidence,
    check_non_negative,
    combined,
    compare,
    fmt,
    gather,
    m_numbers,
    rule_numbers,
    rule_of,
)


def _check_pair(obj: dict, path: str, check: Checker) -> None:
    if isinstance(obj.get("a"), str) and obj.get("a") == obj.get("b"):
        check.error(f"{path}.b", f"must differ from a (both are {obj['a']!r})")


def _pair_conditions(obj: dict, path: str) -> list[tuple[str, str]]:
    return [(f"{path}.{k}", obj[k]) for k in ("a", "b") if isinstance(obj.get(k), str)]


def gap_of(found: dict, model: str, a: str, b: str) -> tuple[float, float | None]:
    ma, mb = found[(model, a)], found[(model, b)]
    return ma.value - mb.value, combined(ma.stderr, mb.stderr)


class Gap(Criterion):
    kind = "gap"

    @staticmethod
    def validate(obj: dict, path: str, check: Checker) -> None:
        check.fields(obj, path, required={**COMMON_FIELDS, "model": "string", "a": "string",
                                          "b": "string", "min_gap": "number"},
                     optional={**RULE_FIELDS})
        _check_pair(obj, path, check)
        check_confidence(obj, path, check)

    conditions_used = staticmethod(_pair_conditions)

    def __init__(self, spec: dict) -> None:
        self.spec = spec

    def decide(self, evidence: Evidence) -> Decision:
        s = self.spec
        model, a, b = s["model"], s["a"], s["b"]
        found = gather(evidence, [(model, a), (model, b)], s["metric"])
        gap, se = gap_of(found, model, a, b)
        cmp = compare(gap, se, s["min_gap"], **rule_of(s))
        return Decision(cmp.outcome, f"{a}-{b} gap {cmp.why} for {model}", {
            "criterion": self.kind, "model": model, "metric": s["metric"],
            "a": {"condition": a, **m_numbers(found[(model, a)])},
            "b": {"condition": b, **m_numbers(found[(model, b)])},
            "gap": gap, **rule_numbers(s), **cmp.numbers(),
        })


class WideningGap(Criterion):
    kind = "widening_gap"

    @staticmethod
    def validate(obj: dict, path: str, check: Checker) -> None:
        check.fields(obj, path, required={**COMMON_FIELDS, "models": "strings",
                                          "a": "string", "b": "string"},
                     optional={"min_increase": "number", **RULE_FIELDS})
        check.nonempty_strings(obj, "models", path, minimum=2)
        _check_pair(obj, path, check)
        check_non_negative(obj, "min_increase", path, check)
        check_confidence(obj, path, check)

    conditions_used = staticmethod(_pair_conditions)

    def __init__(self, spec: dict) -> None:
        self.spec = spec

    def decide(self, evidence: Evidence) -> Decision:
        s = self.spec
        models, a, b = s["models"], s["a"], s["b"]
        margin = s.get("min_increase", 0)
        found = gather(evidence, [(m, c) for m in models for c in (a, b)], s["metric"])
        gaps = {m: gap_of(found, m, a, b) for m in models}
        steps = []
        for earlier, later in zip(models, models[1:], strict=False):
            (g0, se0), (g1, se1) = gaps[earlier], gaps[later]
            # Growth must be strict; a positive margin is "at least" that much.
            cmp = compare(g1 - g0, combined(se0, se1), margin, strict=margin == 0,
                          **rule_of(s))
            steps.append((earlier, later, cmp))
        outcome = all_of([c.outcome for _, _, c in steps])
        trail = " -> ".join(fmt(gaps[m][0]) for m in models)
        shown = [st for st in steps if st[2].outcome == outcome] if outcome != "yes" else steps
        detail = ", ".join(f"{e} -> {later} increase {c.why}" for e, later, c in shown)
        verb = {"yes": "widens", "no": "does not widen",
                "inconclusive": "may or may not widen"}[outcome]
        reason = f"{a}-{b} gap {verb} across {', '.join(models)}: {trail} ({detail})"
        return Decision(outcome, reason, {
            "criterion": self.kind, "metric": s["metric"], "a": a, "b": b,
            "min_increase": margin, **rule_numbers(s),
            "gaps": [{"model": m, "gap": gaps[m][0], "stderr": gaps[m][1],
                      "a": m_numbers(found[(m, a)]), "b": m_numbers(found[(m, b)])}
                     for m in models],
            "steps": [{"from": e, "to": later, "outcome": c.outcome, **c.numbers()}
                      for e, later, c in steps],
        })
