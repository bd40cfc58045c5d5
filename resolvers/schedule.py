"""Scheduled re-runs of a spec: `"schedule": {"every_days": N}`.

A claim whose spec has a schedule is measured every N days from its open time until its
resolve_after: slot k falls due at `start + k * N days` for every such time before `end`
(slot 0 at the open time itself). Those runs are measurements only; the run due at or after
`end` decides, as for any spec. Pure arithmetic on aware datetimes: Crux keeps the ledger
of which slot ran.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from resolvers.base import Checker, describe, is_type

FIELDS = ("every_days",)
# A period longer than this is surely a typo (the window itself caps the number of runs).
MAX_EVERY_DAYS = 3660


def validate(obj: Any, path: str, check: Checker) -> None:
    """Record every problem of a `schedule` object, each with its JSON path."""
    if not check.object(obj, path):
        return
    for key in obj:
        if key not in FIELDS:
            check.error(f"{path}.{key}", f"unknown field (expected {', '.join(FIELDS)})")
    if "every_days" not in obj:
        check.error(f"{path}.every_days", "required field is missing (a whole number of days)")
        return
    days = obj["every_days"]
    if not is_type(days, "integer"):
        check.error(f"{path}.every_days", f"expected a whole number of days, got "
                                          f"{describe(days)}")
    elif not 1 <= days <= MAX_EVERY_DAYS:
        check.error(f"{path}.every_days", f"expected 1 to {MAX_EVERY_DAYS} days, got {days}")


def period(spec: Any) -> timedelta | None:
    """The spec's re-run period, or None when it has no (valid) schedule."""
    schedule = spec.get("schedule") if isinstance(spec, dict) else None
    days = schedule.get("every_days") if isinstance(schedule, dict) else None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EVERY_DAYS:
        return None
    return timedelta(days=days)


def slot_count(every: timedelta, start: datetime, end: datetime) -> int:
    """How many measurement runs fall before `end`: slots 0, 1, ... at start + k * every."""
    if end <= start:
        return 0
    return -(-(end - start) // every)  # ceil: the slot at exactly `end` is the deciding run


def slot_time(every: timedelta, start: datetime, slot: int) -> datetime:
    return start + slot * every


def latest_slot(every: timedelta, start: datetime, end: datetime, now: datetime) -> int | None:
    """The newest measurement slot due at `now`, or None (none due yet, or none left: from
    `end` on, the deciding run takes over). Slots missed before it are not run: a worker
    down for three periods measures once when it is back."""
    count = slot_count(every, start, end)
    if now < start or count == 0 or now >= end:
        return None
    return min((now - start) // every, count - 1)


def next_slot_time(every: timedelta, start: datetime, end: datetime, after: int | None
                   ) -> datetime | None:
    """When the slot after `after` (None: before slot 0) falls due; None when none is left."""
    slot = 0 if after is None else after + 1
    return slot_time(every, start, slot) if slot < slot_count(every, start, end) else None


def too_many_runs(spec: Any, *, start: datetime, end: datetime, max_runs: int) -> str | None:
    """Why this schedule makes too many runs over [start, end), or None."""
    every = period(spec)
    if every is None:
        return None
    count = slot_count(every, start, end)
    if count <= max_runs:
        return None
    fewest = -(-(end - start).total_seconds() // (max_runs * 86400))
    return (f"schedule.every_days: every {every.days} day{'s' if every.days != 1 else ''} "
            f"from the open time to resolve_after makes {count} runs; at most {max_runs} are "
            f"allowed (choose every_days of at least {int(fewest)})")
