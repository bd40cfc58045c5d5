"""Live-run progress on the claim page and in GET /api/attempts/{id}/, and an admin's cancel
from the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bets.models import LiveProgress, LiveRun, LiveShard, ResolutionAttempt
from tests.autoresolve.live.conftest import live_source
from tests.factories import make_open_claim

pytestmark = pytest.mark.django_db

GAP = {"kind": "gap", "model": "gen2", "a": "cot", "b": "snap", "metric": "accuracy",
       "min_gap": 0.1}


@pytest.fixture
def running(ann, mod, endpoint):
    spec = {"source": live_source(shards=2), "criterion": GAP}
    claim = make_open_claim(author=ann, moderator=mod, resolver_spec=spec)
    attempt = ResolutionAttempt.objects.create(claim=claim, trigger="manual",
                                               run_key="k", spec=spec)
    run = LiveRun.objects.create(attempt=attempt, claim=claim, log_dir="/nonexistent",
                                 shards=2, deadline_at=timezone.now() + timedelta(hours=1))
    LiveRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(seconds=30))
    for index, done in ((0, 10), (1, 5)):
        shard = LiveShard.objects.create(run=run, index=index, start=index * 10,
                                         end=index * 10 + 10, status="running")
        LiveProgress.objects.create(shard=shard, model="gen2", condition="cot", done=done,
                                    total=10, tokens=100 * done)
        LiveProgress.objects.create(shard=shard, model="gen2", condition="snap", done=0,
                                    total=10, tokens=0)
    return claim, attempt, run


def test_the_attempt_api_reports_progress_per_model_and_condition(running, anon):
    _, attempt, run = running
    live = anon.get(f"/api/attempts/{attempt.pk}/").json()["live"]
    assert (live["done"], live["total"], live["percent"], live["tokens"]) == (15, 40, 37.5, 1500)
    assert live["status"] == "running" and live["run"] == run.pk
    assert live["pairs"] == [
        {"model": "gen2", "condition": "cot", "done": 15, "total": 20, "tokens": 1500,
         "percent": 75.0},
        {"model": "gen2", "condition": "snap", "done": 0, "total": 20, "tokens": 0,
         "percent": 0.0}]
    assert 29 <= live["elapsed_seconds"] < 120
    assert live["eta_seconds"] == pytest.approx(live["elapsed_seconds"] * 25 / 15, rel=0.01)
    assert [s["status"] for s in live["shard_states"]] == ["running", "running"]


def test_an_attempt_without_a_live_run_has_no_progress(ann, mod, anon):
    claim = make_open_claim(author=ann, moderator=mod)
    attempt = ResolutionAttempt.objects.create(claim=claim, trigger="manual", run_key="x",
                                               spec={})
    assert anon.get(f"/api/attempts/{attempt.pk}/").json()["live"] is None


def test_the_claim_page_shows_the_progress_bar_and_loads_its_script(running):
    claim, attempt, _ = running
    page = Client().get(f"/claims/{claim.pk}/").content.decode()
    assert f'data-live-url="/api/attempts/{attempt.pk}/"' in page
    assert '<progress max="40" value="15"' in page
    assert 'src="/static/bets/js/live_progress.js" defer' in page
    assert "Cancel this run" not in page  # only admins see the button


def test_an_admin_cancels_from_the_page_and_the_attempt_says_why(running, mod):
    claim, attempt, run = running
    client = Client()
    client.force_login(mod)
    assert "Cancel this run" in client.get(f"/claims/{claim.pk}/").content.decode()
    response = client.post(f"/live-runs/{run.pk}/cancel/", {"next": f"/claims/{claim.pk}/"})
    assert response.status_code == 302
    run.refresh_from_db()
    attempt.refresh_from_db()
    assert run.status == "cancelled" and "cancelled by mod" in run.cancel_reason
    assert attempt.status == "inconclusive" and "cancelled by mod" in attempt.reason


def test_a_participant_cannot_cancel_a_run(running, ann):
    _, attempt, run = running
    client = Client()
    client.force_login(ann)
    client.post(f"/live-runs/{run.pk}/cancel/")
    run.refresh_from_db()
    assert run.status == "running"
    assert ResolutionAttempt.objects.get(pk=attempt.pk).status == "running"


def test_an_admin_cancels_running_runs_from_the_admin_and_a_finished_one_is_refused(running,
                                                                                   mod):
    from django.contrib.admin import helpers
    from django.urls import reverse

    _, attempt, run = running
    client = Client()
    client.force_login(mod)
    url = reverse("admin:bets_liverun_changelist")
    data = {"action": "cancel_runs", helpers.ACTION_CHECKBOX_NAME: [run.pk], "index": 0}
    done = client.post(url, data, follow=True).content.decode()
    run.refresh_from_db()
    assert run.status == "cancelled" and "from the admin" in run.cancel_reason
    assert "Cancelled 1 live run(s)." in done
    again = client.post(url, data, follow=True).content.decode()
    assert "only a running run can be cancelled" in again
