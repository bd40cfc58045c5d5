"""Resolution races on real PostgreSQL, and scoring by a real Celery worker exactly once."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection

from bets.claims.forecasts import forecast_submit
from bets.claims.resolution import claim_resolve, claim_unresolve
from bets.common.errors import Conflict
from bets.models import Claim, ResolutionEvent, Score
from bets.scoring.services import claim_compute_scores
from bets.scoring.tasks import claim_score_task
from tests.celery_worker import wait_for
from tests.factories import make_open_claim, make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]



@pytest.fixture
def mod(transactional_db):
    return make_user("mod", staff=True)


@pytest.fixture
def forecasters(transactional_db):
    return [make_user(name) for name in ("ann", "bob", "cat")]


def forecast_claim(mod, forecasters, title="Race") -> Claim:
    claim = make_open_claim(author=mod, moderator=mod, title=title, opened_ago=timedelta(days=2))
    for i, (user, p) in enumerate(zip(forecasters, (0.8, 0.3, 0.55), strict=True)):
        forecast_submit(
            claim_id=claim.pk,
            participant=user,
            probability=p,
            now=claim.open_time + timedelta(hours=i + 1),
        )
    return claim


def race(claim_id: int, mod, outcomes: list[str]) -> list[str]:
    """Resolve from one thread per outcome, released together by a barrier."""
    barrier = threading.Barrier(len(outcomes))
    results: list[str] = [""] * len(outcomes)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            claim_resolve(claim_id=claim_id, outcome=outcomes[i], actor=mod)
            results[i] = "resolved"
        except Conflict:
            results[i] = "conflict"
        except Exception as exc:  # reported by the assertion below, not swallowed
            results[i] = repr(exc)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(outcomes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def scored(claim_id: int) -> Claim | None:
    claim = Claim.objects.get(pk=claim_id)
    done = claim.scored_seq == claim.resolution_seq and claim.status == Claim.Status.RESOLVED
    return claim if done else None


def score_values(claim_id: int) -> dict[str, tuple]:
    return {
        s.participant.username: (s.baseline, s.peer, s.coverage, s.brier, s.log, s.resolution_seq)
        for s in Score.objects.filter(claim_id=claim_id).select_related("participant")
    }


@pytest.mark.parametrize("round_", range(3))
def test_of_two_concurrent_resolutions_exactly_one_wins_and_scores_are_written_once(
    celery_worker, mod, forecasters, round_
):
    claim = forecast_claim(mod, forecasters)

    results = race(claim.pk, mod, ["yes", "no"])

    assert sorted(results) == ["conflict", "resolved"], results
    assert ResolutionEvent.objects.filter(claim=claim).count() == 1
    claim = wait_for(lambda: scored(claim.pk), message="the worker never scored the claim")
    assert claim.resolution_seq == claim.scored_seq == 1
    winner = "yes" if results[0] == "resolved" else "no"
    assert claim.outcome == winner
    assert Score.objects.filter(claim=claim).count() == len(forecasters)
    assert {v[-1] for v in score_values(claim.pk).values()} == {1}


def test_resolve_unresolve_resolve_no_replaces_every_score(celery_worker, mod, forecasters):
    claim = forecast_claim(mod, forecasters)
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    wait_for(lambda: scored(claim.pk), message="first resolution never scored")
    yes_scores = score_values(claim.pk)

    claim_unresolve(claim_id=claim.pk, actor=mod)
    assert not Score.objects.filter(claim=claim).exists()
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    claim = wait_for(lambda: scored(claim.pk), message="second resolution never scored")

    no_scores = score_values(claim.pk)
    assert claim.resolution_seq == claim.scored_seq == 3
    assert no_scores.keys() == yes_scores.keys() and len(no_scores) == len(forecasters)
    assert all(no_scores[u][-1] == 3 for u in no_scores)
    assert all(no_scores[u][:5] != yes_scores[u][:5] for u in no_scores)
    expected = claim_compute_scores(claim)
    for score in Score.objects.filter(claim=claim):
        assert score.peer == pytest.approx(expected[score.participant_id].peer, abs=1e-9)


def finished_score_tasks(worker) -> list[str]:
    return re.findall(
        r"Task bets\.tasks\.claim_score\[[^\]]+\] succeeded in [^:]+: (\w+)", worker.log()
    )


def test_the_same_scoring_task_delivered_twice_writes_scores_once(celery_worker, mod, forecasters):
    claim = forecast_claim(mod, forecasters)
    # Arrange a resolution without the service's own dispatch, so the only scoring tasks are
    # the two duplicates sent below.
    Claim.objects.filter(pk=claim.pk).update(
        status=Claim.Status.RESOLVED,
        outcome="yes",
        actual_resolve_time=claim.open_time + timedelta(days=1),
        resolution_seq=1,
    )

    claim_score_task.delay(claim.pk, 1)
    claim_score_task.delay(claim.pk, 1)

    results = wait_for(
        lambda: (r := finished_score_tasks(celery_worker)) and len(r) == 2 and r,
        message="both deliveries should finish",
    )
    assert sorted(results) == ["False", "True"]
    assert scored(claim.pk) is not None
    assert Score.objects.filter(claim=claim).count() == len(forecasters)
