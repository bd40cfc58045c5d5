"""threshold: one metric for one model (and condition) reaches a bar.

  {"kind": "threshold", "model": "mockllm/gen3", "condition": "cot", "metric": "accuracy",
   "at_least": 0.85, "confidence": 0.95}

`at_most` instead of `at_least` for metrics where lower is better (error rates, cost).
"""

from __future__ import annotations

from resolvers.base import Checker, Criterion, Decision, Evidence
from resolvers.criteria._common import (
    COMMON_FIELDS,
    RULE_FIELDS,
    check_confidence,
    compare,
    gather,
    rule_numbers,
    rule_of,
)


class Threshold(Criterion):
    kind = "threshold"

    @staticmethod
    def validate(obj: dict, path: str, check: Checker) -> None:
        check.fields(obj, path, required={**COMMON_FIELDS, "model": "string"},
                     optional={"condition": "string", "at_least": "number",
                               "at_most": "number", **RULE_FIELDS})
        bars = [k for k in ("at_least", "at_most") if k in obj]
        if len(bars) != 1:
            check.error(path, "needs exactly one of at_least, at_most"
                              + (f" (got {' and '.join(bars)})" if bars else ""))
        check_confidence(obj, path, check)

    @staticmethod
    def conditions_used(obj: dict, path: str) -> list[tuple[str, str]]:
        c = obj.get("condition")
        return [(f"{path}.condition", c)] if isinstance(c, str) else []

    def __init__(self, spec: dict) -> None:
        self.spec = spec

    def decide(self, evidence: Evidence) -> Decision:
        s = self.spec
        key = (s["model"], s.get("condition"))
        m = gather(evidence, [key], s["metric"])[key]
        at_most = "at_most" in s
        bar = s["at_most"] if at_most else s["at_least"]
        cmp = compare(m.value, m.stderr, bar, at_most=at_most, **rule_of(s))
        return Decision(cmp.outcome, f"{m.label} {cmp.why}", {
            "criterion": self.kind, "model": s["model"], "condition": s.get("condition"),
            "metric": s["metric"], "direction": "at_most" if at_most else "at_least",
            **rule_numbers(s), **cmp.numbers(), **m.details,
        })
