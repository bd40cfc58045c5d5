"""Dispatching Celery work after commit, without ever failing the request that caused it.

If the broker is down the message is lost here on purpose: every task has a state-based
sweep on the beat schedule (scores missing, settlements missing, due claims) that notices the
unfinished work from the database and dispatches it again once the broker is back.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def publish_safely(task, *args) -> bool:
    try:
        task.apply_async(args=args)
    except Exception:  # broker down or unreachable: the sweep will catch up
        logger.warning("Could not publish %s%r; the next sweep will retry it.", task.name, args)
        return False
    return True


def dispatch_on_commit(task, *args) -> None:
    transaction.on_commit(lambda: publish_safely(task, *args), robust=True)
