"""An attempt's evidence as a bundle anyone can re-check: its number on the claim, the frozen
spec, the verdict with its numbers, and every file the run read with its sha256.

Reads only. The zip carries the files themselves where their visibility allows it, each
checked against the sha256 the run recorded (a file changed since is listed, not shipped),
what URL sources fetched (their snapshots), the versions of the readers, and a README that
says what was decided and the two commands that re-check it without Crux
(`pip install ./resolvers`, `crux-verify BUNDLE.zip`: resolvers/verify.py).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
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
from bets.autoresolve.evidence.snapshots import snapshot_path
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


def bundle_filename(attempt: ResolutionAttempt) -> str:
    return f"claim-{attempt.claim_id}-attempt-{attempt_number(attempt)}.zip"


def verify_commands(filename: str) -> list[str]:
    """The two commands that re-check a bundle on anyone's machine (shown on the claim page
    and in the bundle's README): install the resolvers, run crux-verify on the zip."""
    return [settings.CRUX_VERIFY_INSTALL, f"crux-verify {filename}"]


def _installed(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def reader_versions(attempt: ResolutionAttempt) -> dict:
    """The versions that matter to a re-check: Crux and its resolvers serving this bundle,
    and the readers the run itself used (recorded in its evidence)."""
    import resolvers

    used = (attempt.evidence or {}).get("tool_versions") or {}
    return {"crux": _installed("crux"), "crux_resolvers": resolvers.__version__,
            "inspect_ai": used.get("inspect_ai") or _installed("inspect-ai"),
            "lm_eval": used.get("lm_eval (in results)") or _installed("lm-eval"),
            "python": used.get("python")}


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
        "versions": reader_versions(attempt),
    }


@dataclass(frozen=True)
class EvidenceFile:
    locator: str  # as the run recorded it, e.g. "data:gen2/x.eval" or "artifact:gen2.eval"
    sha256: str  # what the run read
    size: int | None
    path: Path | None  # where it is stored now; None when Crux keeps no copy
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
            # The bytes the run fetched, kept as a snapshot (bets.autoresolve.evidence.
            # snapshots): published at that URL, so anyone who may see the claim gets them.
            path = snapshot_path(sha)
            shared = path is not None
            why = "" if shared else ("fetched before Crux kept copies of what it fetches: "
                                     "fetch it and compare the sha256")
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
        record = evidence_bundle(attempt)
        archive.writestr("evidence.json", json.dumps(record, indent=2, sort_keys=True))
        archive.writestr("spec.json", json.dumps(attempt.spec, indent=2, sort_keys=True))
        archive.writestr("manifest.json", json.dumps({"files": manifest}, indent=2))
        archive.writestr("README.md", bundle_readme(record, manifest, bundle_filename(attempt)))
    return buffer.getvalue()


def _reading_line(r: dict) -> str:
    what = " ".join(str(x) for x in (r.get("alias") or r.get("model"), r.get("condition"),
                                     r.get("metric")) if x)
    stderr = "" if r.get("stderr") is None else f" (stderr {r['stderr']:.3g})"
    return f"- {what}: {r.get('value')}{stderr}"


def bundle_readme(record: dict, manifest: list[dict], filename: str) -> str:
    """The bundle's README: what was decided, from which files, and how to re-check it."""
    attempt, versions = record["attempt"], record["versions"]
    verdict = str(attempt["verdict"] or attempt["status"]).upper()
    missing = [f for f in manifest if not f["included"]]
    lines = [
        f"# Claim {attempt['claim']}, resolver attempt #{attempt['number']}: {verdict}", "",
        "## What was decided", "",
        f"On {attempt['finished_at'] or attempt['started_at']} (UTC) Crux ran the claim's "
        f"resolver spec (spec.json) on the files listed below and found {verdict}: "
        f"{attempt['reason'] or attempt['error'] or 'no reason recorded'}", "",
        "Numbers it read:", "",
        *([_reading_line(r) for r in record["measurement"].get("readings", [])]
          or ["- none"]), "",
        f"## The files it read ({len(manifest)})", "",
        *[f"- {f['locator']}  sha256 {f['sha256']}"
          + (f"  (in this zip: {f['path']})" if f["included"] else f"  (not in this zip: "
                                                                   f"{f['note']})")
          for f in manifest], "",
        "## Re-check it yourself", "",
        "With Python 3.11 or later, no Crux account and no Crux server:", "",
        *[f"    {command}" for command in verify_commands(filename)], "",
        "crux-verify checks every file against its sha256, re-runs the frozen spec on the "
        "files in this zip (offline: what a URL served is read from the copy Crux kept, a "
        "live run from the logs it wrote) and prints the verdict and the numbers it read. "
        "It exits 0 when everything matches the record in evidence.json, and non-zero on "
        "any difference: a file missing or changed (it names the file), another verdict, "
        "reason or measurement.",
    ]
    if missing:
        lines += ["", f"{len(missing)} of the files are not in this zip (see above), so "
                      "crux-verify will report them missing and cannot re-run the spec."]
    lines += ["", "## Versions", "",
              *[f"- {name}: {value}" for name, value in versions.items() if value], ""]
    return "\n".join(lines)


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
