"""A live run's progress bar on the claim page fills from the API without a reload, the page
reloads once when the run ends, and an admin cancels the run with the page's button."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from bets.models import Endpoint, LiveProgress, LiveRun, LiveShard, ResolutionAttempt
from tests.browser.conftest import login
from tests.celery_worker import wait_for
from tests.factories import make_open_claim, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def running_claim():
    Endpoint.objects.create(name="stub", base_url="http://127.0.0.1:9/v1",
                            served_models=["gen2"], allow_private=True)
    spec = {"source": {"kind": "inspect_run", "task": "arith", "endpoint": "stub",
                       "models": ["gen2"], "conditions": ["cot"], "limit": 10},
            "criterion": {"kind": "threshold", "model": "gen2", "condition": "cot",
                          "metric": "accuracy", "at_least": 0.5}}
    mod = make_user("mod", staff=True)
    claim = make_open_claim(author=make_user("ann"), moderator=mod, resolver_spec=spec)
    attempt = ResolutionAttempt.objects.create(claim=claim, trigger="manual", run_key="k",
                                               spec=spec)
    run = LiveRun.objects.create(attempt=attempt, claim=claim, log_dir="/nonexistent",
                                 shards=1, deadline_at=timezone.now() + timedelta(hours=1))
    shard = LiveShard.objects.create(run=run, index=0, start=0, end=10, status="running")
    progress = LiveProgress.objects.create(shard=shard, model="gen2", condition="cot", done=2,
                                           total=10, tokens=40)
    return claim, run, progress


def test_the_progress_bar_fills_without_a_reload_and_reloads_once_when_done(live_server,
                                                                              page):
    claim, run, progress = running_claim()
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    assert page.text_content("[data-live=done]") == "2"
    page.evaluate("window.crux_same_page = true")
    LiveProgress.objects.filter(pk=progress.pk).update(done=7, tokens=140)
    expect(page.locator("[data-live=done]")).to_have_text("7")
    assert page.evaluate("window.crux_same_page") is True  # updated in place
    assert page.eval_on_selector("[data-live=bar]", "bar => bar.value") == 7
    assert page.text_content("[data-live=tokens]") == "140"
    LiveProgress.objects.filter(pk=progress.pk).update(done=10)
    LiveRun.objects.filter(pk=run.pk).update(status="finished", finished_at=timezone.now())
    # Reloaded once to show the outcome: the marker set on the old page is gone.
    def reloaded() -> bool:
        try:
            return page.evaluate("window.crux_same_page === undefined")
        except PlaywrightError:  # mid-navigation: ask again
            return False

    wait_for(reloaded, timeout=15, message="the page did not reload when the run finished")
    expect(page.locator("[data-live=status]")).to_have_text("finished")


def test_an_admin_cancels_a_live_run_from_the_claim_page(live_server, page):
    claim, run, _ = running_claim()
    login(page, live_server, "mod")
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    page.click("text=Cancel this run")
    page.wait_for_selector("text=The live run was cancelled.")
    run.refresh_from_db()
    assert run.status == "cancelled"
    assert ResolutionAttempt.objects.get(claim=claim).status == "inconclusive"
