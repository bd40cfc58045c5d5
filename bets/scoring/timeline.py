"""Time-averaged and spot scores of any claim kind, from what each forecast gave the outcome.

Pure numpy, no ORM. ``continuous`` and ``multiple_choice`` turn a claim's forecasts into one
number per forecast row (the log of the probability it gave to what happened, and the baseline
score that earns) and hand them here; the arithmetic over time is Metaculus'
``score_math.evaluate_forecasts_*`` (baseline, peer, spot baseline, spot peer), vectorised.

Conventions as in ``bets.scoring.maths``: float epoch seconds, a row stands on ``[start, end)``
with ``end = np.inf`` while it stands, one participant's rows never overlap, rows are clipped to
``[open_time, min(close_time, actual_close_time))`` and sums are divided by the SCHEDULED window
``close_time - open_time``. Peer scores accrue only while a forecast stands; this is the one
deliberate difference from Metaculus (see ``bets.scoring.maths``: their geometric-mean history
skips a moment at which nobody stands, so after two or more forecasts end together the last
peer comparison runs on over the empty gap).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bets.scoring.maths import _check_window, _peer_integrals, _reject_overlaps

__all__ = ["OutcomeRows", "TimeAveraged", "spot_scores", "time_averaged"]


@dataclass(frozen=True)
class OutcomeRows:
    """One entry per forecast row: who, when, and what it gave to the resolution.

    ``ln_p`` is the log of the probability the row gave to what happened; ``baseline`` the
    baseline score that earns at any moment it stands; ``fallback`` Metaculus' multiple-choice
    rule for options a row lacks (see ``bets.scoring.maths._peer_integrals``), None otherwise.
    ``extra`` holds per-row values to be averaged over each participant's covered time (CRPS).
    """

    participants: np.ndarray
    start: np.ndarray
    end: np.ndarray
    ln_p: np.ndarray
    baseline: np.ndarray
    fallback: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    extra: np.ndarray | None = None

    def take(self, keep: np.ndarray, start: np.ndarray, end: np.ndarray) -> OutcomeRows:
        fallback = None
        if self.fallback is not None:
            missing, ln_bucket, ln_other = self.fallback
            fallback = (missing[keep], ln_bucket[keep], ln_other[keep])
        return OutcomeRows(
            self.participants[keep], start[keep], end[keep], self.ln_p[keep],
            self.baseline[keep], fallback,
            None if self.extra is None else self.extra[keep],
        )


@dataclass(frozen=True)
class TimeAveraged:
    """Per participant (``ids`` ascending): the sums Metaculus stores as Score rows."""

    ids: np.ndarray
    baseline: np.ndarray
    peer: np.ndarray
    coverage: np.ndarray
    extra_mean: np.ndarray | None  # time-weighted mean of rows.extra over covered time


def time_averaged(
    rows: OutcomeRows, *, open_time: float, close_time: float, actual_close_time: float,
    peer_scale: float,
) -> TimeAveraged:
    """Baseline, peer and coverage of each participant with time inside the window.

    ``peer_scale`` multiplies the peer density: 1 for binary and multiple choice, 1/2 for
    continuous claims (Metaculus halves both continuous scores; the baseline's half is already in
    ``rows.baseline``).
    """
    _check_window(open_time, close_time, actual_close_time)
    _reject_overlaps(rows.participants, rows.start, rows.end)
    start = np.maximum(rows.start, open_time)
    end = np.minimum(rows.end, min(close_time, actual_close_time))
    inside = end > start  # rows that never stood inside the window score nothing
    kept = rows.take(inside, start, end)
    ids, row_of = np.unique(kept.participants, return_inverse=True)
    total = close_time - open_time
    stood = kept.end - kept.start

    def per_participant(values: np.ndarray) -> np.ndarray:
        return np.bincount(row_of, weights=values, minlength=len(ids))

    covered = per_participant(stood)
    if kept.participants.size:
        peer_rows = _peer_integrals(kept.start, kept.end, kept.ln_p, kept.fallback)
    else:
        peer_rows = np.zeros(0)
    extra_mean = None
    if kept.extra is not None:
        extra_mean = per_participant(kept.extra * stood) / np.where(covered > 0, covered, 1.0)
    return TimeAveraged(
        ids=ids.astype(np.int64),
        baseline=per_participant(kept.baseline * stood) / total,
        peer=peer_scale * per_participant(peer_rows) / total,
        coverage=covered / total,
        extra_mean=extra_mean,
    )


def spot_scores(
    rows: OutcomeRows, *, spot_time: float, actual_close_time: float, peer_scale: float
) -> dict[int, tuple[float, float]]:
    """(spot baseline, spot peer) of each participant with a forecast standing at the spot time.

    As Metaculus: the spot time is ``min(spot_time, actual_close_time)``; a forecast counts if
    ``start <= spot < end``; its peer score compares it with the geometric mean of the forecasts
    that stood just BEFORE the spot time (their last history entry strictly earlier), i.e. rows
    with ``start < spot <= end``, so a forecast made at the spot time itself is scored but is
    not part of the mean. With fewer than two in that mean, or none, the spot peer is 0.
    """
    spot = min(spot_time, actual_close_time)
    _reject_overlaps(rows.participants, rows.start, rows.end)
    scored = (rows.start <= spot) & (spot < rows.end)
    in_mean = (rows.start < spot) & (spot <= rows.end)
    n = int(in_mean.sum())
    peer = np.zeros(int(scored.sum()))
    if n >= 2:
        if rows.fallback is not None and rows.fallback[0][in_mean].any():
            ln_mean = float(np.mean(rows.fallback[2][in_mean]))
        else:
            ln_mean = float(np.mean(rows.ln_p[in_mean]))
        peer = peer_scale * 100.0 * n / (n - 1) * (rows.ln_p[scored] - ln_mean)
    return {
        int(pid): (float(base), float(p))
        for pid, base, p in zip(rows.participants[scored], rows.baseline[scored], peer,
                                strict=True)
    }
