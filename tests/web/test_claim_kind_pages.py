"""The pages of numeric, date and multiple-choice claims without JavaScript: the community
median with its unit, the quantile table, the date ladder and numbers per option, with a
server-side preview that stores nothing, and refusals beside their fields."""

import pytest

from bets.claims.forecasts import forecast_submit_distribution
from bets.models import Forecast
from tests.factories import make_open_claim

pytestmark = pytest.mark.django_db

NUMERIC = {"kind": "numeric", "range_min": 0, "range_max": 1, "unit": "accuracy",
           "open_upper_bound": True}


def page(client, claim):
    return client.get(f"/claims/{claim.pk}/").content.decode()


def post(client, claim, data):
    return client.post(f"/claims/{claim.pk}/forecast/", data)


def test_a_numeric_claim_page_shows_the_community_median_with_its_unit(client, ann, bob, mod):
    claim = make_open_claim(author=ann, moderator=mod, **NUMERIC)
    assert "No standing forecasts." in page(client, claim)
    forecast_submit_distribution(claim_id=claim.pk, participant=bob, given={
        "quantiles": [{"value": 0.6, "p": 0.1}, {"value": 0.75, "p": 0.5},
                      {"value": 0.9, "p": 0.9}]})
    html = page(client, claim)
    assert "0.75 accuracy" in html and "Median" in html and "Above 1 accuracy" in html
    assert "Log in</a> to forecast" in html
    # The lists show it too (its binary community figure is simply absent).
    assert client.get("/").status_code == 200
    assert client.get("/api/claims/").data["results"][0]["kind"] == "numeric"


def test_the_quantile_table_previews_then_records(ann_client, ann, mod):
    claim = make_open_claim(author=ann, moderator=mod, **NUMERIC)
    assert 'name="q50"' in page(ann_client, claim) and 'name="above"' in page(ann_client, claim)
    table = {"q10": "0.6", "q50": "0.75", "q90": "0.9", "above": "5%"}
    preview = post(ann_client, claim, table | {"preview": "1"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Preview (nothing recorded yet)" in html and "0.75 accuracy" in html
    assert 'value="0.75"' in html  # nothing typed is lost
    assert not Forecast.objects.exists()
    recorded = post(ann_client, claim, table)
    assert recorded.status_code == 302
    assert len(Forecast.objects.get(participant=ann).cdf) == 201


def test_bad_rows_are_refused_beside_their_field_and_nothing_is_stored(ann_client, ann, mod):
    numeric = make_open_claim(author=ann, moderator=mod, **NUMERIC)
    outside = post(ann_client, numeric, {"q10": "0.5", "q50": "1.7", "q90": ""})
    assert outside.status_code == 400
    assert "outside the range" in outside.content.decode()
    garbage = post(ann_client, numeric, {"q10": "lots"})
    assert garbage.status_code == 400 and "not a number" in garbage.content.decode()
    date = make_open_claim(author=ann, moderator=mod, kind="date", range_min="2027-01-01",
                           range_max="2030-01-01")
    bad_date = post(ann_client, date, {"date0": "someday", "p0": "40"})
    assert bad_date.status_code == 400 and "not a date" in bad_date.content.decode()
    assert not Forecast.objects.exists()


def test_numbers_per_option_are_renormalised_visibly_and_a_ladder_records(ann_client, ann, mod):
    choice = make_open_claim(author=ann, moderator=mod, kind="multiple_choice",
                             options=["gen3", "gen4", "Other"])
    preview = post(ann_client, choice, {"option0": "30", "option1": "30", "option2": "50",
                                        "preview": "1"})
    assert "27.3%" in preview.content.decode() and "45.5%" in preview.content.decode()
    date = make_open_claim(author=ann, moderator=mod, kind="date", range_min="2027-01-01",
                           range_max="2030-01-01")
    recorded = post(ann_client, date, {"date0": "2028-01-01", "p0": "40",
                                       "date1": "2029-01-01", "p1": "80%"})
    assert recorded.status_code == 302, recorded.content.decode()[-2000:]
    html = page(ann_client, date)
    assert "Your standing forecast" in html and "2028-" in html


def test_the_propose_form_takes_the_kinds_and_refuses_their_bad_fields(ann_client):
    from datetime import timedelta

    from django.utils import timezone

    from bets.models import Claim

    now = timezone.now()
    base = {"title": "When will an open model top the arena?", "statement": "S.",
            "resolution_criteria": "R.", "open_time": now.strftime("%Y-%m-%dT%H:%M"),
            "close_time": (now + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"),
            "resolve_after": (now + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")}
    bad = ann_client.post("/claims/new/", base | {"kind": "date", "range_min": "2027-01-01",
                                                      "range_max": "whenever"})
    assert bad.status_code == 400 and "not a date" in bad.content.decode()
    assert not Claim.objects.exists()
    good = ann_client.post("/claims/new/", base | {
        "kind": "multiple_choice", "options": "gen3\ngen4\n\nOther\n"})
    assert good.status_code == 302, good.content.decode()[-3000:]
    assert Claim.objects.get().options == ["gen3", "gen4", "Other"]
    edit = ann_client.get(f"/claims/{Claim.objects.get().pk}/edit/").content.decode()
    assert "gen3\ngen4\nOther" in edit
