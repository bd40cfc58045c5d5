"""Every Celery task of Crux, imported here so that the worker registers them all.

Each domain keeps its tasks in its own `tasks.py`. Task names stay explicit
("bets.tasks.<name>") so the beat schedule, the routes in config/ and the messages already
queued never depend on which module a task lives in. Services never import tasks: they
dispatch by registered name (bets.common.dispatch).
"""

from bets.autoresolve.live.tasks import live_run_finish_task, live_shard_run_task
from bets.autoresolve.tasks import (
    claim_run_resolver_task,
    claims_dry_run_sweep_task,
    claims_dry_run_task,
    proposals_finalize_due_task,
    resolver_sweep_task,
    snapshot_poll_sweep_task,
    snapshot_source_poll_task,
)
from bets.betting.tasks import (
    agreements_remind_due_task,
    claim_settle_task,
    claims_settle_missing_task,
    ledger_check_task,
    offers_expire_due_task,
)
from bets.claims.tasks import claims_close_due_task
from bets.conversation.tasks import (
    notifications_digest_task,
    notifications_email_send_task,
    notifications_periodic_task,
    notify_event_task,
)
from bets.scoring.tasks import claim_score_task, claims_score_missing_task

__all__ = [
    "agreements_remind_due_task",
    "claim_run_resolver_task",
    "claim_score_task",
    "claim_settle_task",
    "claims_close_due_task",
    "claims_dry_run_sweep_task",
    "claims_dry_run_task",
    "claims_score_missing_task",
    "claims_settle_missing_task",
    "ledger_check_task",
    "live_run_finish_task",
    "live_shard_run_task",
    "notifications_digest_task",
    "notifications_email_send_task",
    "notifications_periodic_task",
    "notify_event_task",
    "offers_expire_due_task",
    "proposals_finalize_due_task",
    "resolver_sweep_task",
    "snapshot_poll_sweep_task",
    "snapshot_source_poll_task",
]
