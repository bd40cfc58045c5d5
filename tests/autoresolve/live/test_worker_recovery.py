"""Live runs when things go wrong, through real workers on Redis: a worker killed mid-run, an
endpoint that fails half-way, an admin's cancel, a duplicated shard message, and shards."""

from __future__ import annotations

import time

import pytest
import redis
from django.conf import settings

from bets.autoresolve.live.finish import live_run_cancel
from bets.autoresolve.live.tasks import live_shard_run_task
from bets.autoresolve.tasks import claim_run_resolver_task
from bets.models import LiveProgress, LiveRun, LiveShard, ResolutionAttempt
from tests.autoresolve.conftest import make_spec_claim
from tests.autoresolve.live.conftest import ACCURACY, live_source, register
from tests.autoresolve.live.stub_server import StubConfig, StubServer
from tests.celery_worker import wait_for
from tests.factories import make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FINISHED = (ResolutionAttempt.Status.DECIDED, ResolutionAttempt.Status.INCONCLUSIVE)
GAP = {"kind": "gap", "model": "gen2", "a": "cot", "b": "snap", "metric": "accuracy",
       "min_gap": 0.2}
THRESHOLD = {"kind": "threshold", "model": "gen2", "condition": "cot", "metric": "accuracy",
             "at_least": 0.5}
VISIBILITY = 5


def start_claim(spec: dict, title: str = "Live"):
    ann, mod = make_user(f"ann-{title}"), make_user(f"mod-{title}", staff=True)
    claim = make_spec_claim(author=ann, moderator=mod, spec=spec, title=title)
    claim_run_resolver_task.delay(claim.pk, f"claim:{claim.pk}:lease:test")
    return claim, mod


def finished(claim) -> ResolutionAttempt | None:
    return ResolutionAttempt.objects.filter(claim=claim, status__in=FINISHED).first()


def test_an_endpoint_that_fails_half_way_leaves_the_attempt_inconclusive_with_the_reason(
        evals_worker):
    with StubServer(StubConfig(accuracy=ACCURACY, fail_after=12)) as stub:
        register(stub)
        worker = evals_worker(CRUX_LIVE_REQUEST_RETRIES="1", CRUX_LIVE_REQUEST_TIMEOUT="5",
                              CRUX_LIVE_TASK_RETRIES="0")
        claim, _ = start_claim({"source": live_source(conditions=["cot"]),
                                "criterion": THRESHOLD})
        attempt = wait_for(lambda: finished(claim), timeout=180,
                           message=f"never finished:\n{worker.log()[-3000:]}")
    assert attempt.verdict == "inconclusive"
    assert "status is error" in attempt.reason, attempt.reason
    assert "InternalServerError" in attempt.reason, attempt.reason  # the endpoint's 503s
    assert len(stub.answers()) == 12  # what it served before going down


def test_an_admin_cancel_stops_the_run_within_seconds(evals_worker):
    with StubServer(StubConfig(accuracy=ACCURACY, latency=0.3)) as stub:
        register(stub)
        evals_worker()
        claim, mod = start_claim({"source": live_source(conditions=["cot"], limit=60,
                                                        max_connections=2),
                                  "criterion": THRESHOLD})
        wait_for(lambda: LiveProgress.objects.filter(shard__run__claim=claim, done__gte=4)
                 .exists(), timeout=120, message="the run never made progress")
        run = LiveRun.objects.get(claim=claim)
        asked = time.monotonic()
        live_run_cancel(run_id=run.pk, actor=mod, reason="wrong endpoint")
        wait_for(lambda: LiveShard.objects.get(run=run).status == LiveShard.Status.CANCELLED,
                 timeout=30, message="the shard never stopped")
        stopped = time.monotonic() - asked
        served = len(stub.records)
        time.sleep(2)
        settled = len(stub.records)
        # Only the requests already in flight at the stop (max_connections=2) may finish...
        assert settled <= served + 2
        time.sleep(2)
        assert len(stub.records) == settled  # ...and nothing new is asked of the endpoint
    assert stopped < 10
    attempt = ResolutionAttempt.objects.get(claim=claim)
    assert attempt.verdict == "inconclusive" and "cancelled by mod" in attempt.reason
    assert served < 60


def test_a_worker_killed_mid_run_resumes_the_shard_and_records_once(evals_worker, stub,
                                                                    endpoint):
    # The endpoint answers 20 of the 50 questions, then holds every request until released:
    # the kill is mid-run however slowly this test process gets to it on a busy machine.
    stub.config.hold_after = 20
    env = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY), "CRUX_LIVE_STALE_SECONDS": "3",
           "CRUX_LIVE_LOG_BUFFER": "2"}
    # The first worker keeps the default visibility timeout (far longer than a run, as in
    # production): with the short one it handed its own running shard's message back to the
    # queue whenever the run outlasted 5 s before the kill (inspect's import alone can, on a
    # busy machine); the duplicate then watched the held shard until its retries ran out and
    # the shard's only message was gone ("the killed shard's message is lost").
    first = evals_worker(**env | {"CELERY_VISIBILITY_TIMEOUT": "3600"})
    claim, _ = start_claim({"source": live_source(conditions=["cot"], limit=50,
                                                  max_connections=2),
                            "criterion": THRESHOLD})
    wait_for(lambda: LiveProgress.objects.filter(shard__run__claim=claim, done__gte=8)
             .exists(), timeout=120, message="the run never made progress")
    first.kill()
    killed_after = len(stub.answers())
    assert 8 <= killed_after < 50  # killed mid-run
    stub.release()  # the held requests' answers go to a dead worker; the next one's are served
    broker = redis.Redis.from_url(settings.REDIS_URL)

    def redeliverable() -> bool:
        # Unacked and past the visibility timeout; or, when the pool process died a moment
        # before the main one, already handed back to the queue (reject_on_worker_lost).
        return bool(broker.zrangebyscore("unacked_index", 0, time.time() - VISIBILITY - 0.5)
                    or broker.llen("evals"))

    wait_for(redeliverable, timeout=30, message="the killed shard's message is lost")
    second = evals_worker(flush=False, **env)
    attempt = wait_for(lambda: finished(claim), timeout=180,
                       message=f"not finished after redelivery:\n{second.log()[-3000:]}")
    assert attempt.verdict == "yes", attempt.reason
    shard = LiveShard.objects.get(run__claim=claim)
    assert shard.deliveries == 2 and shard.status == LiveShard.Status.DONE
    assert ResolutionAttempt.objects.filter(claim=claim).count() == 1
    # Resumed, not restarted: the samples already in the log were not asked again.
    answers = len(stub.answers())
    assert 50 <= answers < 50 + killed_after, (answers, killed_after)
    assert attempt.measurement["readings"][0]["samples"] == 50


def test_two_deliveries_of_one_shard_never_run_it_twice(evals_worker, stub, endpoint):
    stub.config.latency = 0.05
    evals_worker(concurrency=1)
    evals_worker(flush=False, concurrency=1)
    claim, _ = start_claim({"source": live_source(conditions=["cot"], limit=20),
                            "criterion": THRESHOLD})
    shard = wait_for(lambda: LiveShard.objects.filter(run__claim=claim).first(), timeout=60)
    for _ in range(3):  # duplicates of the message, as a redelivery would make
        live_shard_run_task.delay(shard.pk)
    attempt = wait_for(lambda: finished(claim), timeout=120, message="never finished")
    assert attempt.verdict == "yes"
    shard.refresh_from_db()
    assert shard.deliveries == 1
    assert len(stub.answers()) == 20  # every sample asked exactly once


def test_a_sharded_run_merges_to_what_an_unsharded_run_reports(evals_worker, stub, endpoint):
    evals_worker(concurrency=2)
    spec = {"source": live_source(limit=20, epochs=2, models=["gen1", "gen2"]),
            "criterion": GAP}
    sharded = {**spec, "source": {**spec["source"], "shards": 3}}
    one, _ = start_claim(spec, title="one")
    three, _ = start_claim(sharded, title="three")
    a = wait_for(lambda: finished(one), timeout=240, message="unsharded never finished")
    b = wait_for(lambda: finished(three), timeout=240, message="sharded never finished")
    assert a.verdict == b.verdict == "yes"
    assert LiveShard.objects.filter(run__claim=three, status="done").count() == 3
    ra, rb = a.measurement["readings"], b.measurement["readings"]
    assert len(ra) == len(rb) == 2
    for x, y in zip(ra, rb, strict=True):
        assert (x["model"], x["condition"]) == (y["model"], y["condition"])
        assert abs(x["value"] - y["value"]) < 1e-9
        assert abs(x["stderr"] - y["stderr"]) < 1e-9
        assert x["samples"] == y["samples"] == 20
