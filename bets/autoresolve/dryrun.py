"""Scheduled dry runs: each open claim with a spec is run on a timer and its page says
"would resolve as YES / NO / undecided today", with the time of the check.

A dry run reads and decides like a real run but proposes nothing: one row per claim
(ClaimDryRun) is replaced in place. Its `key` is a sha256 over the spec and the sha256 of
every file read, so an unchanged key keeps its `changed_at` (and the parse cache of the
worker process means each log is parsed once per process, however many claims read it).
Batches of claims go to the `resolvers` queue; each batch writes its rows in one statement.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from bets.autoresolve.bridge import execute_spec, spec_files
from bets.autoresolve.evidence.disclosure import spec_discloses_aggregates_only
from bets.autoresolve.live.runs import is_live_spec
from bets.common.dispatch import publish_all
from bets.models import Claim, ClaimArtifact, ClaimDryRun

logger = logging.getLogger(__name__)

BATCH = 250  # claims per task: one query in, one statement out
PRIVATE_REASON = ("The reason draws on evidence that is not public; the claim's arbiters see "
                  "it on each attempt.")
DRY_RUN_STATUSES = (Claim.Status.OPEN, Claim.Status.CLOSED)


def claims_for_dry_run() -> QuerySet:
    """Open (or closed, awaiting resolution) claims with a spec that reads results; live runs
    are left out: a dry run must not run a benchmark."""
    return (Claim.objects.filter(status__in=DRY_RUN_STATUSES, resolver_spec__isnull=False)
            .exclude(resolver_spec__source__kind="inspect_run"))


def dry_run_sweep(*, batch: int = BATCH) -> int:
    """Dispatch every claim due a dry run, `batch` claims per task; returns how many."""
    ids = list(claims_for_dry_run().order_by("pk").values_list("pk", flat=True))
    batches = [ids[start:start + batch] for start in range(0, len(ids), batch)]
    # Broker down: the next beat tries again.
    count = publish_all([("bets.tasks.claims_dry_run", (b,)) for b in batches],
                        what="dry-run batches")
    return sum(len(b) for b in batches[:count])


def dry_run_key(spec, files: list[tuple[str, str]]) -> str:
    """sha256 over the spec and the (locator, sha256) of every file read."""
    text = json.dumps([spec, sorted(files)], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _files_of(evidence: dict) -> list[tuple[str, str]]:
    return [(str(f.get("locator")), str(f.get("sha256"))) for f in evidence.get("files", [])
            if isinstance(f, dict)]


# Verdicts by key, per worker process: the same spec over the same bytes decides the same,
# so thousands of claims with a handful of distinct specs run each spec once per change of
# the files (the key is exact: it holds the sha256 of every file).
_VERDICTS: OrderedDict[str, tuple[str, str]] = OrderedDict()
VERDICTS_KEPT = 4096


def _remember(key: str, verdict: str, reason: str) -> None:
    _VERDICTS[key] = (verdict, reason)
    _VERDICTS.move_to_end(key)
    while len(_VERDICTS) > VERDICTS_KEPT:
        _VERDICTS.popitem(last=False)


def _dry_run(spec, claim_id: int) -> tuple[str, str, str]:
    """(verdict, reason, key) of running the spec now; failures are undecided, with why."""
    from resolvers.base import SourceError, SpecError

    ttl = float(settings.CRUX_DRY_RUN_GLOB_SECONDS)
    try:
        files = spec_files(spec, claim_id, glob_ttl=ttl)
    except (SpecError, SourceError):
        files = None  # the run below says why
    if files is not None:
        key = dry_run_key(spec, files)
        if key in _VERDICTS:
            verdict_, reason = _VERDICTS[key]
            return verdict_, reason, key
    try:
        verdict = execute_spec(spec, claim_id, glob_ttl=ttl)
    except SpecError as exc:
        return "inconclusive", "The spec cannot run: " + "; ".join(exc.errors), ""
    except SourceError as exc:
        return "inconclusive", f"The evidence could not be read: {exc}", ""
    except Exception as exc:  # a resolver bug must not stop the other claims of the batch
        logger.exception("Dry run of claim %s failed", claim_id)
        return "inconclusive", f"The resolver failed: {type(exc).__name__}: {exc}", ""
    key = dry_run_key(spec, _files_of(verdict.evidence))
    if files is not None:  # only what could be keyed without fetching is kept
        _remember(key, verdict.verdict, verdict.reason)
    return verdict.verdict, verdict.reason, key


def spec_dry_run(*, spec, claim_id: int) -> tuple[str, str]:
    """(verdict, reason) of running `spec` over the claim's evidence now, recording nothing:
    what a moderator is told before approving a claim whose answer may already be known.
    A live run is never dry-run (it would run the benchmark)."""
    if is_live_spec(spec):
        return "inconclusive", "A live run is not dry-run: it would run the benchmark."
    verdict, reason, _ = _dry_run(spec, claim_id)
    return verdict, reason


def claims_dry_run(*, claim_ids: list[int], now: datetime | None = None) -> int:
    """Dry-run these claims and store what each would resolve as today; returns how many.

    Writes only ClaimDryRun rows (one upsert for the batch): no attempt, no proposal, no
    lock. Claims that are no longer open, or have lost their spec, are skipped.
    """
    now = now or timezone.now()
    claims = list(Claim.objects.filter(pk__in=claim_ids, status__in=DRY_RUN_STATUSES,
                                       resolver_spec__isnull=False)
                  .values_list("pk", "resolver_spec"))
    before = {row.claim_id: row for row in ClaimDryRun.objects.filter(pk__in=claim_ids)}
    # The row is public (claim page, list, API): a reason drawn from non-public evidence, or
    # from a spec that discloses aggregates only, would leak its numbers. Visibility only
    # ever widens, so a reason withheld now is never one that should have been shown.
    guarded = set(ClaimArtifact.objects.filter(claim_id__in=claim_ids)
                  .exclude(visibility=ClaimArtifact.Visibility.PUBLIC)
                  .values_list("claim_id", flat=True))
    rows = []
    for claim_id, spec in claims:
        if is_live_spec(spec):
            continue
        verdict, reason, key = _dry_run(spec, claim_id)
        if claim_id in guarded or spec_discloses_aggregates_only(spec):
            reason = PRIVATE_REASON
        old = before.get(claim_id)
        same = old is not None and key and old.key == key and old.verdict == verdict
        rows.append(ClaimDryRun(claim_id=claim_id, verdict=verdict, reason=reason[:5000],
                                key=key, checked_at=now,
                                changed_at=old.changed_at if same and old else now))
    ClaimDryRun.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["claim"],
        update_fields=["verdict", "reason", "key", "checked_at", "changed_at"])
    return len(rows)
