"""Celery tasks: thin, take ids, re-check state, safe to run twice.

Names are explicit ("bets.tasks.<name>") so the beat schedule and routes in config/ never
depend on which module of this package a task lives in.
"""

from .autoresolve import claim_run_resolver, proposals_finalize_due, resolver_sweep
from .core import claim_score, claims_close_due, claims_score_missing
from .money import claim_settle, claims_settle_missing, ledger_check, offers_expire_due

__all__ = [
    "claim_run_resolver",
    "proposals_finalize_due",
    "resolver_sweep",
    "claim_score",
    "claim_settle",
    "claims_close_due",
    "claims_score_missing",
    "claims_settle_missing",
    "ledger_check",
    "offers_expire_due",
]
