"""Snapshots: the exact bytes of what a resolver run fetched from a URL, kept so the verdict
stays re-checkable (the evidence bundle carries them; reverify and crux-verify read them
instead of the network).

Content-addressed: the bytes lie once under MEDIA_ROOT/snapshots/<sha[:2]>/<sha256>, written
atomically and never rewritten (the same sha256 is the same bytes); a FetchedSnapshot row
says where they came from, once per source and distinct content. Within the fetch caps the
run already applied (CRUX_ARTIFACT_MAX_BYTES); an upload by hand is held to the same cap.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from bets.autoresolve.snapshots.store import write_once
from bets.common.errors import InvalidInput
from bets.common.types import Viewer
from bets.models import FetchedSnapshot

FOLDER = "snapshots"


def snapshot_name(sha256: str) -> str:
    return f"{FOLDER}/{sha256[:2]}/{sha256}"


def snapshot_path(sha256: str) -> Path | None:
    """Where the bytes with this sha256 lie, or None when Crux keeps none."""
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        return None  # never a path built from anything but a digest
    path = Path(default_storage.path(snapshot_name(sha256)))
    return path if path.is_file() else None


def _store_bytes(content: bytes, sha256: str) -> None:
    """Write the bytes under their digest in MEDIA_ROOT unless they are there already."""
    write_once(content, Path(default_storage.path(snapshot_name(sha256))))


def snapshot_record(*, url: str, content: bytes, retrieved_at: datetime,
                    final_url: str = "", http_status: int | None = None, etag: str = "",
                    last_modified: str = "", uploaded_by: Viewer | None = None,
                    licence: str = "", attribution: str = "") -> FetchedSnapshot:
    """Keep `content` as a snapshot of `url`: its bytes once by sha256, and one row per
    source and distinct content (a repeat of the same bytes moves `last_seen_at` only).
    Safe under concurrency: the row is an insert-or-update on its unique key."""
    cap = settings.CRUX_ARTIFACT_MAX_BYTES
    if len(content) > cap:
        raise InvalidInput(f"The file is {len(content)} bytes; snapshots are at most {cap}.",
                           field="file")
    sha = hashlib.sha256(content).hexdigest()
    _store_bytes(content, sha)
    uploader = uploaded_by if uploaded_by is not None and uploaded_by.is_authenticated else None
    row = FetchedSnapshot(
        url=url, final_url=final_url or url, sha256=sha, size=len(content),
        http_status=http_status, etag=etag[:500], last_modified=last_modified[:100],
        retrieved_at=retrieved_at, last_seen_at=retrieved_at,
        origin=FetchedSnapshot.Origin.UPLOADED if uploader else FetchedSnapshot.Origin.FETCHED,
        uploaded_by=uploader, licence=licence, attribution=attribution)
    FetchedSnapshot.objects.bulk_create([row], update_conflicts=True,
                                        unique_fields=["url", "sha256"],
                                        update_fields=["last_seen_at"])
    return FetchedSnapshot.objects.get(url=url, sha256=sha)


def _when(iso: str) -> datetime:
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return timezone.now()


def verdict_keep_fetched(verdict, fetched: list):
    """Keep every URL body a run fetched (resolvers.base.Fetched) as a snapshot, and
    return the verdict with each URL file of its evidence naming its own retrieval: when,
    the HTTP status, the final URL, ETag and Last-Modified."""
    retrievals = {}
    for f in fetched:
        snapshot_record(url=f.url, content=f.content, retrieved_at=_when(f.retrieved_at),
                        final_url=f.final_url, http_status=f.status, etag=f.etag,
                        last_modified=f.last_modified)
        retrievals[(f"url:{f.url}", f.sha256)] = {
            "retrieved_at": f.retrieved_at, "http_status": f.status,
            "final_url": f.final_url, "etag": f.etag, "last_modified": f.last_modified}
    if not retrievals:
        return verdict
    files = [{**r, **retrievals.get((r.get("locator"), r.get("sha256")), {})}
             for r in (verdict.evidence or {}).get("files", [])]
    return dataclasses.replace(verdict, evidence={**verdict.evidence, "files": files})
