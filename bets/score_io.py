"""Fast reads and writes around scoring, for bets.services.resolution.claim_score.

Building 5,000 aware datetimes through the ORM and 1,000 Score model instances costs far more
than the scoring maths itself (bench/bench_scoring.py prints the breakdown). On PostgreSQL
these let the database hand back epoch seconds and take the score rows as arrays in one
statement; elsewhere (SQLite, `make run`) they fall back to the ORM. Results are identical.
"""

import numpy as np
from django.db import connection

from bets.models import Forecast, Score

_FORECASTS_SQL = """
    SELECT participant_id, probability,
           EXTRACT(EPOCH FROM start_time)::float8, EXTRACT(EPOCH FROM end_time)::float8
    FROM bets_forecast WHERE claim_id = %s ORDER BY start_time, id
"""

_INSERT_SQL = """
    INSERT INTO bets_score (claim_id, participant_id, baseline, peer, coverage, brier, log,
                            resolution_seq, resolved_at, computed_at)
    SELECT %s, p, b, pe, c, br, l, %s, %s, now()
    FROM unnest(%s::bigint[], %s::float8[], %s::float8[], %s::float8[], %s::float8[],
                %s::float8[]) AS t(p, b, pe, c, br, l)
"""


def forecast_arrays(claim_id: int):
    """(participants, probabilities, start epochs, end epochs with inf while standing)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_FORECASTS_SQL, [claim_id])
            rows = cursor.fetchall()
        table = np.array(rows, dtype=np.float64).reshape(-1, 4)
        ends = table[:, 3]
        ends[np.isnan(ends)] = np.inf
        return table[:, 0].astype(np.int64), table[:, 1], table[:, 2], ends
    rows = list(
        Forecast.objects.filter(claim_id=claim_id)
        .order_by("start_time", "id")
        .values_list("participant_id", "probability", "start_time", "end_time")
    )
    return (
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=np.float64),
        np.array([r[2].timestamp() for r in rows], dtype=np.float64),
        np.array([r[3].timestamp() if r[3] else np.inf for r in rows], dtype=np.float64),
    )


def scores_replace(*, claim, results: dict, seq: int) -> None:
    """Replace the claim's score rows with `results` (participant id -> ParticipantScores).
    Call inside the transaction that holds the claim's row lock."""
    Score.objects.filter(claim_id=claim.pk).delete()
    if not results:
        return
    if connection.vendor != "postgresql":
        Score.objects.bulk_create(
            Score(claim_id=claim.pk, participant_id=pid, baseline=s.baseline, peer=s.peer,
                  coverage=s.coverage, brier=s.brier, log=s.log, resolution_seq=seq,
                  resolved_at=claim.actual_resolve_time)
            for pid, s in results.items()
        )
        return
    pids = list(results)
    columns = [[getattr(results[p], name) for p in pids]
               for name in ("baseline", "peer", "coverage", "brier", "log")]
    params = [claim.pk, seq, claim.actual_resolve_time, [int(p) for p in pids], *columns]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL, params)
