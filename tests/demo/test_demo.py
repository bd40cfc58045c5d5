"""The demo data: the showcase claims, disagreeing forecasters, a populated leaderboard."""

import pytest
from django.contrib.auth import authenticate, get_user_model

from bets.demo.data import ADMIN_PASSWORD, PARTICIPANTS, RESOLVED, SHOWCASE
from bets.demo.loader import demo_load
from bets.models import Claim, Forecast, Score
from bets.scoring import selectors

pytestmark = pytest.mark.django_db


def table_counts() -> tuple[int, ...]:
    return (Claim.objects.count(), Forecast.objects.count(), Score.objects.count())


def test_demo_opens_the_five_showcase_claims_with_forecasters_who_disagree():
    assert demo_load() is True
    for spec in SHOWCASE:
        claim = Claim.objects.get(title=spec.title)
        assert claim.status == Claim.Status.OPEN
        standing = Forecast.objects.filter(claim=claim, end_time__isnull=True)
        probabilities = list(standing.values_list("probability", flat=True))
        assert len(probabilities) >= 4
        assert max(probabilities) - min(probabilities) >= 0.2, spec.title


def test_one_demo_participant_stands_at_fifty_percent_on_context_hiding_decomposition():
    demo_load()
    claim = Claim.objects.get(title__startswith="Context-hiding task decomposition")
    standing = Forecast.objects.filter(claim=claim, end_time__isnull=True)
    assert standing.filter(probability=0.5).count() == 1


def test_loading_the_demo_twice_changes_nothing():
    demo_load()
    before = table_counts()
    assert demo_load() is False
    assert table_counts() == before


def test_demo_history_fills_the_leaderboard_and_every_participants_calibration():
    demo_load()
    assert Claim.objects.filter(status=Claim.Status.RESOLVED).count() == len(RESOLVED)
    board = list(selectors.leaderboard_queryset(score_type="peer", min_claims=3))
    assert {row["username"] for row in board} == set(PARTICIPANTS)
    # Peer scores are relative: across everyone they sum to zero.
    assert sum(row["value"] for row in board) == pytest.approx(0, abs=1e-6)
    for user in get_user_model().objects.filter(username__in=PARTICIPANTS):
        assert selectors.participant_calibration(user=user)


def test_demo_admin_can_log_in_with_the_printed_password():
    demo_load()
    admin = authenticate(username="admin", password=ADMIN_PASSWORD)
    assert admin is not None and admin.is_staff and admin.is_superuser
