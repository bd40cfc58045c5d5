"""Dispatching Celery work, without ever failing the request that caused it. One way each:

- inside a transaction, `dispatch_on_commit(task_name, *args)` for one message, and
  `dispatch_all_on_commit(messages, what=...)` for a batch over one broker connection: both
  publish only once the transaction commits, so a worker never reads rows that are not there
  yet, and a rolled-back change dispatches nothing;
- outside a transaction (the sweeps on beat's schedule), `publish_all(messages, what=...)`,
  which says how many went out so the sweep leaves the rest for its next run;
- work done in this process once the transaction commits (an email sent from here, a
  clean-up), `after_commit(fn)`: robust, so its failure never fails the request.

Services dispatch tasks by their registered name ("bets.tasks.claim_score"), never by
importing them: tasks call services, so an import the other way would close a circle.

If the broker is down the message is lost here on purpose: every task has a state-based
sweep on the beat schedule (scores missing, settlements missing, due claims) that notices the
unfinished work from the database and dispatches it again once the broker is back.
"""

import logging
from collections.abc import Callable, Sequence
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def after_commit(fn: Callable[[], object]) -> None:
    """Run `fn` in this process once the surrounding transaction commits (at once outside
    one); an exception in it is logged, never raised into the request that caused it."""
    transaction.on_commit(fn, robust=True)


def dispatch_on_commit(task_name: str, *args: Any) -> None:
    """After commit, publish one message: a batch of one."""
    dispatch_all_on_commit([(task_name, args)], what=task_name)


def dispatch_all_on_commit(messages: Sequence[tuple[str, tuple]], *, what: str) -> None:
    """After commit, publish `messages` ((task name, args) each) with publish_all."""
    if messages:
        batch = list(messages)
        transaction.on_commit(lambda: publish_all(batch, what=what), robust=True)


def publish_all(messages: Sequence[tuple[str, tuple]], *, what: str) -> int:
    """Publish `messages` ((task name, args) each) in order over one broker connection;
    returns how many went out before the first failure. A broker outage is logged, never
    raised: the caller leaves the unsent rest for its next sweep."""
    sent = 0
    try:
        with current_app.producer_or_acquire() as producer:
            for task_name, args in messages:
                current_app.send_task(task_name, args=args, producer=producer)
                sent += 1
    except Exception:  # broker down or unreachable
        logger.warning("Could not publish %d of %d %s; the next sweep retries them.",
                       len(messages) - sent, len(messages), what)
    return sent
