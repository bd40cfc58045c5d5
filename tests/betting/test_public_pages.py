import pytest
from django.conf import settings

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_leaderboard_page_shows_the_bettors_table(client):
    response = client.get("/leaderboard/")
    assert response.status_code == 200
    assert "Bettors (realized profit)" in response.content.decode()


def test_the_participant_api_reports_the_balance_and_the_schema_documents_it(client):
    make_user("ann")
    body = client.get("/api/participants/ann/").json()
    assert body["balance"] == settings.CRUX_STARTING_GRANT
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "balance" in schema["components"]["schemas"]["Participant"]["properties"]


def test_a_participants_page_totals_money_at_risk_and_realized_profit_per_side(mod):
    """Two settled bets (one won as offerer, one lost as taker) and one still matched on
    another claim: the page's totals agree with the bettors' leaderboard's count."""
    from datetime import timedelta

    from bets.betting.offers import offer_accept, offer_create
    from bets.betting.selectors import _profit_by_user, participant_betting
    from bets.betting.settlement import claim_settle_bets
    from bets.claims.resolution import claim_resolve
    from tests.betting.conftest import in_a_week
    from tests.factories import make_open_claim

    ann, bob = make_user("ann"), make_user("bob")
    settled, open_claim = (make_open_claim(author=mod, moderator=mod, opened_ago=timedelta(days=1))
                           for _ in range(2))

    def bet(claim, offerer, taker, side, probability, stake):
        offer = offer_create(claim_id=claim.pk, offerer=offerer, side=side,
                             probability=probability, max_stake=100, expires_at=in_a_week())
        offer_accept(offer_id=offer.pk, taker=taker, stake=stake)

    bet(settled, ann, bob, "yes", 0.6, 20)  # ann stakes 30 on YES against bob's 20
    bet(settled, bob, ann, "no", 0.5, 10)  # bob stakes 10 on NO; ann takes YES with 10
    bet(open_claim, bob, ann, "yes", 0.75, 5)  # ann stakes 5 on NO against bob's 15
    resolved = claim_resolve(claim_id=settled.pk, outcome="yes", actor=mod)
    claim_settle_bets(claim_id=settled.pk, seq=resolved.resolution_seq)
    ann_totals, bob_totals = participant_betting(user=ann), participant_betting(user=bob)
    assert (ann_totals["realized_profit"], ann_totals["at_risk"]) == (20 + 10, 5)
    assert (bob_totals["realized_profit"], bob_totals["at_risk"]) == (-20 - 10, 15)
    assert _profit_by_user([ann.pk, bob.pk]) == {ann.pk: 30, bob.pk: -30}
