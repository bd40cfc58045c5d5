"""A resolver spec holding an integer too large for a float (a 400-digit one) is bad input:
a 400 naming resolver_spec on the API and a form error on the pages, on proposal and on edit,
and nothing changes. It used to raise OverflowError inside the spec check: a 500."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bets.models import Claim
from tests.factories import client_for, make_open_claim

pytestmark = pytest.mark.django_db

HUGE = int("9" * 400)


def huge_spec() -> dict:
    return {
        "source": {"kind": "inspect_logs", "location": {"data": "gen*.eval"}},
        "criterion": {"kind": "threshold", "model": "mockllm/gen3", "metric": "accuracy",
                      "at_least": HUGE},
    }


def api_body() -> dict:
    now = timezone.now()
    return {"title": "A claim with a huge number", "statement": "It happens.",
            "resolution_criteria": "YES if so.", "open_time": now.isoformat(),
            "close_time": (now + timedelta(days=10)).isoformat(),
            "resolve_after": (now + timedelta(days=11)).isoformat(), "tags": ["llm"],
            "resolver_spec": huge_spec()}


def form_data() -> dict:
    now = timezone.now()
    return {"title": "A claim with a huge number", "statement": "It happens.",
            "resolution_criteria": "YES if so.", "fine_print": "", "tags": "",
            "open_time": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "close_time": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "resolve_after": (now + timedelta(days=6)).strftime("%Y-%m-%dT%H:%M"),
            "resolver_spec": json.dumps(huge_spec())}


@pytest.fixture
def ann_browser(client, ann):
    client.force_login(ann)
    return client


@pytest.fixture
def claim(ann, mod):
    return make_open_claim(author=ann, moderator=mod)


def _says_too_large(errors) -> None:
    text = " ".join(str(e) for e in errors)
    assert "criterion.at_least" in text and "too large" in text, text


def test_api_propose_with_a_400_digit_integer_in_the_spec_is_a_400(ann):
    response = client_for(ann).post("/api/claims/", api_body(), format="json")
    assert response.status_code == 400
    _says_too_large(response.json()["resolver_spec"])
    assert not Claim.objects.exists()


def test_api_edit_with_a_400_digit_integer_in_the_spec_is_a_400(ann, claim):
    response = client_for(ann).patch(f"/api/claims/{claim.pk}/edit/",
                                     {"resolver_spec": huge_spec()}, format="json")
    assert response.status_code == 400
    _says_too_large(response.json()["resolver_spec"])
    claim.refresh_from_db()
    assert claim.resolver_spec is None


def test_web_propose_with_a_400_digit_integer_in_the_spec_is_a_form_error(ann_browser):
    response = ann_browser.post(reverse("claim-propose"), form_data())
    assert response.status_code == 400
    _says_too_large(response.context["form"].errors["resolver_spec"])
    assert not Claim.objects.exists()


def test_web_edit_with_a_400_digit_integer_in_the_spec_is_a_form_error(ann_browser, claim):
    response = ann_browser.post(reverse("claim-edit", args=[claim.pk]), form_data())
    assert response.status_code == 400
    _says_too_large(response.context["form"].errors["resolver_spec"])
    claim.refresh_from_db()
    assert claim.resolver_spec is None and claim.title != "A claim with a huge number"
