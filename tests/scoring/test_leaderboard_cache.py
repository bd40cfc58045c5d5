"""The cached leaderboard always equals the live aggregate over the score table."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bets.claims.forecasts import forecast_submit
from bets.claims.resolution import claim_resolve, claim_unresolve
from bets.scoring import selectors
from bets.scoring.services import claim_score
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    selectors.leaderboard_cache_clear()
    yield
    selectors.leaderboard_cache_clear()


@pytest.fixture
def people():
    return {
        "admin": make_user("admin", staff=True),
        **{name: make_user(name) for name in ("amy", "bo", "cy", "di")},
    }


def resolved_claim(people, title, outcome, forecasts, *, tags=("demo",)):
    claim = make_open_claim(
        author=people["amy"], moderator=people["admin"], title=title,
        opened_ago=timedelta(days=10), tags=tags,
    )
    now = timezone.now()
    for hours_ago, name, p in forecasts:
        forecast_submit(claim_id=claim.pk, participant=people[name], probability=p,
                        now=now - timedelta(hours=hours_ago))
    claim = claim_resolve(claim_id=claim.pk, outcome=outcome, actor=people["admin"])
    claim_score(claim_id=claim.pk, seq=claim.resolution_seq)
    return claim


def every_board():
    for score_type in selectors.LEADERBOARD_TYPES:
        for min_claims in (1, 2):
            for tag in (None, "demo", "other"):
                yield {"score_type": score_type, "min_claims": min_claims, "tag": tag}


def assert_cache_matches_live():
    for params in every_board():
        cached = list(selectors.leaderboard_queryset(**params))
        live = list(selectors.leaderboard_uncached_queryset(**params))
        assert [(r["username"], r["claims"]) for r in cached] == [
            (r["username"], r["claims"]) for r in live
        ], params
        for c, lv in zip(cached, live, strict=True):
            assert c["value"] == pytest.approx(lv["value"], abs=1e-9)
            assert c["coverage"] == pytest.approx(lv["coverage"], abs=1e-9)


def test_cached_leaderboard_follows_each_resolution_and_unresolution(people):
    first = resolved_claim(people, "First", "yes", [(100, "amy", 0.8), (90, "bo", 0.3)])
    assert_cache_matches_live()
    before = selectors.leaderboard_queryset(score_type="peer")

    resolved_claim(people, "Second", "no", [(50, "bo", 0.2), (40, "cy", 0.9), (30, "di", 0.5)],
                   tags=("other",))
    after = selectors.leaderboard_queryset(score_type="peer")
    assert {r["username"] for r in after} == {"amy", "bo", "cy", "di"} != {
        r["username"] for r in before
    }
    assert_cache_matches_live()

    claim_unresolve(claim_id=first.pk, actor=people["admin"], note="Wrong source.")
    assert "amy" not in {r["username"] for r in selectors.leaderboard_queryset()}
    assert_cache_matches_live()


def test_leaderboard_ties_are_broken_by_claims_then_username(people):
    # Identical forecasts give identical scores; only the tie-break orders them.
    resolved_claim(people, "Tie", "yes", [(100, "cy", 0.7), (100, "bo", 0.7)])
    board = selectors.leaderboard_queryset(score_type="baseline")
    assert [r["username"] for r in board] == ["bo", "cy"]
    assert_cache_matches_live()


def test_a_rolled_back_score_write_never_lets_its_rows_be_served_later(people):
    from django.db import transaction
    from django.db.models import F

    from bets.models import Score

    claim = resolved_claim(people, "Kept", "yes", [(100, "amy", 0.8), (90, "bo", 0.3)])
    row = Score.objects.filter(claim=claim, participant=people["amy"]).get()
    try:
        with transaction.atomic():
            Score.objects.filter(pk=row.pk).delete()
            # Read (and cache) inside the doomed transaction: amy is missing here.
            assert "amy" not in {r["username"] for r in selectors.leaderboard_queryset()}
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    # A later write (one statement, so one version step, exactly as in the doomed
    # transaction) must not find the doomed transaction's cache entry.
    Score.objects.filter(claim=claim, participant=people["bo"]).update(peer=F("peer"))
    assert "amy" in {r["username"] for r in selectors.leaderboard_queryset()}
    assert_cache_matches_live()


def test_brier_and_log_boards_count_binary_claims_only_and_a_numeric_claim_counts_elsewhere(
        people):
    from bets.claims.forecasts import forecast_submit_distribution

    resolved_claim(people, "Binary", "yes", [(100, "amy", 0.8), (90, "bo", 0.3)])
    numeric = make_open_claim(author=people["amy"], moderator=people["admin"], title="Numeric",
                              kind="numeric", range_min=0, range_max=1,
                              opened_ago=timedelta(days=10), tags=("demo",))
    now = timezone.now()
    for hours_ago, name in ((80, "bo"), (70, "cy")):
        forecast_submit_distribution(
            claim_id=numeric.pk, participant=people[name], now=now - timedelta(hours=hours_ago),
            given={"quantiles": [{"value": 0.4, "p": 0.2}, {"value": 0.6, "p": 0.8}]})
    numeric = claim_resolve(claim_id=numeric.pk, value=0.5, actor=people["admin"])
    claim_score(claim_id=numeric.pk, seq=numeric.resolution_seq)

    peer = {r["username"]: r["claims"] for r in selectors.leaderboard_queryset()}
    assert peer == {"amy": 1, "bo": 2, "cy": 1}
    brier = {r["username"]: r["claims"]
             for r in selectors.leaderboard_queryset(score_type="brier")}
    assert brier == {"amy": 1, "bo": 1}  # cy forecast the numeric claim only
    assert_cache_matches_live()
