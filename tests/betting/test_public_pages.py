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
