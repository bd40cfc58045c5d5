"""Re-check an attempt: run its frozen spec against exactly the files it read (each checked
against its recorded sha256) and say whether the verdict and measurement come out the same.

The comparison is resolvers.verify.recheck, the same that `crux-verify` runs on a bundle
outside Crux: the data files, uploads and logs are copied into a temporary directory so the
spec's globs see only what the run saw, what a URL served is read from its snapshot (never
fetched again), and a live run is read from the logs it wrote (never run again). Writes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bets.autoresolve.bridge import run_context
from bets.autoresolve.evidence.bundles import evidence_files
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


def _reader(path: Path):
    return lambda: path.read_bytes()


def attempt_reverify(*, attempt_id: int) -> Reverification:
    """Re-run attempt `attempt_id` from its stored files; raises Conflict when it has no
    verdict to compare (still running, or failed before deciding)."""
    from resolvers.verify import KeptFile, recheck

    attempt = ResolutionAttempt.objects.filter(pk=attempt_id).first()
    if attempt is None:
        raise Conflict(f"No attempt {attempt_id}.")
    if attempt.status not in DECIDED:
        raise Conflict(f"Attempt {attempt_id} is {attempt.status}: it has no verdict to "
                       "re-check.")
    kept = [KeptFile(f.locator, f.sha256, _reader(f.path) if f.path is not None else None,
                     f.why_not) for f in evidence_files(attempt, user=None)]
    found = recheck(spec=attempt.spec, verdict=attempt.verdict, reason=attempt.reason,
                    measurement=attempt.measurement, files=kept,
                    evidence=attempt.evidence or {},
                    # The service's caps (sizes, archives) and its endpoints' catalog.
                    context=run_context(None, reads_artifacts=False))
    return Reverification(attempt_id, files_ok=found.files_ok,
                          same_verdict=found.same_verdict,
                          same_measurement=found.same_measurement,
                          verdict_then=attempt.verdict,
                          verdict_now=found.verdict.verdict if found.verdict else "",
                          lines=found.lines)
