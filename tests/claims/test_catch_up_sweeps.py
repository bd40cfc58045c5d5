"""The beat sweeps find resolution work whose dispatch was lost (broker down at commit).

These tests run inside a rolled-back transaction, so on_commit never publishes anything: the
situation the sweeps exist for.
"""

from datetime import timedelta

import pytest

from bets.betting.settlement import claim_settle_bets, claims_needing_settlement
from bets.claims.forecasts import forecast_submit
from bets.claims.resolution import claim_resolve
from bets.scoring.services import claim_score, claims_needing_scores
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved():
    mod = make_user("mod", staff=True)
    claim = make_open_claim(author=make_user("ann"), moderator=mod, opened_ago=timedelta(days=1))
    forecast_submit(claim_id=claim.pk, participant=make_user("bob"), probability=0.7)
    return claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)


def test_a_resolved_claim_without_scores_is_found_until_it_is_scored(resolved):
    assert list(claims_needing_scores()) == [resolved]
    claim_score(claim_id=resolved.pk, seq=resolved.resolution_seq)
    assert not claims_needing_scores().exists()


def test_a_resolution_change_without_settlement_is_found_until_it_is_settled(resolved):
    assert list(claims_needing_settlement()) == [resolved]
    claim_settle_bets(claim_id=resolved.pk, seq=resolved.resolution_seq)
    assert not claims_needing_settlement().exists()
