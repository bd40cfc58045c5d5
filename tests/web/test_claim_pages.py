from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bets.claims.forecasts import forecast_submit
from bets.claims.services import claim_propose
from bets.models import Claim, Forecast
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.django_db


def _propose_data(**overrides):
    now = timezone.now()
    data = {
        "title": "CoT gap widens",
        "statement": "The **gap** widens.",
        "resolution_criteria": "YES if gen3 gap > gen1 gap.",
        "fine_print": "",
        "tags": "reasoning, Benchmarks",
        "open_time": (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "close_time": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "resolve_after": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "resolver_spec": "",
    }
    return data | overrides


def test_home_lists_claims_with_community_forecast_and_forecaster_count(client, claim, ann):
    forecast_submit(claim_id=claim.pk, participant=ann, probability=0.7)
    forecast_submit(claim_id=claim.pk, participant=make_user("bob"), probability=0.5)
    page = client.get(reverse("home")).content.decode()
    assert "Gap widens" in page
    assert "60%" in page  # two forecasts weigh the same: their mean
    assert "2 forecasters" in page


def test_home_filters_by_status_and_tag(client, claim, ann, mod):
    other = make_open_claim(author=ann, moderator=mod, title="Other claim", tags=["math"])
    Claim.objects.filter(pk=other.pk).update(status=Claim.Status.CLOSED)
    by_tag = client.get(reverse("home"), {"tag": "math"}).content.decode()
    assert "Other claim" in by_tag and "Gap widens" not in by_tag
    by_status = client.get(reverse("home"), {"status": "open"}).content.decode()
    assert "Gap widens" in by_status and "Other claim" not in by_status


@pytest.mark.parametrize("query", [{"status": "bogus"}, {"tag": "<script>"}, {"page": "abc"}])
def test_home_answers_odd_filters_without_a_server_error(client, claim, query):
    response = client.get(reverse("home"), query)
    assert response.status_code in (200, 400)
    assert b"<script>" not in response.content


def test_home_hides_proposed_claims(client, ann):
    now = timezone.now()
    claim_propose(
        author=ann, title="Secret proposal", statement="s", resolution_criteria="c",
        open_time=now, close_time=now + timedelta(days=1), resolve_after=now + timedelta(days=1),
    )
    assert "Secret proposal" not in client.get(reverse("home")).content.decode()


def test_proposing_a_claim_creates_a_proposal_by_the_author(ann_client, ann):
    response = ann_client.post(reverse("claim-propose"), _propose_data())
    claim = Claim.objects.get(title="CoT gap widens")
    assert response.status_code == 302 and response["Location"] == claim.get_absolute_url()
    assert claim.status == Claim.Status.PROPOSED and claim.author == ann
    assert sorted(claim.tags.values_list("name", flat=True)) == ["benchmarks", "reasoning"]
    assert claim.open_time.tzinfo is not None and claim.open_time.utcoffset() == timedelta(0)


def test_proposal_times_are_read_as_utc(ann_client):
    data = _propose_data(
        open_time="2031-01-01T10:00",
        close_time="2031-02-01T10:00",
        resolve_after="2031-02-01T10:00",
    )
    ann_client.post(reverse("claim-propose"), data)
    claim = Claim.objects.get(title="CoT gap widens")
    assert claim.open_time.isoformat() == "2031-01-01T10:00:00+00:00"


def test_proposal_with_close_before_open_is_refused_on_the_close_time_field(ann_client):
    data = _propose_data(open_time="2031-03-01T00:00", close_time="2031-01-01T00:00")
    response = ann_client.post(reverse("claim-propose"), data)
    assert response.status_code == 400
    assert "The close time must be after the open time." in response.context["form"].errors[
        "close_time"
    ]
    assert not Claim.objects.exists()


def test_proposal_with_an_invalid_resolver_spec_shows_the_registry_errors(ann_client):
    response = ann_client.post(
        reverse("claim-propose"), _propose_data(resolver_spec='{"source": {}}')
    )
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["resolver_spec"])
    assert "criterion" in errors
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "spec", ["{not json", "[1, 2]", "[" * 100_000 + "]" * 100_000, '"text"']
)
def test_proposal_with_a_resolver_spec_that_is_not_a_json_object_is_refused(ann_client, spec):
    response = ann_client.post(reverse("claim-propose"), _propose_data(resolver_spec=spec))
    assert response.status_code == 400
    assert response.context["form"].errors["resolver_spec"]
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"open_time": "yesterday"},
        {"open_time": "99999-01-01T00:00"},
        {"tags": "ok, not/ok"},
        {"title": "x" * 5000},
    ],
)
def test_proposal_with_bad_fields_is_refused_and_creates_nothing(ann_client, overrides):
    response = ann_client.post(reverse("claim-propose"), _propose_data(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Claim.objects.exists()


def test_proposing_requires_login(client):
    response = client.post(reverse("claim-propose"), _propose_data())
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Claim.objects.exists()


def test_claim_page_renders_markdown_without_any_raw_html(client, ann, mod):
    claim = make_open_claim(
        author=ann, moderator=mod,
        statement="**bold** <script>alert(1)</script> [x](javascript:alert(2))",
        resolution_criteria="<img src=x onerror=alert(3)>",
    )
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "javascript:" not in page
    assert "<img" not in page


def test_claim_page_shows_the_community_chart_and_my_forecast_history(ann_client, claim, ann):
    forecast_submit(claim_id=claim.pk, participant=ann, probability=0.4)
    forecast_submit(claim_id=claim.pk, participant=ann, probability=0.65)
    page = ann_client.get(claim.get_absolute_url()).content.decode()
    # Scripts only from static files, never inline (the Content-Security-Policy forbids it).
    assert '<svg class="chart"' in page and "<script>" not in page
    assert "65.0%" in page and "40.0%" in page and "standing" in page
    assert "<!-- betting -->" in page and "<!-- autoresolve -->" in page


def test_forecast_in_percent_is_recorded_as_a_decimal_probability(ann_client, claim, ann):
    response = ann_client.post(reverse("forecast-submit", args=[claim.pk]), {"percent": "72.5%"})
    assert response.status_code == 302
    assert Forecast.objects.get(participant=ann).probability == pytest.approx(0.725)


@pytest.mark.parametrize(
    "value", ["abc", "nan", "NaN", "inf", "1e400", "0", "100", "-5", "", "99999999999999999999"]
)
def test_forecast_refuses_odd_values_with_a_message_and_records_nothing(ann_client, claim, value):
    response = ann_client.post(reverse("forecast-submit", args=[claim.pk]), {"percent": value})
    assert response.status_code == 400
    assert response.context["forecast_form"].errors["percent"]
    assert not Forecast.objects.exists()


def test_forecast_without_the_field_is_refused(ann_client, claim):
    response = ann_client.post(reverse("forecast-submit", args=[claim.pk]), {})
    assert response.status_code == 400
    assert not Forecast.objects.exists()


def test_forecast_on_a_closed_claim_is_refused_with_the_reason(ann_client, claim):
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.CLOSED)
    response = ann_client.post(reverse("forecast-submit", args=[claim.pk]), {"percent": "50"})
    assert response.status_code == 400
    assert "not open for forecasts" in response.content.decode()
    assert not Forecast.objects.exists()


def test_forecasting_requires_login(client, claim):
    response = client.post(reverse("forecast-submit", args=[claim.pk]), {"percent": "50"})
    assert response.status_code == 302
    assert not Forecast.objects.exists()


def test_forecast_form_refuses_get(ann_client, claim):
    assert ann_client.get(reverse("forecast-submit", args=[claim.pk])).status_code == 405


def test_withdrawing_asks_first_then_ends_the_standing_forecast_and_says_so(
    ann_client, claim, ann
):
    forecast_submit(claim_id=claim.pk, participant=ann, probability=0.4)
    asked = ann_client.post(reverse("forecast-withdraw", args=[claim.pk]))
    assert asked.status_code == 200
    assert "Withdraw your forecast of 40.0%?" in asked.content.decode()
    assert Forecast.objects.get(participant=ann).end_time is None
    response = ann_client.post(reverse("forecast-withdraw", args=[claim.pk]),
                               {"confirmed": "1"}, follow=True)
    assert Forecast.objects.get(participant=ann).end_time is not None
    page = response.content.decode()
    assert "Your forecast of 40.0% is withdrawn" in page
    # The box and the slider both show the withdrawn forecast, not 50 and an empty box.
    assert 'value="40"' in page and 'name="percent"' in page
    assert 'id="forecast-slider" min="0.1" max="99.9" step="0.1" value="40"' in page
    assert "Forecast again" in page


def test_withdrawing_with_nothing_standing_says_so(ann_client, claim):
    response = ann_client.post(reverse("forecast-withdraw", args=[claim.pk]), follow=True)
    assert "You have no standing forecast" in response.content.decode()


@pytest.mark.parametrize("path", ["/claims/999999/", "/claims/99999999999999999999999/"])
def test_unknown_claims_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_forecasting_on_an_unknown_claim_is_not_found(ann_client):
    assert ann_client.post("/claims/987654/forecast/", {"percent": "50"}).status_code == 404


def test_a_proposal_is_hidden_from_everyone_but_its_author_and_moderators(client, ann, mod):
    now = timezone.now()
    claim = claim_propose(
        author=ann, title="Pending", statement="s", resolution_criteria="c",
        open_time=now, close_time=now + timedelta(days=1), resolve_after=now + timedelta(days=1),
    )
    assert client.get(claim.get_absolute_url()).status_code == 404
    client.force_login(make_user("eve"))
    assert client.get(claim.get_absolute_url()).status_code == 404
    client.force_login(ann)
    assert client.get(claim.get_absolute_url()).status_code == 200
    client.force_login(mod)
    assert client.get(claim.get_absolute_url()).status_code == 200


def test_a_resolved_claim_shows_its_resolution_record_and_scores(client, resolved_claim):
    page = client.get(resolved_claim.get_absolute_url()).content.decode()
    assert "Resolution record" in page and "Source: table 2." in page and "mod" in page
    assert "Resolve YES" in page
    assert "Scores" in page and ">bob</a>" in page and ">ann</a>" in page


def test_forecast_posts_need_a_csrf_token(claim, ann):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(ann)
    response = strict.post(reverse("forecast-submit", args=[claim.pk]), {"percent": "50"})
    assert response.status_code == 403
    assert not Forecast.objects.exists()
