"""Scoring one resolution with 1,000 forecasters x 5 updates each: target <= 50 ms.

Times `bets.services.resolution.claim_score` end to end on PostgreSQL (load the 5,000 forecast
rows, compute every score, replace the claim's score rows, commit) and, separately, the pure
`bets.scoring.binary_scores` on the same arrays. Figures are the median of several runs.
"""

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import copy_rows, django_on_fresh_database, median_of, report, users  # noqa: E402

FORECASTERS = 1000
UPDATES = 5
TARGET = 0.050
REPEATS = 9


def load() -> int:
    from bets.models import Claim

    users(FORECASTERS)
    open_time = datetime(2025, 1, 1, tzinfo=UTC)
    close_time = open_time + timedelta(days=100)
    claim = Claim.objects.create(
        title="Benchmark claim", statement="s", resolution_criteria="c", status="resolved",
        outcome="yes", open_time=open_time, close_time=close_time, resolve_after=close_time,
        actual_resolve_time=close_time - timedelta(days=10), resolved_at=close_time,
        resolution_method="manual", resolution_seq=1,
    )
    rng = random.Random(7)
    rows = []
    for pid in range(1, FORECASTERS + 1):
        # Five updates at sorted random moments: each closes the previous interval.
        moments = sorted(rng.uniform(0, 100 * 86400) for _ in range(UPDATES))
        for k, at in enumerate(moments):
            end = moments[k + 1] if k + 1 < UPDATES else None
            rows.append((
                claim.pk, pid, round(rng.uniform(0.01, 0.99), 3),
                open_time + timedelta(seconds=at),
                open_time + timedelta(seconds=end) if end is not None else None,
            ))
    copy_rows("bets_forecast", ["claim_id", "participant_id", "probability", "start_time",
                                "end_time"], rows)
    return claim.pk


def main() -> None:
    django_on_fresh_database("scoring")
    from bets.models import Claim, Score
    from bets.scoring import services as resolution

    claim_id = load()
    claim = Claim.objects.get(pk=claim_id)

    def unscored():
        # A first scoring, as after a resolution: no score rows yet, scored_seq behind.
        Score.objects.filter(claim_id=claim_id).delete()
        Claim.objects.filter(pk=claim_id).update(scored_seq=0)

    def score_once():
        assert resolution.claim_score(claim_id=claim_id, seq=1)

    unscored()
    score_once()  # warm up: first query plans, numpy imports
    assert Score.objects.filter(claim_id=claim_id).count() == FORECASTERS
    end_to_end = median_of(score_once, REPEATS, setup=unscored)

    from bets.claims.arrays import forecast_arrays
    from bets.scoring import maths as scoring

    arrays = forecast_arrays(claim_id)

    def pure():
        participants, probabilities, starts, ends = arrays
        scoring.binary_scores(
            outcome=True, open_time=claim.open_time.timestamp(),
            close_time=claim.close_time.timestamp(),
            actual_close_time=claim.actual_resolve_time.timestamp(),
            participants=participants, probabilities=probabilities,
            start_times=starts, end_times=ends,
        )

    pure_time = median_of(pure, REPEATS)
    report("scoring one resolution, claim_score on PostgreSQL (1,000 forecasters x 5 updates)",
           end_to_end, TARGET, note=f"median of {REPEATS}; lock, load, maths, replace rows")
    report("scoring one resolution, pure binary_scores (5,000 forecast rows)",
           pure_time, TARGET, note=f"median of {REPEATS}")
    load_time = median_of(lambda: forecast_arrays(claim_id), REPEATS)
    results = resolution.claim_compute_scores(claim)
    write_time = median_of(lambda: rewrite_scores(claim, results), REPEATS)
    print(f"  breakdown of claim_score: load 5,000 forecast rows {load_time * 1000:.0f} ms, "
          f"maths {pure_time * 1000:.0f} ms, replace 1,000 score rows {write_time * 1000:.0f} ms")


def rewrite_scores(claim, results) -> None:
    """The write half of claim_score on its own, through the same bets.score_io call."""
    from django.db import transaction

    from bets.scoring import store as score_io

    with transaction.atomic():
        score_io.scores_replace(claim=claim, results=results, seq=1)


if __name__ == "__main__":
    main()
