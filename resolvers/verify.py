"""Re-check a verdict without Crux: `crux-verify BUNDLE.zip`.

An evidence bundle (the zip Crux serves for every resolver attempt) holds the frozen spec,
the verdict, reason and measurement the run recorded, and every file the run read with its
sha256. Re-checking means: every file is there and hashes to what the run recorded, and the
same spec run on exactly those files (offline: a URL source reads the bytes the run kept,
a live run reads the logs it wrote) gives the same verdict, reason and measurement.

`recheck` is that comparison, shared by this command and the service's own
`manage.py reverify`; `main` reads a bundle and prints what it found. Exit status: 0 when
everything matches, 1 on any difference, 2 when the bundle cannot be read at all.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import hashlib
import io
import json
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from resolvers import archives
from resolvers.base import PinnedFile, RunContext, SourceError, SpecError, Verdict
from resolvers.cache import LogCache

BUNDLE_FORMAT = "crux-evidence"
# In an attempt's evidence: its (inconclusive) verdict was recorded without reading anything
# (a live run cancelled, or whose shards failed): there is nothing to re-run.
NO_EVIDENCE_READ = "no_evidence_read"
MAX_BUNDLE_BYTES = 2 * 1024 * 1024 * 1024  # a bundle is read into memory once


@dataclass(frozen=True)
class KeptFile:
    """One file the run read: its locator as recorded ("data:good/x.eval",
    "url:https://...", "artifact:name", "path:x.eval"), the sha256 the run recorded, and how
    to get its bytes now (None when they are not at hand, with why)."""

    locator: str
    sha256: str
    read: Callable[[], bytes] | None
    why_missing: str = ""


@dataclass
class Recheck:
    files_ok: bool = True
    same_verdict: bool = False
    same_measurement: bool = False
    verdict: Verdict | None = None  # what the spec gives now; None when it did not run
    lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.files_ok and self.same_verdict and self.same_measurement


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, allow_nan=False)


def _safe_parts(relative: str) -> list[str]:
    # A locator is data written by the service; still, none may write outside the folder.
    return [p for p in PurePosixPath(relative).parts if p not in ("..", "/", "")]


def recheck(*, spec: dict, verdict: str, reason: str, measurement: dict,
            files: list[KeptFile], evidence: dict | None = None,
            context: RunContext | None = None) -> Recheck:
    """Run `spec` on exactly `files` (each checked against its sha256) and compare with the
    recorded `verdict`, `reason` and `measurement`. `evidence`: what the run recorded about
    what it read (a live run's identity records, what the endpoint said it was, are laid
    beside its logs). `context` carries the caller's caps (sizes, archives); its locations
    are replaced."""
    from resolvers.registry import run_spec

    report = Recheck()
    evidence = evidence or {}
    if evidence.get(NO_EVIDENCE_READ) and verdict == "inconclusive" and not files:
        # Only an inconclusive verdict may stand unread: a yes or no is always re-run.
        report.same_verdict = report.same_measurement = True
        report.lines.append(f"recorded inconclusive without reading any evidence ({reason}): "
                            "there is nothing to re-run")
        return report
    live_identities = (evidence.get("live") or {}).get("shards") or []
    with tempfile.TemporaryDirectory(prefix="crux-verify-") as tmp:
        root = Path(tmp)
        data_dir, base_dir, artifact_dir = root / "data", root / "base", root / "artifacts"
        for folder in (data_dir, base_dir, artifact_dir):
            folder.mkdir()
        artifacts: dict[str, Path] = {}
        urls: dict[str, bytes] = {}
        # Published tables are read from the snapshot the run pinned (what its evidence
        # says of each URL's retrieval), never fetched again.
        pinned = {str(r.get("url")): r for r in evidence.get("snapshots") or []
                  if isinstance(r, dict)}
        snapshots: dict[str, PinnedFile] = {}
        for n, kept in enumerate(files):
            if kept.read is None:
                report.files_ok = False
                report.lines.append(f"MISSING {kept.locator}: {kept.why_missing}")
                continue
            data = kept.read()
            now = hashlib.sha256(data).hexdigest()
            if now != kept.sha256:
                report.files_ok = False
                report.lines.append(f"CHANGED {kept.locator}: sha256 {now}, the run read "
                                    f"{kept.sha256}")
                continue
            report.lines.append(f"ok {kept.locator} sha256 {kept.sha256}")
            kind, _, target = kept.locator.partition(":")
            if kind == "url":
                urls[target] = data
                continue
            if kind == "artifact":
                place = artifact_dir / str(n)
                artifacts[target] = place
            elif kind == "snapshot":
                place = root / "snapshots" / str(n)
                snapshots[target] = PinnedFile(place, pinned.get(target, {}))
            else:
                parts = _safe_parts(target.split(" -> ")[-1])
                place = (data_dir if kind == "data" else base_dir).joinpath(*parts)
            place.parent.mkdir(parents=True, exist_ok=True)
            place.write_bytes(data)
        if not report.files_ok:
            # The spec would read another set of files than the run did: its verdict there
            # would prove nothing, so none is given.
            report.lines.append("not re-run: the files are not the ones the run read")
            return report
        for i, record in enumerate(live_identities):
            # read_logs finds them as **/identity.json, in path order: keep the run's order.
            folder = base_dir / f"identity-{i:05d}"
            folder.mkdir()
            (folder / "identity.json").write_text(json.dumps(record), encoding="utf-8")
        context = dataclasses.replace(
            context or RunContext(), data_dir=data_dir, base_dir=base_dir,
            artifacts=artifacts, cache=LogCache(), replay_urls=urls, fetched=[],
            snapshots=snapshots,
            # A live run is read from the logs it wrote, never run again.
            live_logs_dir=base_dir, live_read_only=True, glob_ttl=0.0)
        try:
            now_verdict = run_spec(spec, context=context)
        except (SpecError, SourceError) as exc:
            report.lines.append(f"The spec does not run on these files: {exc}")
            return report
    report.verdict = now_verdict
    report.same_verdict = now_verdict.verdict == verdict and now_verdict.reason == reason
    report.same_measurement = canonical(now_verdict.measurement) == canonical(measurement)
    if not report.same_verdict:
        report.lines.append(f"verdict then: {verdict} ({reason}); now: {now_verdict.verdict} "
                            f"({now_verdict.reason})")
    if not report.same_measurement:
        report.lines.append(f"the measurement differs: then {canonical(measurement)}; now "
                            f"{canonical(now_verdict.measurement)}")
    return report


# --- the bundle and the command ------------------------------------------------------------


class BadBundle(Exception):  # noqa: N818 (an outcome: the bundle cannot be checked)
    pass


@dataclass
class Bundle:
    evidence: dict  # evidence.json
    files: list[KeptFile]


def read_bundle(data: bytes) -> Bundle:
    """The bundle's record and its files (each read lazily from the zip). Raises BadBundle
    for something that is not a Crux evidence bundle."""
    try:
        archives.check_archive(data)
        archive = zipfile.ZipFile(io.BytesIO(data))
        evidence = json.loads(archive.read("evidence.json"))
        manifest = json.loads(archive.read("manifest.json"))
    except (archives.ArchiveRefused, zipfile.BadZipFile) as exc:
        raise BadBundle(f"not a readable zip: {exc}") from None
    except KeyError as exc:
        raise BadBundle(f"not a Crux evidence bundle: {exc.args[0]}") from None
    except ValueError as exc:
        raise BadBundle(f"evidence.json or manifest.json is not JSON: {exc}") from None
    if not isinstance(evidence, dict) or evidence.get("format") != BUNDLE_FORMAT:
        raise BadBundle(f"evidence.json is not a {BUNDLE_FORMAT} record")
    names = set(archive.namelist())
    files = []
    for entry in (manifest or {}).get("files", []) if isinstance(manifest, dict) else []:
        locator, sha = str(entry.get("locator", "")), str(entry.get("sha256", ""))
        path = entry.get("path")
        if entry.get("included") and isinstance(path, str) and path in names:
            files.append(KeptFile(locator, sha, functools.partial(archive.read, path)))
        else:
            why = entry.get("note") or "not in this bundle"
            files.append(KeptFile(locator, sha, None, f"{why} ({path or 'no file'})"))
    recorded = {f["locator"] for f in (evidence.get("evidence") or {}).get("files", [])
                if isinstance(f, dict)}
    listed = {f.locator for f in files}
    for locator in sorted(recorded - listed):
        files.append(KeptFile(locator, "", None, "the run read it; the manifest omits it"))
    return Bundle(evidence, files)


@contextlib.contextmanager
def _live_catalog(spec: dict) -> Iterator[None]:
    """A live spec names an endpoint the service registered: while re-checking, it is known
    by the name and models the spec froze, and no budget refuses what the service already
    ran (whatever catalog was set before comes back afterwards)."""
    from resolvers.live import catalog

    before = catalog.environment()
    source = spec.get("source") or {}
    name, models = source.get("endpoint"), tuple(source.get("models") or ())
    big = 2**62
    catalog.set_environment(
        endpoint=lambda asked: catalog.EndpointInfo(asked, "http://replay.invalid/v1", models)
        if asked == name else None,
        limits=catalog.Limits(max_samples=big, max_seconds=big, max_tokens=big,
                              max_shards=big, max_connections=big),
        data_dir=before.data_dir)
    try:
        yield
    finally:
        catalog.set_environment(endpoint=before.endpoint, limits=before.limits,
                                data_dir=before.data_dir, allow_loopback=before.allow_loopback)


def _versions_note(versions: dict) -> list[str]:
    import importlib.metadata

    out = []
    for dist, key in (("inspect-ai", "inspect_ai"), ("lm-eval", "lm_eval")):
        then = versions.get(key)
        try:
            here = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            here = None
        if then and here and then != here:
            out.append(f"note: the run used {key} {then}; this machine has {here}")
    return out


def verify_bundle(data: bytes) -> tuple[int, list[str]]:
    """(exit status, lines to print) for a bundle's bytes."""
    try:
        bundle = read_bundle(data)
    except BadBundle as exc:
        return 2, [f"REFUSED: {exc}"]
    record = bundle.evidence
    attempt, spec = record.get("attempt") or {}, record.get("spec") or {}
    live = (spec.get("source") or {}).get("kind") == "inspect_run"
    with _live_catalog(spec) if live else contextlib.nullcontext():
        result = recheck(spec=spec, verdict=str(attempt.get("verdict", "")),
                         reason=str(attempt.get("reason", "")),
                         measurement=record.get("measurement") or {}, files=bundle.files,
                         evidence=record.get("evidence") or {})
    lines = [f"Claim {attempt.get('claim')}, attempt #{attempt.get('number')}: recorded "
             f"{str(attempt.get('verdict', '')).upper()} ({attempt.get('reason', '')})"]
    lines += _versions_note(record.get("versions") or {})
    lines += result.lines
    if result.verdict is not None:
        lines.append(f"Re-run here: {result.verdict.verdict.upper()}: {result.verdict.reason}")
        for r in result.verdict.measurement.get("readings", []):
            stderr = "" if r.get("stderr") is None else f" ± {r['stderr']:.3g}"
            what = " ".join(str(x) for x in (r.get("alias") or r.get("model"),
                                             r.get("condition"), r.get("metric")) if x)
            lines.append(f"  read {what}: {r.get('value')}{stderr}")
    if result.ok:
        lines.append("SAME: every file matches its sha256, and the verdict, reason and "
                     "measurement are the ones recorded.")
        return 0, lines
    lines.append("DIFFERENT: see above.")
    return 1, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="crux-verify", description="Re-check a Crux verdict from its evidence bundle: "
        "every file's sha256, then the frozen spec re-run on the bundled files, offline.")
    parser.add_argument("bundle", type=Path, help="the evidence zip Crux serves")
    args = parser.parse_args(argv)
    try:
        size = args.bundle.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            print(f"REFUSED: {args.bundle} is {size} bytes, over {MAX_BUNDLE_BYTES}")
            return 2
        data = args.bundle.read_bytes()
    except OSError as exc:
        print(f"REFUSED: cannot read {args.bundle}: {exc.strerror}")
        return 2
    status, lines = verify_bundle(data)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
