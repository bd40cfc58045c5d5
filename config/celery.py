"""Celery app and beat schedule. Tasks live in bets/tasks.py and stay thin."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("crux")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "close-due-claims": {"task": "bets.tasks.claims_close_due", "schedule": 30.0},
    "expire-offers": {"task": "bets.tasks.offers_expire_due", "schedule": 30.0},
    "resolver-sweep": {
        "task": "bets.tasks.resolver_sweep",
        "schedule": float(os.environ.get("CRUX_RESOLVER_SWEEP_SECONDS", "60")),
    },
    "finalize-proposals": {"task": "bets.tasks.proposals_finalize_due", "schedule": 60.0},
    "score-sweep": {"task": "bets.tasks.claims_score_missing", "schedule": 120.0},
    "settle-sweep": {"task": "bets.tasks.claims_settle_missing", "schedule": 120.0},
    "check-ledger-daily": {
        "task": "bets.tasks.ledger_check",
        "schedule": crontab(hour=3, minute=17),
    },
}
