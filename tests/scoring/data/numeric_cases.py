"""Deterministic generator of numeric, date and multiple-choice scoring cases (test support).

``cases()`` returns plain dicts (no numpy, no Django) describing claims, forecasts and
resolutions. ``metaculus_run.py`` feeds them to Metaculus' own scoring and aggregation code and
writes ``metaculus_numeric.json`` (inputs and their results), which the tests read; the tests
never run this generator. Pure Python arithmetic, so the same seed gives the same numbers on any
machine.
"""

from __future__ import annotations

import math
import random

DAY = 86400
OPEN = 1_767_225_600  # 2026-01-01T00:00:00Z, whole seconds so datetimes round-trip exactly
N = 200


def _cdf(rng: random.Random, open_lower: bool, open_upper: bool) -> list[float]:
    """A valid 201-point CDF: a mixture of up to three logistics on [0, 1], mixed with a ramp so
    every step is at least Metaculus' minimum, scaled between the out-of-range masses."""
    parts = [(rng.uniform(-0.1, 1.1), rng.uniform(0.02, 0.3), rng.uniform(0.2, 1.0))
             for _ in range(rng.randint(1, 3))]
    weight = sum(w for _, _, w in parts)

    def f(u: float) -> float:
        return sum(w / (1 + math.exp(-(u - c) / s)) for c, s, w in parts) / weight

    low = rng.uniform(0.001, 0.2) if open_lower else 0.0
    high = 1 - rng.uniform(0.001, 0.2) if open_upper else 1.0
    f0, f1 = f(0.0), f(1.0)
    cdf = []
    for k in range(N + 1):
        shape = (f(k / N) - f0) / (f1 - f0) if f1 > f0 else k / N
        shape = 0.9 * shape + 0.1 * k / N
        cdf.append(round(low + (high - low) * shape, 10))
    return cdf


def _probabilities(rng: random.Random, present: list[bool], unexpected: int | None) -> list:
    raw = [rng.uniform(0.05, 1.0) if on else None for on in present]
    if unexpected is not None and raw[unexpected] is not None:
        raw[unexpected] = rng.uniform(0.0005, 0.01)
    total = sum(v for v in raw if v is not None)
    out = [None if v is None else min(max(v / total, 0.001), 0.999) for v in raw]
    # The last present value takes up the rounding so each row sums to 1.
    rounded = [None if v is None else round(v, 6) for v in out]
    last = max(i for i, v in enumerate(rounded) if v is not None)
    rounded[last] = round(1 - sum(v for i, v in enumerate(rounded) if v is not None and i != last),
                          6)
    return rounded


def _histories(rng: random.Random, participants: int, open_time: int, close_time: int,
               updates: int, first_start: int | None = None) -> list[tuple[int, int, int | None]]:
    """(participant, start, end) rows; participant 0 stands from before the open to the end, so
    that nobody-standing gaps (where Metaculus and Crux differ on purpose) never happen."""
    rows: list[tuple[int, int, int | None]] = [(0, first_start or open_time - DAY, None)]
    for pid in range(1, participants):
        k = rng.randint(1, updates)
        moments = sorted(rng.sample(range(open_time - 5 * DAY, close_time + 5 * DAY, 3600), k))
        for i, at in enumerate(moments):
            end = moments[i + 1] if i + 1 < k else None
            if end is None and rng.random() < 0.25:
                end = at + rng.randint(1, 20) * 3600  # withdrawn
            rows.append((pid, at, end))
    return rows


def _window(rng: random.Random, early: bool) -> dict:
    close = OPEN + 100 * DAY
    actual = close - rng.randint(5, 40) * DAY if early else close
    return {"open_time": OPEN, "close_time": close, "actual_close_time": actual,
            "spot_time": actual - rng.randint(0, 10) * DAY}


def _continuous(rng: random.Random, name: str, kind: str, axis: dict, resolutions: list,
                early: bool = False, participants: int = 6) -> dict:
    window = _window(rng, early)
    rows = _histories(rng, participants, window["open_time"], window["close_time"], 3)
    forecasts = [{"participant": p, "start": s, "end": e,
                  "cdf": _cdf(rng, axis["open_lower_bound"], axis["open_upper_bound"])}
                 for p, s, e in rows]
    return {"name": name, "kind": kind, "axis": axis, **window, "forecasts": forecasts,
            "resolutions": resolutions}


def _multiple_choice(rng: random.Random, name: str, history: list, resolutions: list,
                     unexpected: str | None = None, participants: int = 6) -> dict:
    """history: [(seconds after open, options, grace seconds), ...]; stage changes as Metaculus
    makes them: options added at ``at - grace`` are offered from then, and every forecast made
    before that and still standing at the grace end ``at`` (the stage's time in the history) is
    ended there, lacking the new options; during the grace period forecasts with and without
    them stand side by side. A deletion (grace 0) cuts forecasts at its time and moves the
    deleted options' probability to the catch-all."""
    window = _window(rng, False)
    stages = [(window["open_time"] + at, options) for at, options, _ in history]
    offered = [window["open_time"] + at - grace for at, _, grace in history]
    labels: list[str] = []
    for _, options in stages:
        labels += [o for o in options[:-1] if o not in labels]
    labels.append(stages[0][1][-1])
    forecasts = []
    for pid, start, end in _histories(rng, participants, window["open_time"],
                                      window["close_time"], 3):
        pieces = [start] + [t for (t, _), since in zip(stages[1:], offered[1:], strict=True)
                            if start < since and start < t and (end is None or t < end)]
        for i, piece_start in enumerate(pieces):
            piece_end = pieces[i + 1] if i + 1 < len(pieces) else end
            stage = [o for (_, o), since in zip(stages, offered, strict=True)
                     if since <= max(piece_start, stages[0][0])][-1]
            present = [label in stage for label in labels]
            added = i > 0 and any(
                on and forecasts[-1]["probabilities"][k] is None for k, on in enumerate(present))
            if i == 0 or added:  # a new forecast (after an addition its owner forecasts again)
                probabilities = _probabilities(
                    rng, present, labels.index(unexpected) if unexpected else None)
            else:  # the same forecast, re-cut at a deletion
                previous = forecasts[-1]["probabilities"]
                probabilities = list(previous)
                for k in range(len(labels)):
                    if previous[k] is not None and not present[k]:
                        probabilities[-1] = round(probabilities[-1] + previous[k], 6)
                        probabilities[k] = None
            forecasts.append({"participant": pid, "start": piece_start, "end": piece_end,
                              "probabilities": probabilities})
    return {"name": name, "kind": "multiple_choice", **window,
            "options_history": [[t, o] for t, o in stages], "forecasts": forecasts,
            "resolutions": resolutions}


def cases() -> list[dict]:
    rng = random.Random(20261207)
    linear_closed = {"range_min": 0.0, "range_max": 1.0, "zero_point": None,
                     "open_lower_bound": False, "open_upper_bound": False}
    linear_open = {"range_min": -50.0, "range_max": 150.0, "zero_point": None,
                   "open_lower_bound": True, "open_upper_bound": True}
    log_open = {"range_min": 1.0, "range_max": 1000.0, "zero_point": 0.0,
                "open_lower_bound": True, "open_upper_bound": True}
    log_closed_low = {"range_min": 10.0, "range_max": 1e6, "zero_point": 5.0,
                      "open_lower_bound": False, "open_upper_bound": True}
    date = {"range_min": float(OPEN), "range_max": float(OPEN + 730 * DAY), "zero_point": None,
            "open_lower_bound": False, "open_upper_bound": True}
    grid = [round(-50.0 + k, 10) for k in (0, 1, 37, 100, 199, 200)]  # CDF points of linear_open
    out = [
        _continuous(rng, "linear closed: inside, on CDF points, range ends", "numeric",
                    linear_closed, [0.4321, 0.37, 0.005, 0.0, 1.0, 0.995, 0.5]),
        _continuous(rng, "linear open: CDF points, beyond both bounds", "numeric", linear_open,
                    [*grid, 12.345, "below_lower_bound", "above_upper_bound", -50.000001,
                     -1000.0, 150.0000001, 1e9]),
        _continuous(rng, "linear open, resolved early, spot before close", "numeric",
                    linear_open, [3.25, 149.5, "above_upper_bound"], early=True, participants=9),
        _continuous(rng, "log scale with zero point, open bounds", "numeric", log_open,
                    [1.0, 1000.0, 31.622776601683793, 2.0, 0.5, 5000.0, "below_lower_bound",
                     1000.0 ** (37 / 200)]),
        _continuous(rng, "log scale, closed lower bound", "numeric", log_closed_low,
                    [10.0, 123.0, 1e6, 2e6]),
        _continuous(rng, "date, open upper bound", "date", date,
                    ["2026-03-15T12:00:00+00:00", "2026-01-01T00:00:00+00:00",
                     "2027-12-31T00:00:00+00:00", "2028-06-01T00:00:00+00:00",
                     "above_upper_bound"]),
    ]
    gap = _continuous(rng, "two forecasters end together: a gap nobody covers", "numeric",
                      linear_closed, [0.25])
    gap["forecasts"] = [f for f in gap["forecasts"] if f["participant"] in (1, 2)][:2]
    for k, f in enumerate(gap["forecasts"]):
        f["participant"] = k + 1
        f["start"], f["end"] = OPEN + (k + 1) * DAY, OPEN + 30 * DAY
    gap["forecasts"].append({**gap["forecasts"][0], "start": OPEN + 60 * DAY, "end": None})
    gap["gap"] = True
    out.append(gap)
    out += [
        _multiple_choice(rng, "an option nobody expected",
                         [(0, ["a", "b", "c", "d", "Other"], 0)], ["d", "a", "Other"],
                         unexpected="d"),
        _multiple_choice(rng, "an option added later, with a grace period", [
            (0, ["a", "b", "Other"], 0), (50 * DAY, ["a", "b", "c", "Other"], 30 * DAY)],
            ["c", "a", "Other"], participants=12),
        _multiple_choice(rng, "an option deleted", [
            (0, ["a", "b", "c", "Other"], 0), (30 * DAY, ["a", "c", "Other"], 0)],
            ["b", "c", "Other"]),
    ]
    # By hand: during the grace period forecasts with and without the added option "c" stand
    # together (Metaculus' geometric mean then reads the catch-all), also at the spot time.
    d = DAY
    rows = [
        (1, OPEN - d, OPEN + 60 * d, [0.5, 0.3, None, 0.2]),
        (1, OPEN + 60 * d, None, [0.4, 0.2, 0.3, 0.1]),
        (2, OPEN + 10 * d, OPEN + 60 * d, [0.2, 0.5, None, 0.3]),
        (2, OPEN + 70 * d, None, [0.25, 0.25, 0.25, 0.25]),
        (3, OPEN + 45 * d, None, [0.3, 0.3, 0.2, 0.2]),
        (4, OPEN + 50 * d, OPEN + 80 * d, [0.1, 0.1, 0.7, 0.1]),
    ]
    out.append({
        "name": "an option added: forecasts with and without it stand together",
        "kind": "multiple_choice", "open_time": OPEN, "close_time": OPEN + 100 * d,
        "actual_close_time": OPEN + 100 * d, "spot_time": OPEN + 55 * d,
        "options_history": [[OPEN, ["a", "b", "Other"]],
                            [OPEN + 60 * d, ["a", "b", "c", "Other"]]],
        "forecasts": [{"participant": pid, "start": start, "end": end, "probabilities": values}
                      for pid, start, end, values in rows],
        "resolutions": ["c", "a", "Other"],
    })
    return out
