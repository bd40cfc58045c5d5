"""Fast writes of score rows, for bets.scoring.services.claim_score.

Building 5,000 aware datetimes through the ORM and 1,000 Score model instances costs far more
than the scoring maths itself (bench/bench_scoring.py prints the breakdown). On PostgreSQL
these let the database hand back epoch seconds and take the score rows as arrays in one
statement; elsewhere (SQLite, `make run`) they fall back to the ORM. Results are identical.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection

from bets.common import sql
from bets.models import Claim, Score
from bets.scoring.continuous import ContinuousScores
from bets.scoring.maths import ParticipantScores
from bets.scoring.multiple_choice import MultipleChoiceScores

# What one participant's row is written from, by the claim's kind: binary rows carry Brier and
# log, numeric and date rows CRPS, multiple-choice rows neither (their columns stay null).
Scored = ParticipantScores | ContinuousScores | MultipleChoiceScores
COLUMNS = ("baseline", "peer", "coverage", "brier", "log", "crps")

# Arrays travel as whole float8[]/bigint[] values in PostgreSQL's binary format, both ways:
# psycopg converting 5,000 rows, or 5,000 floats of text parameters, element by element cost
# more than the maths (~20 ms here); binary arrays cost ~3 ms, and are bit-for-bit the
# columns' values.
_INSERT_SQL = """
    INSERT INTO bets_score (claim_id, participant_id, baseline, peer, coverage, brier, log,
                            crps, resolution_seq, resolved_at, computed_at)
    SELECT %s, p, b, pe, c, br, l, cr, %s, %s, now()
    FROM unnest(%b::bigint[], %b::float8[], %b::float8[], %b::float8[], %b::float8[],
                %b::float8[], %b::float8[]) AS t(p, b, pe, c, br, l, cr)
"""


def _value(scores: Scored, name: str) -> float | None:
    """A column's value, None where the kind has no such score (an array's NULL element)."""
    value = getattr(scores, name, None)
    return None if value is None else float(value)


def scores_replace(*, claim: Claim, results: Mapping[int, Scored], seq: int) -> None:
    """Replace the claim's score rows with `results` (participant id -> the kind's scores).
    Call inside the transaction that holds the claim's row lock."""
    sql.execute("DELETE FROM bets_score WHERE claim_id = %s", [claim.pk])
    if not results:
        return
    resolved_at = claim.actual_resolve_time
    if resolved_at is None:  # scores exist only for a resolved claim, which has this time
        raise ValueError(f"claim {claim.pk} has no actual_resolve_time to score at")
    if connection.vendor != "postgresql":
        Score.objects.bulk_create(
            Score(claim_id=claim.pk, participant_id=pid, resolution_seq=seq,
                  resolved_at=resolved_at, **{name: _value(s, name) for name in COLUMNS})
            for pid, s in results.items()
        )
        return
    pids = list(results)
    columns = [[_value(results[p], name) for p in pids] for name in COLUMNS]
    params = [claim.pk, seq, resolved_at, [int(p) for p in pids], *columns]
    with connection.cursor() as cursor, cursor.connection.cursor() as raw:
        raw.execute(_INSERT_SQL, params)  # %b: psycopg's own placeholders, not Django's
