from datetime import timedelta

import pytest
from django.utils import timezone

from bets.claims.forecasts import forecast_submit, forecast_withdraw
from bets.common.errors import Conflict, InvalidInput
from bets.models import Claim, Forecast
from tests.factories import make_user

pytestmark = pytest.mark.django_db




def test_a_new_forecast_closes_the_standing_one_and_keeps_history(claim):
    bob = make_user("bob")
    t0 = timezone.now()
    first = forecast_submit(claim_id=claim.pk, participant=bob, probability=0.3, now=t0)
    second = forecast_submit(
        claim_id=claim.pk, participant=bob, probability="0.6", now=t0 + timedelta(minutes=5)
    )
    first.refresh_from_db()
    assert first.end_time == second.start_time == t0 + timedelta(minutes=5)
    assert second.end_time is None
    assert list(Forecast.objects.filter(participant=bob).values_list("probability", flat=True)) == [
        0.3,
        0.6,
    ]


def test_two_forecasts_in_one_clock_tick_never_make_an_empty_interval(claim):
    bob = make_user("bob")
    t0 = timezone.now()
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.3, now=t0)
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.4, now=t0)
    rows = list(Forecast.objects.filter(participant=bob).order_by("start_time"))
    assert rows[0].end_time > rows[0].start_time
    assert rows[1].start_time == rows[0].end_time


def test_first_forecast_freezes_the_criteria(claim):
    assert claim.criteria_frozen_at is None
    forecast_submit(claim_id=claim.pk, participant=make_user("bob"), probability=0.5)
    claim.refresh_from_db()
    assert claim.criteria_frozen_at is not None


@pytest.mark.parametrize(
    "bad",
    [
        0.0,
        1.0,
        0.0009,
        0.9991,
        -1,
        "abc",
        "",
        None,
        float("nan"),
        float("inf"),
        True,
        [0.5],
        10**400,
    ],
)
def test_probability_outside_range_or_not_a_number_is_refused(claim, bad):
    with pytest.raises(InvalidInput) as exc:
        forecast_submit(claim_id=claim.pk, participant=make_user("bob"), probability=bad)
    assert exc.value.field == "probability"
    assert Forecast.objects.count() == 0


@pytest.mark.parametrize(
    "status", [Claim.Status.PROPOSED, Claim.Status.CLOSED, Claim.Status.ANNULLED]
)
def test_forecasting_on_a_claim_that_is_not_open_is_refused(claim, status):
    Claim.objects.filter(pk=claim.pk).update(status=status)
    with pytest.raises(Conflict):
        forecast_submit(claim_id=claim.pk, participant=make_user("bob"), probability=0.5)
    assert Forecast.objects.count() == 0


def test_forecasting_before_open_time_is_refused(claim):
    Claim.objects.filter(pk=claim.pk).update(open_time=timezone.now() + timedelta(hours=1))
    with pytest.raises(Conflict, match="opens"):
        forecast_submit(claim_id=claim.pk, participant=make_user("bob"), probability=0.5)


def test_withdrawing_ends_the_standing_forecast_and_a_second_withdrawal_is_refused(claim):
    bob = make_user("bob")
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.5)
    withdrawn = forecast_withdraw(claim_id=claim.pk, participant=bob)
    assert withdrawn.end_time is not None
    with pytest.raises(Conflict):
        forecast_withdraw(claim_id=claim.pk, participant=bob)
