"""Re-check an attempt: run its frozen spec against exactly the files it read (each checked
against its recorded sha256) and say whether the verdict and measurement come out the same.

Writes nothing: the files are copied into a temporary directory so the spec's globs see only
what the run saw, and the run uses its own parse cache.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bets.autoresolve.bridge import execute_frozen
from bets.autoresolve.evidence.bundles import evidence_files, sha256_of
from bets.common.errors import Conflict
from bets.models import ResolutionAttempt

DECIDED = (ResolutionAttempt.Status.DECIDED, ResolutionAttempt.Status.INCONCLUSIVE)


@dataclass
class Reverification:
    attempt_id: int
    files_ok: bool = True
    same_verdict: bool = False
    same_measurement: bool = False
    verdict_then: str = ""
    verdict_now: str = ""
    lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.files_ok and self.same_verdict and self.same_measurement


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, allow_nan=False)


def attempt_reverify(*, attempt_id: int) -> Reverification:
    """Re-run attempt `attempt_id` from its stored files; raises Conflict when it has no
    verdict to compare (still running, or failed before deciding)."""
    from resolvers.base import SourceError, SpecError

    attempt = ResolutionAttempt.objects.filter(pk=attempt_id).first()
    if attempt is None:
        raise Conflict(f"No attempt {attempt_id}.")
    if attempt.status not in DECIDED:
        raise Conflict(f"Attempt {attempt_id} is {attempt.status}: it has no verdict to "
                       "re-check.")
    from resolvers.base import PinnedFile

    report = Reverification(attempt_id, verdict_then=attempt.verdict)
    pinned = {str(r.get("url")): r for r in (attempt.evidence or {}).get("snapshots") or []
              if isinstance(r, dict)}
    with tempfile.TemporaryDirectory(prefix="crux-reverify-") as tmp:
        data_dir, artifacts, snapshots = Path(tmp, "data"), {}, {}
        data_dir.mkdir()
        for f in evidence_files(attempt, user=None):
            if f.path is None:
                report.files_ok = False
                report.lines.append(f"MISSING {f.locator}: {f.why_not}")
                continue
            now = sha256_of(f.path)
            if now != f.sha256:
                report.files_ok = False
                report.lines.append(f"CHANGED {f.locator}: sha256 {now}, the run read "
                                    f"{f.sha256}")
                continue
            report.lines.append(f"ok {f.locator} sha256 {f.sha256}")
            kind, _, target = f.locator.partition(":")
            if kind == "artifact":
                artifacts[target] = f.path
            elif kind == "snapshot":  # a published table, read from its stored bytes
                snapshots[target] = PinnedFile(f.path, pinned.get(target, {}))
            else:
                copy = data_dir / target
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f.path, copy)
        try:
            verdict = execute_frozen(attempt.spec, data_dir=data_dir, artifacts=artifacts,
                                     snapshots=snapshots)
        except (SpecError, SourceError) as exc:
            report.lines.append(f"The spec no longer runs: {exc}")
            return report
    report.verdict_now = verdict.verdict
    report.same_verdict = verdict.verdict == attempt.verdict and verdict.reason == attempt.reason
    report.same_measurement = _canonical(verdict.measurement) == _canonical(attempt.measurement)
    if not report.same_verdict:
        report.lines.append(f"verdict then: {attempt.verdict} ({attempt.reason}); now: "
                            f"{verdict.verdict} ({verdict.reason})")
    if not report.same_measurement:
        report.lines.append("the measurement differs: then "
                            f"{_canonical(attempt.measurement)}; now "
                            f"{_canonical(verdict.measurement)}")
    return report
