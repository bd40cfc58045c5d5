"""The fast scoring reads and writes give exactly what the ORM path gives."""

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from bets.claims.arrays import forecast_arrays
from bets.claims.forecasts import forecast_submit, forecast_withdraw
from bets.claims.resolution import claim_resolve
from bets.models import Forecast, Score
from bets.scoring.services import claim_compute_scores, claim_score
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved_claim():
    admin = make_user("mod", staff=True)
    amy, bo = make_user("amy"), make_user("bo")
    claim = make_open_claim(author=amy, moderator=admin, opened_ago=timedelta(days=3))
    now = timezone.now()
    forecast_submit(claim_id=claim.pk, participant=amy, probability=0.7,
                    now=now - timedelta(days=2, microseconds=123))
    forecast_submit(claim_id=claim.pk, participant=bo, probability=0.2, now=now - timedelta(days=1))
    forecast_submit(claim_id=claim.pk, participant=amy, probability=0.9,
                    now=now - timedelta(hours=5))
    forecast_withdraw(claim_id=claim.pk, participant=bo, now=now - timedelta(hours=1))
    return claim_resolve(claim_id=claim.pk, outcome="yes", actor=admin)


def _orm_forecast_arrays(claim):
    rows = list(
        Forecast.objects.filter(claim=claim)
        .order_by("start_time", "id")
        .values_list("participant_id", "probability", "start_time", "end_time")
    )
    return (
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=np.float64),
        np.array([r[2].timestamp() for r in rows], dtype=np.float64),
        np.array([r[3].timestamp() if r[3] else np.inf for r in rows], dtype=np.float64),
    )


def test_fast_forecast_arrays_equal_the_orm_arrays_to_the_microsecond(resolved_claim):
    fast = forecast_arrays(resolved_claim.pk)
    orm = _orm_forecast_arrays(resolved_claim)
    for f, o in zip(fast, orm, strict=True):
        np.testing.assert_array_equal(f, o)
    assert np.isinf(fast[3]).sum() == 1  # amy's last forecast still stands


def test_fast_score_write_stores_the_same_rows_as_the_orm(resolved_claim):
    claim, seq = resolved_claim, resolved_claim.resolution_seq
    results = claim_compute_scores(claim)
    columns = ("participant_id", "baseline", "peer", "coverage", "brier", "log",
               "resolution_seq", "resolved_at")
    Score.objects.bulk_create(
        Score(claim=claim, participant_id=pid, baseline=r.baseline, peer=r.peer,
              coverage=r.coverage, brier=r.brier, log=r.log, resolution_seq=seq,
              resolved_at=claim.actual_resolve_time)
        for pid, r in results.items()
    )
    via_orm = sorted(Score.objects.filter(claim=claim).values_list(*columns))
    assert len(via_orm) == 2

    assert claim_score(claim_id=claim.pk, seq=seq) is True  # replaces through score_io
    assert sorted(Score.objects.filter(claim=claim).values_list(*columns)) == via_orm
