"""ordering: conditions rank in a given order (highest first) for every listed model.

  {"kind": "ordering", "models": ["mockllm/gen1", "mockllm/gen2", "mockllm/gen3"],
   "order": ["tools", "cot", "snap"], "metric": "accuracy", "confidence": 0.95}

Each neighbouring pair must differ strictly (by at least `min_gap` when given), for every
model; with a confidence requirement each difference's interval must clear it.
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
    gather,
    m_numbers,
    rule_numbers,
    rule_of,
)


class Ordering(Criterion):
    kind = "ordering"

    @staticmethod
    def validate(obj: dict, path: str, check: Checker) -> None:
        check.fields(obj, path, required={**COMMON_FIELDS, "models": "strings",
                                          "order": "strings"},
                     optional={"min_gap": "number", **RULE_FIELDS})
        check.nonempty_strings(obj, "models", path)
        check.nonempty_strings(obj, "order", path, minimum=2)
        check_non_negative(obj, "min_gap", path, check)
        check_confidence(obj, path, check)

    @staticmethod
    def conditions_used(obj: dict, path: str) -> list[tuple[str, str]]:
        order = obj.get("order")
        if not isinstance(order, list):
            return []
        return [(f"{path}.order[{i}]", c) for i, c in enumerate(order) if isinstance(c, str)]

    def __init__(self, spec: dict) -> None:
        self.spec = spec

    def decide(self, evidence: Evidence) -> Decision:
        s = self.spec
        models, order = s["models"], s["order"]
        margin = s.get("min_gap", 0)
        found = gather(evidence, [(m, c) for m in models for c in order], s["metric"])
        pairs = []
        for model in models:
            for high, low in zip(order, order[1:], strict=False):
                mh, ml = found[(model, high)], found[(model, low)]
                cmp = compare(mh.value - ml.value, combined(mh.stderr, ml.stderr), margin,
                              strict=margin == 0, **rule_of(s))
                pairs.append((model, high, low, cmp))
        outcome = all_of([p[3].outcome for p in pairs])
        chain = " > ".join(order)
        if outcome == "yes":
            model, high, low, cmp = min(pairs, key=lambda p: p[3].lower if p[3].lower
                                        is not None else p[3].value)
            reason = (f"{chain} on {s['metric']} for all {len(models)} models (closest: "
                      f"{model} {high}-{low} {cmp.why})")
        else:
            shown = [p for p in pairs if p[3].outcome == outcome]
            detail = "; ".join(f"{m} {h}-{lo} {c.why}" for m, h, lo, c in shown)
            verb = "does not hold" if outcome == "no" else "is not established"
            reason = f"{chain} on {s['metric']} {verb}: {detail}"
        return Decision(outcome, reason, {
            "criterion": self.kind, "metric": s["metric"], "order": order,
            "min_gap": margin, **rule_numbers(s),
            "values": {m: {c: m_numbers(found[(m, c)]) for c in order} for m in models},
            # "lower" is the interval's lower end, as in every criterion; the pair of
            # conditions is "conditions" (higher first).
            "pairs": [{"model": m, "conditions": [h, lo], "outcome": c.outcome,
                       **c.numbers()} for m, h, lo, c in pairs],
        })
