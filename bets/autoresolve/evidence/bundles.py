"""An attempt's evidence as a bundle anyone can re-check: its number on the claim, the frozen
spec, the verdict with its numbers, and every file the run read with its sha256.

Reads only. The zip carries the files themselves where their visibility allows it, each
checked against the sha256 the run recorded (a file changed since is listed, not shipped).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.shortcuts import get_object_or_404

from bets.autoresolve.evidence.disclosure import (
    aggregates_only_to,
    attempt_disclose,
    live_logs_readable_by,
)
from bets.autoresolve.evidence.visibility import artifact_readable_by
from bets.autoresolve.live import runs as live_runs
from bets.autoresolve.snapshots.store import bytes_path as snapshot_bytes_path
from bets.claims.arbiters import claim_arbiter_ids
from bets.claims.selectors import claim_visible_or_404
from bets.common.types import Viewer
from bets.models import ArtifactAccess, ClaimArtifact, LiveRun, ResolutionAttempt

BUNDLE_FORMAT = "crux-evidence"
BUNDLE_VERSION = 1
CHUNK = 1024 * 1024


def attempt_number(attempt: ResolutionAttempt) -> int:
    """#1, #2, ... per claim, in the order the attempts were made (ids only grow)."""
    return ResolutionAttempt.objects.filter(claim_id=attempt.claim_id, pk__lte=attempt.pk).count()


def attempt_visible_or_404(*, attempt_id: int, user: Viewer) -> ResolutionAttempt:
    """The attempt when its claim is visible to `user`, holding only what `user` may see of
    it (bets.autoresolve.evidence.disclosure); hidden and missing claims answer alike."""
    attempt = get_object_or_404(ResolutionAttempt.objects.select_related("claim"), pk=attempt_id)
    claim_visible_or_404(claim_id=attempt.claim_id, user=user)
    return attempt_disclose(attempt, user)


def evidence_bundle(attempt: ResolutionAttempt) -> dict:
    """Everything needed to re-check the attempt, as JSON (the files are named, not carried)."""
    return {
        "format": BUNDLE_FORMAT, "version": BUNDLE_VERSION,
        "attempt": {
            "id": attempt.pk, "number": attempt_number(attempt), "claim": attempt.claim_id,
            "trigger": attempt.trigger, "status": attempt.status, "verdict": attempt.verdict,
            "reason": attempt.reason, "error": attempt.error,
            "started_at": attempt.started_at.isoformat() if attempt.started_at else None,
            "finished_at": attempt.finished_at.isoformat() if attempt.finished_at else None,
        },
        "spec": attempt.spec,
        "measurement": attempt.measurement or {},
        "evidence": attempt.evidence or {},
        "withheld": attempt.withheld,
    }


@dataclass(frozen=True)
class EvidenceFile:
    locator: str  # as the run recorded it, e.g. "data:gen2/x.eval" or "artifact:gen2.eval"
    sha256: str  # what the run read
    size: int | None
    path: Path | None  # where it is stored now; None when Crux keeps no copy (URLs)
    shared: bool  # whether this viewer may download it
    why_not: str  # when it is not in the zip: why

    @property
    def arcname(self) -> str:
        kind, _, rest = self.locator.partition(":")
        # "data:gen2/x.eval -> ..." never escapes files/ in the zip: keep safe parts only.
        parts = [p for p in PurePosixPath(rest.split(" -> ")[-1]).parts if p not in ("..", "/")]
        return "/".join(["files", kind, *parts])


def _data_path(relative: str, root: Path | None = None) -> Path | None:
    root = (root or Path(settings.CRUX_DATA_DIR)).resolve()
    path = (root / relative).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def _live_logs_root(attempt: ResolutionAttempt) -> Path | None:
    """Where a live run's logs lie (their `path:` locators are relative to it); None for
    other attempts."""
    if not live_runs.is_live_spec(attempt.spec):
        return None  # only a live spec has a run whose logs Crux keeps
    run = LiveRun.objects.filter(attempt_id=attempt.pk).only("log_dir", "shards").first()
    return live_runs.logs_dir(run) if run is not None else None


def evidence_files(attempt: ResolutionAttempt, *, user: Viewer | None) -> list[EvidenceFile]:
    """Each file the run read, where it lives now, and whether `user` may download it."""
    artifacts = {a.name: a for a in ClaimArtifact.objects.filter(claim_id=attempt.claim_id)}
    arbiters = claim_arbiter_ids(attempt.claim_id)
    live_root = _live_logs_root(attempt)
    # A spec that discloses only aggregates hides which model scored what from non-readers:
    # every file it read says exactly that, whatever the file's own visibility.
    aggregates_only = aggregates_only_to(attempt.spec, user, arbiters)
    out = []
    for record in (attempt.evidence or {}).get("files", []):
        locator, sha = str(record.get("locator", "")), str(record.get("sha256", ""))
        kind, _, target = locator.partition(":")
        path, shared, why = None, False, ""
        if kind == "artifact" and target in artifacts:
            artifact = artifacts[target]
            path = Path(artifact.file.path)
            # Public files go to anyone who may see the claim; others to staff, the
            # uploader and the claim's arbiters (bets.autoresolve.evidence.visibility).
            shared = artifact_readable_by(artifact, user, arbiters=arbiters)
            why = "" if shared else f"{artifact.visibility}: only its sha256 is shown"
        elif kind == "path" and live_root is not None:
            # The logs Crux's own run wrote, kept in CRUX_LIVE_DIR: shared as the spec's
            # `visibility` says (public by default).
            path = _data_path(target, live_root)
            shared = path is not None and live_logs_readable_by(attempt.spec, user, arbiters)
            why = ("" if shared else "no longer stored" if path is None
                   else "this run's logs are private to the claim's arbiters: only their "
                        "sha256 is shown")
        elif kind == "data":
            path = _data_path(target)
            shared = path is not None
            why = "" if shared else "no longer in the data directory"
        elif kind == "snapshot":
            # A published table: Crux keeps the bytes it read, under their sha256.
            stored = snapshot_bytes_path(sha)
            path = stored if stored.is_file() else None
            shared = path is not None
            why = "" if shared else "no longer stored"
        elif kind == "url":
            why = "fetched from a URL; Crux keeps no copy (fetch it and compare the sha256)"
        else:
            why = "no longer stored"
        if shared and aggregates_only:
            shared, why = False, ("the spec discloses only aggregate numbers: the files "
                                  "go to the claim's arbiters, only their sha256 is shown")
        out.append(EvidenceFile(locator, sha, record.get("bytes"), path, shared, why))
    return out


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def evidence_zip(attempt: ResolutionAttempt, *, user: Viewer) -> bytes:
    """evidence.json, manifest.json (every file with its sha256 and whether it is included)
    and files/<kind>/<name> for every file the viewer may have whose bytes still match."""
    buffer = io.BytesIO()
    manifest = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for f in evidence_files(attempt, user=user):
            entry = {"locator": f.locator, "sha256": f.sha256, "bytes": f.size,
                     "included": False, "path": None, "note": f.why_not}
            if f.shared and f.path is not None:
                now = sha256_of(f.path)
                if now != f.sha256:
                    entry["note"] = f"changed since the run (its sha256 is now {now})"
                else:
                    archive.write(f.path, f.arcname)
                    entry.update(included=True, path=f.arcname, note="")
                    _record_bundle_access(attempt, f, user)
            manifest.append(entry)
        archive.writestr("evidence.json", json.dumps(evidence_bundle(attempt), indent=2,
                                                     sort_keys=True))
        archive.writestr("manifest.json", json.dumps({"files": manifest}, indent=2))
    return buffer.getvalue()


def _record_bundle_access(attempt: ResolutionAttempt, f: EvidenceFile, user: Viewer | None) -> None:
    """A non-public file leaving in a bundle counts as a download of it."""
    kind, _, name = f.locator.partition(":")
    if kind != "artifact":
        return
    artifact = ClaimArtifact.objects.filter(claim_id=attempt.claim_id,
                                            name=name.split(" -> ")[0]).first()
    if artifact is not None and artifact.visibility != ClaimArtifact.Visibility.PUBLIC:
        who = user if user is not None and user.is_authenticated else None
        ArtifactAccess.objects.create(artifact=artifact, user=who, via=ArtifactAccess.Via.BUNDLE)
