"""Schedules: a spec re-run every N days until resolve_after. Each slot's run measures and
never proposes; the run due at or after resolve_after decides. Time is driven through the
sweep's `now=`, never by sleeping."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from bets.autoresolve import runs as autoresolve
from bets.autoresolve.evidence.artifacts import artifact_upload
from bets.autoresolve.schedules import schedule_sweep
from bets.claims.arbiters import claim_arbiters_set
from bets.claims.services import claim_approve, claim_edit, claim_propose
from bets.common.errors import InvalidInput
from bets.models import Claim, ResolutionAttempt, ResolutionProposal
from tests.autoresolve.conftest import CONDITIONS, GAP_YES
from tests.celery_worker import dead_port, publishing_to
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("empty_queue")
DAY = timedelta(days=1)


def scheduled(spec: dict, every_days=1) -> dict:
    return {**spec, "schedule": {"every_days": every_days}}


def propose(author, spec, *, periods: float = 3, start=None) -> Claim:
    start = start or timezone.now().replace(microsecond=0)
    return claim_propose(
        author=author, title="Chain of thought keeps helping gen2",
        statement="Measured every day.", resolution_criteria="Per the resolver spec.",
        open_time=start, close_time=start + periods * DAY,
        resolve_after=start + periods * DAY, resolver_spec=spec)


def open_claim(author, moderator, spec, **kwargs) -> Claim:
    claim = propose(author, spec, **kwargs)
    return claim_approve(claim_id=claim.pk, moderator=moderator)


def sweep_and_run(at) -> list[ResolutionAttempt]:
    """One sweep at `at`, then each published run as a worker would run it."""
    return [autoresolve.claim_run_resolver(claim_id=claim_id, run_key=key)
            for claim_id, key in autoresolve.resolver_sweep(now=at)]


# --- the spec field ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("schedule", "words"), [
    ({"every_days": 0}, "schedule.every_days: expected 1 to"),
    ({"every_days": -3}, "schedule.every_days: expected 1 to"),
    ({"every_days": 1.5}, "schedule.every_days: expected a whole number"),
    ({"every_days": "7"}, "schedule.every_days: expected a whole number"),
    ({"every_days": True}, "schedule.every_days: expected a whole number"),
    ({}, "schedule.every_days: required field is missing"),
    ({"every_days": 2, "hours": 3}, "schedule.hours: unknown field"),
    ([7], "schedule: expected an object"),
])
def test_a_bad_schedule_is_refused_at_proposal_naming_the_field(ann, schedule, words):
    with pytest.raises(InvalidInput) as refused:
        propose(ann, {**GAP_YES, "schedule": schedule})
    assert refused.value.field == "resolver_spec" and words in refused.value.message
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_a_schedule_with_more_runs_than_the_cap_is_refused_and_says_what_would_fit(ann,
                                                                                   settings):
    settings.CRUX_SCHEDULE_MAX_RUNS = 10
    with pytest.raises(InvalidInput) as refused:
        propose(ann, scheduled(GAP_YES, 1), periods=30)
    message = refused.value.message
    assert message.startswith("schedule.every_days:") and "makes 30 runs" in message
    assert "at most 10" in message and "at least 3" in message
    assert propose(ann, scheduled(GAP_YES, 3), periods=30).resolver_schedule_next_at


@pytest.mark.django_db
def test_the_api_refuses_a_bad_schedule_with_a_400_naming_the_field(ann_client):
    start = timezone.now()
    response = ann_client.post("/api/claims/", {
        "title": "Scheduled", "statement": "s", "resolution_criteria": "r",
        "open_time": start.isoformat(), "close_time": (start + DAY).isoformat(),
        "resolve_after": (start + DAY).isoformat(),
        "resolver_spec": {**GAP_YES, "schedule": {"every_days": 0}}},
        content_type="application/json")
    assert response.status_code == 400
    assert "schedule.every_days" in str(response.json())


# --- the runs ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_three_periods_make_three_measurements_that_never_propose_then_one_deciding_run(ann,
                                                                                        mod):
    claim = open_claim(ann, mod, scheduled(GAP_YES), periods=3)
    start = claim.open_time
    measured = []
    for slot in range(3):
        at = start + slot * DAY + timedelta(minutes=1)
        [attempt] = sweep_and_run(at)
        assert autoresolve.resolver_sweep(now=at) == []  # the slot is taken: nothing twice
        measured.append(attempt)
        assert (attempt.schedule_slot, attempt.status, attempt.verdict) == (slot, "decided",
                                                                            "yes")
        assert not ResolutionProposal.objects.exists()
        claim.refresh_from_db()
        assert claim.resolver_lease_until is None and claim.resolver_next_run_at is None
    assert claim.resolver_schedule_next_at is None  # no slot left before resolve_after
    [deciding] = sweep_and_run(start + 3 * DAY + timedelta(minutes=1))
    assert deciding.schedule_slot is None and deciding.verdict == "yes"
    assert autoresolve.resolver_sweep(now=start + 3 * DAY + timedelta(hours=2)) == []
    [proposal] = ResolutionProposal.objects.all()
    assert proposal.attempt_id == deciding.pk
    assert all(not hasattr(a, "proposal") or a.proposal is None for a in
               ResolutionAttempt.objects.filter(schedule_slot__isnull=False))
    assert ResolutionAttempt.objects.count() == 4


@pytest.mark.django_db
def test_missed_periods_collapse_into_one_run_of_the_newest_due_slot(ann, mod):
    claim = open_claim(ann, mod, scheduled(GAP_YES), periods=5)
    start = claim.open_time
    [first] = sweep_and_run(start + timedelta(hours=1))
    # Workers down for three periods: the sweep that comes back runs once, for slot 3.
    [late] = sweep_and_run(start + 3 * DAY + timedelta(hours=5))
    assert (first.schedule_slot, late.schedule_slot) == (0, 3)
    assert autoresolve.resolver_sweep(now=start + 3 * DAY + timedelta(hours=6)) == []
    claim.refresh_from_db()
    assert claim.resolver_schedule_next_at == start + 4 * DAY
    # Past resolve_after, a slot that never ran is not run: the deciding run takes over.
    [deciding] = sweep_and_run(start + 9 * DAY)
    assert deciding.schedule_slot is None
    assert sorted(ResolutionAttempt.objects.values_list("schedule_slot", flat=True),
                  key=lambda s: -1 if s is None else s) == [None, 0, 3]
    assert ResolutionProposal.objects.get().attempt_id == deciding.pk


@pytest.mark.django_db
def test_a_slot_whose_run_could_not_be_published_is_given_back_for_the_next_sweep(ann, mod):
    claim = open_claim(ann, mod, scheduled(GAP_YES), periods=3)
    at = claim.open_time + timedelta(hours=1)
    with publishing_to(f"redis://127.0.0.1:{dead_port()}/0"):  # the broker refuses
        assert schedule_sweep(now=at) == []
    claim.refresh_from_db()
    assert claim.resolver_schedule_next_at == claim.open_time  # slot 0 is due again
    assert not ResolutionAttempt.objects.exists()
    [attempt] = sweep_and_run(at)
    assert attempt.schedule_slot == 0 and attempt.status == "decided"


@pytest.mark.django_db
def test_a_proposed_claim_is_not_measured_until_approved_and_then_once(ann, mod):
    claim = propose(ann, scheduled(GAP_YES), periods=4)
    assert autoresolve.resolver_sweep(now=claim.open_time + 2 * DAY) == []
    claim_approve(claim_id=claim.pk, moderator=mod)
    [attempt] = sweep_and_run(claim.open_time + 2 * DAY)
    assert attempt.schedule_slot == 2


@pytest.mark.django_db
def test_a_slot_delivered_twice_is_recorded_once_and_the_database_refuses_a_second_row(ann,
                                                                                      mod):
    claim = open_claim(ann, mod, scheduled(GAP_YES), periods=2)
    [(claim_id, key)] = autoresolve.resolver_sweep(now=claim.open_time)
    first = autoresolve.claim_run_resolver(claim_id=claim_id, run_key=key)
    assert autoresolve.claim_run_resolver(claim_id=claim_id, run_key=key) is None
    assert ResolutionAttempt.objects.filter(claim=claim).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        ResolutionAttempt.objects.create(claim=claim, trigger="scheduled", run_key="other",
                                         spec=claim.resolver_spec, schedule_slot=0)
    assert first.schedule_slot == 0


@pytest.mark.django_db
def test_an_edit_that_starts_the_schedule_again_never_reruns_a_slot_that_ran(ann, mod):
    claim = open_claim(ann, mod, scheduled(GAP_YES), periods=3)
    sweep_and_run(claim.open_time + timedelta(minutes=5))
    claim_edit(claim_id=claim.pk, editor=ann, changes={"fine_print": "Clarified."})
    assert sweep_and_run(claim.open_time + timedelta(minutes=6)) == [None]
    assert ResolutionAttempt.objects.filter(schedule_slot=0).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_on_postgresql_run_each_slot_once(ann, mod):
    assert connection.vendor == "postgresql"
    claims = [open_claim(ann, mod, scheduled(GAP_YES), periods=3) for _ in range(20)]
    at = max(c.open_time for c in claims) + DAY + timedelta(minutes=1)
    barrier, results = threading.Barrier(2), []

    def sweep():
        try:
            barrier.wait()
            results.append(autoresolve.resolver_sweep(now=at))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    keys = sorted(key for result in results for _, key in result)
    assert keys == sorted(f"claim:{c.pk}:schedule:1" for c in claims)


# --- the chart and the API -----------------------------------------------------------------


def _points(html: str) -> int:
    return html.count('<circle class="point')


def measurements_section(html: str) -> str:
    section = html[html.index('id="measurements"'):]
    return section[:section.index("</div>")]


@pytest.mark.django_db
def test_the_claim_page_charts_each_run_with_the_bar_and_a_table(ann, mod, client):
    claim = open_claim(ann, mod, scheduled(GAP_YES), periods=2)
    for at in (claim.open_time, claim.open_time + DAY, claim.open_time + 2 * DAY):
        sweep_and_run(at + timedelta(minutes=1))
    section = measurements_section(client.get(f"/claims/{claim.pk}/").content.decode())
    assert "every 1 day from the open time" in section
    assert _points(section) == 3 and 'class="threshold"' in section
    assert 'aria-label="cot - snap gap over 3 runs: mockllm/gen2 from 0.25 to 0.25' in section
    assert "<title>mockllm/gen2, #1 " in section and "(scheduled measurement): 0.25" in section
    assert "Run (oldest first, UTC date)" in section
    table = section[section.index("<table"):section.index("</table>")]
    assert table.count("<tr>") == 4 and "resolution run (proposed)" in table
    assert "<script" not in section


@pytest.mark.django_db
def test_the_api_gives_the_same_series_with_each_runs_kind(ann, mod, client):
    claim = open_claim(ann, mod, scheduled(GAP_YES), periods=1)
    sweep_and_run(claim.open_time)
    sweep_and_run(claim.open_time + DAY)
    data = client.get(f"/api/claims/{claim.pk}/measurements/").json()
    assert [(r["kind"], r["slot"], r["verdict"], r["proposed"]) for r in data["runs"]] == [
        ("scheduled", 0, "yes", False), ("resolution", None, "yes", True)]
    assert data["bar"] == 0.1 and data["what"] == "cot - snap gap"
    [series] = data["series"]
    assert series["label"] == "mockllm/gen2"
    assert [round(p["value"], 6) for p in series["points"]] == [0.25, 0.25]
    attempts = client.get(f"/api/claims/{claim.pk}/attempts/").json()
    assert sorted(a["schedule_slot"] is None for a in attempts) == [False, True]
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/claims/{id}/measurements/" in schema["paths"]


@pytest.mark.django_db
def test_private_measurements_stay_off_the_chart_for_anyone_but_the_evidence_readers(
        ann, mod, eval_dir):
    lab, arb, bob = make_user("lab"), make_user("arb"), make_user("bob")
    logs = sorted((Path(eval_dir) / "good").glob("*.eval"))
    spec = {**GAP_YES, "source": {**GAP_YES["source"], "conditions": CONDITIONS,
                                  "location": [{"artifact": p.name} for p in logs]}}
    claim = open_claim(lab, mod, scheduled(spec), periods=2)
    claim_arbiters_set(claim_id=claim.pk, actor=lab, usernames=["arb"])
    for path in logs:
        artifact_upload(claim_id=claim.pk, uploader=lab, name=path.name,
                        file=SimpleUploadedFile(path.name, path.read_bytes()),
                        visibility="private")
    sweep_and_run(claim.open_time)
    sweep_and_run(claim.open_time + DAY)

    def seen(user):
        c = Client()
        if user:
            c.force_login(user)
        page = c.get(f"/claims/{claim.pk}/").content.decode()
        return measurements_section(page), c.get(
            f"/api/claims/{claim.pk}/measurements/").json()

    for reader in (arb, mod):
        section, data = seen(reader)
        assert _points(section) == 2 and data["series"] and not data["withheld"]
    for outsider in (None, bob):
        section, data = seen(outsider)
        assert _points(section) == 0 and "0.25" not in section and "gen2" not in section
        assert data["series"] == [] and data["bar"] is None
        assert [(r["verdict"], r["withheld"]) for r in data["runs"]] == [("yes", True)] * 2
        assert "2 of 2 runs read evidence that is not public to you" in data["withheld"]
        assert "withheld" in section
