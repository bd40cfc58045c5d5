"""The stored community forecast (bets.models.community) always equals what
bets.claims.aggregation computes from all the forecasts."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from bets.claims import aggregation
from bets.claims.community import community_rebuild
from bets.claims.forecasts import forecast_submit, forecast_withdraw
from bets.claims.selectors import (
    CHART_COLUMNS,
    claim_community_history,
    claim_community_stored,
)
from bets.models import ClaimCommunity, CommunityPoint, Forecast
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.django_db


def _stored_points(claim):
    return [
        (at.timestamp(), p, n)
        for at, p, n in CommunityPoint.objects.filter(claim=claim)
        .order_by("at")
        .values_list("at", "probability", "forecasters")
    ]


def test_stored_history_matches_the_maths_over_random_forecasts_and_withdrawals(ann, mod):
    claim = make_open_claim(author=ann, moderator=mod, opened_ago=timedelta(days=3))
    people = [make_user(f"p{i}") for i in range(8)]
    rng = random.Random(12)
    at = timezone.now() - timedelta(days=2)
    for _ in range(60):
        at += timedelta(minutes=rng.randint(1, 30))
        person = rng.choice(people)
        standing = Forecast.objects.filter(claim=claim, participant=person, end_time__isnull=True)
        if standing.exists() and rng.random() < 0.2:
            forecast_withdraw(claim_id=claim.pk, participant=person, now=at)
        else:
            p = round(rng.uniform(0.01, 0.99), 3)
            forecast_submit(claim_id=claim.pk, participant=person, probability=p, now=at)
    expected = claim_community_history(claim=claim)
    stored = _stored_points(claim)
    assert len(stored) == len(expected)
    for (t1, p1, n1), (t2, p2, n2) in zip(stored, expected, strict=True):
        assert t1 == pytest.approx(t2) and p1 == pytest.approx(p2) and n1 == n2
    summary = ClaimCommunity.objects.get(claim=claim)
    standing = list(
        Forecast.objects.filter(claim=claim, end_time__isnull=True)
        .order_by("start_time", "participant_id")
        .values_list("probability", flat=True)
    )
    assert summary.forecasters == len(standing)
    assert summary.probability == pytest.approx(aggregation.community_forecast(standing))
    assert sum(summary.histogram) == len(standing) and len(summary.histogram) == 20


def test_withdrawing_the_last_forecast_leaves_no_community_forecast(ann, mod):
    claim = make_open_claim(author=ann, moderator=mod)
    forecast_submit(claim_id=claim.pk, participant=ann, probability=0.3)
    forecast_withdraw(claim_id=claim.pk, participant=ann)
    summary = ClaimCommunity.objects.get(claim=claim)
    assert summary.probability is None and summary.forecasters == 0
    assert summary.histogram == [0] * 20


def test_a_claim_whose_forecasts_bypassed_the_store_is_rebuilt_on_first_read(ann, mod, bob):
    claim = make_open_claim(author=ann, moderator=mod)
    half_an_hour_ago = timezone.now() - timedelta(minutes=30)
    forecast_submit(claim_id=claim.pk, participant=ann, probability=0.2, now=half_an_hour_ago)
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.6)
    # As an import does: forecasts present, stored aggregates absent.
    CommunityPoint.objects.filter(claim=claim).delete()
    ClaimCommunity.objects.filter(claim=claim).delete()
    summary, points = claim_community_stored(
        claim=claim, start=claim.open_time.timestamp(), end=timezone.now().timestamp()
    )
    assert summary is not None and summary.forecasters == 2
    assert summary.probability == pytest.approx(0.4)
    assert [round(p, 6) for _t, p, _n in points] == [0.2, 0.4]


def test_a_long_history_is_read_as_one_step_per_chart_column(ann, mod):
    claim = make_open_claim(author=ann, moderator=mod, opened_ago=timedelta(days=3))
    people = [make_user(f"c{i}") for i in range(CHART_COLUMNS + 50)]
    at = timezone.now() - timedelta(days=2)
    for i, person in enumerate(people):
        forecast_submit(claim_id=claim.pk, participant=person, probability=0.2 + (i % 7) / 10,
                        now=at + timedelta(minutes=5 * i))
    start, end = claim.open_time.timestamp(), timezone.now().timestamp()
    _summary, points = claim_community_stored(claim=claim, start=start, end=end)
    assert len(points) <= CHART_COLUMNS
    assert [t for t, _p, _n in points] == sorted(t for t, _p, _n in points)
    # The last step is the community forecast now, with everyone counted.
    assert points[-1] == pytest.approx(_stored_points(claim)[-1])
    assert points[-1][2] == len(people)


def test_rebuild_gives_the_same_rows_as_recording_step_by_step(ann, mod, bob):
    claim = make_open_claim(author=ann, moderator=mod)
    forecast_submit(claim_id=claim.pk, participant=ann, probability=0.2)
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.7)
    forecast_submit(claim_id=claim.pk, participant=ann, probability=0.5)
    recorded = _stored_points(claim)
    before = ClaimCommunity.objects.values("probability", "forecasters", "histogram").get(
        claim=claim
    )
    community_rebuild(claim_id=claim.pk)
    assert _stored_points(claim) == pytest.approx(recorded)
    after = ClaimCommunity.objects.values("probability", "forecasters", "histogram").get(
        claim=claim
    )
    assert after == before
