"""Numeric and multiple-choice claims resolved through the resolution service and scored by
claim_score store exactly what the pure maths gives on the same forecasts, and every reader
of scores (leaderboard, participant page and API, export) answers with them."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.utils import timezone

from bets.claims.forecasts import forecast_submit_distribution, forecast_withdraw
from bets.claims.resolution import claim_resolve, claim_unresolve
from bets.models import Claim, Forecast, Score
from bets.scoring.continuous import ContinuousAxis, continuous_scores
from bets.scoring.multiple_choice import multiple_choice_scores
from bets.scoring.services import claim_score
from tests.factories import make_open_claim

pytestmark = pytest.mark.django_db

TOLERANCE = 1e-12


def quantiles(*points):
    return {"quantiles": [{"value": v, "p": p} for v, p in points]}


def direct_columns(claim, column):
    """The claim's forecasts as the pure functions take them, read straight from the rows."""
    rows = list(Forecast.objects.filter(claim=claim).order_by("start_time", "id"))
    return {
        "participants": np.array([f.participant_id for f in rows]),
        "start_times": np.array([f.start_time.timestamp() for f in rows]),
        "end_times": np.array([f.end_time.timestamp() if f.end_time else np.inf for f in rows]),
        "values": np.array([[np.nan if v is None else v for v in getattr(f, column)]
                            for f in rows], dtype=float),
        "open_time": claim.open_time.timestamp(),
        "close_time": claim.close_time.timestamp(),
        "actual_close_time": claim.actual_resolve_time.timestamp(),
    }


def numeric_direct(claim, resolution):
    c = direct_columns(claim, "cdf")
    axis = ContinuousAxis(claim.range_min, claim.range_max, claim.zero_point,
                          claim.open_lower_bound, claim.open_upper_bound)
    return continuous_scores(resolution=resolution, axis=axis, cdfs=c.pop("values"), **c)


def stored(claim):
    return {s.participant_id: s for s in Score.objects.filter(claim=claim)}


def assert_stored_equal(claim, expected, *, with_crps):
    rows = stored(claim)
    assert set(rows) == set(expected) and len(rows) >= 3
    for pid, want in expected.items():
        row = rows[pid]
        assert (row.brier, row.log) == (None, None)
        for name in ("baseline", "peer", "coverage"):
            assert abs(getattr(row, name) - getattr(want, name)) <= TOLERANCE, (pid, name)
        if with_crps:
            assert abs(row.crps - want.crps) <= TOLERANCE
        else:
            assert row.crps is None


def resolve_and_score(claim, value, mod):
    claim = claim_resolve(claim_id=claim.pk, value=value, actor=mod)
    assert claim_score(claim_id=claim.pk, seq=claim.resolution_seq)
    return claim


@pytest.fixture
def numeric(ann, bob, cat, mod):
    claim = make_open_claim(author=ann, moderator=mod, title="Best CoT accuracy",
                            kind="numeric", range_min=0, range_max=1, open_upper_bound=True,
                            unit="accuracy", opened_ago=timedelta(days=4))
    now = timezone.now()
    for hours_ago, who, given in [
        (80, ann, quantiles((0.6, 0.1), (0.75, 0.5), (0.9, 0.9))),
        (60, bob, quantiles((0.3, 0.2), (0.5, 0.6), (0.7, 0.95))),
        (40, cat, quantiles((0.7, 0.25), (0.8, 0.5), (0.85, 0.75))),
        (20, ann, quantiles((0.7, 0.1), (0.8, 0.5), (0.9, 0.8))),
    ]:
        forecast_submit_distribution(claim_id=claim.pk, participant=who, given=given,
                                     now=now - timedelta(hours=hours_ago))
    forecast_withdraw(claim_id=claim.pk, participant=cat, now=now - timedelta(hours=10))
    return resolve_and_score(claim, 0.8, mod)


@pytest.fixture
def choice(ann, bob, cat, mod):
    claim = make_open_claim(author=ann, moderator=mod, title="First lab to pass",
                            kind="multiple_choice", options=["gen3", "gen4", "Other"],
                            opened_ago=timedelta(days=4))
    now = timezone.now()
    for hours_ago, who, p in [(70, ann, [0.5, 0.3, 0.2]), (50, bob, [0.1, 0.8, 0.1]),
                              (30, cat, [0.3, 0.3, 0.4]), (10, ann, [0.2, 0.6, 0.2])]:
        forecast_submit_distribution(claim_id=claim.pk, participant=who,
                                     given={"probabilities": p},
                                     now=now - timedelta(hours=hours_ago))
    return resolve_and_score(claim, "gen4", mod)


def test_a_numeric_claim_stores_exactly_the_pure_scores_and_re_resolution_replaces_them(
        numeric, mod):
    first = numeric_direct(numeric, 0.8)
    assert_stored_equal(numeric, first, with_crps=True)

    claim_unresolve(claim_id=numeric.pk, actor=mod)
    again = resolve_and_score(numeric, 1.5, mod)  # beyond the open upper bound
    assert again.resolution == "above_upper_bound"
    second = numeric_direct(again, "above_upper_bound")
    assert_stored_equal(again, second, with_crps=True)
    assert {r.resolution_seq for r in stored(again).values()} == {again.resolution_seq}
    assert all(abs(first[p].baseline - second[p].baseline) > 1 for p in first)


def test_a_multiple_choice_claim_stores_exactly_the_pure_scores(choice):
    c = direct_columns(choice, "probabilities")
    expected = multiple_choice_scores(resolution_index=1, probabilities=c.pop("values"), **c)
    assert_stored_equal(choice, expected, with_crps=False)
    assert abs(sum(s.peer for s in stored(choice).values())) < 1e-9


def test_a_date_claim_scores_its_resolution_in_epoch_seconds_like_its_axis(ann, bob, mod):
    claim = make_open_claim(author=ann, moderator=mod, kind="date", range_min="2027-01-01",
                            range_max="2029-01-01", opened_ago=timedelta(days=2))
    now = timezone.now()
    for hours_ago, who, p in [(30, ann, 0.3), (20, bob, 0.7)]:
        forecast_submit_distribution(claim_id=claim.pk, participant=who, now=now - timedelta(
            hours=hours_ago), given={"by_date": [{"date": "2028-01-01", "p": p}]})
    claim = resolve_and_score(claim, "2027-09-15T12:00:00Z", mod)
    expected = numeric_direct(claim, datetime(2027, 9, 15, 12, tzinfo=UTC).timestamp())
    rows = stored(claim)
    assert set(rows) == {ann.pk, bob.pk}
    for pid, want in expected.items():
        assert abs(rows[pid].baseline - want.baseline) <= TOLERANCE
        assert abs(rows[pid].crps - want.crps) <= TOLERANCE
    assert claim.resolution == "2027-09-15T12:00:00+00:00"  # ISO text, scored as seconds


def test_leaderboard_participant_page_api_and_export_answer_with_the_new_kinds(
        numeric, choice, ann, bob, client, anon):
    board = anon.get("/api/leaderboard/")
    assert board.status_code == 200
    rows = {r["username"]: r for r in board.json()["results"]}
    assert rows["bob"]["claims"] == 2  # the numeric and the multiple-choice claim
    expected_peer = sum(s.peer for s in Score.objects.filter(participant=bob))
    assert abs(rows["bob"]["value"] - expected_peer) < 1e-9
    # Brier and log exist for binary claims only: nobody here has one to rank.
    for score_type in ("brier", "log"):
        answer = anon.get(f"/api/leaderboard/?score_type={score_type}")
        assert answer.status_code == 200 and answer.json()["count"] == 0
    assert client.get("/leaderboard/?score_type=brier").status_code == 200

    page = client.get(f"/u/{bob.username}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Best CoT accuracy" in html and "First lab to pass" in html and "Mean CRPS" in html

    person = anon.get(f"/api/participants/{bob.username}/")
    assert person.status_code == 200
    body = person.json()
    assert body["track_record"]["claims"] == 2 and body["track_record"]["brier_mean"] is None
    bob_numeric = Score.objects.get(claim=numeric, participant=bob)
    assert body["track_record"]["crps_mean"] == pytest.approx(bob_numeric.crps, abs=1e-12)
    recent = {r["title"]: r for r in body["recent_scores"]}
    assert recent["First lab to pass"]["crps"] is None
    assert recent["Best CoT accuracy"]["brier"] is None

    claim_page = client.get(numeric.get_absolute_url())
    assert claim_page.status_code == 200 and "CRPS" in claim_page.content.decode()

    export = anon.get("/api/export/")
    assert export.status_code == 200
    by_title = {c["title"]: c for c in export.json()["claims"]}
    numeric_scores = {s["participant"]: s for s in by_title["Best CoT accuracy"]["scores"]}
    assert numeric_scores["bob"]["crps"] == pytest.approx(bob_numeric.crps, abs=1e-12)
    assert numeric_scores["bob"]["brier"] is None
    assert {s["participant"] for s in by_title["First lab to pass"]["scores"]} == {
        "ann", "bob", "cat"}
    assert Claim.objects.filter(status=Claim.Status.RESOLVED).count() == 2
