"""The holes the fuzzers found, each closed: NUL characters, hidden claims by id, naive and
overflowing times, unknown fields in edits."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bets.claims.services import claim_propose
from bets.models import Claim, Offer
from tests.factories import client_for


@pytest.fixture
def proposal(ann, claim):
    return claim_propose(
        author=ann, title="Still hidden", statement="s", resolution_criteria="c",
        open_time=claim.open_time, close_time=claim.close_time, resolve_after=claim.close_time,
    )


def _offer(claim_id: int, **change) -> dict:
    body = {"claim": claim_id, "side": "yes", "probability": 0.6, "max_stake": 10,
            "expires_at": (timezone.now() + timedelta(days=1)).isoformat()}
    return body | change


@pytest.mark.parametrize("path", ["/u/%00/", "/api/participants/%00/", "/claims/1%00/"])
def test_a_nul_character_in_a_path_is_not_found(db, path):
    assert Client().get(path).status_code == 404


@pytest.mark.parametrize("query", ["q=%00", "tag=%ff%fe", "search=a%00b"])
@pytest.mark.parametrize("path", ["/", "/api/claims/", "/leaderboard/"])
def test_a_nul_or_invalid_utf8_in_a_query_is_a_400(db, path, query):
    assert Client().get(f"{path}?{query}").status_code == 400


def test_an_offer_on_someone_elses_hidden_claim_answers_exactly_as_a_missing_one(
    bob, proposal
):
    hidden = client_for(bob).post("/api/offers/", _offer(proposal.pk), format="json")
    missing = client_for(bob).post("/api/offers/", _offer(10**12), format="json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert not Offer.objects.exists()


def test_a_web_offer_on_a_hidden_claim_is_a_404_not_a_redirect(bob, proposal):
    browser = Client()
    browser.force_login(bob)
    response = browser.post(f"/claims/{proposal.pk}/offers/", {"side": "yes", "price": "60"})
    assert response.status_code == 404
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("expires_at", "message"),
    [("2099-01-01T00:00:00", "time zone"), ("9999-12-31T23:59:59-12:00", "before the year")],
)
def test_offers_refuse_naive_and_overflowing_expiry_times(ann, claim, expires_at, message):
    response = client_for(ann).post("/api/offers/", _offer(claim.pk, expires_at=expires_at),
                                    format="json")
    assert response.status_code == 400
    assert message in response.json()["expires_at"][0]
    assert not Offer.objects.exists()


def test_an_edit_naming_fields_it_cannot_change_is_refused_with_their_names(ann, mod):
    now = timezone.now()
    draft = claim_propose(author=ann, title="Draft", statement="s", resolution_criteria="c",
                          open_time=now + timedelta(days=1), close_time=now + timedelta(days=9),
                          resolve_after=now + timedelta(days=9))
    response = client_for(ann).patch(
        f"/api/claims/{draft.pk}/edit/",
        {"title": "New title", "status": "open", "author": "mod"}, format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"status", "author"}
    assert "Unknown field" in response.json()["status"][0]
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Draft", Claim.Status.PROPOSED)


@pytest.mark.parametrize("times", [
    {"open_time": "1970-01-01T00:00:00Z", "close_time": "1970-01-02T00:00:00Z",
     "resolve_after": "1970-01-03T00:00:00Z"},
    {"close_time": (timezone.now() - timedelta(minutes=1)).isoformat()},
])
def test_the_api_refuses_a_claim_that_closes_in_the_past_as_the_web_form_does(ann, times):
    now = timezone.now()
    body = {"title": "Already over", "statement": "s", "resolution_criteria": "c",
            "open_time": (now - timedelta(days=3)).isoformat(),
            "resolve_after": (now + timedelta(days=1)).isoformat()} | times
    response = client_for(ann).post("/api/claims/", body, format="json")
    assert response.status_code == 400
    assert "in the past" in response.json()["close_time"][0]
    assert not Claim.objects.filter(title="Already over").exists()


def test_an_api_edit_cannot_move_the_close_time_into_the_past(ann):
    now = timezone.now()
    draft = claim_propose(author=ann, title="Draft", statement="s", resolution_criteria="c",
                          open_time=now - timedelta(days=2), close_time=now + timedelta(days=9),
                          resolve_after=now + timedelta(days=9))
    response = client_for(ann).patch(f"/api/claims/{draft.pk}/edit/",
                                     {"open_time": "1970-01-01T00:00:00Z",
                                      "close_time": "1970-01-02T00:00:00Z"}, format="json")
    assert response.status_code == 400 and "in the past" in response.json()["close_time"][0]
    draft.refresh_from_db()
    assert draft.close_time > now


# Raw bytes that are not UTF-8 ("\xff\xfe" is how "ÿþ" got stored) and their percent-encoded
# form, in the two form encodings browsers send.
BAD_FORMS = [
    ("application/x-www-form-urlencoded", b"body=caf\xff\xfe"),
    ("application/x-www-form-urlencoded", b"body=caf%ff%fe"),
    ("multipart/form-data; boundary=XyZ",
     b'--XyZ\r\nContent-Disposition: form-data; name="body"\r\n\r\ncaf\xff\xfe\r\n--XyZ--\r\n'),
]


@pytest.mark.parametrize(("content_type", "raw"), BAD_FORMS)
def test_a_form_body_that_is_not_utf8_is_refused_and_nothing_is_stored(
    ann, claim, content_type, raw
):
    from bets.models import Comment

    browser = Client()
    browser.force_login(ann)
    response = browser.post(f"/claims/{claim.pk}/comments/", raw, content_type=content_type)
    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("content_type", "raw"), BAD_FORMS)
def test_an_api_form_body_that_is_not_utf8_is_refused_as_json_is(ann, claim, content_type, raw):
    from bets.models import Comment

    response = client_for(ann).generic("POST", f"/api/claims/{claim.pk}/comments/", raw,
                                       content_type=content_type)
    assert response.status_code == 400
    assert "not valid UTF-8" in response.json()["detail"]
    assert not Comment.objects.exists()
