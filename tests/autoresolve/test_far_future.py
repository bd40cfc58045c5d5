"""Far-future times: refused at input with the field and why; a claim that already has one
(stored before they were refused) still shows its page, and its resolver run is recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from bets.autoresolve import runs as autoresolve
from bets.claims.services import claim_propose
from bets.common.errors import InvalidInput
from bets.models import Claim, ResolutionAttempt
from tests.autoresolve.conftest import GAP_YES, UNKNOWN_MODEL, make_spec_claim
from tests.celery_worker import redis_flush

pytestmark = pytest.mark.django_db
FAR = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def empty_queue():
    redis_flush()
    yield
    redis_flush()


def _fields(**times) -> dict:
    now = timezone.now()
    return {"title": "Far", "statement": "s", "resolution_criteria": "c",
            "open_time": now, "close_time": now + timedelta(days=1),
            "resolve_after": now + timedelta(days=2), "resolver_spec": GAP_YES, **times}


@pytest.mark.parametrize("field", ["close_time", "resolve_after"])
def test_the_service_refuses_a_time_it_cannot_add_its_deadlines_to(ann, field):
    with pytest.raises(InvalidInput) as e:
        claim_propose(author=ann, **_fields(**{field: FAR}))
    assert e.value.field == field
    assert "too far in the future" in e.value.message
    assert not Claim.objects.exists()


def test_the_propose_form_names_the_field_and_why(ann):
    client = Client()
    client.force_login(ann)
    now = timezone.now()
    response = client.post("/claims/new/", {
        "title": "Far", "statement": "s", "resolution_criteria": "c",
        "open_time": now.strftime("%Y-%m-%dT%H:%M"),
        "close_time": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "resolve_after": "9999-12-31T23:00", "resolver_spec": "",
    })
    assert response.status_code == 400
    form = response.context["form"]
    assert "too far in the future" in " ".join(form.errors["resolve_after"])
    assert not Claim.objects.exists()


def test_the_api_names_the_field_and_why(ann):
    client = APIClient()
    client.force_authenticate(ann)
    now = timezone.now()
    response = client.post("/api/claims/", {
        "title": "Far", "statement": "s", "resolution_criteria": "c",
        "open_time": now.isoformat(), "close_time": (now + timedelta(days=1)).isoformat(),
        "resolve_after": "9999-12-31T23:00:00Z"}, format="json")
    assert response.status_code == 400
    assert "resolve_after" in str(response.json())
    assert not Claim.objects.exists()


@pytest.fixture
def far_claim(ann, mod):
    """A claim stored with a year-9999 resolve_after before such times were refused."""
    claim = make_spec_claim(author=ann, moderator=mod, spec=UNKNOWN_MODEL)
    Claim.objects.filter(pk=claim.pk).update(resolve_after=FAR, close_time=FAR)
    return Claim.objects.get(pk=claim.pk)


def test_the_page_of_a_claim_with_a_far_future_time_answers(far_claim, ann):
    client = Client()
    client.force_login(ann)
    for url in (far_claim.get_absolute_url(), f"/claims/{far_claim.pk}/resolution/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"cannot be computed" in response.content


def test_its_resolver_run_is_recorded_not_crashed(far_claim):
    attempt = autoresolve.claim_run_resolver(claim_id=far_claim.pk,
                                             run_key=f"claim:{far_claim.pk}:manual:x")
    assert attempt.status == ResolutionAttempt.Status.INCONCLUSIVE
    assert "no log for model mockllm/gen9" in attempt.reason


def test_a_run_whose_recording_crashes_is_failed_with_its_error(ann, mod, monkeypatch):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)

    def boom(*args, **kwargs):
        raise OverflowError("date value out of range")

    monkeypatch.setattr(autoresolve, "_propose", boom)
    attempt = autoresolve.claim_run_resolver(claim_id=claim.pk,
                                             run_key=f"claim:{claim.pk}:manual:y")
    assert attempt.status == ResolutionAttempt.Status.FAILED_PERMANENT
    assert "OverflowError: date value out of range" in attempt.error
    # The sweep will not later call it "never picked up by a worker".
    autoresolve.resolver_sweep(now=timezone.now() + timedelta(days=1))
    attempt.refresh_from_db()
    assert "never picked up" not in attempt.error
