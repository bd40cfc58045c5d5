"""Scheduled measurement runs: a spec with `"schedule": {"every_days": N}` is run every N days
from the claim's open time until its resolve_after (docs/live-runs.md, "Schedules").

Each slot's run is a real attempt (a live run for `inspect_run`) whose numbers and verdict are
kept as evidence; it never proposes an outcome. The run due at or after resolve_after is the
ordinary resolver run and decides.

The ledger of slots is race-proof twice over: the sweep takes a slot by compare-and-swap on
`Claim.resolver_schedule_next_at` (of two sweeps reading the same due time, one UPDATE wins),
and the attempt's run key names the slot, with (claim, schedule_slot) unique in the database,
so a redelivered message or a reset schedule never runs a slot twice. A sweep that comes late
(workers down for several periods) runs only the newest due slot: missed slots collapse.
"""

from __future__ import annotations

import re
from datetime import datetime

from bets.autoresolve.selectors import claims_due_for_schedule
from bets.common.dispatch import publish_all
from bets.models import Claim

_SLOT_KEY = re.compile(r"^claim:\d+:schedule:(\d+)$")


def schedule_run_key(claim_id: int, slot: int) -> str:
    # Deterministic per slot: however often the slot's message is delivered, one attempt.
    return f"claim:{claim_id}:schedule:{slot}"


def schedule_slot_of(run_key: str) -> int | None:
    """The measurement slot a run key names; None for deciding and manual runs."""
    match = _SLOT_KEY.match(run_key)
    return int(match.group(1)) if match else None


def _slot_due(row: tuple, now: datetime) -> tuple[int | None, datetime | None]:
    """(the newest slot due now or None, when the slot after it falls due or None)."""
    from resolvers.schedule import latest_slot, next_slot_time, period

    _, start, end, spec, _ = row
    every = period(spec)
    if every is None:  # the schedule was edited away
        return None, None
    slot = latest_slot(every, start, end, now)
    if slot is None:  # past resolve_after: the deciding run takes over
        return None, None
    return slot, next_slot_time(every, start, end, slot)


def _take(claim_id: int, due: datetime, following: datetime | None) -> bool:
    """Compare-and-swap: only the sweep that still reads `due` moves the claim on."""
    return bool(Claim.objects.filter(pk=claim_id, resolver_schedule_next_at=due)
                .update(resolver_schedule_next_at=following))


def schedule_sweep(*, now: datetime, limit: int = 5000) -> list[tuple[int, str]]:
    """Take the newest due measurement slot of each scheduled claim and publish its run.

    Runs outside any transaction, like the resolver sweep: each slot is taken by its own
    UPDATE, and a slot whose message could not be published (broker down) is given back for
    the next sweep.
    """
    rows = list(claims_due_for_schedule(now=now)
                .order_by("resolver_schedule_next_at", "pk")
                .values_list("pk", "open_time", "resolve_after", "resolver_spec",
                             "resolver_schedule_next_at")[:limit])
    taken: list[tuple[int, int, datetime, datetime | None]] = []
    for row in rows:
        claim_id, due = row[0], row[4]
        slot, following = _slot_due(row, now)
        if _take(claim_id, due, following) and slot is not None:
            taken.append((claim_id, slot, due, following))
    runs = [(claim_id, schedule_run_key(claim_id, slot)) for claim_id, slot, _, _ in taken]
    count = publish_all([("bets.tasks.claim_run_resolver", run) for run in runs],
                        what="scheduled runs")
    for claim_id, _, due, following in taken[count:]:  # broker down: give the slots back
        Claim.objects.filter(pk=claim_id, resolver_schedule_next_at=following).update(
            resolver_schedule_next_at=due)
    return runs[:count]
