"""The claim page of an automatically resolved claim: the state in one sentence at the top,
the spec in words beside its JSON, the pending proposal first, the files that decided apart
from those set aside; the moderators' queue warns of a claim its spec would resolve today and
asks them to confirm; the proposer is warned on the preview."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bets.autoresolve import runs as autoresolve
from bets.claims.services import claim_propose
from bets.models import Claim, ClaimDryRun
from bets.web.autoresolve.evidence import file_groups
from tests.autoresolve.conftest import GAP_YES, UNKNOWN_MODEL, make_spec_claim
from tests.celery_worker import redis_flush

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_queue():
    redis_flush()
    yield
    redis_flush()


@pytest.fixture
def mod_client(client, mod):
    client.force_login(mod)
    return client


@pytest.fixture
def ann_client(client, ann):
    client.force_login(ann)
    return client


def _day(moment) -> str:
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%b}"


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))


def test_a_proposed_claim_says_its_state_numbers_and_final_day_in_one_sentence_at_the_top(
        ann, mod, client):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    attempt = autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:a")
    proposal = attempt.proposal
    page = client.get(claim.get_absolute_url()).content.decode()
    head = page[page.index('<header class="claim-head">'):]
    head = _text(head[:head.index("</header>")])
    assert (f"Automatic resolution: Proposed YES on {_day(proposal.created_at)} from 2 logs: "
            "gen2 cot 0.70 \u00b1 0.11 vs snap 0.45 \u00b1 0.11, gap 0.25 \u2265 0.10. Final "
            f"on {_day(proposal.finalize_after)} unless disputed.") in head
    # The criteria say in words what the spec decides, not only "per the spec below".
    assert ("The resolver spec, in words: YES when mockllm/gen2's accuracy under cot exceeds "
            "its accuracy under snap by at least 0.10") in _text(page)
    # The pending proposal opens the resolution panel, before the spec and the attempts.
    panel = page[page.index('id="resolution"'):]
    assert panel.index("Proposed outcome") < panel.index("What the resolver reads") \
        < panel.index("Resolver attempts")
    words = _text(panel[:panel.index("Resolver spec (JSON)")])
    assert "only runs of task arith on dataset arith-20 count" in words
    assert "cot: runs whose solver plan includes chain_of_thought" in words
    assert "snap: runs whose solver plan is exactly generate" in words
    assert "The measured value itself is compared with 0.10" in words
    # 9 logs read; the 2 that decided apart from the 7 set aside, each with why.
    decided = panel[panel.index("Files that decided"):panel.index("Files read and set aside")]
    used = sorted(log["locator"] for log in attempt.evidence["logs"])
    assert len(used) == 2 and len(attempt.evidence["files"]) == 9
    assert sorted(re.findall(r"<code>(data:[^<]+)</code>", decided)) == used
    aside = panel[panel.index("Files read and set aside"):]
    aside = aside[:aside.index("</table>")]
    assert len(re.findall(r"<code>data:", aside)) == 7
    # Each with the reason the resolver gave (another model, another condition, superseded).
    reasons = [a["reason"] for a in attempt.evidence["set_aside"]]
    assert len(reasons) == 7 and "not used by the spec" not in aside
    assert all(html.escape(reason) in aside for reason in reasons)
    # The tables scroll inside their box.
    assert page.count('<div class="table-scroll" tabindex="0" role="region" '
                      'aria-label="Files that decided') == 1


def test_an_undecided_run_says_why_and_a_claim_not_yet_run_says_when_it_may_be(ann, mod,
                                                                                client):
    claim = make_spec_claim(author=ann, moderator=mod, spec=UNKNOWN_MODEL)
    attempt = autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:a")
    head = _text(client.get(claim.get_absolute_url()).content.decode())
    assert (f"Undecided on {_day(attempt.finished_at)}: no log for model mockllm/gen9") in head

    later = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False)
    page = _text(client.get(later.get_absolute_url()).content.decode())
    assert ("Waiting for its first run: the resolver may decide from "
            f"{_day(later.resolve_after)}.") in page
    ClaimDryRun.objects.create(claim=later, verdict="yes", reason="cot-snap gap 0.25 >= 0.1",
                               key="k", checked_at=timezone.now(), changed_at=timezone.now())
    page = _text(client.get(later.get_absolute_url()).content.decode())
    assert "Would resolve as YES today: cot-snap gap 0.25 >= 0.1." in page


def test_files_set_aside_say_why_from_the_report_or_from_what_older_attempts_recorded():
    files = [{"locator": f"data:{n}.eval", "sha256": n * 8, "bytes": 10} for n in "abcde"]
    older = {"files": files, "logs": [{"locator": "data:a.eval"}],
             "refused": [{"locator": "data:b.eval", "status": "error", "problems": ["failed"]}],
             "selection": ["2 logs matched m cot: used the newest completed, data:a.eval "
                           "(completed 2); ignored data:c.eval (completed 1), data:d.eval "
                           "(completed 3; 19 of 20 samples)"]}
    decided, aside = file_groups(older)
    assert [f["locator"] for f in decided] == ["data:a.eval"]
    assert {f["locator"]: f["reason"] for f in aside} == {
        "data:b.eval": "refused: status error (failed)",
        "data:c.eval": "superseded by a newer run of the same model and condition",
        "data:d.eval": "refused: 19 of 20 samples",
        "data:e.eval": "not used by the spec"}
    told = {**older, "set_aside": [{"file": "data:a.eval", "reason": "partial: limit=10"}]}
    decided, aside = file_groups(told)
    assert decided == [] and aside[0]["reason"] == "partial: limit=10"
    assert file_groups({"files": "junk", "logs": None}) == ([], [])


def _proposed(ann, spec, title):
    now = timezone.now()
    return claim_propose(author=ann, title=title, statement="s", resolution_criteria="r",
                         open_time=now - timedelta(days=1), close_time=now + timedelta(days=9),
                         resolve_after=now + timedelta(days=9), resolver_spec=spec)


def test_a_moderator_must_confirm_approving_a_claim_its_spec_would_resolve_today(mod_client,
                                                                                  ann):
    known = _proposed(ann, GAP_YES, "Known already")
    unknown = _proposed(ann, UNKNOWN_MODEL, "Not known yet")
    queue = _text(mod_client.get(reverse("moderation")).content.decode())
    assert queue.count("Would resolve as YES today") == 1
    assert "Would resolve as YES today: cot-snap gap 0.25 >= 0.1" in queue

    refused = mod_client.post(reverse("claim-approve", args=[known.pk]), {"note": "fine"})
    assert refused.status_code == 400
    page = refused.content.decode()
    error = re.search(rf'<p class="error" id="confirm-{known.pk}-error" role="alert">([^<]+)',
                      page)
    assert error and "would resolve it as YES today: tick the box" in error.group(1)
    assert 'value="fine"' in page  # the note typed is kept
    known.refresh_from_db()
    assert known.status == Claim.Status.PROPOSED

    mod_client.post(reverse("claim-approve", args=[known.pk]),
                    {"note": "fine", "confirm_decided": "on"})
    mod_client.post(reverse("claim-approve", args=[unknown.pk]))  # undecided: no box needed
    known.refresh_from_db()
    unknown.refresh_from_db()
    assert (known.status, unknown.status) == (Claim.Status.OPEN, Claim.Status.OPEN)


def test_the_proposer_is_warned_on_the_preview_when_the_spec_would_resolve_today(ann_client):
    form = {"title": "Known", "statement": "s", "resolution_criteria": "r",
            "resolver_spec": json.dumps(GAP_YES), "preview": "1"}
    page = _text(ann_client.post(reverse("claim-propose"), form).content.decode())
    assert "Its resolver spec would resolve this claim as YES today: cot-snap gap" in page
    form["resolver_spec"] = json.dumps(UNKNOWN_MODEL)
    page = _text(ann_client.post(reverse("claim-propose"), form).content.decode())
    assert "would resolve this claim as" not in page
    assert Claim.objects.count() == 0
