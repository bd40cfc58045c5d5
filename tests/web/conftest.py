import pytest

from bets.claims.forecasts import forecast_submit
from bets.claims.resolution import claim_resolve
from bets.scoring.services import claim_score
from tests.factories import make_user


@pytest.fixture
def ann_client(client, ann):
    client.force_login(ann)
    return client


@pytest.fixture
def mod_client(client, mod):
    client.force_login(mod)
    return client


@pytest.fixture
def resolved_claim(claim, ann, mod):
    """The claim with two forecasters, resolved YES and scored (scoring called directly)."""
    bob = make_user("bob")
    forecast_submit(claim_id=claim.pk, participant=ann, probability=0.8)
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.3)
    resolved = claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod, note="Source: table 2.")
    assert claim_score(claim_id=claim.pk, seq=resolved.resolution_seq)
    return resolved
