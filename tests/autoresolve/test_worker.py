"""Auto-resolution with a real Celery worker on Redis: duplicates, crashes, broker outages."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client

from bets.autoresolve import runs as autoresolve
from bets.autoresolve.tasks import claim_run_resolver_task, proposals_finalize_due_task
from bets.models import Claim, ResolutionAttempt, ResolutionEvent, ResolutionProposal
from tests.autoresolve.conftest import GAP_YES, http_spec, make_spec_claim
from tests.celery_worker import WorkerProcess, dead_port, publishing_to, wait_for
from tests.factories import make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

VISIBILITY = 5


@pytest.fixture
def start_worker(transactional_db, tmp_path, eval_dir):
    started = []

    def start(*, flush=True, **env):
        worker = WorkerProcess(log_dir=tmp_path, extra_env={
            "CRUX_DATA_DIR": str(eval_dir), "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
            "CRUX_URL_SOURCE_ALLOW_LOOPBACK": "1", **env})
        worker.start(flush=flush)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def broker() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def queues_drained() -> bool:
    r = broker()
    return r.llen("resolvers") == 0 and r.llen("default") == 0 and r.hlen("unacked") == 0


def test_a_resolve_task_delivered_twice_at_once_records_once_and_finalizes_once(
    start_worker
):
    worker = start_worker(CRUX_DISPUTE_WINDOW_SECONDS="0")
    ann, mod = make_user("ann"), make_user("mod", staff=True)
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    key = f"claim:{claim.pk}:lease:test"
    # Two deliveries of one run, picked up by the two pool processes at the same time,
    # then a duplicated finalize tick.
    claim_run_resolver_task.apply_async(args=(claim.pk, key))
    claim_run_resolver_task.apply_async(args=(claim.pk, key))
    wait_for(lambda: Claim.objects.get(pk=claim.pk).status == "resolved", timeout=60,
             message=f"claim never resolved:\n{worker.log()[-3000:]}")
    proposals_finalize_due_task.apply_async()
    proposals_finalize_due_task.apply_async()
    wait_for(queues_drained, timeout=30, message="tasks still queued")
    assert ResolutionAttempt.objects.filter(claim=claim).count() == 1
    assert ResolutionProposal.objects.get(claim=claim).status == "finalized"
    assert ResolutionEvent.objects.filter(claim=claim, action="resolve").count() == 1
    claim.refresh_from_db()
    assert (claim.outcome, claim.resolution_method, claim.resolution_seq) == (
        "yes", "automatic", 1)


def unacked_older_than(seconds: float) -> bool:
    ceiling = time.time() - seconds
    return bool(broker().zrangebyscore("unacked_index", 0, ceiling))


def test_a_worker_killed_mid_run_completes_the_run_after_redelivery(start_worker, json_server):
    import threading

    json_server.gate = threading.Event()  # the first fetch hangs: the run is mid-flight
    worker = start_worker()
    ann, mod = make_user("ann"), make_user("mod", staff=True)
    claim = make_spec_claim(author=ann, moderator=mod, spec=http_spec(json_server.url))
    [(_, run_key)] = autoresolve.resolver_sweep()
    assert json_server.arrived.wait(60), worker.log()[-3000:]
    assert ResolutionAttempt.objects.get(run_key=run_key).status == "running"
    worker.kill()
    json_server.gate.set()
    # kombu hands an unacked message back once it is older than the visibility timeout;
    # a consumer checks at start-up, so start the next worker only then.
    wait_for(lambda: unacked_older_than(VISIBILITY + 0.5), timeout=30,
             message="the killed run's message is not waiting in unacked")
    second = start_worker(flush=False)
    wait_for(lambda: ResolutionAttempt.objects.get(run_key=run_key).status == "decided",
             timeout=60, message=f"run not completed:\n{second.log()[-3000:]}")
    assert ResolutionAttempt.objects.filter(claim=claim).count() == 1
    assert ResolutionProposal.objects.get(claim=claim).outcome == "yes"
    assert json_server.requests == 2


def in_thread(fn):
    def call():
        try:
            return fn()
        finally:
            connection.close()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call).result(timeout=5)  # the test's own limit, not a timing claim


def test_with_the_broker_down_pages_and_api_answer_and_the_next_sweep_catches_up(
    start_worker
):
    worker = start_worker()
    ann, mod = make_user("ann"), make_user("mod", staff=True)
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    with publishing_to(f"redis://127.0.0.1:{dead_port()}/0"):
        assert autoresolve.resolver_sweep() == []
        claim.refresh_from_db()
        assert claim.resolver_lease_until is None  # released for the next sweep

        def page():
            return Client().get(f"/claims/{claim.pk}/resolution/").status_code

        def api():
            return Client().get(f"/api/claims/{claim.pk}/attempts/").status_code

        def post(path):
            def call():
                client = Client()
                client.force_login(mod)
                return client.post(path).status_code
            return call

        assert in_thread(page) == 200
        assert in_thread(api) == 200
        assert in_thread(post(f"/api/claims/{claim.pk}/resolver/preview/")) == 200
        # Run now commits its attempt; the lost dispatch does not fail the request.
        assert in_thread(post(f"/api/claims/{claim.pk}/resolver/run/")) == 202
    dispatched = autoresolve.resolver_sweep()
    assert [c for c, _ in dispatched] == [claim.pk]
    wait_for(lambda: ResolutionProposal.objects.filter(claim=claim).exists(), timeout=60,
             message=f"the caught-up run never proposed:\n{worker.log()[-3000:]}")
    assert ResolutionAttempt.objects.get(claim=claim, trigger="scheduled").verdict == "yes"


def test_a_transient_source_failure_is_retried_with_backoff_until_it_decides(
    start_worker, json_server
):
    json_server.failures = 2  # two 503s, then the document
    # Retry countdowns (2-4 s, then 4-8 s, ...) must stay under the visibility timeout, or the
    # broker hands the waiting retry out a second time (FIELD-NOTES); production has 3600 s.
    worker = start_worker(CELERY_VISIBILITY_TIMEOUT="120", CRUX_RESOLVER_RETRY_SECONDS="4")
    ann, mod = make_user("ann"), make_user("mod", staff=True)
    claim = make_spec_claim(author=ann, moderator=mod, spec=http_spec(json_server.url))
    [(_, run_key)] = autoresolve.resolver_sweep()
    wait_for(lambda: ResolutionAttempt.objects.filter(run_key=run_key, status="decided").exists(),
             timeout=90, message=f"never decided:\n{worker.log()[-3000:]}")
    assert json_server.requests == 3, worker.log()[-3000:]
    assert ResolutionAttempt.objects.filter(claim=claim).count() == 1
    assert "Retry in" in worker.log()


def test_a_slow_source_fails_at_the_fetch_deadline_and_its_retry_backs_off(start_worker):
    """A source sending one byte every 2 s used to hold a worker for a minute per attempt,
    and the retry came 0-4 s later. Now the attempt ends at CRUX_URL_FETCH_SECONDS and the
    first retry waits at least half of CRUX_RESOLVER_RETRY_SECONDS (30 s by default)."""
    import re

    from tests.fixtures.slow_server import TricklingServer

    with TricklingServer(phase="body", interval=2.0, limit=40.0) as slow:
        worker = start_worker(CELERY_VISIBILITY_TIMEOUT="120", CRUX_URL_FETCH_SECONDS="2")
        ann, mod = make_user("ann"), make_user("mod", staff=True)
        make_spec_claim(author=ann, moderator=mod, spec=http_spec(f"{slow.url}/r.json"))
        [(_, run_key)] = autoresolve.resolver_sweep()
        attempt = wait_for(
            lambda: ResolutionAttempt.objects.filter(run_key=run_key,
                                                     status="failed_transient").first(),
            timeout=15, message=f"the attempt did not end in time:\n{worker.log()[-3000:]}")
        assert "took longer than the 2 s fetch deadline" in attempt.error
        retry = wait_for(lambda: re.search(r"Retry in ([0-9.]+)s", worker.log()), timeout=10,
                         message=worker.log()[-3000:])
    assert float(retry.group(1)) >= 15, retry.group(0)


def _worker_backends() -> set[tuple[int, object]]:
    """(pid, backend_start) of every other connection to the test database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        return set(cursor.fetchall())


def test_a_worker_keeps_its_database_connections_from_one_task_to_the_next(start_worker):
    start_worker(DB_CONN_MAX_AGE="600")
    ann, mod = make_user("ann"), make_user("mod", staff=True)
    claims = [make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, title=f"C{i}")
              for i in range(6)]
    for claim in claims[:3]:
        claim_run_resolver_task.delay(claim.pk, f"claim:{claim.pk}:lease:a")
    wait_for(lambda: ResolutionAttempt.objects.filter(status="decided").count() == 3,
             timeout=60)
    time.sleep(0.5)  # let the worker finish its post-task bookkeeping
    before = _worker_backends()
    assert before, "the worker closed its connections after its tasks"
    for claim in claims[3:]:
        claim_run_resolver_task.delay(claim.pk, f"claim:{claim.pk}:lease:b")
    wait_for(lambda: ResolutionAttempt.objects.filter(status="decided").count() == 6,
             timeout=60)
    time.sleep(0.5)
    assert before <= _worker_backends()  # the same backends: no task opened a new one
