"""Scores of multiple-choice claims: pure numpy over a claim's option forecasts, no ORM.

The interface the claim kinds call (times float epoch seconds):

- ``all_options(options_history) -> list[str]``: every option the claim ever had, in Metaculus'
  order (``get_all_options_from_history``): the options of each stage of the history in order of
  first appearance, the catch-all (the last option of the first stage, e.g. "Other") last. A
  forecast's probabilities and a resolution index use this order.
- ``multiple_choice_scores(*, resolution_index, open_time, close_time, actual_close_time,
  participants, probabilities, start_times, end_times) -> dict[int, MultipleChoiceScores]``:
  time-averaged ``baseline``, ``peer`` and ``coverage`` per participant.
- ``multiple_choice_spot_scores(*, resolution_index, spot_time, actual_close_time,
  participants, probabilities, start_times, end_times) -> dict[int, SpotScores]``.

``probabilities`` is a 2-D array, one row per forecast and one column per option of
``all_options``, NaN where the option did not exist for that forecast (Metaculus stores None):
options added later are NaN in forecasts made before they were offered, and the catch-all
(last column) is never NaN.

Options added later, as Metaculus does it: adding options (before the catch-all) starts a grace
period; forecasts standing at its end are ended there, and forecasts made before lack the new
options. Deleting an option moves its probability into the catch-all from the deletion on. Scores
then follow their ``score_math``: a forecast counts ``K`` = the options it had, its baseline is
``100 * ln(K * p) / ln(K)`` with p the probability it gave the resolution, or the catch-all's if
it lacked that option; the peer score compares ln p with the mean over standing forecasts of
ln(probability of the resolution), or of the catch-all while any standing forecast lacks the
resolution (see ``bets.scoring.maths._peer_integrals``). An option nobody expected simply scores
the (small) probability each forecast gave it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bets.claims.aggregation import forecast_columns
from bets.scoring.continuous import SpotScores
from bets.scoring.timeline import OutcomeRows, spot_scores, time_averaged

__all__ = [
    "MultipleChoiceScores",
    "all_options",
    "multiple_choice_scores",
    "multiple_choice_spot_scores",
]


@dataclass(frozen=True)
class MultipleChoiceScores:
    baseline: float
    peer: float
    coverage: float


def all_options(options_history: Sequence[Sequence[str]]) -> list[str]:
    """Every option ever offered, in scoring order, the catch-all last (module docstring)."""
    if not options_history or not options_history[0]:
        raise ValueError("options_history needs at least one stage with options")
    catch_all = options_history[0][-1]
    labels: list[str] = []
    for options in options_history:
        for label in options[:-1]:
            if label not in labels:
                labels.append(label)
    return labels + [catch_all]


def _outcome_rows(
    resolution_index: int, participants: npt.ArrayLike, probabilities: npt.ArrayLike,
    start_times: npt.ArrayLike, end_times: npt.ArrayLike,
) -> OutcomeRows:
    matrix = np.asarray(probabilities, dtype=float)
    if matrix.size == 0:
        matrix = matrix.reshape(0, max(resolution_index + 1, 2))
    if matrix.ndim != 2 or matrix.shape[1] < 2:
        raise ValueError("probabilities must be a 2-D array with one column per option")
    if not 0 <= resolution_index < matrix.shape[1]:
        raise ValueError("resolution_index must name one of the options")
    present = ~np.isnan(matrix)
    if not np.all(present[:, -1]):
        raise ValueError("every forecast must give the catch-all (last) option a probability")
    if np.any(matrix[present] <= 0) or np.any(matrix[present] >= 1):
        raise ValueError("probabilities must lie strictly between 0 and 1")
    if np.any(present.sum(axis=1) < 2):
        raise ValueError("every forecast must cover at least two options")
    pid, _, start, end = forecast_columns(
        participants, np.full(len(matrix), 0.5), start_times, end_times
    )
    with np.errstate(invalid="ignore"):
        ln_bucket = np.log(matrix[:, resolution_index])  # NaN where the forecast lacks it
    ln_other = np.log(matrix[:, -1])
    missing = ~present[:, resolution_index]
    p = np.where(missing, matrix[:, -1], matrix[:, resolution_index])
    options_at_time = present.sum(axis=1)
    return OutcomeRows(
        participants=pid, start=start, end=end, ln_p=np.log(p),
        # Metaculus: 100 * ln(p * K) / ln(K), written as they write it.
        baseline=100 * np.log(p * options_at_time) / np.log(options_at_time),
        fallback=(missing, ln_bucket, ln_other),
    )


def multiple_choice_scores(
    *, resolution_index: int, open_time: float, close_time: float, actual_close_time: float,
    participants: npt.ArrayLike, probabilities: npt.ArrayLike, start_times: npt.ArrayLike,
    end_times: npt.ArrayLike,
) -> dict[int, MultipleChoiceScores]:
    """Time-averaged baseline, peer and coverage of each participant with time inside the window.

    ``resolution_index`` indexes ``all_options(history)``. Rows: one per forecast, ``end_times``
    np.inf while standing, a participant's rows not overlapping."""
    rows = _outcome_rows(resolution_index, participants, probabilities, start_times, end_times)
    totals = time_averaged(rows, open_time=open_time, close_time=close_time,
                           actual_close_time=actual_close_time, peer_scale=1.0)
    return {
        int(i): MultipleChoiceScores(float(totals.baseline[k]), float(totals.peer[k]),
                                     float(totals.coverage[k]))
        for k, i in enumerate(totals.ids)
    }


def multiple_choice_spot_scores(
    *, resolution_index: int, spot_time: float, actual_close_time: float,
    participants: npt.ArrayLike, probabilities: npt.ArrayLike, start_times: npt.ArrayLike,
    end_times: npt.ArrayLike,
) -> dict[int, SpotScores]:
    """Spot baseline and spot peer of each participant standing at
    ``min(spot_time, actual_close_time)`` (see ``bets.scoring.timeline.spot_scores``)."""
    rows = _outcome_rows(resolution_index, participants, probabilities, start_times, end_times)
    found = spot_scores(rows, spot_time=spot_time, actual_close_time=actual_close_time,
                        peer_scale=1.0)
    return {pid: SpotScores(baseline=b, peer=p) for pid, (b, p) in found.items()}
