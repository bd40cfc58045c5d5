"""The auto-resolution demo: its specs are valid and its due claim resolves from the logs."""

import pytest

from bets.autoresolve import runs as autoresolve
from bets.demo.autoresolve import demo_autoresolve_load
from bets.models import ResolutionProposal
from tests.celery_worker import redis_flush
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_claim_due_at_start_up_is_swept_and_proposed_with_evidence(
    settings, eval_dir, mod
):
    settings.CRUX_DATA_DIR = eval_dir / "good"
    people = {n: make_user(n) for n in ("ann", "bob", "cat")}
    claims = demo_autoresolve_load(admin=mod, participants=people)
    redis_flush()
    [(claim_id, run_key)] = autoresolve.resolver_sweep()
    redis_flush()
    assert claim_id == claims[0].pk
    attempt = autoresolve.claim_run_resolver(claim_id=claim_id, run_key=run_key)
    assert attempt.verdict == "yes" and len(attempt.evidence["files"]) == 9
    assert ResolutionProposal.objects.get(claim_id=claim_id).outcome == "yes"
    # The others are not due yet, but each already decides from the bundled logs.
    previews = [autoresolve.claim_preview_resolver(claim_id=c.pk, actor=mod)["verdict"]
                for c in claims[1:]]
    # 20 questions are too few for a 95% interval to clear 85%: undecided, not NO.
    assert previews == ["yes", "yes", "yes", "inconclusive"]
