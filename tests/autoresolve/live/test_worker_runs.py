"""Live runs through a real Celery worker on Redis against the stub endpoint: the criteria
decide YES and NO from logs inspect wrote during the test, and the logs hold exactly what the
endpoint served."""

from __future__ import annotations

from pathlib import Path

import pytest

from bets.autoresolve.evidence.bundles import evidence_files, evidence_zip, sha256_of
from bets.autoresolve.tasks import claim_run_resolver_task
from bets.models import LiveProgress, LiveRun, ResolutionAttempt
from resolvers.verify import verify_bundle
from tests.autoresolve.conftest import make_spec_claim
from tests.autoresolve.live.conftest import live_source
from tests.celery_worker import wait_for
from tests.factories import make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FINISHED = (ResolutionAttempt.Status.DECIDED, ResolutionAttempt.Status.INCONCLUSIVE)

# (criterion, expected verdict, source fields): gen1 cot .5 snap .4 tools .6; gen2 .7/.45/.8;
# gen3 .9/.5/.95 on 20 questions.
CASES = {
    "threshold_yes": ({"kind": "threshold", "model": "gen2", "condition": "cot",
                       "metric": "accuracy", "at_least": 0.7}, "yes", {"conditions": ["cot"]}),
    "threshold_no": ({"kind": "threshold", "model": "gen2", "condition": "snap",
                      "metric": "accuracy", "at_least": 0.5}, "no", {"conditions": ["snap"]}),
    "gap_yes": ({"kind": "gap", "model": "gen2", "a": "cot", "b": "snap",
                 "metric": "accuracy", "min_gap": 0.2}, "yes", {}),
    "gap_no": ({"kind": "gap", "model": "gen2", "a": "cot", "b": "snap",
                "metric": "accuracy", "min_gap": 0.35}, "no", {}),
    "widening_yes": ({"kind": "widening_gap", "models": ["gen1", "gen2"], "a": "cot",
                      "b": "snap", "metric": "accuracy"}, "yes", {"models": ["gen1", "gen2"]}),
    "widening_no": ({"kind": "widening_gap", "models": ["gen2", "gen1"], "a": "cot",
                     "b": "snap", "metric": "accuracy"}, "no", {"models": ["gen2", "gen1"]}),
    "ordering_yes": ({"kind": "ordering", "models": ["gen1"], "order": ["tools", "cot", "snap"],
                      "metric": "accuracy"}, "yes",
                     {"models": ["gen1"], "conditions": ["snap", "cot", "tools"]}),
    "ordering_no": ({"kind": "ordering", "models": ["gen1"], "order": ["snap", "cot", "tools"],
                     "metric": "accuracy"}, "no",
                    {"models": ["gen1"], "conditions": ["snap", "cot", "tools"]}),
}


def test_live_runs_decide_yes_and_no_for_every_criterion_kind(evals_worker, stub, endpoint):
    evals_worker()
    ann, mod = make_user("ann"), make_user("mod", staff=True)
    claims, served = {}, {}
    for name, (criterion, _, fields) in CASES.items():
        spec = {"source": live_source(limit=10, **fields), "criterion": criterion}
        claims[name] = make_spec_claim(author=ann, moderator=mod, spec=spec, title=name)
        claim_run_resolver_task.delay(claims[name].pk, f"claim:{claims[name].pk}:lease:test")

    def all_finished():
        return ResolutionAttempt.objects.filter(status__in=FINISHED).count() == len(CASES)

    wait_for(all_finished, timeout=240, message="live runs did not finish")
    for name, (_, expected, fields) in CASES.items():
        attempt = ResolutionAttempt.objects.get(claim=claims[name])
        assert attempt.verdict == expected, (name, attempt.reason)
        run = LiveRun.objects.get(attempt=attempt)
        assert run.status == LiveRun.Status.FINISHED
        # Every log read is one the run wrote, with its sha256 in the evidence.
        files = attempt.evidence["files"]
        pairs = len(fields.get("models", ["gen2"])) * len(fields.get("conditions",
                                                                      ["snap", "cot"]))
        assert len(files) == pairs and all(len(f["sha256"]) == 64 for f in files)
        # ... and each is kept where evidence.zip finds it, bytes unchanged.
        kept = evidence_files(attempt, user=None)
        assert len(kept) == pairs and all(
            f.shared and f.path and sha256_of(f.path) == f.sha256 for f in kept)
        # ... and its evidence zip re-checks without Crux, from the logs (the endpoint's
        # name known only from the frozen spec, the endpoint never asked again).
        zipped = evidence_zip(attempt, user=None)
        status, lines = verify_bundle(zipped)
        assert status == 0 and f"Re-run here: {expected.upper()}" in "\n".join(lines), lines
        progress = LiveProgress.objects.filter(shard__run=run)
        assert {(p.done, p.total) for p in progress} == {(10, 10)}
        served.update(_served_matches_logs(run, stub))
    # Each claim's run asked the endpoint itself, once per sample: the stub's answers are
    # exactly the samples in the logs.
    assert len(stub.answers()) == sum(served.values()) == sum(
        10 * len(f.get("models", ["gen2"])) * len(f.get("conditions", ["snap", "cot"]))
        for _, _, f in CASES.values())


def _served_matches_logs(run: LiveRun, stub) -> dict:
    """The run's logs hold, sample by sample, the scores of the answers the stub served."""
    from inspect_ai.log import read_eval_log

    counts = {}
    for path in (Path(run.log_dir) / "shard-0").glob("*.eval"):
        log = read_eval_log(str(path))
        meta = log.eval.metadata
        model, condition = meta["crux_model"], meta["crux_condition"]
        answers = [r for r in stub.answers(model=model, condition=condition)
                   if r["task"] == "arith" and r["time"] >= run.started_at.timestamp() - 1]
        served = {r["index"]: r["correct"] for r in answers}
        logged = {int(s.id) - 1: s.scores["match"].value == "C" for s in log.samples}
        assert set(logged) <= set(served)
        assert {i: served[i] for i in logged} == logged
        assert log.results.completed_samples == len(log.samples) == 10
        assert log.results.scores[0].metrics["accuracy"].value == sum(logged.values()) / 10
        counts[(run.pk, model, condition)] = len(logged)
    return counts
