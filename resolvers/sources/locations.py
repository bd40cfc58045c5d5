"""Where evidence lives, and reading it safely: confined paths, capped sizes, hashed bytes.

A spec names locations as data, one of:
  {"artifact": "name"}          a file uploaded to the claim
  {"data": "relative/glob"}     under the configured data directory
  {"path": "relative/glob"}     under the run's base directory
  {"url": "https://..."}        fetched through the SSRF guard
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, cast
from urllib.parse import urlsplit

from resolvers import archives, netguard
from resolvers.base import Checker, RunContext, SourceError, describe
from resolvers.cache import LogCache

LOCATION_KINDS = ("artifact", "data", "path", "url")
MAX_FILES = 1000  # one location may not fan out into an unbounded number of reads
GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class FileRef:
    locator: str  # "data:gen2/*.eval -> gen2/x.eval": shown in evidence
    path: Path | None = None
    url: str | None = None

    @property
    def name(self) -> str:
        if self.path:
            return self.path.name
        # expand() builds every FileRef with either a path or a url.
        return PurePosixPath(urlsplit(cast(str, self.url)).path).name


@dataclass(frozen=True)
class Unreadable:
    """Parse result for bytes that are not what the source reads (cached like a success)."""

    reason: str


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def validate_location(value: Any, path: str, check: Checker) -> None:
    if isinstance(value, list):
        if not value:
            check.error(path, "needs at least one location")
        for i, item in enumerate(value):
            validate_location(item, f"{path}[{i}]", check)
        return
    if not check.object(value, path):
        return
    kinds = [k for k in value if k in LOCATION_KINDS]
    if len(kinds) != 1 or len(value) != 1:
        check.error(path, f"expected exactly one of {', '.join(LOCATION_KINDS)}, got "
                          f"{', '.join(sorted(value)) or 'nothing'}")
        return
    kind, target = kinds[0], value[kinds[0]]
    if not isinstance(target, str) or not target:
        check.error(f"{path}.{kind}", f"expected a non-empty string, got {describe(target)}")
    elif kind in ("data", "path"):
        problem = relative_path_problem(target)
        if problem:
            check.error(f"{path}.{kind}", problem)
    elif kind == "url" and urlsplit(target).scheme.lower() not in ("http", "https"):
        check.error(f"{path}.url", "only http:// and https:// URLs are allowed")


def relative_path_problem(pattern: str) -> str | None:
    pure = PurePosixPath(pattern.replace("\\", "/"))
    if pure.is_absolute() or pattern.startswith("~") or (len(pattern) > 1 and pattern[1] == ":"):
        return f"must be a relative path, got {pattern!r}"
    if ".." in pure.parts:
        return f"must not contain '..', got {pattern!r}"
    return None


def locators(value: Any) -> list[str]:
    out = []
    for item in as_list(value):
        if isinstance(item, dict) and len(item) == 1:
            [(kind, target)] = item.items()
            out.append(f"{kind}:{target}")
    return out


def expand(location: dict, context: RunContext) -> tuple[list[FileRef], list[str]]:
    """The files a location names, and notes about what it did not find."""
    [(kind, target)] = location.items()
    if kind == "url":
        return [FileRef(f"url:{target}", url=target)], []
    if kind == "artifact":
        path = context.artifacts.get(target)
        if path is None:
            return [], [f"artifact {target!r} has not been uploaded"]
        return [FileRef(f"artifact:{target}", path=Path(path))], []
    root = context.data_dir if kind == "data" else context.base_dir
    if root is None:
        setting = "data directory" if kind == "data" else "base directory"
        raise SourceError(f"{kind}:{target}: no {setting} is configured", retryable=False)
    base = Path(root)
    if context.glob_ttl > 0 and context.cache is not None:
        paths = context.cache.glob(("glob", str(base), target, kind), context.glob_ttl,
                                   lambda: _glob(base, target, kind))
    else:
        paths = _glob(base, target, kind)
    if not paths:
        return [], [f"{kind}:{target} matches no files"]
    root = Path(root).resolve()
    return [FileRef(f"{kind}:{p.relative_to(root)}", path=p) for p in paths], []


def _glob(root: Path, pattern: str, kind: str) -> list[Path]:
    problem = relative_path_problem(pattern)
    if problem:
        raise SourceError(f"{kind}:{pattern}: {problem}", retryable=False)
    root = root.resolve()
    candidates = root.glob(pattern) if GLOB_CHARS & set(pattern) else iter([root / pattern])
    found = []
    for candidate in candidates:
        # Symlinks may point anywhere: judge where the file really is.
        real = candidate.resolve()
        if not real.is_relative_to(root):
            raise SourceError(f"{kind}:{pattern}: {candidate.name} resolves outside the "
                              f"{kind} directory", retryable=False)
        if real.is_file():
            found.append(real)
            if len(found) > MAX_FILES:
                raise SourceError(f"{kind}:{pattern} matches more than {MAX_FILES} files",
                                  retryable=False)
    return sorted(set(found))


@dataclass(frozen=True)
class ReadResult:
    ref: FileRef
    sha256: str
    size: int
    parsed: Any  # whatever the source's parser returned, or Unreadable

    def file_record(self) -> dict:
        return {"locator": self.ref.locator, "sha256": self.sha256, "bytes": self.size}


def check_archive(ref: FileRef, data: bytes, context: RunContext) -> None:
    """Refuse an archive (a zip, e.g. an inspect .eval) that would inflate past the caps,
    from its central directory, before any parser decompresses it."""
    try:
        archives.check_archive(data, max_entry_bytes=context.archive_max_entry_bytes,
                               max_ratio=context.archive_max_ratio)
    except archives.ArchiveRefused as e:
        raise SourceError(f"{ref.locator}: {e}", retryable=False) from None


def digest(ref: FileRef, context: RunContext, cache: LogCache) -> str | None:
    """The sha256 of a local file (from the cache while its mtime and size stand; read and
    hashed otherwise), or None for a URL, whose bytes are only known by fetching them."""
    if ref.url is not None or ref.path is None:
        return None
    try:
        st = ref.path.stat()
    except OSError as e:
        raise SourceError(f"{ref.locator}: cannot read: {e.strerror}", retryable=False) from None
    key = (str(ref.path), st.st_mtime_ns, st.st_size)
    sha = cache.digest_for(*key)
    if sha is None:
        if st.st_size > context.fetch_max_bytes:
            return None  # the run itself reports the oversized file
        sha = hashlib.sha256(_read_file(ref, context.fetch_max_bytes)).hexdigest()
        cache.remember_digest(*key, sha)
    return sha


def read(ref: FileRef, context: RunContext, cache: LogCache, kind: str,
         parse: Callable[[bytes, str], Any]) -> ReadResult:
    """Bytes of `ref`, hashed and parsed once per distinct content (through the cache)."""
    if ref.url is not None:
        fetched = netguard.fetch_in(context, ref.url)
        check_archive(ref, fetched.content, context)
        parsed = cache.parsed(kind, fetched.sha256, lambda: _safe(parse, fetched.content, ref))
        return ReadResult(ref, fetched.sha256, len(fetched.content), parsed)
    path = cast(Path, ref.path)  # a FileRef without a url has a path
    try:
        st = path.stat()
    except OSError as e:
        raise SourceError(f"{ref.locator}: cannot read: {e.strerror}", retryable=False) from None
    if st.st_size > context.fetch_max_bytes:
        raise SourceError(f"{ref.locator}: file of {st.st_size} bytes exceeds the "
                          f"{context.fetch_max_bytes}-byte cap", retryable=False)
    key = (str(ref.path), st.st_mtime_ns, st.st_size)
    sha = cache.digest_for(*key)
    if sha is not None:
        cached = cache.get(kind, sha)
        if cached is not None:
            return ReadResult(ref, sha, st.st_size, cached)
    data = _read_file(ref, context.fetch_max_bytes)
    check_archive(ref, data, context)
    sha = hashlib.sha256(data).hexdigest()
    cache.remember_digest(*key, sha)
    parsed = cache.parsed(kind, sha, lambda: _safe(parse, data, ref))
    return ReadResult(ref, sha, len(data), parsed)


def _read_file(ref: FileRef, cap: int) -> bytes:
    try:
        # Only read() calls this, for a FileRef without a url, which has a path.
        with open(cast(Path, ref.path), "rb") as f:
            data = f.read(cap + 1)  # the file may have grown since stat()
    except OSError as e:
        raise SourceError(f"{ref.locator}: cannot read: {e.strerror}", retryable=False) from None
    if len(data) > cap:
        raise SourceError(f"{ref.locator}: file exceeds the {cap}-byte cap", retryable=False)
    return data


def _safe(parse: Callable[[bytes, str], Any], data: bytes, ref: FileRef) -> Any:
    # Parsers run third-party readers on untrusted bytes; whatever they raise means
    # "this file cannot be used", never a crash of the whole run.
    try:
        return parse(data, ref.name)
    except Exception as e:  # noqa: BLE001
        message = str(e).strip().splitlines()[0] if str(e).strip() else ""
        return Unreadable(f"{type(e).__name__}: {message}"[:300])
