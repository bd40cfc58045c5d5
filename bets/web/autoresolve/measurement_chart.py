"""The measured quantity over a claim's runs, as an SVG line chart and a table.

Pure functions from `bets.autoresolve.evidence.measurements.measurement_series` (already disclosed
to the viewer) to markup and rows: every number is formatted here and every label escaped,
so the chart can be marked safe in a template. No script: the page's CSP forbids inline
script, and each point's value is in its `<title>` (hover or keyboard focus).
"""

from __future__ import annotations

from html import escape

from bets.web.plumbing.charts import (
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    _f,
    _point,
    _scale,
    _svg,
    _text,
    _value_range,
    short,
)
from resolvers.explain import number

HEIGHT, BOTTOM = 240, 46
COLOURS = 6  # series styles s0..s5 in crux.css, reused in turn
KIND_WORDS = {"scheduled": "scheduled measurement", "resolution": "resolution run",
              "manual": "run now"}
VERDICT_WORDS = {"yes": "YES", "no": "NO", "inconclusive": "undecided"}


def _run_label(run: dict) -> str:
    at = run.get("at")
    when = f"{at:%Y-%m-%d}" if at is not None else ""
    return f"#{run.get('number') or run['run']} {when}".strip()


def measurement_chart(data: dict) -> str:
    """SVG markup of every series over the runs, with the bar; "" when nothing to draw."""
    series, runs = data.get("series") or [], data.get("runs") or []
    values = [v for s in series for p in s["points"]
              for v in (p["value"], p["lower"], p["upper"]) if v is not None]
    if not values:
        return ""
    bar, what = data.get("bar"), data.get("what") or "value"
    if bar is not None:
        values.append(bar)
    lo, hi, ticks = _value_range(values)
    x = _scale(0.5, len(runs) + 0.5, LEFT + 8, WIDTH - RIGHT)
    y = _scale(lo, hi, HEIGHT - BOTTOM, TOP + 14)
    body = []
    for tick in ticks:
        body.append(f'<line class="grid" x1="{LEFT}" y1="{_f(y(tick))}" x2="{WIDTH - RIGHT}" '
                    f'y2="{_f(y(tick))}"/>')
        # Two decimals and a real minus sign: "-0.0541" did not fit left of the axis.
        body.append(_text(LEFT - 6, y(tick) + 4, number(tick), "end"))
    every = max(1, len(runs) // 10)  # about ten labelled runs fit across
    for run in runs[::every]:
        body.append(_text(x(run["run"]), HEIGHT - BOTTOM + 16, _run_label(run)))
    body.append(_text((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 6, "Run (oldest first, UTC date)"))
    body.append(f'<text class="axis-label" transform="rotate(-90)" '
                f'x="{_f(-(HEIGHT - BOTTOM + TOP) / 2)}" y="11" text-anchor="middle">'
                f"{escape(what[:40])}</text>")
    if bar is not None:
        body.append(f'<line class="threshold" x1="{LEFT}" y1="{_f(y(bar))}" '
                    f'x2="{WIDTH - RIGHT}" y2="{_f(y(bar))}"><title>decision bar '
                    f"{escape(short(bar))}</title></line>")
    by_run = {r["run"]: r for r in runs}
    for i, s in enumerate(series):
        style = f"s{i % COLOURS}"
        coords = [(x(p["run"]), y(p["value"])) for p in s["points"]]
        body.append(f'<polyline class="line {style}" points="'
                    + " ".join(f"{_f(a)},{_f(b)}" for a, b in coords) + '"/>')
        for p, (cx, cy) in zip(s["points"], coords, strict=True):
            run = by_run[p["run"]]
            interval = (f" ({short(p['lower'])} to {short(p['upper'])})"
                        if p["lower"] is not None and p["upper"] is not None else "")
            title = (f"{s['label']}, {_run_label(run)} ({KIND_WORDS.get(run['kind'], '')}): "
                     f"{short(p['value'])}{interval}")
            body.append(_point(cx, cy, title, css=f"point {style}"))
        body.append(f'<text class="legend {style}" x="{_f(LEFT + 8 + 150 * (i % 3))}" '
                    f'y="{TOP + 12 * (i // 3)}">{escape(s["label"][:28])}</text>'
                    if i < 6 else "")
    return _svg(body, label=_summary(data), height=HEIGHT, role="group")  # focusable points


def _summary(data: dict) -> str:
    runs, series = data["runs"], data["series"]
    parts = [f"{s['label']} from {short(s['points'][0]['value'])} to "
             f"{short(s['points'][-1]['value'])}" for s in series[:6]]
    bar = data.get("bar")
    return (f"{data.get('what') or 'Measured value'} over {len(runs)} runs: "
            + "; ".join(parts) + (f"; decision bar {short(bar)}" if bar is not None else ""))


def measurement_rows(data: dict) -> tuple[list[str], list[dict]]:
    """The table alternative: a column per series, a row per run (oldest first)."""
    labels = [s["label"] for s in data.get("series") or []]
    values = {(s["label"], p["run"]): p["value"] for s in data.get("series") or []
              for p in s["points"]}
    rows = []
    for run in data.get("runs") or []:
        rows.append({
            "run": run, "label": _run_label(run), "kind": KIND_WORDS.get(run["kind"], ""),
            "verdict": VERDICT_WORDS.get(run["verdict"], run["verdict"]),
            "values": [short(values[(label, run["run"])]) if (label, run["run"]) in values
                       else ("withheld" if run["withheld"] else "") for label in labels],
        })
    return labels, rows
