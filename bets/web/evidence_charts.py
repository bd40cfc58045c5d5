"""A small SVG chart of what a resolver criterion compared: each compared number as a point
with its interval as whiskers, and the bar as a dashed line.

Pure functions from a measurement (the JSON a criterion recorded) to markup: every number is
formatted here and every label escaped, so the result can be marked safe in a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from statistics import NormalDist

WIDTH, HEIGHT = 520, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 40


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


def _f(x: float) -> str:
    return f"{x:.1f}"


def short(x: float) -> str:
    """A number as people read it: 0.25, not 0.24999999999999994."""
    return f"{x:.3g}"


def evidence_chart(measurement: dict) -> str:
    """SVG markup, or "" when the measurement has nothing to draw."""
    points, bar, what = compared_points(measurement if isinstance(measurement, dict) else {})
    if not points:
        return ""
    values = [v for p in points for v in (p.value, p.lower, p.upper) if v is not None]
    if bar is not None:
        values.append(bar)
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.1 or 0.05
    lo, hi = lo - pad, hi + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(v: float) -> float:
        return TOP + (hi - v) / (hi - lo) * plot_h

    step = plot_w / len(points)
    body = [f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>']
    for tick in (lo + pad, (lo + hi) / 2, hi - pad):
        body.append(f'<text x="{LEFT - 6}" y="{_f(y(tick) + 4)}" text-anchor="end">'
                    f'{escape(short(tick))}</text>')
    if bar is not None:
        body.append(f'<line class="bar" x1="{LEFT}" y1="{_f(y(bar))}" x2="{WIDTH - RIGHT}" '
                    f'y2="{_f(y(bar))}" stroke-dasharray="6 4"><title>bar {escape(short(bar))}'
                    f'</title></line>')
    for i, p in enumerate(points):
        x = LEFT + step * (i + 0.5)
        if p.lower is not None and p.upper is not None:
            body.append(f'<line class="whisker" x1="{_f(x)}" y1="{_f(y(p.upper))}" '
                        f'x2="{_f(x)}" y2="{_f(y(p.lower))}"/>')
            for end in (p.lower, p.upper):
                body.append(f'<line class="whisker" x1="{_f(x - 6)}" y1="{_f(y(end))}" '
                            f'x2="{_f(x + 6)}" y2="{_f(y(end))}"/>')
        interval = (f" ({short(p.lower)} to {short(p.upper)})"
                    if p.lower is not None and p.upper is not None else "")
        body.append(f'<circle class="point" cx="{_f(x)}" cy="{_f(y(p.value))}" r="4">'
                    f'<title>{escape(p.label)}: {escape(short(p.value))}{escape(interval)}'
                    '</title></circle>')
        body.append(f'<text x="{_f(x)}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                    f'{escape(p.label[-28:])}</text>')
    label = f"{what}: " + ", ".join(f"{p.label} {short(p.value)}" for p in points) + (
        f"; bar {short(bar)}" if bar is not None else "")
    return (f'<svg class="chart evidence-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
            + "".join(body) + "</svg>")
