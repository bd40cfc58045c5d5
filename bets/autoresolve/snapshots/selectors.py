"""Reading snapshots: which version a claim resolves from, what a source's history holds,
and what changed between two versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from bets.autoresolve.snapshots.store import bytes_path
from bets.claims.selectors import claims_visible_to
from bets.common.types import Viewer
from bets.models import Claim, Snapshot, SnapshotSource

PUBLISHED = "published"


def published_urls(spec: Any) -> list[str]:
    """The URLs a spec's published-table source reads ([] for any other spec)."""
    source = spec.get("source") if isinstance(spec, dict) else None
    if not isinstance(source, dict) or source.get("kind") != PUBLISHED:
        return []
    location = source.get("location")
    items = location if isinstance(location, list) else [location]
    return [i["url"] for i in items if isinstance(i, dict) and isinstance(i.get("url"), str)]


def snapshot_at_or_after(*, source_id: int, moment: datetime) -> Snapshot | None:
    """The version the first retrieval at or after `moment` returned, or None when no
    retrieval has happened since.

    Versions are contiguous in time: every retrieval between a version's `retrieved_at` and
    its `last_seen_at` returned its bytes, and the next version begins after that. So when
    the version current at `moment` was seen again at or after it, that retrieval was the
    first one after `moment`; otherwise the first version retrieved after it is."""
    current = (Snapshot.objects.filter(source_id=source_id, retrieved_at__lte=moment)
               .order_by("-retrieved_at", "-id").first())
    if current is not None and current.last_seen_at >= moment:
        return current
    return (Snapshot.objects.filter(source_id=source_id, retrieved_at__gte=moment)
            .order_by("retrieved_at", "id").first())


def snapshot_record(snapshot: Snapshot, pinned_as: str) -> dict:
    """What the evidence says of the snapshot a run read."""
    return {
        "snapshot_id": snapshot.pk, "source_id": snapshot.source_id, "url": snapshot.url,
        "retrieved_at": snapshot.retrieved_at.isoformat(),
        "last_seen_at": snapshot.last_seen_at.isoformat(), "http_status": snapshot.http_status,
        "etag": snapshot.etag, "last_modified": snapshot.last_modified,
        "sha256": snapshot.sha256, "bytes": snapshot.size, "licence": snapshot.licence,
        "attribution": snapshot.attribution,
        "uploaded_by": snapshot.uploaded_by.get_username() if snapshot.uploaded_by else None,
        "pinned_as": pinned_as,
    }


def claim_pinned_snapshots(spec: Any, claim_id: int | None) -> dict:
    """url -> resolvers PinnedFile for each published URL the spec reads: from resolve_after
    on, the first version retrieved at or after it (frozen: later versions never change
    it); before then, or without a claim (the spec builder, the CLI), the latest version.
    URLs with no such version yet are left out (the run waits for a poll)."""
    from resolvers.base import PinnedFile

    urls = published_urls(spec)
    if not urls:
        return {}
    claim = Claim.objects.filter(pk=claim_id).only("resolve_after").first() \
        if claim_id is not None else None
    resolve_after = claim.resolve_after if claim is not None else None
    now = timezone.now()
    pinned = {}
    for source in SnapshotSource.objects.filter(url__in=urls):
        if resolve_after is not None and now >= resolve_after:
            snapshot = snapshot_at_or_after(source_id=source.pk, moment=resolve_after)
            how = f"the first retrieval at or after resolve_after {resolve_after.isoformat()}"
        else:
            snapshot = source.snapshots.order_by("-retrieved_at", "-id").first()
            how = "the latest retrieval (resolve_after has not come yet)"
        if snapshot is not None and bytes_path(snapshot.sha256).is_file():
            pinned[source.url] = PinnedFile(bytes_path(snapshot.sha256),
                                            snapshot_record(snapshot, how))
    return pinned


def snapshots_missing(spec: Any, claim_id: int) -> list[str]:
    """The published URLs of a spec that no snapshot can answer for the claim yet."""
    pinned = claim_pinned_snapshots(spec, claim_id)
    return [url for url in published_urls(spec) if url not in pinned]


def attempt_table_changes(evidence: dict) -> list[str]:
    """For a decided attempt: a line per snapshot it read whose source has a later version
    ("the table has since changed ..."); the verdict stands on the snapshot it read."""
    lines = []
    for record in (evidence or {}).get("snapshots") or []:
        if not isinstance(record, dict) or "source_id" not in record:
            continue
        later = (Snapshot.objects.filter(source_id=record["source_id"],
                                         retrieved_at__gt=record.get("retrieved_at"))
                 .exclude(sha256=record.get("sha256")).order_by("-retrieved_at").first())
        if later is not None:
            lines.append(f"The table has since changed: {record['url']} was retrieved again "
                         f"on {later.retrieved_at:%Y-%m-%d %H:%M} UTC with other bytes "
                         f"(sha256 {later.sha256[:12]}…); this verdict stands on the snapshot "
                         f"of {record['retrieved_at'][:16].replace('T', ' ')} UTC "
                         f"(sha256 {str(record.get('sha256'))[:12]}…).")
    return lines


def source_snapshots(source: SnapshotSource) -> list[Snapshot]:
    return list(source.snapshots.select_related("uploaded_by").order_by("-retrieved_at", "-id"))


def claims_using_source(source: SnapshotSource, *, user: Viewer) -> list[Claim]:
    """The claims `user` may see that read this source."""
    claims = claims_visible_to(user).filter(resolver_spec__source__kind=PUBLISHED).only(
        "id", "title", "resolver_spec", "status")
    return [c for c in claims if source.url in published_urls(c.resolver_spec)]


def snapshots_diff(old: Snapshot, new: Snapshot, *, preset: str) -> list[dict]:
    """What changed between two versions, per table (a zip's per-benchmark CSVs, or the one
    table): rows added, removed and changed, each row known by its model (and the preset's
    other keys). A version whose bytes cannot be read as a table says so instead."""
    from django.conf import settings

    from resolvers import archives
    from resolvers.sources import published_formats as formats

    try:
        for snapshot in (old, new):  # a zip bomb is refused before anything inflates it
            archives.check_archive(bytes_path(snapshot.sha256).read_bytes(),
                                   max_entry_bytes=settings.CRUX_ARCHIVE_MAX_ENTRY_BYTES,
                                   max_ratio=float(settings.CRUX_ARCHIVE_MAX_RATIO))
        a = formats.parse(bytes_path(old.sha256).read_bytes(), old.url)
        b = formats.parse(bytes_path(new.sha256).read_bytes(), new.url)
    except Exception as e:  # noqa: BLE001 (third-party readers on published bytes)
        return [{"table": "", "error": f"cannot be read as a table: {type(e).__name__}: {e}"}]
    tables = []
    for name, rows_a, rows_b in _tables(a, b, preset):
        if isinstance(rows_a, str) or isinstance(rows_b, str):
            tables.append({"table": name, "error": rows_a if isinstance(rows_a, str) else rows_b})
            continue
        keys = _keys(rows_a + rows_b, preset)
        diff = formats.rows_diff(rows_a, rows_b, keys=keys)
        if diff["added"] or diff["removed"] or diff["changed"]:
            tables.append({"table": name, "keys": keys, **diff})
    return tables


def _rows(parsed: dict, member: str | None, preset: str) -> list[dict] | str:
    from resolvers.sources import published_formats as formats

    p = formats.PRESETS.get(preset)
    try:
        if member is not None:
            return formats.csv_rows(parsed["zip"][member]) if member in parsed["zip"] else []
        fmt = p.format if p else ("parquet" if "parquet" in parsed else "csv")
        if fmt == "json":
            import json

            document = json.loads(parsed["bytes"])
            boards = document.get("leaderboards") if isinstance(document, dict) else None
            if isinstance(boards, list):  # SWE-bench: every board's rows, marked by board
                return [{"board": b.get("name"), **r} for b in boards if isinstance(b, dict)
                        for r in b.get("results") or [] if isinstance(r, dict)]
        return formats.table_rows(parsed, format=fmt)[1]
    except (ValueError, KeyError, TypeError) as e:
        return f"cannot be read: {e}"


def _tables(a: dict, b: dict, preset: str) -> list[tuple[str, Any, Any]]:
    if "zip" in a and "zip" in b:
        names = sorted(n for n in set(a["zip"]) | set(b["zip"]) if n.endswith(".csv"))
        return [(n, _rows(a, n, preset), _rows(b, n, preset)) for n in names]
    return [("", _rows(a, None, preset), _rows(b, None, preset))]


def _keys(rows: list[dict], preset: str) -> tuple[str, ...]:
    from resolvers.sources import published_formats as formats

    header = set().union(*(r.keys() for r in rows)) if rows else set()
    p = formats.PRESETS.get(preset)
    model = p.columns["model"] if p else None
    candidates = [c for c in ("board", model, *(p.keys if p else ())) if c]
    keys = tuple(c for c in candidates if c in header)
    if not any(k == model for k in keys):
        # A table the preset does not describe (benchmark_metadata.csv): its first column.
        first = next(iter(rows[0]), None) if rows else None
        keys = ((first,) if first else ()) + tuple(k for k in keys if k != "board")
    return keys
