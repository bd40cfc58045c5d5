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
CONFIDENCE = {"confidence": "number"}


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
            strict: bool = False, at_most: bool = False) -> Comparison:
    """Does value clear the bar (value >= bar; > when strict; <= when at_most)?

    With a confidence requirement the whole normal interval must clear it for "yes", and
    miss it entirely for "no"; an interval that straddles the bar is inconclusive, as is an
    unknown stderr.
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
    return {"value": m.value, "stderr": m.stderr}


# --- validation helpers ------------------------------------------------------------------------

def check_confidence(obj: dict, path: str, check: Checker) -> None:
    c = obj.get("confidence")
    # is_type(..., "number") guarantees an int or float; it is not a TypeGuard.
    if is_type(c, "number") and not 0 < cast(float, c) < 1:
        check.error(f"{path}.confidence", f"must be between 0 and 1 (exclusive), got {c!r}"
                                          " (e.g. 0.95)")


def check_non_negative(obj: dict, key: str, path: str, check: Checker) -> None:
    v = obj.get(key)
    if is_type(v, "number") and cast(float, v) < 0:
        check.error(f"{path}.{key}", f"must be 0 or more, got {v!r}")


def confidence_of(obj: dict) -> float | None:
    return obj.get("confidence")
