"""GET /healthz: the database, the broker, the periodic jobs and stuck events, for monitors.

200 when all is well, 503 naming what is not: a monitor that polls this notices a stopped
worker or beat (stale job), events whose notifications are still not written after several
re-dispatches (stuck events), and a database or broker outage.
"""

from __future__ import annotations

from celery import current_app
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bets.common.outbox import events_stuck
from bets.conversation.jobs import heartbeats


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def _broker() -> str:
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


@transaction.non_atomic_requests  # must answer even when the database is down
@never_cache
@require_GET
def healthz(request: HttpRequest):
    database = _database()
    jobs, stuck = [], 0
    if database == "ok":
        stuck = events_stuck()
        jobs = [
            {"name": h["name"], "stale": h["stale"],
             "last_run_at": h["last_run_at"].isoformat() if h["last_run_at"] else None}
            for h in heartbeats()
        ]
    broker = _broker()
    stale = [j["name"] for j in jobs if j["stale"]]
    ok = database == "ok" and broker == "ok" and not stale and not stuck
    body = {"status": "ok" if ok else "failing", "database": database, "broker": broker,
            "jobs": jobs, "stale_jobs": stale, "stuck_events": stuck}
    return JsonResponse(body, status=200 if ok else 503)
