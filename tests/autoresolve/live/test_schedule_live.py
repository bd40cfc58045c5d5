"""A scheduled live run end to end: the sweep publishes a measurement slot, a real worker runs
the benchmark against the stub endpoint and records it without proposing, and the run due at
resolve_after decides."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bets.autoresolve.runs import resolver_sweep
from bets.claims.services import claim_approve, claim_propose
from bets.models import Claim, LiveRun, ResolutionAttempt, ResolutionProposal
from tests.autoresolve.live.conftest import live_source
from tests.celery_worker import wait_for
from tests.factories import make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
FINISHED = (ResolutionAttempt.Status.DECIDED, ResolutionAttempt.Status.INCONCLUSIVE)


def test_a_scheduled_live_run_measures_on_the_worker_and_only_the_run_at_resolve_after_decides(
        evals_worker, endpoint):
    evals_worker()
    start = timezone.now().replace(microsecond=0)
    spec = {"source": live_source(conditions=["cot"], limit=5),
            "criterion": {"kind": "threshold", "model": "gen2", "condition": "cot",
                          "metric": "accuracy", "at_least": 0.5},
            "schedule": {"every_days": 2}}
    claim = claim_propose(author=make_user("ann"), title="gen2 keeps its accuracy",
                          statement="s", resolution_criteria="r", open_time=start,
                          close_time=start + timedelta(days=2),
                          resolve_after=start + timedelta(days=2), resolver_spec=spec)
    claim_approve(claim_id=claim.pk, moderator=make_user("mod", staff=True))

    assert resolver_sweep(now=start + timedelta(minutes=1)) == [
        (claim.pk, f"claim:{claim.pk}:schedule:0")]
    wait_for(lambda: ResolutionAttempt.objects.filter(status__in=FINISHED).exists(),
             timeout=240, message="the scheduled live run did not finish")
    measured = ResolutionAttempt.objects.get()
    assert measured.schedule_slot == 0 and measured.verdict in ("yes", "no")
    assert LiveRun.objects.get(attempt=measured).status == LiveRun.Status.FINISHED
    assert measured.measurement["readings"][0]["model"].endswith("gen2")
    assert not ResolutionProposal.objects.exists()
    assert Claim.objects.get(pk=claim.pk).resolver_lease_until is None  # never held

    [(_, key)] = resolver_sweep(now=start + timedelta(days=2, minutes=1))
    assert ":lease:" in key
    wait_for(lambda: ResolutionProposal.objects.exists(), timeout=240,
             message="the deciding live run did not propose")
    deciding = ResolutionAttempt.objects.get(run_key=key)
    assert deciding.schedule_slot is None
    assert ResolutionProposal.objects.get().attempt_id == deciding.pk
    assert ResolutionAttempt.objects.count() == 2
