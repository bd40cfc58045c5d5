from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from bets.api.betting import BetSerializer, bet_payload
from bets.betting.checks import ledger_violations
from bets.betting.ledger import user_balance
from bets.betting.settlement import claim_settle_bets
from bets.claims.resolution import claim_resolve
from bets.models import Bet, IdempotencyRecord, Offer

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def offer_body(target, **kw):
    expires = (timezone.now() + timedelta(days=2)).isoformat()
    return {"claim": target.pk, "side": "yes", "probability": 0.7, "max_stake": 70,
            "expires_at": expires} | kw


def test_an_offer_is_made_accepted_and_listed_through_the_api(claim, ann, bob):
    made = client_for(ann).post("/api/offers/", offer_body(claim, note="$5 to charity"),
                                format="json")
    assert made.status_code == 201, made.json()
    offer = made.json()
    assert (offer["offerer"], offer["remaining_stake"], offer["max_taker_stake"]) == ("ann", 70, 30)
    bet = client_for(bob).post(f"/api/offers/{offer['id']}/accept/", {"stake": 30}, format="json")
    assert bet.status_code == 201, bet.json()
    assert (bet.json()["taker_stake"], bet.json()["offerer_stake"]) == (30, 70)
    listed = APIClient().get("/api/bets/", {"participant": "bob"}).json()
    assert [b["id"] for b in listed["results"]] == [bet.json()["id"]]
    assert APIClient().get("/api/participants/bob/").json()["balance"] == 970


def test_an_acceptance_answers_with_what_the_bet_serializer_says_of_the_stored_bet(
    claim, ann, bob, mod
):
    offer = client_for(ann).post("/api/offers/", offer_body(claim), format="json").json()
    answer = client_for(bob).post(f"/api/offers/{offer['id']}/accept/", {"stake": 9},
                                  format="json").json()
    assert answer == BetSerializer(Bet.objects.get(pk=answer["id"])).data
    claim = claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    claim_settle_bets(claim_id=claim.pk, seq=claim.resolution_seq)
    settled = Bet.objects.get(pk=answer["id"])
    assert settled.winner == bob and settled.settled_at is not None
    assert bet_payload(settled) == BetSerializer(settled).data


@pytest.mark.parametrize(
    "change",
    [
        {"side": "maybe"},
        {"probability": 2},
        {"probability": "NaN"},
        {"max_stake": -1},
        {"max_stake": "lots"},
        {"expires_at": "yesterday"},
        {"claim": 10**30},
        {"probability": "0.5"},
        {"expires_at": "2099-01-01T00:00:00"},
        {"expires_at": "9999-12-31T23:59:59-05:00"},
        {"status": "filled"},
    ],
)
def test_bad_offer_bodies_get_a_400_and_change_nothing(claim, ann, change):
    response = client_for(ann).post("/api/offers/", offer_body(claim, **change), format="json")
    assert response.status_code == 400, response.content
    assert not Offer.objects.exists()
    assert user_balance(ann) == 1000


@pytest.mark.parametrize("change", [{"claim": 999999}, {"counterparty": "nobody-here"}])
def test_offers_naming_someone_or_something_missing_get_a_404_and_change_nothing(
    claim, ann, change
):
    response = client_for(ann).post("/api/offers/", offer_body(claim, **change), format="json")
    assert response.status_code == 404, response.content
    assert not Offer.objects.exists()
    assert user_balance(ann) == 1000


# As in production, the acceptance view runs outside a request transaction; DRF's handler for
# the anonymous refusal would otherwise doom the test's enclosing one.
@pytest.mark.django_db(transaction=True)
def test_refused_acceptances_say_why(claim, ann, bob):
    offer = client_for(ann).post("/api/offers/", offer_body(claim), format="json").json()
    own = client_for(ann).post(f"/api/offers/{offer['id']}/accept/", {"stake": 1}, format="json")
    assert own.status_code == 403 and "own offer" in own.json()["detail"]
    too_much = client_for(bob).post(f"/api/offers/{offer['id']}/accept/", {"stake": 31},
                                    format="json")
    assert too_much.status_code == 409 and "at most 30" in too_much.json()["stake"][0]
    missing = client_for(bob).post("/api/offers/99999999/accept/", {"stake": 1}, format="json")
    assert missing.status_code == 404
    anonymous = APIClient().post(f"/api/offers/{offer['id']}/accept/", {"stake": 1},
                                 format="json")
    assert anonymous.status_code in (401, 403)
    assert not Bet.objects.exists()


def test_cancel_through_the_api_releases_the_remainder(claim, ann, bob):
    offer = client_for(ann).post("/api/offers/", offer_body(claim), format="json").json()
    assert client_for(bob).post(f"/api/offers/{offer['id']}/cancel/").status_code == 403
    response = client_for(ann).post(f"/api/offers/{offer['id']}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert user_balance(ann) == 1000


def test_the_same_idempotency_key_and_body_replays_the_first_response(claim, ann, bob):
    offer = client_for(ann).post("/api/offers/", offer_body(claim), format="json").json()
    client = client_for(bob)
    url = f"/api/offers/{offer['id']}/accept/"
    first = client.post(url, {"stake": 10}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(url, {"stake": 10}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Bet.objects.count() == 1
    assert user_balance(bob) == 990


def test_the_same_idempotency_key_with_a_different_body_gets_422(claim, ann, bob):
    offer = client_for(ann).post("/api/offers/", offer_body(claim), format="json").json()
    client = client_for(bob)
    url = f"/api/offers/{offer['id']}/accept/"
    client.post(url, {"stake": 10}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = client.post(url, {"stake": 11}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.status_code == 422
    assert Bet.objects.count() == 1


def test_a_failed_request_is_not_remembered_under_its_key(claim, ann, bob):
    offer = client_for(ann).post("/api/offers/", offer_body(claim), format="json").json()
    url = f"/api/offers/{offer['id']}/accept/"
    refused = client_for(bob).post(url, {"stake": 99}, format="json",
                                   HTTP_IDEMPOTENCY_KEY="k-3")
    assert refused.status_code == 409
    assert not IdempotencyRecord.objects.exists()


def test_the_bettors_leaderboard_ranks_by_realized_profit(claim, ann, bob, mod):
    offer = client_for(ann).post("/api/offers/", offer_body(claim), format="json").json()
    client_for(bob).post(f"/api/offers/{offer['id']}/accept/", {"stake": 30}, format="json")
    claim = claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    claim_settle_bets(claim_id=claim.pk, seq=claim.resolution_seq)
    board = APIClient().get("/api/leaderboard/bettors/").json()
    assert [(r["username"], r["profit"]) for r in board] == [("bob", 70), ("ann", -70)]
    assert ledger_violations() == []


def test_the_api_refuses_a_stake_that_would_move_the_price_and_names_stakes_that_work(
    claim, ann, bob
):
    offer = client_for(ann).post("/api/offers/", offer_body(claim, probability=0.333,
                                                             max_stake=300), format="json").json()
    refused = client_for(bob).post(f"/api/offers/{offer['id']}/accept/", {"stake": 3},
                                   format="json")
    assert refused.status_code == 400, refused.content
    assert "Stake 2 or 4 instead" in refused.json()["stake"][0]
    assert not Bet.objects.exists() and user_balance(bob) == 1000
    matched = client_for(bob).post(f"/api/offers/{offer['id']}/accept/", {"stake": 4},
                                   format="json")
    assert matched.status_code == 201, matched.content
    assert (matched.json()["taker_stake"], matched.json()["offerer_stake"]) == (4, 2)
    assert ledger_violations() == []
