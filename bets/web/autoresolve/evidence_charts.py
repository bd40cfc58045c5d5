"""A small SVG chart of what a resolver criterion compared: each compared number as a point
with its interval as whiskers, and the bar as a dashed line.

Pure functions from a measurement (the JSON a criterion recorded) to markup: every number is
formatted here and every label escaped, so the result can be marked safe in a template.
"""

from __future__ import annotations

from html import escape

from bets.autoresolve.evidence.measurements import compared_points
from bets.web.plumbing.charts import _f, _svg, _value_range, short

WIDTH, HEIGHT = 520, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 40


def evidence_chart(measurement: dict) -> str:
    """SVG markup, or "" when the measurement has nothing to draw."""
    points, bar, what = compared_points(measurement if isinstance(measurement, dict) else {})
    if not points:
        return ""
    values = [v for p in points for v in (p.value, p.lower, p.upper) if v is not None]
    if bar is not None:
        values.append(bar)
    lo, hi, ticks = _value_range(values)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(v: float) -> float:
        return TOP + (hi - v) / (hi - lo) * plot_h

    step = plot_w / len(points)
    body = [f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>']
    for tick in ticks:
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
    return _svg(body, label=label, width=WIDTH, height=HEIGHT, css="chart evidence-chart")
