import numpy as np
import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from bets.scoring import maths as scoring
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_leaderboard_ranks_participants_by_peer_score(client, resolved_claim):
    response = client.get(reverse("leaderboard"))
    rows = response.context["rows"]
    assert [r.username for r in rows] == ["ann", "bob"]
    assert rows[0].rank == 1 and rows[0].value > 0 > rows[1].value
    assert ">ann</a>" in response.content.decode()


def test_the_leaderboard_filters_by_score_type_tag_dates_and_minimum(client, resolved_claim):
    brier = client.get(reverse("leaderboard"), {"score": "brier"}).context["rows"]
    assert brier[0].username == "ann" and "lower is better" in client.get(
        reverse("leaderboard"), {"score": "brier"}
    ).content.decode()
    assert brier[0].value == pytest.approx(0.04)
    assert client.get(reverse("leaderboard"), {"tag": "math"}).context["rows"] == []
    assert len(client.get(reverse("leaderboard"), {"tag": "reasoning"}).context["rows"]) == 2
    assert client.get(reverse("leaderboard"), {"min_claims": "2"}).context["rows"] == []
    assert client.get(reverse("leaderboard"), {"until": "2001-01-01"}).context["rows"] == []
    since_far = client.get(reverse("leaderboard"), {"since": "2001-01-01", "until": "9999-12-31"})
    assert len(since_far.context["rows"]) == 2


@pytest.mark.parametrize(
    "query",
    [
        {"score": "bogus"},
        {"min_claims": "abc"},
        {"min_claims": "0"},
        {"min_claims": "1" * 40},
        {"since": "not-a-date"},
        {"since": "2030-01-01", "until": "2020-01-01"},
        {"tag": "<b>x</b>"},
    ],
)
def test_the_leaderboard_explains_bad_filters_instead_of_failing(client, resolved_claim, query):
    response = client.get(reverse("leaderboard"), query)
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "-1", "99999", "1" * 30])
def test_the_leaderboard_survives_any_page_number(client, resolved_claim, page):
    assert client.get(reverse("leaderboard"), {"page": page}).status_code == 200


def test_the_methodology_example_uses_the_real_scoring_numbers(client):
    page = client.get(reverse("methodology")).content.decode()
    scores = scoring.binary_scores(
        outcome=True, open_time=0.0, close_time=10.0, actual_close_time=10.0,
        participants=np.array([1, 2]), probabilities=np.array([0.8, 0.4]),
        start_times=np.array([0.0, 5.0]), end_times=np.array([np.inf, np.inf]),
    )
    for text in (
        f"{scores[1].baseline:.2f}", f"{scores[2].baseline:.2f}",
        f"{scores[1].peer:.2f}", f"{scores[2].peer:.2f}",
    ):
        assert f"<strong>{text}</strong>" in page
    for heading in ("Baseline", "Peer", "Coverage", "Brier", "Log", "Community", "Calibration"):
        assert heading in page


def test_a_participant_page_shows_track_record_scores_and_calibration(client, resolved_claim):
    page = client.get(reverse("participant", args=["ann"])).content.decode()
    assert "Track record" in page and "Gap widens" in page
    assert page.count('<svg class="chart"') == 2  # cumulative peer and calibration
    assert "Calibration" in page and "80.0%" in page
    assert "<!-- betting -->" in page
    assert "API token" not in page  # only on one's own page


def test_an_unknown_participant_is_not_found(client):
    assert client.get(reverse("participant", args=["nobody"])).status_code == 404


def test_a_participant_creates_a_token_sees_it_once_and_revokes_it(client):
    eve = make_user("eve")
    client.force_login(eve)
    created = client.post(reverse("token-create"))
    key = Token.objects.get(user=eve).key
    assert key in created.content.decode()
    again = client.get(reverse("participant", args=["eve"])).content.decode()
    assert "You have a token" in again and key not in again
    client.post(reverse("token-revoke"))
    assert not Token.objects.filter(user=eve).exists()


def test_replacing_a_token_invalidates_the_old_one(client):
    eve = make_user("eve")
    client.force_login(eve)
    client.post(reverse("token-create"))
    old = Token.objects.get(user=eve).key
    client.post(reverse("token-create"))
    assert Token.objects.get(user=eve).key != old


def test_token_management_needs_login_and_post(client):
    assert client.post(reverse("token-create")).status_code == 302
    assert not Token.objects.exists()
    client.force_login(make_user("eve"))
    assert client.get(reverse("token-create")).status_code == 405
    assert not Token.objects.exists()
