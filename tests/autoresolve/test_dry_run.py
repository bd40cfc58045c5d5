"""Scheduled dry runs: every open claim with a spec says what it would resolve as today,
with the time of the check, on its page, in the claim list and in the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from bets.autoresolve import bridge
from bets.autoresolve.dryrun import claims_dry_run, dry_run_sweep
from bets.models import ClaimDryRun, ResolutionAttempt, ResolutionProposal
from tests.autoresolve.conftest import GAP_YES, THRESHOLD_NO, UNKNOWN_MODEL, make_spec_claim
from tests.celery_worker import wait_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_queue")]



@pytest.fixture(autouse=True)
def fresh_verdicts():
    """Each test starts without remembered verdicts, so its parse counts are its own."""
    from bets.autoresolve import dryrun

    dryrun._VERDICTS.clear()


def test_a_dry_run_stores_the_verdict_and_proposes_nothing(ann, mod):
    yes = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False, title="yes")
    no = make_spec_claim(author=ann, moderator=mod, spec=THRESHOLD_NO, due=False, title="no")
    undecided = make_spec_claim(author=ann, moderator=mod, spec=UNKNOWN_MODEL, due=False)
    assert claims_dry_run(claim_ids=[yes.pk, no.pk, undecided.pk]) == 3
    got = {r.claim_id: r.verdict for r in ClaimDryRun.objects.all()}
    assert got == {yes.pk: "yes", no.pk: "no", undecided.pk: "inconclusive"}
    assert not ResolutionAttempt.objects.exists() and not ResolutionProposal.objects.exists()


def test_an_unchanged_spec_and_unchanged_files_keep_the_time_of_the_last_change(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False)
    first = timezone.now() - timedelta(hours=2)
    claims_dry_run(claim_ids=[claim.pk], now=first)
    claims_dry_run(claim_ids=[claim.pk], now=first + timedelta(hours=1))
    row = ClaimDryRun.objects.get()
    assert (row.changed_at, row.checked_at) == (first, first + timedelta(hours=1))
    assert len(row.key) == 64


def test_each_log_is_parsed_once_however_many_claims_read_it(ann, mod):
    claims = [make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False,
                              title=f"c{i}") for i in range(5)]
    claims_dry_run(claim_ids=[c.pk for c in claims])
    assert bridge.shared_cache().parses == 9  # the nine logs the glob matches


def test_the_claim_page_list_and_api_say_what_it_would_resolve_as_today(ann, mod, client):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False)
    claims_dry_run(claim_ids=[claim.pk])
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "would resolve as YES today" in page and "(checked " in page
    listing = client.get("/").content.decode()
    assert "would resolve as YES today" in listing
    api = APIClient()
    detail = api.get(f"/api/claims/{claim.pk}/").json()
    assert detail["would_resolve"]["verdict"] == "yes"
    assert "cot-snap gap" in detail["would_resolve"]["reason"]
    [row] = [c for c in api.get("/api/claims/").json()["results"] if c["id"] == claim.pk]
    assert row["would_resolve"]["verdict"] == "yes"


def test_a_claim_never_dry_run_shows_nothing_and_the_api_says_null(ann, mod, client):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False)
    assert "would resolve as" not in client.get(claim.get_absolute_url()).content.decode()
    assert APIClient().get(f"/api/claims/{claim.pk}/").json()["would_resolve"] is None


def test_the_beat_sweep_dry_runs_every_open_claim_through_a_real_worker(
        transactional_db, celery_worker, ann, mod, settings):
    claims = [make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False,
                              title=f"c{i}") for i in range(3)]
    assert dry_run_sweep(batch=2) == 3
    wait_for(lambda: ClaimDryRun.objects.count() == 3, timeout=60,
             message="dry runs never arrived:\n" + celery_worker.log()[-2000:])
    assert {r.claim_id for r in ClaimDryRun.objects.all()} == {c.pk for c in claims}


def test_a_changed_file_is_a_new_key_and_a_fresh_verdict(ann, mod, settings, tmp_path):
    import shutil

    from bets.autoresolve import dryrun

    shutil.copytree(settings.CRUX_DATA_DIR / "good", tmp_path / "data" / "good")
    settings.CRUX_DATA_DIR = tmp_path / "data"
    settings.CRUX_DRY_RUN_GLOB_SECONDS = 0
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False)
    claims_dry_run(claim_ids=[claim.pk])
    first = ClaimDryRun.objects.get()
    victim = sorted((tmp_path / "data" / "good").glob("*.eval"))[0]
    victim.write_bytes(b"not a log any more")
    claims_dry_run(claim_ids=[claim.pk])
    second = ClaimDryRun.objects.get()
    assert second.key != first.key and second.changed_at > first.changed_at
    assert second.verdict in ("yes", "inconclusive") and len(dryrun._VERDICTS) >= 2
