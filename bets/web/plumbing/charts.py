"""Inline SVG charts: pure functions from numbers to markup (no ORM, no scripts).

Every number is formatted by this module and every label is escaped, so the output can be
marked safe in a template. Charts draw in a fixed viewBox and scale with the page via CSS.
"""

from datetime import UTC, datetime
from html import escape

WIDTH, HEIGHT = 600, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 10, 28


def _f(x: float) -> str:
    return f"{x:.1f}"


def short(x: float) -> str:
    """A number as people read it: 0.25, not 0.24999999999999994."""
    return f"{x:.3g}"


def _svg(body: list[str], *, label: str, width: int = WIDTH, height: int = HEIGHT,
         role: str = "img", css: str = "chart") -> str:
    """role "img": one picture with `label` as its text. role "group": a labelled picture
    whose points (_point) a keyboard reaches and a screen reader reads one by one (the
    children of an "img" are hidden from assistive technology)."""
    return (
        f'<svg class="{css}" viewBox="0 0 {width} {height}" role="{role}" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(body)
        + "</svg>"
    )


def _point(cx: float, cy: float, title: str, *, css: str = "mark") -> str:
    """A point a keyboard reaches and a screen reader reads as an image named `title` (its
    <title>, also the hover text). A chart with such points is a "group" (_svg)."""
    return (f'<circle class="{css}" tabindex="0" role="img" cx="{_f(cx)}" cy="{_f(cy)}" r="4">'
            f"<title>{escape(title)}</title></circle>")


def _value_range(values: list[float]) -> tuple[float, float, tuple[float, float, float]]:
    """The range to plot `values` in, padded by a tenth of their spread (or 0.05), and three
    ticks: the lowest value, the middle and the highest."""
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.1 or 0.05
    return lo - pad, hi + pad, (lo, (lo + hi) / 2, hi)


def _scale(lo: float, hi: float, out_lo: float, out_hi: float):
    span = (hi - lo) or 1.0
    return lambda v: out_lo + (v - lo) / span * (out_hi - out_lo)


def _text(x: float, y: float, text: str, anchor: str = "middle") -> str:
    return f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}">{escape(text)}</text>'


def _probability_axis(y, width: int) -> list[str]:
    """Horizontal gridlines at 0, 25, 50, 75 and 100 % with their labels."""
    parts = []
    for pct in (0, 25, 50, 75, 100):
        yy = y(pct / 100)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{_f(yy)}" x2="{width - RIGHT}" y2="{_f(yy)}"/>'
        )
        parts.append(_text(LEFT - 6, yy + 4, f"{pct}%", "end"))
    return parts


def _date(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%d %H:%M")


def _tick_label(ts: float, span: float) -> str:
    fmt = "%b %d" if span > 2 * 86400 else "%b %d %H:%M"
    return datetime.fromtimestamp(ts, tz=UTC).strftime(fmt)


# A chart has about this many pixels across, so more steps than this cannot be told apart:
# longer histories keep the last value of each pixel column.
MAX_STEPS = 300
# Points one can hover or focus for their value (an SVG <title> each).
MAX_MARKERS = 24


def downsample(points, *, start: float, end: float, columns: int = MAX_STEPS):
    """At most `columns` steps: the last point of each column of the time axis."""
    if len(points) <= columns:
        return list(points)
    span = (end - start) or 1.0
    by_column: dict[int, tuple] = {}
    for pt in points:
        by_column[min(columns - 1, int((pt[0] - start) / span * columns))] = pt
    return [by_column[c] for c in sorted(by_column)]


def _step_path(points, x, y, end: float) -> str:
    path = []
    for i, pt in enumerate(points):
        t, p = pt[0], pt[1]
        nxt = points[i + 1][0] if i + 1 < len(points) else end
        path.append(f"{'M' if i == 0 else 'L'}{_f(x(t))},{_f(y(p))} H{_f(x(nxt))}")
    return " ".join(path)


def community_chart(points, *, start: float, end: float, mine=None) -> str:
    """A step line of the community forecast over time, with date ticks, labelled axes, the
    value of each step on hover or keyboard focus, and `mine` (the viewer's own forecasts as
    (epoch seconds, probability) steps) as a second, dashed line.

    points: (epoch seconds, probability, forecasters) at each change. The value holds until
    the next point, and the last one holds until `end`.
    """
    if not points:
        return ""
    start = min(start, points[0][0])
    end = max(end, points[-1][0])
    points = downsample(points, start=start, end=end)
    x = _scale(start, end, LEFT, WIDTH - RIGHT)
    y = _scale(0.0, 1.0, HEIGHT - BOTTOM, TOP)
    body = _probability_axis(y, WIDTH)
    for i in range(5):
        ts = start + (end - start) * i / 4
        xx = x(ts)
        body.append(
            f'<line class="tick" x1="{_f(xx)}" y1="{HEIGHT - BOTTOM}" x2="{_f(xx)}" '
            f'y2="{HEIGHT - BOTTOM + 4}"/>'
        )
        anchor = "start" if i == 0 else "end" if i == 4 else "middle"
        body.append(_text(xx, HEIGHT - 12, _tick_label(ts, end - start), anchor))
    body.append(_text(WIDTH / 2, HEIGHT - 1, "Date (UTC)"))
    body.append(
        f'<text class="axis-label" transform="rotate(-90)" x="{_f(-(HEIGHT - BOTTOM) / 2)}" '
        f'y="11" text-anchor="middle">Probability of YES</text>'
    )
    body.append(f'<path class="line" d="{_step_path(points, x, y, end)}"/>')
    if mine:
        mine_end = [(t, p) for t, p in mine]
        body.append(f'<path class="line mine" d="{_step_path(mine_end, x, y, end)}"/>')
    step = max(1, len(points) // MAX_MARKERS)
    for pt in points[::step][:MAX_MARKERS] + [points[-1]]:
        t, p, n = pt
        label = f"{_date(t)} UTC: {p * 100:.1f}% from {n} forecaster{'s' if n != 1 else ''}"
        body.append(_point(x(t), y(p), label))
    p_last = points[-1][1]
    body.append(f'<circle class="dot" cx="{_f(x(end))}" cy="{_f(y(p_last))}" r="3.5"/>')
    label = (
        f"Community forecast from {_date(start)} to {_date(end)} UTC: "
        f"{points[0][1] * 100:.1f}% at first, {p_last * 100:.1f}% at the end"
        + (", with your own forecasts as a dashed line" if mine else "")
    )
    return _svg(body, label=label, role="group")  # its marks are focusable images


def histogram_chart(counts, *, mine: float | None = None) -> str:
    """Bars of how many standing forecasts fall in each equal-width probability bin."""
    total = sum(counts)
    if not total:
        return ""
    width, height = WIDTH, 160
    bins = len(counts)
    x = _scale(0.0, 1.0, LEFT, width - RIGHT)
    top = max(counts)
    y = _scale(0.0, float(top), height - BOTTOM, TOP)
    body = [
        f'<line class="grid" x1="{LEFT}" y1="{_f(y(0))}" x2="{width - RIGHT}" y2="{_f(y(0))}"/>',
        _text(LEFT - 6, y(top) + 4, str(top), "end"),
        _text(LEFT - 6, y(0) + 4, "0", "end"),
    ]
    bar_w = (x(1) - x(0)) / bins
    for i, c in enumerate(counts):
        lo, hi = i * 100 // bins, (i + 1) * 100 // bins
        label = f"{lo}-{hi}%: {c} forecast{'s' if c != 1 else ''}"
        body.append(
            f'<rect class="bar" x="{_f(x(i / bins) + 1)}" y="{_f(y(c))}" '
            f'width="{_f(bar_w - 2)}" height="{_f(y(0) - y(c))}"><title>{label}</title></rect>'
        )
    for pct in (0, 25, 50, 75, 100):
        body.append(_text(x(pct / 100), height - 12, f"{pct}%"))
    if mine is not None:
        body.append(
            f'<line class="mine-marker" x1="{_f(x(mine))}" y1="{TOP}" x2="{_f(x(mine))}" '
            f'y2="{_f(y(0))}"/>'
        )
    peak = max(range(bins), key=lambda i: counts[i])
    label = (
        f"Histogram of {total} standing forecasts in {bins} bins of "
        f"{100 // bins} points; the most ({counts[peak]}) between "
        f"{peak * 100 // bins}% and {(peak + 1) * 100 // bins}%"
    )
    return _svg(body, label=label, width=width, height=height)


def calibration_chart(bins, *, size: int = 320) -> str:
    """Mean forecast (x) against observed frequency (y) per bin, with the binomial interval
    as an error bar and the diagonal a perfectly calibrated forecaster would sit on."""
    if not bins:
        return ""
    x = _scale(0.0, 1.0, LEFT, size - RIGHT)
    y = _scale(0.0, 1.0, size - BOTTOM, TOP)
    body = _probability_axis(y, size)
    body.append(
        f'<line class="diagonal" x1="{_f(x(0))}" y1="{_f(y(0))}" '
        f'x2="{_f(x(1))}" y2="{_f(y(1))}"/>'
    )
    for b in bins:
        cx = x(b.mean_forecast)
        body.append(
            f'<line class="errorbar" x1="{_f(cx)}" y1="{_f(y(b.ci_low))}" '
            f'x2="{_f(cx)}" y2="{_f(y(b.ci_high))}"/>'
        )
        body.append(
            f'<circle class="dot" cx="{_f(cx)}" cy="{_f(y(b.observed_frequency))}" r="4">'
            f"<title>{escape(_bin_title(b))}</title></circle>"
        )
    for pct in (0, 50, 100):
        body.append(_text(x(pct / 100), size - 10, f"{pct}%"))
    return _svg(body, label="Calibration", width=size, height=size)


def _bin_title(b) -> str:
    return (
        f"forecasts {b.lower:.0%}-{b.upper:.0%}: mean {b.mean_forecast:.0%}, "
        f"happened {b.observed_frequency:.0%} (interval {b.ci_low:.0%}-{b.ci_high:.0%}), "
        f"{b.count} forecasts"
    )


def cumulative_chart(values, *, width: int = 600, height: int = 160) -> str:
    """A line of the running total of `values` (e.g. peer scores in resolution order)."""
    if not values:
        return ""
    totals, running = [0.0], 0.0
    for v in values:
        running += float(v)
        totals.append(running)
    lo, hi = min(totals), max(totals)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    x = _scale(0, len(totals) - 1, LEFT, width - RIGHT)
    y = _scale(lo, hi, height - BOTTOM, TOP)
    points = " ".join(f"{_f(x(i))},{_f(y(t))}" for i, t in enumerate(totals))
    body = [
        f'<line class="grid" x1="{LEFT}" y1="{_f(y(0))}" x2="{width - RIGHT}" y2="{_f(y(0))}"/>',
        _text(LEFT - 6, y(0) + 4, "0", "end"),
        _text(LEFT - 6, y(hi) + 4, f"{hi:.0f}", "end"),
        _text(LEFT - 6, y(lo) + 4, f"{lo:.0f}", "end"),
        f'<polyline class="line" points="{points}"/>',
        _text(width - RIGHT, height - 8, f"{len(values)} resolved claims", "end"),
    ]
    return _svg(body, label="Cumulative peer score", width=width, height=height)
