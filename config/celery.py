"""Celery app and beat schedule. Tasks live in bets/tasks.py and stay thin."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init, task_postrun, task_prerun
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("crux")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "close-due-claims": {
        "task": "bets.tasks.claims_close_due",
        "schedule": float(settings.CRUX_CLOSE_SECONDS),
    },
    "expire-offers": {"task": "bets.tasks.offers_expire_due", "schedule": 30.0},
    # Payment reminders of agreements, each once; an hour early or late is fine for a deadline
    # counted in days.
    "remind-agreement-payments": {"task": "bets.tasks.agreements_remind_due",
                                  "schedule": 3600.0},
    "resolver-sweep": {
        "task": "bets.tasks.resolver_sweep",
        "schedule": float(settings.CRUX_RESOLVER_SWEEP_SECONDS),
    },
    "poll-published-sources": {  # snapshots of the published tables open claims use
        "task": "bets.tasks.snapshot_poll_sweep",
        "schedule": float(settings.CRUX_SNAPSHOT_SWEEP_SECONDS),
    },
    "finalize-proposals": {"task": "bets.tasks.proposals_finalize_due", "schedule": 60.0},
    "dry-run-claims": {  # "would resolve as ... today" on every open claim with a spec
        "task": "bets.tasks.claims_dry_run_sweep",
        "schedule": float(settings.CRUX_DRY_RUN_SECONDS),
    },
    "score-sweep": {"task": "bets.tasks.claims_score_missing", "schedule": 120.0},
    "settle-sweep": {"task": "bets.tasks.claims_settle_missing", "schedule": 120.0},
    "notifications-periodic": {
        "task": "bets.tasks.notifications_periodic",
        "schedule": float(settings.CRUX_REMINDER_SECONDS),
    },
    "notifications-digest-daily": {
        "task": "bets.tasks.notifications_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    "check-ledger-daily": {
        "task": "bets.tasks.ledger_check",
        "schedule": crontab(hour=3, minute=17),
    },
}


@task_prerun.connect
@task_postrun.connect
def close_broken_or_expired_db_connections(**kwargs: object) -> None:
    """Around each task, close database connections that errored or outlived CONN_MAX_AGE,
    as Django does around each request.

    Celery's Django fixup would otherwise close every connection before and after every task
    (CELERY_DB_REUSE_MAX in settings turns that off): a new connection cost ~5 ms per task
    here and threw away the statements PostgreSQL had prepared on it.
    """
    from django.db import close_old_connections

    close_old_connections()


@beat_init.connect
def record_scheduler_start(**kwargs: object) -> None:
    """A periodic job counts as late only once its periods since beat started have passed
    (bets.conversation.jobs.heartbeats), so a fresh deployment is not reported stale."""
    from bets.conversation.jobs import scheduler_started

    scheduler_started()
