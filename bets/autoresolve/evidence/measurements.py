"""The measured quantity over a claim's runs: for each finished run (scheduled measurements,
resolution runs, runs started by an admin), the numbers its criterion compared, as series a
chart and the API share (`GET /api/claims/{id}/measurements/`).

Built from attempts as `attempt_disclose` left them for the viewer, so the series never shows
more than the attempts do: a run that read private evidence contributes its verdict only, a
spec that discloses aggregates contributes at most the best listed model's value, unnamed.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

from django.conf import settings

from bets.autoresolve.evidence.disclosure import attempts_disclose
from bets.autoresolve.selectors import claim_attempts
from bets.common.types import Viewer
from bets.models import Claim, ResolutionAttempt


@dataclass(frozen=True)
class Point:
    label: str
    value: float
    lower: float | None
    upper: float | None


def _num(x) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def _z(measurement: dict) -> float:
    confidence = _num(measurement.get("confidence")) or 0.95
    return NormalDist().inv_cdf(0.5 + confidence / 2) if 0 < confidence < 1 else 1.96


def _interval(row: dict, z: float) -> tuple[float | None, float | None]:
    lower, upper = _num(row.get("lower")), _num(row.get("upper"))
    value, stderr = _num(row.get("value", row.get("gap"))), _num(row.get("stderr"))
    if lower is None and value is not None and stderr is not None:
        lower, upper = value - z * stderr, value + z * stderr
    return lower, upper


def _point(label: str, row: dict, z: float, key: str = "value") -> Point | None:
    value = _num(row.get(key))
    if value is None:
        return None
    lower, upper = _interval({**row, "value": value}, z)
    return Point(label, value, lower, upper)


def compared_points(m: dict) -> tuple[list[Point], float | None, str]:
    """The points a criterion compared, the bar they were compared with, and what they are."""
    kind, z = m.get("criterion"), _z(m)
    points: list[Point | None] = []
    bar = _num(m.get("bar"))
    what = "value"
    if kind == "threshold":
        points = [_point(str(m.get("model", "")), m, z)]
        what = str(m.get("metric", "value"))
    elif kind == "gap":
        points = [_point(f"{m.get('model', '')}", {**m, "value": m.get("gap")}, z)]
        what = f"{m.get('a', {}).get('condition', 'a')} - {m.get('b', {}).get('condition', 'b')}" \
            " gap" if isinstance(m.get("a"), dict) else "gap"
    elif kind == "widening_gap":
        points = [_point(str(g.get("model")), {**g, "value": g.get("gap")}, z)
                  for g in m.get("gaps", []) if isinstance(g, dict)]
        bar, what = None, f"{m.get('a')} - {m.get('b')} gap per model"
    elif kind == "ordering":
        points = [_point(f"{p.get('model')} {'-'.join(map(str, p.get('conditions') or []))}",
                         p, z) for p in m.get("pairs", []) if isinstance(p, dict)]
        bar, what = _num(m.get("min_gap")) or 0.0, "difference of neighbouring conditions"
    elif kind in ("at_least_k", "best_model"):
        points = [_point(str(r.get("model")), r, z) for r in m.get("models", [])
                  if isinstance(r, dict)]
        what = str(m.get("metric", "value"))
    return [p for p in points if p is not None], bar, what


def _points_of(measurement: dict) -> tuple[list[Point], float | None, str]:
    points, bar, what = compared_points(measurement)
    best = _num(measurement.get("best_value"))
    if not points and best is not None:  # a spec that discloses aggregates only
        listed = measurement.get("models_listed")
        points = [Point(f"best of {listed} listed models", best, None, None)]
        what = str(measurement.get("metric") or "value")
    return points, bar, what


# What started a run, as the API and the chart's table name it.
RUN_KINDS = ("scheduled", "resolution", "manual")


def run_kind(attempt: ResolutionAttempt) -> str:
    if attempt.schedule_slot is not None:
        return "scheduled"
    if attempt.trigger == ResolutionAttempt.Trigger.MANUAL:
        return "manual"
    return "resolution"


def measurement_series(attempts: list[ResolutionAttempt]) -> dict:
    """Series per compared quantity over `attempts` (oldest first, already disclosed)."""
    runs: list[dict] = []
    series: dict[str, list[dict]] = {}
    bar: float | None = None
    what = ""
    for index, attempt in enumerate(attempts, start=1):
        measurement = attempt.measurement if isinstance(attempt.measurement, dict) else {}
        points, run_bar, run_what = _points_of(measurement)
        if points:  # the newest run that compared anything says what the bar and axis are
            bar, what = run_bar, run_what
        runs.append({
            "run": index, "attempt": attempt.pk, "number": getattr(attempt, "number", None),
            "at": attempt.finished_at or attempt.started_at, "kind": run_kind(attempt),
            "slot": attempt.schedule_slot, "verdict": attempt.verdict,
            "proposed": getattr(attempt, "proposal", None) is not None,
            "withheld": bool(attempt.withheld) and not points,
        })
        for p in points:
            series.setdefault(p.label, []).append(
                {"run": index, "attempt": attempt.pk, "value": p.value, "lower": p.lower,
                 "upper": p.upper})
    hidden = sum(r["withheld"] for r in runs)
    return {
        "what": what, "bar": bar, "runs": runs,
        "series": [{"label": label, "points": pts} for label, pts in series.items()],
        "withheld": (f"{hidden} of {len(runs)} runs read evidence that is not public to you: "
                     "only their verdicts are shown." if hidden else ""),
    }


def measured_window() -> int:
    """How many of a claim's newest attempts to read for its series: every scheduled run and
    the resolution runs (CRUX_SCHEDULE_MAX_RUNS + 40 finished ones), and as many again for
    the failed attempts among them."""
    return 2 * (settings.CRUX_SCHEDULE_MAX_RUNS + 40)


def measured_of(attempts: list[ResolutionAttempt], *, limit: int) -> list[ResolutionAttempt]:
    """Of a claim's attempts (newest first, as claim_attempts reads them), the finished runs
    that measured something, oldest first (the newest `limit`): what the measurement chart
    draws. Filtered here rather than in SQL, so the attempts keep the numbers #1, #2, ...
    they have over all of the claim's attempts."""
    finished = (ResolutionAttempt.Status.DECIDED, ResolutionAttempt.Status.INCONCLUSIVE)
    return [a for a in attempts if a.status in finished][:limit][::-1]


def claim_measurement_series(*, claim: Claim, user: Viewer | None,
                             disclosed: list[ResolutionAttempt] | None = None) -> dict:
    """The claim's measurement series as `user` may see them. `disclosed`: its newest
    measured_window() attempts, already disclosed to `user`, newest first, when the caller
    has read them already (the claim page)."""
    if disclosed is None:
        disclosed = attempts_disclose(claim_attempts(claim.pk, limit=measured_window()), user,
                                      claim=claim)
    return measurement_series(measured_of(disclosed, limit=measured_window() // 2))
