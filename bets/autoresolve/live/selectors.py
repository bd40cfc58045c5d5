"""Reading live runs: progress per (model, condition), tokens, elapsed time and ETA."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from bets.models import LiveProgress, LiveRun


def live_progress(attempt_ids: Iterable[int]) -> dict[int, dict]:
    """attempt id -> its live run's progress (attempts without a live run are absent).

    Two queries whatever the number of attempts: the runs with their shards, and the
    progress rows of those shards.
    """
    ids = list(attempt_ids)
    if not ids:
        return {}
    runs = list(LiveRun.objects.filter(attempt_id__in=ids).prefetch_related("shard_rows"))
    if not runs:
        return {}
    rows = LiveProgress.objects.filter(shard__run__in=runs).values(
        "shard__run_id", "model", "condition", "done", "total", "tokens")
    pairs: dict[int, dict[tuple[str, str], dict]] = {run.pk: {} for run in runs}
    for row in rows:
        slot = pairs[row["shard__run_id"]].setdefault(
            (row["model"], row["condition"]), {"done": 0, "total": 0, "tokens": 0})
        for key in ("done", "total", "tokens"):
            slot[key] += row[key]
    now = timezone.now()
    out = {}
    for run in runs:
        found = pairs[run.pk]
        done = sum(p["done"] for p in found.values())
        total = sum(p["total"] for p in found.values())
        elapsed = ((run.finished_at or now) - run.started_at).total_seconds()
        running = run.status in (LiveRun.Status.RUNNING, LiveRun.Status.FINISHING)
        eta = (elapsed * (total - done) / done) if running and done and total > done else None
        out[run.attempt_id] = {
            "run": run.pk, "status": run.status, "shards": run.shards,
            "shards_done": run.shards_done, "done": done, "total": total,
            "percent": round(100 * done / total, 1) if total else 0.0,
            "tokens": sum(p["tokens"] for p in found.values()),
            "elapsed_seconds": round(elapsed, 1),
            "eta_seconds": round(eta, 1) if eta is not None else None,
            "cancel_reason": run.cancel_reason,
            "pairs": [{"model": m, "condition": c, **p,
                       "percent": round(100 * p["done"] / p["total"], 1) if p["total"] else 0.0}
                      for (m, c), p in sorted(found.items())],
            "shard_states": [{"index": s.index, "status": s.status, "deliveries": s.deliveries,
                              "range": [s.start, s.end]} for s in run.shard_rows.all()],
        }
    return out


def live_progress_attach(attempts: list) -> list:
    """Set `attempt.live` (progress dict or None) on each attempt, for the claim page."""
    found = live_progress(a.pk for a in attempts)
    for attempt in attempts:
        attempt.live = found.get(attempt.pk)
    return attempts
