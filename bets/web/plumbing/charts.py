"""Inline SVG charts: pure functions from numbers to markup (no ORM, no scripts).

Every number is formatted by this module and every label is escaped, so the output can be
marked safe in a template. Charts draw in a fixed viewBox and scale with the page via CSS.

Text scales with the drawing, so the CSS (crux.css, "Chart text") sets the font size of a
WIDTH-wide chart in viewBox units by the width of its container: up to MAX_FONT units in a
phone-sized figure, which keeps labels at 11 CSS px or more there. The margins below leave
room for labels of MAX_FONT units, labels are placed by their edges (text-anchor,
dominant-baseline) rather than by offsets tuned to one size, and the axis title sits above
the plot, clear of the tick labels at every size.
"""

from datetime import UTC, datetime
from html import escape

WIDTH, HEIGHT = 600, 240
MAX_FONT = 23  # the largest font size crux.css gives a WIDTH-wide chart, in viewBox units
# LEFT fits "100%" at MAX_FONT (about 2.6 em) and a gap; TOP fits the axis title's line;
# BOTTOM fits the tick marks and one line of tick labels.
LEFT, RIGHT, TOP, BOTTOM = 70, 12, 34, 38
TICK_GAP = 6  # between an axis and its labels


def _f(x: float) -> str:
    return f"{x:.1f}"


def short(x: float) -> str:
    """A number as people read it: 0.25, not 0.24999999999999994."""
    return f"{x:.3g}"


def _svg(body: list[str], *, label: str, width: int = WIDTH, height: int = HEIGHT,
         role: str = "img", css: str = "chart", scaled_text: bool = False) -> str:
    """role "img": one picture with `label` as its text. role "group": a labelled picture
    whose points (_point) a keyboard reaches and a screen reader reads one by one (the
    children of an "img" are hidden from assistive technology). scaled_text: a WIDTH-wide
    chart laid out for text up to MAX_FONT units, which crux.css sizes by its figure."""
    sized = ' data-text="scaled"' if scaled_text else ""
    return (
        f'<svg class="{css}"{sized} viewBox="0 0 {width} {height}" role="{role}" '
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


def _text(x: float, y: float, text: str, anchor: str = "middle", *,
          baseline: str = "auto", css: str = "") -> str:
    """A label at (x, y): `anchor` says which end of it is at x, `baseline` which of its
    edges is at y ("hanging": its top, "central": its middle, "auto": its baseline)."""
    attrs = f' dominant-baseline="{baseline}"' if baseline != "auto" else ""
    attrs += f' class="{css}"' if css else ""
    return (f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}"{attrs}>'
            f"{escape(text)}</text>")


def _y_label(y: float, text: str) -> str:
    """A tick label left of the vertical axis, centred on its gridline."""
    return _text(LEFT - TICK_GAP, y, text, "end", baseline="central")


def _x_label(x: float, y: float, text: str, anchor: str = "middle", css: str = "") -> str:
    """A tick label under the horizontal axis at height y, its top just below the ticks."""
    return _text(x, y + TICK_GAP, text, anchor, baseline="hanging", css=css)


def _edge_anchor(i: int, last: int) -> str:
    """The first label starts at its tick and the last ends at its own, so neither leaves
    the drawing ("100%" was cut in half at the right edge); the others are centred."""
    return "start" if i == 0 else "end" if i == last else "middle"


def _probability_axis(y, width: int) -> list[str]:
    """Horizontal gridlines at 0, 25, 50, 75 and 100 % with their labels."""
    parts = []
    for pct in (0, 25, 50, 75, 100):
        yy = y(pct / 100)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{_f(yy)}" x2="{width - RIGHT}" y2="{_f(yy)}"/>'
        )
        parts.append(_y_label(yy, f"{pct}%"))
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
        # In a narrow figure only the first, middle and last dates have room (crux.css
        # hides the "minor" ones there).
        body.append(_x_label(xx, HEIGHT - BOTTOM, _tick_label(ts, end - start),
                             _edge_anchor(i, 4), css="minor" if i in (1, 3) else ""))
    # The axis title reads across, above the plot and right of the tick labels' column, so
    # it never overlaps them (rotated beside the axis, it ran into "100%" at every width).
    body.append(_text(LEFT, MAX_FONT * 0.25, "Probability of YES", "start", baseline="hanging",
                      css="axis-label"))
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
    return _svg(body, label=label, role="group", scaled_text=True)  # focusable marks


def histogram_chart(counts, *, mine: float | None = None) -> str:
    """Bars of how many standing forecasts fall in each equal-width probability bin."""
    total = sum(counts)
    if not total:
        return ""
    width, height = WIDTH, 170
    bins = len(counts)
    x = _scale(0.0, 1.0, LEFT, width - RIGHT)
    top = max(counts)
    # No title above this one: the top needs only half a label's height.
    y = _scale(0.0, float(top), height - BOTTOM, MAX_FONT * 0.6)
    body = [
        f'<line class="grid" x1="{LEFT}" y1="{_f(y(0))}" x2="{width - RIGHT}" y2="{_f(y(0))}"/>',
        _y_label(y(top), str(top)),
        _y_label(y(0), "0"),
    ]
    bar_w = (x(1) - x(0)) / bins
    for i, c in enumerate(counts):
        lo, hi = i * 100 // bins, (i + 1) * 100 // bins
        label = f"{lo}-{hi}%: {c} forecast{'s' if c != 1 else ''}"
        body.append(
            f'<rect class="bar" x="{_f(x(i / bins) + 1)}" y="{_f(y(c))}" '
            f'width="{_f(bar_w - 2)}" height="{_f(y(0) - y(c))}"><title>{label}</title></rect>'
        )
    for i, pct in enumerate((0, 25, 50, 75, 100)):
        body.append(_x_label(x(pct / 100), y(0), f"{pct}%", _edge_anchor(i, 4)))
    if mine is not None:
        body.append(
            f'<line class="mine-marker" x1="{_f(x(mine))}" y1="{_f(y(top))}" '
            f'x2="{_f(x(mine))}" y2="{_f(y(0))}"/>'
        )
    peak = max(range(bins), key=lambda i: counts[i])
    label = (
        f"Histogram of {total} standing forecasts in {bins} bins of "
        f"{100 // bins} points; the most ({counts[peak]}) between "
        f"{peak * 100 // bins}% and {(peak + 1) * 100 // bins}%"
    )
    return _svg(body, label=label, width=width, height=height, scaled_text=True)


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
    for i, pct in enumerate((0, 50, 100)):
        body.append(_x_label(x(pct / 100), y(0), f"{pct}%", _edge_anchor(i, 2)))
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
        _y_label(y(0), "0"),
        _y_label(y(hi), f"{hi:.0f}"),
        _y_label(y(lo), f"{lo:.0f}"),
        f'<polyline class="line" points="{points}"/>',
        _text(width - RIGHT, height - 8, f"{len(values)} resolved claims", "end"),
    ]
    return _svg(body, label="Cumulative peer score", width=width, height=height,
                scaled_text=width == WIDTH)
