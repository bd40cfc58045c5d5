"""What every criterion shares: confidence intervals from reported stderr, comparisons with a
float tolerance, and gathering all needed measurements before deciding."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import cast

from resolvers.base import BadEvidence, Checker, Evidence, Measurement, is_type

# Accuracies are ratios of small integers: 0.9 - 0.5 is 0.39999999999999997 in floats, and
# a claim of "a gap of at least 0.4" should not fail on that.
EPS = 1e-9

NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">="}
COMMON_FIELDS = {"kind": "string", "metric": "string"}
# The decision rule: `confidence` alone is three-valued (the whole interval must clear or
# miss the bar, else undecided); with `decide_on` set to a bound, that bound of the interval
# is compared with the bar and the answer is yes or no.
RULE_FIELDS = {"confidence": "number", "decide_on": "string"}
CONFIDENCE = RULE_FIELDS
DECIDE_ON = ("confidence", "lower_bound", "upper_bound")


def fmt(x: float | None) -> str:
    return "unknown" if x is None else f"{x:.3g}"


def z_for(confidence: float) -> float:
    """Two-sided normal quantile: 0.95 -> 1.96 (the interval's lower end is value - z*se)."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def combined(*stderrs: float | None) -> float | None:
    """Stderr of a sum or difference of independent estimates: sqrt(a^2 + b^2 + ...)."""
    known = [s for s in stderrs if s is not None]
    if len(known) < len(stderrs):
        return None
    return math.sqrt(sum(s * s for s in known))


@dataclass(frozen=True)
class Comparison:
    """`value` (with `stderr`) against `bar`; `outcome` is yes / no / inconclusive."""

    outcome: str
    value: float
    stderr: float | None
    bar: float
    lower: float | None
    upper: float | None
    why: str  # e.g. "0.4 (95% CI lower 0.138) >= 0.1"

    def numbers(self) -> dict:
        return {"value": self.value, "stderr": self.stderr, "bar": self.bar,
                "lower": self.lower, "upper": self.upper}


def compare(value: float, stderr: float | None, bar: float, confidence: float | None, *,
            strict: bool = False, at_most: bool = False,
            decide_on: str | None = None) -> Comparison:
    """Does value clear the bar (value >= bar; > when strict; <= when at_most)?

    With a confidence requirement the whole normal interval must clear it for "yes", and
    miss it entirely for "no"; an interval that straddles the bar is inconclusive, as is an
    unknown stderr. With `decide_on` "lower_bound" or "upper_bound", that end of the
    interval is what is compared with the bar: yes or no (inconclusive only when the stderr
    is unknown, since then the bound is).
    """
    op = ("<" if strict else "<=") if at_most else (">" if strict else ">=")
    negated = NEGATED[op]

    def passes(x: float) -> bool:
        if at_most:
            return x < bar - EPS if strict else x <= bar + EPS
        return x > bar + EPS if strict else x >= bar - EPS

    if confidence is None:
        ok = passes(value)
        return Comparison("yes" if ok else "no", value, stderr, bar, None, None,
                          f"{fmt(value)} {op if ok else negated} {fmt(bar)}")
    pct = f"{confidence * 100:g}%"
    if stderr is None:
        return Comparison("inconclusive", value, None, bar, None, None,
                          f"{fmt(value)} has no reported stderr, so the {pct} confidence "
                          "requirement cannot be checked")
    z = z_for(confidence)
    lower, upper = value - z * stderr, value + z * stderr
    if decide_on in ("lower_bound", "upper_bound"):
        side = "lower" if decide_on == "lower_bound" else "upper"
        bound = lower if side == "lower" else upper
        ok = passes(bound)
        return Comparison("yes" if ok else "no", value, stderr, bar, lower, upper,
                          f"{fmt(value)} ({pct} CI {side} bound {fmt(bound)}) "
                          f"{op if ok else negated} {fmt(bar)}")
    near, far = (upper, lower) if at_most else (lower, upper)
    side = "upper" if at_most else "lower"
    if passes(near):
        outcome, why = "yes", f"{fmt(value)} ({pct} CI {side} {fmt(near)}) {op} {fmt(bar)}"
    elif not passes(far):
        other = "lower" if at_most else "upper"
        outcome, why = "no", f"{fmt(value)} ({pct} CI {other} {fmt(far)}) {negated} {fmt(bar)}"
    else:
        outcome = "inconclusive"
        why = (f"{fmt(value)} ({pct} CI {fmt(lower)} to {fmt(upper)}) straddles {fmt(bar)}")
    return Comparison(outcome, value, stderr, bar, lower, upper, why)


def all_of(outcomes: list[str]) -> str:
    """A conjunction: any no decides no; otherwise any doubt is inconclusive."""
    if "no" in outcomes:
        return "no"
    return "inconclusive" if "inconclusive" in outcomes else "yes"


def gather(evidence: Evidence, needs: list[tuple[str, str | None]],
           metric: str) -> dict[tuple[str, str | None], Measurement]:
    """Every measurement a criterion needs, or BadEvidence naming every missing one: a
    verdict is never decided from part of the evidence it asked for."""
    found, problems = {}, []
    for model, condition in dict.fromkeys(needs):
        try:
            found[(model, condition)] = evidence.lookup(model=model, condition=condition,
                                                        metric=metric)
        except BadEvidence as e:
            if str(e) not in problems:
                problems.append(str(e))
    if problems:
        raise BadEvidence("; ".join(problems))
    return found


def m_numbers(m: Measurement) -> dict:
    return {"value": m.value, "stderr": m.stderr, **m.details}


# --- validation helpers ------------------------------------------------------------------------

def check_confidence(obj: dict, path: str, check: Checker) -> None:
    """The decision rule's fields: `confidence` in (0, 1) and `decide_on`, which needs it."""
    c = obj.get("confidence")
    # is_type(..., "number") guarantees an int or float; it is not a TypeGuard.
    if is_type(c, "number") and not 0 < cast(float, c) < 1:
        check.error(f"{path}.confidence", f"must be between 0 and 1 (exclusive), got {c!r}"
                                          " (e.g. 0.95)")
    rule = obj.get("decide_on")
    if isinstance(rule, str) and rule:
        if rule not in DECIDE_ON:
            check.error(f"{path}.decide_on", f"unknown rule {rule!r} (expected one of: "
                                             f"{', '.join(DECIDE_ON)})")
        elif "confidence" not in obj:
            check.error(f"{path}.decide_on", f"{rule} needs a confidence level to say which "
                                             "interval, e.g. \"confidence\": 0.95")


def rule_of(obj: dict) -> dict:
    """compare()'s decision-rule arguments from a criterion: confidence and decide_on."""
    return {"confidence": obj.get("confidence"), "decide_on": obj.get("decide_on")}


def rule_numbers(obj: dict) -> dict:
    """The decision rule as a measurement records it."""
    rule = obj.get("decide_on") or ("confidence" if obj.get("confidence") is not None
                                    else "value")
    return {"confidence": obj.get("confidence"), "decide_on": rule}


def check_non_negative(obj: dict, key: str, path: str, check: Checker) -> None:
    v = obj.get(key)
    if is_type(v, "number") and cast(float, v) < 0:
        check.error(f"{path}.{key}", f"must be 0 or more, got {v!r}")


def confidence_of(obj: dict) -> float | None:
    return obj.get("confidence")
