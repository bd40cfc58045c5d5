"""Numeric, date and multiple-choice claims through the services: proposing and editing
them, their forecasts (every input form, update, withdraw), and the database's own guards."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bets.claims import aggregation
from bets.claims.forecasts import (
    forecast_submit,
    forecast_submit_distribution,
    forecast_withdraw,
)
from bets.claims.services import claim_edit
from bets.common.errors import InvalidInput
from bets.models import Claim, ClaimCommunity, Forecast
from tests.factories import make_open_claim

pytestmark = pytest.mark.django_db

NUMERIC = {"kind": "numeric", "range_min": 0, "range_max": 1, "unit": "accuracy"}
DATE = {"kind": "date", "range_min": "2027-01-01", "range_max": "2029-01-01",
        "open_upper_bound": True}
CHOICE = {"kind": "multiple_choice", "options": ["gen3", "gen4", "Other"]}
QUANTILES = {"quantiles": [{"value": 0.6, "p": 0.1}, {"value": 0.75, "p": 0.5},
                           {"value": 0.9, "p": 0.9}]}


def refusal(call) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        call()
    return caught.value


def test_claims_of_each_kind_store_their_fields(ann, mod):
    numeric = make_open_claim(author=ann, moderator=mod, **NUMERIC, zero_point=None)
    assert (numeric.kind, numeric.range_min, numeric.range_max, numeric.unit) == (
        "numeric", 0.0, 1.0, "accuracy")
    date = make_open_claim(author=ann, moderator=mod, **DATE)
    assert date.range_min == datetime(2027, 1, 1, tzinfo=UTC).timestamp()
    assert date.open_upper_bound and not date.open_lower_bound
    choice = make_open_claim(author=ann, moderator=mod, **CHOICE)
    assert choice.options == ["gen3", "gen4", "Other"]
    assert choice.options_history[0][1] == ["gen3", "gen4", "Other"]


def test_a_claim_with_fields_of_the_wrong_shape_is_refused_and_not_stored(ann, mod):
    before = Claim.objects.count()
    error = refusal(lambda: make_open_claim(author=ann, moderator=mod, kind="numeric",
                                            range_min=5, range_max=1))
    assert error.field == "range_max"
    error = refusal(lambda: make_open_claim(author=ann, moderator=mod, colour="red"))
    assert error.field == "colour"
    assert Claim.objects.count() == before


def test_editing_before_the_first_forecast_revalidates_the_kind_fields(ann, mod):
    claim = make_open_claim(author=ann, moderator=mod, **DATE)
    edited = claim_edit(claim_id=claim.pk, editor=ann, changes={"range_max": "2030-01-01"})
    assert edited.range_max == datetime(2030, 1, 1, tzinfo=UTC).timestamp()
    assert edited.range_min == datetime(2027, 1, 1, tzinfo=UTC).timestamp()
    error = refusal(lambda: claim_edit(claim_id=claim.pk, editor=ann,
                                       changes={"range_max": "2026-01-01"}))
    assert error.field == "range_max"
    changed = claim_edit(claim_id=claim.pk, editor=ann, changes=CHOICE)
    assert (changed.kind, changed.range_min, changed.options) == (
        "multiple_choice", None, CHOICE["options"])


def test_the_database_refuses_fields_that_do_not_fit_the_kind(ann, mod):
    claim = make_open_claim(author=ann, moderator=mod, **NUMERIC)
    for changes in ({"range_min": None}, {"range_max": -1.0}, {"zero_point": 0.5},
                    {"kind": "binary"}, {"options": ["a", "b"]}, {"kind": "ternary"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Claim.objects.filter(pk=claim.pk).update(**changes)
    with pytest.raises(IntegrityError), transaction.atomic():
        Forecast.objects.create(claim=claim, participant=ann, probability=0.5,
                                cdf=[0.0, 1.0], start_time=timezone.now())


def test_each_forecast_form_is_stored_as_a_cdf_and_updates_close_the_last(ann, bob, mod):
    claim = make_open_claim(author=ann, moderator=mod, **NUMERIC)
    t0 = timezone.now()
    first = forecast_submit_distribution(claim_id=claim.pk, participant=bob, given=QUANTILES,
                                         now=t0)
    assert len(first.cdf) == 201 and first.cdf[0] == 0.0 and first.cdf[-1] == 1.0
    assert first.probability is None and first.distribution_input == QUANTILES
    raw = list(np.linspace(0, 1, 201))
    second = forecast_submit_distribution(claim_id=claim.pk, participant=bob,
                                          given={"cdf": raw}, now=t0 + timedelta(minutes=1))
    first.refresh_from_db()
    assert first.end_time == second.start_time
    community = ClaimCommunity.objects.get(claim=claim)
    assert community.forecasters == 1 and community.distribution == second.cdf
    forecast_withdraw(claim_id=claim.pk, participant=bob, now=t0 + timedelta(minutes=2))
    community.refresh_from_db()
    assert community.forecasters == 0 and community.distribution is None


def test_a_date_ladder_and_option_numbers_are_forecasts_too(ann, bob, mod):
    date = make_open_claim(author=ann, moderator=mod, **DATE)
    ladder = [{"date": "2027-06-30", "p": 0.2}, {"date": "2028-01-01T00:00:00Z", "p": 0.6}]
    forecast = forecast_submit_distribution(claim_id=date.pk, participant=bob,
                                            given={"by_date": ladder, "above": 0.1})
    assert forecast.cdf[0] == 0.0 and forecast.cdf[-1] == pytest.approx(0.9)
    choice = make_open_claim(author=ann, moderator=mod, **CHOICE)
    typed = forecast_submit_distribution(claim_id=choice.pk, participant=bob,
                                         given={"weights": [30, 30, 50]})
    assert typed.probabilities == pytest.approx([30 / 110, 30 / 110, 50 / 110])
    exact = forecast_submit_distribution(claim_id=choice.pk, participant=ann, given={
        "probabilities": {"gen3": 0.2, "gen4": 0.3, "Other": 0.5}})
    assert exact.probabilities == pytest.approx([0.2, 0.3, 0.5])
    community = ClaimCommunity.objects.get(claim=choice)
    assert sum(community.distribution) == pytest.approx(1.0)
    # The community's shares are Metaculus' recency-weighted median, oldest forecast first.
    assert community.distribution == pytest.approx(list(
        aggregation.multiple_choice_community_forecast([typed.probabilities,
                                                        exact.probabilities])), abs=1e-12)


def test_the_community_cdf_weights_recent_forecasts_more(ann, bob, cat, mod):
    claim = make_open_claim(author=ann, moderator=mod, **NUMERIC)
    t0 = timezone.now()
    cdfs = []
    for i, person in enumerate([ann, bob, cat]):
        x = np.linspace(0, 1, 201)
        given = {"cdf": list(0.5 * x + 0.5 * x ** (1 + i))}  # valid steps, different shapes
        cdfs.append(forecast_submit_distribution(
            claim_id=claim.pk, participant=person, given=given,
            now=t0 + timedelta(minutes=i)).cdf)
    community = ClaimCommunity.objects.get(claim=claim)
    expected = aggregation.continuous_community_forecast(cdfs)
    assert community.distribution == pytest.approx(list(expected), abs=1e-12)
    assert community.distribution != pytest.approx(list(np.mean(cdfs, axis=0)), abs=1e-6)


def test_bad_forecasts_are_refused_by_field_and_store_nothing(ann, bob, mod):
    numeric = make_open_claim(author=ann, moderator=mod, **NUMERIC)
    choice = make_open_claim(author=ann, moderator=mod, **CHOICE)
    date = make_open_claim(author=ann, moderator=mod, **DATE)
    up = list(np.linspace(0, 1, 201))
    cases = [
        (numeric, {"cdf": up[:100] + [up[101], up[100]] + up[102:]}, "cdf"),
        (numeric, {"cdf": [0.0, 0.5] + list(np.linspace(0.5001, 1, 199))}, "cdf"),
        (numeric, {"quantiles": [{"value": 1.5, "p": 0.5}]}, "quantiles"),
        (numeric, {"quantiles": [{"value": 0.5}]}, "quantiles"),
        (numeric, {"quantiles": QUANTILES["quantiles"], "cdf": up}, "quantiles"),
        (numeric, {"probabilities": [0.5, 0.5]}, "probabilities"),
        (numeric, {"by_date": [{"date": "2027-01-01", "p": 0.5}]}, "by_date"),
        (numeric, {}, "cdf"),
        (choice, {"probabilities": [0.2, 0.3, 0.4]}, "probabilities"),
        (choice, {"cdf": up}, "cdf"),
        (date, {"by_date": [{"date": "someday", "p": 0.5}]}, "by_date"),
        (date, {"by_date": [{"date": "2027-06-01", "p": 0.5}], "below": 0.1}, "below"),
    ]
    for claim, given, field in cases:
        error = refusal(lambda c=claim, g=given: forecast_submit_distribution(
            claim_id=c.pk, participant=bob, given=g))
        assert error.field == field, (given, error.message)
    assert refusal(lambda: forecast_submit(claim_id=numeric.pk, participant=bob,
                                           probability=0.5)).field == "probability"
    assert not Forecast.objects.filter(participant=bob).exists()
    assert Claim.objects.filter(criteria_frozen_at__isnull=False).count() == 0


def test_options_are_added_before_the_catch_all_and_standing_forecasts_end_at_the_grace_end(
        ann, bob, mod):
    from bets.claims.forecasts import claim_options_add
    from bets.common.errors import Forbidden

    claim = make_open_claim(author=ann, moderator=mod, **CHOICE)
    t0 = timezone.now()
    forecast_submit_distribution(claim_id=claim.pk, participant=bob, now=t0,
                                 given={"probabilities": [0.2, 0.3, 0.5]})
    grace = t0 + timedelta(days=1)
    with pytest.raises(Forbidden):
        claim_options_add(claim_id=claim.pk, moderator=ann, new_options=["gen5"],
                          grace_period_end=grace)
    assert refusal(lambda: claim_options_add(
        claim_id=claim.pk, moderator=mod, new_options=["gen5"], grace_period_end=t0 - timedelta(
            days=1))).field == "grace_period_end"
    claim = claim_options_add(claim_id=claim.pk, moderator=mod, new_options=["gen5"],
                              grace_period_end=grace, now=t0 + timedelta(minutes=1))
    assert claim.options == ["gen3", "gen4", "gen5", "Other"]
    old = Forecast.objects.get(participant=bob)
    assert old.probabilities == [0.2, 0.3, None, 0.5] and old.end_time == grace
    assert refusal(lambda: forecast_submit_distribution(
        claim_id=claim.pk, participant=bob, now=t0 + timedelta(minutes=2),
        given={"probabilities": [0.2, 0.3, 0.5]})).field == "probabilities"
    new = forecast_submit_distribution(claim_id=claim.pk, participant=bob,
                                       now=t0 + timedelta(minutes=2),
                                       given={"probabilities": [0.2, 0.3, 0.1, 0.4]})
    old.refresh_from_db()
    assert old.end_time == new.start_time == t0 + timedelta(minutes=2)


def test_a_resolved_numeric_claim_keeps_its_forecasters_pages_whole(ann, bob, mod, client):
    from bets.claims.resolution import claim_resolve
    from bets.scoring.selectors import participant_calibration
    from bets.scoring.services import claim_score

    claim = make_open_claim(author=ann, moderator=mod, **NUMERIC)
    forecast_submit_distribution(claim_id=claim.pk, participant=bob, given=QUANTILES)
    resolved = claim_resolve(claim_id=claim.pk, value=0.8, actor=mod)
    assert claim_score(claim_id=claim.pk, seq=resolved.resolution_seq)
    assert claim.scores.get().brier is None  # scored, with no Brier score to show
    assert participant_calibration(user=bob) == []
    assert client.get(f"/u/{bob.username}/").status_code == 200
