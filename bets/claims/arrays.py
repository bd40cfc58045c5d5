"""A claim's forecasts as numpy columns, for the community aggregate and for scoring.

Building 5,000 aware datetimes through the ORM costs far more than the maths that reads them
(bench/bench_scoring.py prints the breakdown). On PostgreSQL the database hands back epoch
seconds as binary arrays in one statement; elsewhere (SQLite, `make run`) it falls back to the
ORM. Results are identical.
"""

from __future__ import annotations

import numpy as np
from django.db import connection

from bets.claims.aggregation import Columns
from bets.models import Forecast

# Unordered (one pass, no sort); numpy orders by (start, id), which is the order of
# (start_time, id): distinct microsecond times stay distinct and ordered as float8 epochs.
_FORECASTS_SQL = """
    SELECT array_agg(id), array_agg(participant_id), array_agg(probability),
           array_agg(date_part('epoch', start_time)),
           array_agg(COALESCE(date_part('epoch', end_time), 'Infinity'))
    FROM bets_forecast WHERE claim_id = %s
"""


def forecast_arrays(claim_id: int) -> Columns:
    """(participants, probabilities, start epochs, end epochs with inf while standing)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.connection.cursor(binary=True) as raw:
            raw.execute(_FORECASTS_SQL, [claim_id])
            ids, pids, probabilities, starts, ends = (x or [] for x in raw.fetchone())
        starts = np.array(starts, dtype=np.float64)
        order = np.lexsort((np.array(ids, dtype=np.int64), starts))
        return (np.array(pids, dtype=np.int64)[order],
                np.array(probabilities, dtype=np.float64)[order], starts[order],
                np.array(ends, dtype=np.float64)[order])
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
