"""A worker killed whole (SIGKILL of its main process and pool) while a task runs: with the
production settings (acks_late on the task, CELERY_UNACKED_RESTORE_INTERVAL) a worker that
is still up hands the task out again once it is older than CELERY_VISIBILITY_TIMEOUT and
completes it; nobody restarts anything. The test shortens the visibility timeout to 4 s and
the restore interval to 1 s, so it takes seconds instead of the README's 10 minutes."""

import threading

import pytest

from bets.autoresolve import runs as autoresolve
from bets.models import ResolutionAttempt, ResolutionProposal
from tests.autoresolve.conftest import http_spec, make_spec_claim
from tests.celery_worker import WorkerProcess, wait_for
from tests.factories import make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

VISIBILITY, RESTORE_INTERVAL = 4, 1


def test_a_task_of_a_worker_killed_whole_is_completed_by_a_surviving_worker(
    transactional_db, tmp_path, eval_dir, json_server
):
    env = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
           "CELERY_UNACKED_RESTORE_INTERVAL": str(RESTORE_INTERVAL),
           "CRUX_DATA_DIR": str(eval_dir), "CRUX_URL_SOURCE_ALLOW_LOOPBACK": "1"}
    doomed = WorkerProcess(log_dir=tmp_path, extra_env=env, concurrency=1)
    survivor = WorkerProcess(log_dir=tmp_path, extra_env=env, concurrency=1)
    json_server.gate = threading.Event()  # the first fetch hangs: the run is mid-flight
    doomed.start()
    try:
        ann, mod = make_user("ann"), make_user("mod", staff=True)
        claim = make_spec_claim(author=ann, moderator=mod, spec=http_spec(json_server.url))
        [(_, run_key)] = autoresolve.resolver_sweep()
        assert json_server.arrived.wait(60), doomed.log()[-3000:]
        survivor.start(flush=False)  # up before the crash, as the rest of a pool would be
        doomed.kill()
        json_server.gate.set()
        # The bound is the test's patience, not a timing claim: visibility + restore sweeps.
        wait_for(lambda: ResolutionAttempt.objects.get(run_key=run_key).status == "decided",
                 timeout=VISIBILITY + 10 * RESTORE_INTERVAL + 60,
                 message=f"never redelivered:\n{survivor.log()[-3000:]}")
        assert ResolutionAttempt.objects.filter(claim=claim).count() == 1
        assert ResolutionProposal.objects.get(claim=claim).outcome == "yes"
        assert json_server.requests == 2  # the killed fetch and the redelivered one
    finally:
        doomed.stop()
        survivor.stop()
