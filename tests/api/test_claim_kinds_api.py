"""The API for numeric, date and multiple-choice claims: proposing and reading them,
forecasts in every form, refusals that name the field and store nothing, and resolution."""

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from bets.models import Claim, Forecast
from tests.factories import make_open_claim

pytestmark = pytest.mark.django_db

NUMERIC = {"kind": "numeric", "range_min": 0, "range_max": 1, "unit": "accuracy",
           "open_upper_bound": True}
DATE = {"kind": "date", "range_min": "2027-01-01T00:00:00Z",
        "range_max": "2029-01-01T00:00:00Z"}
CHOICE = {"kind": "multiple_choice", "options": ["gen3", "gen4", "Other"]}


def proposal(**kind_fields):
    now = timezone.now()
    return {"title": "Best CoT accuracy", "statement": "The best listed model's accuracy.",
            "resolution_criteria": "The measured accuracy.", "open_time": now.isoformat(),
            "close_time": (now + timedelta(days=10)).isoformat(),
            "resolve_after": (now + timedelta(days=11)).isoformat()} | kind_fields


def test_claims_of_each_kind_are_proposed_and_read_back(ann_client):
    numeric = ann_client.post("/api/claims/", proposal(**NUMERIC), format="json")
    assert numeric.status_code == 201, numeric.data
    assert (numeric.data["kind"], numeric.data["range_max"], numeric.data["unit"],
            numeric.data["open_upper_bound"]) == ("numeric", 1.0, "accuracy", True)
    date = ann_client.post("/api/claims/", proposal(**DATE), format="json")
    assert date.data["range_min"] == "2027-01-01T00:00:00+00:00"
    choice = ann_client.post("/api/claims/", proposal(**CHOICE), format="json")
    assert choice.data["options"] == ["gen3", "gen4", "Other"]
    assert choice.data["community_distribution"] is None


def test_bad_kind_fields_are_a_400_naming_the_field_and_store_nothing(ann_client):
    before = Claim.objects.count()
    for fields, name in [
        (NUMERIC | {"range_min": 2}, "range_max"),
        (NUMERIC | {"range_min": "zero"}, "range_min"),
        (NUMERIC | {"range_min": True}, "range_min"),
        (DATE | {"range_max": "next year"}, "range_max"),
        (CHOICE | {"options": ["only"]}, "options"),
        (NUMERIC | {"zero_point": 0.5}, "zero_point"),
        ({"kind": "ordinal"}, "kind"),
    ]:
        response = ann_client.post("/api/claims/", proposal(**fields), format="json")
        assert response.status_code == 400, (fields, response.data)
        assert name in response.data, (fields, response.data)
    assert Claim.objects.count() == before


def test_forecasts_in_three_forms_and_their_community_median(ann, bob_client, mod, anon):
    claim = make_open_claim(author=ann, moderator=mod, **NUMERIC)
    url = f"/api/claims/{claim.pk}/forecasts/"
    quantiles = {"quantiles": [{"value": 0.6, "p": 0.1}, {"value": 0.75, "p": 0.5},
                               {"value": 0.9, "p": 0.9}], "above": 0.05}
    response = bob_client.post(url, quantiles, format="json")
    assert response.status_code == 201, response.data
    assert len(response.data["cdf"]) == 201 and response.data["probability"] is None
    detail = anon.get(f"/api/claims/{claim.pk}/").data
    assert detail["community_median"] == pytest.approx(0.75, abs=0.01)
    raw = list(np.linspace(0, 0.95, 201))
    assert bob_client.post(url, {"cdf": raw}, format="json").status_code == 201
    date = make_open_claim(author=ann, moderator=mod, **DATE)
    ladder = {"by_date": [{"date": "2027-07-01", "p": 0.3}, {"date": "2028-01-01", "p": 0.7}]}
    response = bob_client.post(f"/api/claims/{date.pk}/forecasts/", ladder, format="json")
    assert response.status_code == 201, response.data
    choice = make_open_claim(author=ann, moderator=mod, **CHOICE)
    response = bob_client.post(f"/api/claims/{choice.pk}/forecasts/",
                               {"probabilities": [0.2, 0.3, 0.5]}, format="json")
    assert response.data["probabilities"] == pytest.approx([0.2, 0.3, 0.5])
    assert bob_client.delete(url).status_code == 200


def test_bad_forecasts_are_a_400_naming_the_field_and_store_nothing(ann, bob_client, mod):
    numeric = make_open_claim(author=ann, moderator=mod, **NUMERIC)
    date = make_open_claim(author=ann, moderator=mod, **DATE)
    choice = make_open_claim(author=ann, moderator=mod, **CHOICE)
    binary = make_open_claim(author=ann, moderator=mod)
    up = list(np.linspace(0, 0.95, 201))
    cases = [
        (numeric, {"cdf": up[:50] + [up[51], up[50]] + up[52:]}, "cdf"),  # not monotone
        (numeric, {"cdf": [0.0, 0.3] + list(np.linspace(0.3001, 0.95, 199))}, "cdf"),  # cap
        (numeric, {"cdf": up[:200]}, "cdf"),
        (numeric, {"quantiles": [{"value": 1.4, "p": 0.5}]}, "quantiles"),  # out of range
        (numeric, {"quantiles": [{"value": 0.7, "p": "half"}]}, "quantiles"),
        (numeric, {"probability": 0.5}, "probability"),
        (date, {"by_date": [{"date": "garbage", "p": 0.5}]}, "by_date"),
        (choice, {"probabilities": [0.2, 0.3, 0.4]}, "probabilities"),  # sums to 0.9
        (choice, {"probabilities": {"gen9": 1.0}}, "probabilities"),
        (binary, {"cdf": up}, "cdf"),
        (binary, {}, "probability"),
    ]
    for claim, body, field in cases:
        response = bob_client.post(f"/api/claims/{claim.pk}/forecasts/", body, format="json")
        assert response.status_code == 400, (body, response.data)
        assert field in response.data, (body, response.data)
    assert Forecast.objects.count() == 0


def test_admins_resolve_with_a_value_and_re_resolve(ann, bob_client, mod, mod_client):
    claim = make_open_claim(author=ann, moderator=mod, **NUMERIC)
    url = f"/api/claims/{claim.pk}/"
    assert mod_client.post(url + "resolve/", {"outcome": "yes"}, format="json"
                           ).status_code == 400
    below = mod_client.post(url + "resolve/", {"value": -0.5}, format="json")
    assert below.status_code == 400 and "value" in below.data  # the lower bound is closed
    above = mod_client.post(url + "resolve/", {"value": 1.2}, format="json")
    assert above.status_code == 200, above.data
    assert above.data["resolution"]["value"] == "above_upper_bound"
    assert mod_client.post(url + "unresolve/", {}, format="json").status_code == 200
    again = mod_client.post(url + "resolve/", {"value": "0.83"}, format="json")
    assert again.data["resolution"]["value"] == "0.83"
    assert [e["resolution"] for e in again.data["resolution_events"]] == [
        "above_upper_bound", "", "0.83"]
    choice = make_open_claim(author=ann, moderator=mod, **CHOICE)
    wrong = mod_client.post(f"/api/claims/{choice.pk}/resolve/", {"value": "gen5"},
                            format="json")
    assert wrong.status_code == 400 and "value" in wrong.data
    right = mod_client.post(f"/api/claims/{choice.pk}/resolve/", {"value": "gen4"},
                            format="json")
    assert right.data["resolution"]["value"] == "gen4"
    annulled = mod_client.post(f"/api/claims/{choice.pk}/unresolve/", {}, format="json")
    assert annulled.status_code == 200
    assert mod_client.post(f"/api/claims/{choice.pk}/annul/", {}, format="json"
                           ).data["resolution"]["outcome"] == "annulled"
