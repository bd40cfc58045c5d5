"""A small SVG chart of what a resolver criterion compared: each compared number as a point
with its interval as whiskers, the bar as a dashed line, and a value axis whose tick labels
keep their sign.

Pure functions from a measurement (the JSON a criterion recorded) to markup: every number is
formatted here and every label escaped, so the result can be marked safe in a template. The
chart is WIDTH wide with scaled text (bets/web/plumbing/charts.py), so its labels stay
legible in a phone-sized figure; the left margin grows with the longest tick label, so a
negative lower bound keeps its minus sign at every width.
"""

from __future__ import annotations

from html import escape

from bets.autoresolve.evidence.measurements import compared_points
from bets.web.plumbing.charts import (
    BOTTOM,
    LEFT,
    MAX_FONT,
    RIGHT,
    TICK_GAP,
    TOP,
    WIDTH,
    _f,
    _scale,
    _svg,
    _text,
    _value_range,
    _x_label,
)
from resolvers.explain import number

HEIGHT = 240
CHAR = 0.62 * MAX_FONT  # the width of a digit or a minus sign at the largest font, about
WHISKER_CAP = 10  # half the width of a whisker's end


def _fit(label: str, room: float) -> str:
    """A point's label shortened to the room under it: the model's name without its
    provider first ("mockllm/gen2" is "gen2"), then cut with an ellipsis."""
    most = max(3, int(room / CHAR))
    if len(label) > most:
        label = " ".join(word.rsplit("/", 1)[-1] for word in label.split(" "))
    return label if len(label) <= most else label[:most - 1] + "\u2026"


def evidence_chart(measurement: dict) -> str:
    """SVG markup, or "" when the measurement has nothing to draw."""
    points, bar, what = compared_points(measurement if isinstance(measurement, dict) else {})
    if not points:
        return ""
    values = [v for p in points for v in (p.value, p.lower, p.upper) if v is not None]
    if bar is not None:
        values.append(bar)
    lo, hi, ticks = _value_range(values)
    labels = [number(t) for t in ticks]
    left = max(LEFT, int(max(len(t) for t in labels) * CHAR) + 2 * TICK_GAP)
    y = _scale(lo, hi, HEIGHT - BOTTOM, TOP)
    step = (WIDTH - RIGHT - left) / len(points)
    body = [f'<line class="axis" x1="{left}" y1="{TOP}" x2="{left}" y2="{HEIGHT - BOTTOM}"/>']
    for tick, label in zip(ticks, labels, strict=True):
        body.append(f'<line class="grid" x1="{left}" y1="{_f(y(tick))}" x2="{WIDTH - RIGHT}" '
                    f'y2="{_f(y(tick))}"/>')
        body.append(_text(left - TICK_GAP, y(tick), label, "end", baseline="central",
                          css="tick-label"))
    if lo < 0 < hi:  # where the sign changes: a gap below it has the other sign
        body.append(f'<line class="zero" x1="{left}" y1="{_f(y(0))}" x2="{WIDTH - RIGHT}" '
                    f'y2="{_f(y(0))}"/>')
    body.append(_text(left, MAX_FONT * 0.25, what[:60], "start", baseline="hanging",
                      css="axis-label"))
    if bar is not None:
        body.append(f'<line class="threshold" x1="{left}" y1="{_f(y(bar))}" '
                    f'x2="{WIDTH - RIGHT}" y2="{_f(y(bar))}"><title>bar {escape(number(bar))}'
                    f'</title></line>')
        body.append(_text(WIDTH - RIGHT, y(bar) - TICK_GAP, f"bar {number(bar)}", "end",
                          css="bar-label"))
    for i, p in enumerate(points):
        x = left + step * (i + 0.5)
        if p.lower is not None and p.upper is not None:
            body.append(f'<line class="whisker" x1="{_f(x)}" y1="{_f(y(p.upper))}" '
                        f'x2="{_f(x)}" y2="{_f(y(p.lower))}"/>')
            for end in (p.lower, p.upper):
                body.append(f'<line class="whisker cap" x1="{_f(x - WHISKER_CAP)}" '
                            f'y1="{_f(y(end))}" x2="{_f(x + WHISKER_CAP)}" y2="{_f(y(end))}"/>')
        interval = (f" ({number(p.lower)} to {number(p.upper)})"
                    if p.lower is not None and p.upper is not None else "")
        body.append(f'<circle class="point" cx="{_f(x)}" cy="{_f(y(p.value))}" r="5">'
                    f'<title>{escape(p.label)}: {escape(number(p.value))}{escape(interval)}'
                    '</title></circle>')
        body.append(_x_label(x, HEIGHT - BOTTOM, _fit(p.label, step - TICK_GAP)))
    label = f"{what}: " + ", ".join(
        f"{p.label} {number(p.value)}" + (f" ({number(p.lower)} to {number(p.upper)})"
                                          if p.lower is not None and p.upper is not None
                                          else "") for p in points) + (
        f"; bar {number(bar)}" if bar is not None else "")
    return _svg(body, label=label, height=HEIGHT, css="chart evidence-chart", scaled_text=True)
