"""Scoring a numeric claim with 1,000 forecasters x 5 updates: Crux vs a port of Metaculus.

Times Crux's pure maths (``continuous_scores`` and ``continuous_spot_scores``: baseline, peer,
coverage, CRPS, spot baseline and spot peer, on 5,000 201-point CDFs) and, in the same run on the
same rows, the loop-based port of Metaculus' scoring call path in
``tests/scoring/numeric_reference.py``. Target: Crux at least 10 times faster, and every score
identical (to 1e-9). No database: loading the rows is the claim kinds' part, timed beside them.
"""

import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bets.scoring.continuous import (  # noqa: E402
    ContinuousAxis,
    continuous_scores,
    continuous_spot_scores,
)
from tests.scoring import numeric_reference as port  # noqa: E402

FORECASTERS = 1000
UPDATES = 5
TARGET = 10.0
REPEATS = 7
OPEN, CLOSE = 1_767_225_600.0, 1_767_225_600.0 + 100 * 86400
ACTUAL_CLOSE, SPOT = CLOSE - 10 * 86400, CLOSE - 20 * 86400
AXIS = ContinuousAxis(range_min=0.0, range_max=1.0, zero_point=None, open_lower_bound=True,
                      open_upper_bound=True)
RESOLUTION = 0.6180339887


def rows() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Five updates per forecaster at sorted random whole seconds; each closes the previous
    one. CDFs: a logistic with random centre and width, between random out-of-range masses."""
    rng = np.random.default_rng(7)
    n = FORECASTERS * UPDATES
    moments = np.sort(rng.integers(0, int(CLOSE - OPEN), size=(FORECASTERS, UPDATES)), axis=1)
    starts = (OPEN + moments).astype(float)
    ends = np.concatenate([starts[:, 1:], np.full((FORECASTERS, 1), np.inf)], axis=1)
    participants = np.repeat(np.arange(1, FORECASTERS + 1), UPDATES)
    u = np.linspace(0.0, 1.0, 201)
    centre, width = rng.uniform(0.1, 0.9, (n, 1)), rng.uniform(0.03, 0.3, (n, 1))
    low, high = rng.uniform(0.001, 0.1, (n, 1)), 1 - rng.uniform(0.001, 0.1, (n, 1))
    shape = 1 / (1 + np.exp(-(u - centre) / width))
    shape = (shape - shape[:, :1]) / (shape[:, -1:] - shape[:, :1])
    cdfs = np.round(low + (high - low) * (0.95 * shape + 0.05 * u), 10)
    return participants, cdfs, starts.ravel(), ends.ravel()


def crux(participants, cdfs, starts, ends) -> dict[int, tuple[float, ...]]:
    common = {"resolution": RESOLUTION, "axis": AXIS, "participants": participants,
              "cdfs": cdfs, "start_times": starts, "end_times": ends}
    scores = continuous_scores(open_time=OPEN, close_time=CLOSE, actual_close_time=ACTUAL_CLOSE,
                               **common)
    spot = continuous_spot_scores(spot_time=SPOT, actual_close_time=ACTUAL_CLOSE, **common)
    return {
        pid: (s.baseline, s.peer, s.coverage, spot[pid].baseline if pid in spot else None,
              spot[pid].peer if pid in spot else None)
        for pid, s in scores.items()
    }


def ported(participants, cdfs, starts, ends) -> dict[int, tuple[float, ...]]:
    question = port.Question(type="numeric", open_time=OPEN, scheduled_close_time=CLOSE,
                             actual_close_time=ACTUAL_CLOSE, range_min=0.0, range_max=1.0,
                             open_lower_bound=True, open_upper_bound=True)
    forecasts = [
        port.Forecast(int(p), float(s), None if math.isinf(e) else float(e), c.tolist())
        for p, c, s, e in zip(participants, cdfs, starts, ends, strict=True)
    ]
    table = port.reference_scores(question, forecasts, repr(RESOLUTION), SPOT)
    return {
        pid: (base, table["peer"][pid][0], coverage,
              table["spot_baseline"].get(pid, (None,))[0],
              table["spot_peer"].get(pid, (None,))[0])
        for pid, (base, coverage) in table["baseline"].items()
    }


def largest_difference(a: dict, b: dict) -> float:
    if set(a) != set(b):
        return math.inf
    worst = 0.0
    for pid, values in a.items():
        for x, y in zip(values, b[pid], strict=True):
            if (x is None) != (y is None):
                return math.inf
            if x is not None:
                worst = max(worst, abs(x - y))
    return worst


def main() -> None:
    data = rows()
    crux(*data)  # warm up
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        mine = crux(*data)
        times.append(time.perf_counter() - started)
    crux_time = statistics.median(times)
    started = time.perf_counter()
    theirs = ported(*data)
    port_time = time.perf_counter() - started
    difference = largest_difference(mine, theirs)
    speedup = port_time / crux_time
    same = difference <= 1e-9
    verdict = "PASS" if speedup >= TARGET and same else "MISS"
    print(f"numeric scoring, Crux vs Metaculus port (1,000 forecasters x 5 updates): "
          f"{speedup:.0f}x (target >= {TARGET:g}x) {verdict}  "
          f"[Crux {crux_time * 1000:.1f} ms median of {REPEATS}, port {port_time:.1f} s once; "
          f"{len(mine)} forecasters, largest score difference {difference:.1e}]", flush=True)


if __name__ == "__main__":
    main()
