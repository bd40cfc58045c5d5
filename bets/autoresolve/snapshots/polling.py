"""Polling published sources: beat finds the sources open claims use and polls each once
per CRUX_SNAPSHOT_POLL_SECONDS, through the SSRF guard, conditionally (If-None-Match) when
the source sent an ETag. Every distinct version is stored (bets.autoresolve.snapshots.store).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from bets.autoresolve.snapshots.selectors import (
    PUBLISHED,
    published_urls,
    snapshots_missing,
)
from bets.autoresolve.snapshots.store import snapshot_seen_again, snapshot_store, source_for_url
from bets.common.dispatch import publish_all
from bets.models import Claim, Snapshot, SnapshotSource

logger = logging.getLogger(__name__)
RESOLVABLE = (Claim.Status.OPEN, Claim.Status.CLOSED)


def sources_in_use() -> list[SnapshotSource]:
    """The sources open (or closed, unresolved) claims read, each known once; a source a
    spec names for the first time is added, its licence and attribution from the spec's
    preset when it has none yet."""
    from resolvers.sources.published_formats import PRESETS

    urls: dict[str, str] = {}
    specs = Claim.objects.filter(status__in=RESOLVABLE,
                                 resolver_spec__source__kind=PUBLISHED).values_list(
        "resolver_spec", flat=True)
    for spec in specs:
        for url in published_urls(spec):
            source_spec = spec.get("source") if isinstance(spec, dict) else None
            preset = source_spec.get("preset") if isinstance(source_spec, dict) else None
            urls.setdefault(url, str(preset or ""))
    sources = []
    for url, preset in urls.items():
        source = source_for_url(url)
        if not source.preset and preset in PRESETS:
            p = PRESETS[preset]
            SnapshotSource.objects.filter(pk=source.pk, preset="").update(
                preset=preset, licence=source.licence or p.licence,
                attribution=source.attribution or p.attribution)
        sources.append(source)
    return sources


def snapshot_poll_sweep(*, now: datetime | None = None) -> int:
    """Beat: dispatch a poll of every source in use that was not polled within the period;
    returns how many went out (the rest wait for the next sweep)."""
    now = now or timezone.now()
    due_before = now - timedelta(seconds=settings.CRUX_SNAPSHOT_POLL_SECONDS)
    ids = [s.pk for s in sources_in_use()]
    due = list(SnapshotSource.objects.filter(pk__in=ids).filter(
        Q(polled_at__isnull=True) | Q(polled_at__lte=due_before)).values_list("pk", flat=True))
    return publish_all([("bets.tasks.snapshot_source_poll", (pk,)) for pk in due],
                       what="snapshot polls")


def source_poll(*, source_id: int, now: datetime | None = None) -> Snapshot | None:
    """Retrieve the source once and store what came back: a new version, the same version
    seen again (also a 304), or the reason it could not be fetched (kept on the source; the
    next sweep tries again). Returns the version current after the poll, if any."""
    from resolvers import netguard
    from resolvers.base import SourceError

    source = SnapshotSource.objects.filter(pk=source_id).first()
    if source is None:
        return None
    latest = source.snapshots.order_by("-retrieved_at", "-id").first()
    conditional = {}
    if latest is not None and latest.etag and latest.http_status is not None:
        conditional["If-None-Match"] = latest.etag
    try:
        fetched = netguard.fetch(source.url, timeout=float(settings.CRUX_SNAPSHOT_FETCH_SECONDS),
                                 max_bytes=settings.CRUX_SNAPSHOT_MAX_BYTES,
                                 allow_loopback=settings.CRUX_URL_SOURCE_ALLOW_LOOPBACK,
                                 conditional=conditional)
    except SourceError as e:
        SnapshotSource.objects.filter(pk=source_id).update(
            polled_at=now or timezone.now(), poll_error=str(e)[:2000])
        logger.warning("Polling %s failed: %s", source.url, e)
        return None
    if fetched.status == 304:
        snapshot = snapshot_seen_again(source_id=source_id, now=now)
    else:
        snapshot, _ = snapshot_store(url=source.url, data=fetched.content,
                                     status=fetched.status, etag=fetched.etag,
                                     last_modified=fetched.last_modified, now=now)
    SnapshotSource.objects.filter(pk=source_id).update(polled_at=now or timezone.now(),
                                                       poll_error="")
    return snapshot


def claim_snapshots_poll(*, spec: dict, claim_id: int) -> None:
    """Before a claim's run: poll every source the spec reads that has no version it may
    resolve from yet (the first retrieval at or after resolve_after), so a claim due now
    need not wait for beat."""
    for url in snapshots_missing(spec, claim_id):
        source_poll(source_id=source_for_url(url).pk)
