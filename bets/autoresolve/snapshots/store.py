"""Snapshots of published files: each distinct version kept once, its bytes stored once.

A snapshot is the exact bytes of one retrieval of one published file, with its URL, time,
HTTP status, ETag / Last-Modified, sha256 and size, and the source's licence and
attribution line. The bytes lie under CRUX_SNAPSHOT_DIR named by their sha256, so the same
bytes are stored once whichever source or version holds them. A row is one version in the
file's history (bets.models.Snapshot): a retrieval that returns the latest version's bytes
again only moves its `last_seen_at` on.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bets.common.errors import Forbidden, InvalidInput, NotFound
from bets.common.types import AuthUser
from bets.models import Snapshot, SnapshotSource


def bytes_path(sha256: str) -> Path:
    """Where the bytes with this sha256 lie (whether or not they are stored yet)."""
    return Path(settings.CRUX_SNAPSHOT_DIR) / sha256[:2] / sha256


def _write_once(data: bytes, sha256: str) -> Path:
    path = bytes_path(sha256)
    write_once(data, path)
    return path


def write_once(data: bytes, path: Path) -> None:
    """Store the bytes at `path` (named by their sha256) unless already there; atomic (a
    reader never sees half a file, and two writers of the same bytes both leave the whole
    file). Every content-addressed store of fetched bytes writes through here."""
    if path.is_file():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def source_for_url(url: str) -> SnapshotSource:
    source, _ = SnapshotSource.objects.get_or_create(url=url)
    return source


@transaction.atomic
def snapshot_store(*, url: str, data: bytes, status: int | None, etag: str = "",
                   last_modified: str = "", uploaded_by: AuthUser | None = None,
                   note: str = "", now: datetime | None = None) -> tuple[Snapshot, bool]:
    """Record one retrieval of `url` that returned `data`: (the version, whether it is new).

    Takes the source's row lock, so two polls of one source record their versions one
    after the other and the same bytes never become two versions in a row."""
    now = now or timezone.now()
    if len(data) > settings.CRUX_SNAPSHOT_MAX_BYTES:
        raise InvalidInput(f"The file is {len(data)} bytes; snapshots may be at most "
                           f"{settings.CRUX_SNAPSHOT_MAX_BYTES}.", field="file")
    source_for_url(url)
    source = SnapshotSource.objects.select_for_update().get(url=url)
    sha = hashlib.sha256(data).hexdigest()
    latest = source.snapshots.order_by("-retrieved_at", "-id").first()
    if latest is not None and latest.sha256 == sha:
        Snapshot.objects.filter(pk=latest.pk).update(last_seen_at=max(now, latest.last_seen_at))
        latest.refresh_from_db()
        return latest, False
    _write_once(data, sha)
    snapshot = Snapshot.objects.create(
        source=source, url=url, retrieved_at=now, last_seen_at=now, http_status=status,
        etag=etag[:500], last_modified=last_modified[:100], sha256=sha, size=len(data),
        licence=source.licence, attribution=source.attribution, uploaded_by=uploaded_by,
        note=note[:500])
    return snapshot, True


@transaction.atomic
def snapshot_seen_again(*, source_id: int, now: datetime | None = None) -> Snapshot | None:
    """A conditional poll answered 304: the latest version is still current.

    Takes the source's row lock, as snapshot_store does."""
    now = now or timezone.now()
    source = SnapshotSource.objects.select_for_update().filter(pk=source_id).first()
    latest = source.snapshots.order_by("-retrieved_at", "-id").first() if source else None
    if latest is not None:
        Snapshot.objects.filter(pk=latest.pk).update(last_seen_at=max(now, latest.last_seen_at))
        latest.refresh_from_db()
    return latest


def snapshot_upload(*, source_id: int, data: bytes, actor: AuthUser,
                    note: str = "") -> tuple[Snapshot, bool]:
    """Staff store a snapshot of a source by hand (a copy taken elsewhere, e.g. from the
    Wayback Machine): the same record as a poll's, marked as uploaded and by whom."""
    if not actor.is_staff:
        raise Forbidden("Only staff can upload a snapshot.")
    source = SnapshotSource.objects.filter(pk=source_id).first()
    if source is None:
        raise NotFound("No such source.")
    if not data:
        raise InvalidInput("The file is empty.", field="file")
    return snapshot_store(url=source.url, data=data, status=None, uploaded_by=actor,
                          note=note)


@transaction.atomic
def source_describe(*, url: str, licence: str, attribution: str,
                    preset: str = "") -> SnapshotSource:
    """Set a source's licence, attribution and preset (the demo and staff do; a spec's
    preset fills in what is blank)."""
    source = source_for_url(url)
    SnapshotSource.objects.filter(pk=source.pk).update(
        licence=licence[:300], attribution=attribution[:500], preset=preset[:20])
    source.refresh_from_db()
    return source
