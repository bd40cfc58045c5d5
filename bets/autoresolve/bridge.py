"""The one bridge between Crux and the resolvers package: how a spec runs against a claim's
evidence. Reads only: no lock, no write, no transaction."""

import time
from pathlib import Path

from django.conf import settings

from bets.autoresolve.snapshots.selectors import claim_pinned_snapshots
from bets.models import ClaimArtifact


def run_context(
    claim_id: int | None, *, base_dir: Path | None = None, reads_artifacts: bool = True,
    fetch_budget: float | None = None, artifact_names: set[str] | None = None,
):
    """`fetch_budget`: seconds all the run's URL fetches may take together (previews, which
    run inside a web request); None: each fetch gets CRUX_URL_FETCH_SECONDS.
    `artifact_names`: only these of the claim's files are there to read (None: all)."""
    from resolvers.base import RunContext

    artifacts = {}
    if claim_id is not None and reads_artifacts:
        artifacts = {
            a.name: Path(a.file.path) for a in ClaimArtifact.objects.filter(claim_id=claim_id)
            if artifact_names is None or a.name in artifact_names
        }
    timeout = float(settings.CRUX_URL_FETCH_SECONDS)
    return RunContext(
        fetch_timeout=timeout if fetch_budget is None else min(timeout, fetch_budget),
        fetch_deadline=None if fetch_budget is None else time.monotonic() + fetch_budget,
        base_dir=base_dir,
        artifacts=artifacts,
        data_dir=Path(settings.CRUX_DATA_DIR),
        allow_loopback=settings.CRUX_URL_SOURCE_ALLOW_LOOPBACK,
        cache=shared_cache(),
        fetch_max_bytes=settings.CRUX_ARTIFACT_MAX_BYTES,
        archive_max_entry_bytes=settings.CRUX_ARCHIVE_MAX_ENTRY_BYTES,
        archive_max_ratio=float(settings.CRUX_ARCHIVE_MAX_RATIO),
    )


_CACHE = None


def cache_in_use():
    """This process's LogCache, or None when no spec has run here yet."""
    return _CACHE


def shared_cache():
    """One LogCache per worker process: a sweep's 10,000 claims parse each log once."""
    global _CACHE
    if _CACHE is None:
        from resolvers.cache import LogCache

        _CACHE = LogCache()
    return _CACHE


def execute_spec(
    spec,
    claim_id: int | None = None,
    *,
    base_dir: Path | None = None,
    artifacts_dir: Path | None = None,
    keep_logs: Path | None = None,
    glob_ttl: float = 0.0,
    fetch_budget: float | None = None,
    keep_fetched: list | None = None,
):
    """Run a spec and return its Verdict. Reads only: no lock, no write, no transaction.

    With a claim, {"artifact": name} means the claim's uploaded files; without one (the
    CLI), it means files of that name in `artifacts_dir`. `keep_fetched` receives what
    every URL fetch returned (resolvers.base.Fetched), for the caller to keep.
    """
    from resolvers.registry import run_spec, spec_locators

    reads_artifacts = any(x.startswith("artifact:") for x in spec_locators(spec))
    context = run_context(claim_id, base_dir=base_dir, reads_artifacts=reads_artifacts,
                          fetch_budget=fetch_budget)
    if claim_id is None:
        context.artifacts = _directory_artifacts(artifacts_dir)
    # Published tables: the snapshot each URL is read from (pinned by resolve_after).
    context.snapshots = claim_pinned_snapshots(spec, claim_id)
    context.live_logs_dir = keep_logs  # a live run (inspect_run) writes its logs here
    context.glob_ttl = glob_ttl  # dry runs may reuse a directory listing for a few seconds
    if keep_fetched is not None:
        context.fetched = keep_fetched
    return run_spec(spec, context=context)


def preview_spec(spec, claim_id: int | None = None, *, artifact_names: set[str]) -> dict:
    """The spec builder's preview: runs found and the verdict now (resolvers.registry).
    Reads through the same context as a real run: the SSRF guard, size and archive caps,
    and of the claim's files only `artifact_names` (those the caller may read)."""
    from resolvers.registry import preview_spec as preview

    context = run_context(claim_id, fetch_budget=float(settings.CRUX_PREVIEW_FETCH_SECONDS),
                          artifact_names=artifact_names)
    context.snapshots = claim_pinned_snapshots(spec, claim_id)
    return preview(spec, context=context)


def spec_files(spec, claim_id: int | None, *, glob_ttl: float = 0.0):
    """(locator, sha256) of every file the spec would read now, parsing none; None when
    unknowable without fetching (URLs). Raises SpecError / SourceError like a run."""
    from resolvers.registry import files_to_read, spec_locators

    reads_artifacts = any(x.startswith("artifact:") for x in spec_locators(spec))
    context = run_context(claim_id, reads_artifacts=reads_artifacts)
    context.glob_ttl = glob_ttl
    return files_to_read(spec, context=context)


def _directory_artifacts(directory: Path | None) -> dict[str, Path]:
    if directory is None:
        return {}
    return {p.name: p for p in Path(directory).iterdir() if p.is_file()}


def verdict_as_dict(verdict) -> dict:
    return {
        "verdict": verdict.verdict,
        "reason": verdict.reason,
        "measurement": verdict.measurement,
        "evidence": verdict.evidence,
    }
