"""The resolver contract: what a run returns, the errors it raises, and what it runs in.

Pure Python: no Django, no database. The Django app imports this; never the other way round.
"""

from __future__ import annotations

import math
import time
from abc import abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from resolvers.cache import LogCache

VERDICTS = ("yes", "no", "inconclusive")


@dataclass(frozen=True)
class Verdict:
    verdict: str  # "yes" | "no" | "inconclusive"
    reason: str  # plain words, shown to people next to the outcome
    measurement: dict  # the numbers behind the verdict (JSON-serializable)
    evidence: dict  # files read with sha256, tool versions, identity of every log used


class SpecError(ValueError):
    """A spec that cannot be run. `errors` lists every problem, each with its JSON path."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors) or "invalid spec")


class SourceError(Exception):
    """Evidence could not be fetched or read. `retryable` says whether trying later can help
    (a network timeout can; a 404, a refused address or an oversized file cannot)."""

    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


class BadEvidence(Exception):  # noqa: N818 (it is an outcome, not a failure of the resolver)
    """Evidence exists but must not decide the claim; the run ends inconclusive with this."""


@dataclass(frozen=True)
class PinnedFile:
    """One stored retrieval of a published file: where its bytes lie and what the evidence
    says of it (url, retrieved_at, sha256, size, status, etag, licence, attribution)."""

    path: Path
    record: dict


@dataclass(frozen=True)
class Fetched:
    """What a URL fetch returned (resolvers.netguard.fetch): the body and what the server
    said about it."""

    url: str  # what the spec asked for
    final_url: str  # after redirects
    status: int
    content: bytes
    sha256: str
    redirects: tuple[str, ...]
    # What the server said about the bytes, kept with them so a verdict read from a URL is
    # re-checkable later (and a later poll can ask If-None-Match): "" when not sent.
    etag: str = ""
    last_modified: str = ""
    retrieved_at: str = ""  # ISO 8601, UTC, when the body was read


@dataclass
class RunContext:
    base_dir: Path | None = None  # {"path": ...} resolves here and may not leave it
    artifacts: dict[str, Path] = field(default_factory=dict)  # {"artifact": name}
    data_dir: Path | None = None  # {"data": "relative/glob"}
    allow_loopback: bool = False  # URL sources: only tests and demos set this
    cache: LogCache | None = None
    fetch_timeout: float = 10.0  # seconds for one whole fetch (connect, headers, body)
    # time.monotonic() by which every fetch of this run must have ended, or None: previews
    # run inside a web request and get a budget for all their fetches together.
    fetch_deadline: float | None = None
    fetch_max_bytes: int = 20 * 1024 * 1024
    # Live runs (source kind inspect_run): where its inspect logs are written and read, and
    # whether they are already complete (a worker ran the shards: read, never run again).
    live_logs_dir: Path | None = None
    live_read_only: bool = False
    # Archives (an inspect .eval is a zip) are checked from their central directory before
    # anything is decompressed: no entry may inflate past this many bytes, and none larger
    # than ARCHIVE_RATIO_FLOOR may inflate more than this many times its stored size.
    archive_max_entry_bytes: int = 256 * 1024 * 1024
    archive_max_ratio: float = 200.0
    # Seconds a glob's matches may be reused (through the cache): scheduled dry runs of
    # thousands of claims list the same directory once per window, not once per claim. 0 (the
    # default) lists it every time, as a resolver run must.
    glob_ttl: float = 0.0
    # Published tables (source kind "published"): the pinned snapshot to read for each URL a
    # spec names. Crux chooses the snapshot (the first retrieved at or after resolve_after);
    # the source only reads the bytes it is given and never fetches.
    snapshots: dict[str, PinnedFile] = field(default_factory=dict)
    # URL sources: every fetch this run made, with its bytes (the service keeps them as
    # snapshots); and, when re-checking a verdict, the bytes to read instead of fetching
    # (url -> bytes; a URL missing from it cannot be read).
    fetched: list[Fetched] = field(default_factory=list)
    replay_urls: dict[str, bytes] | None = None

    def fetch_seconds(self) -> float:
        """Seconds the next fetch may take: the per-fetch timeout, or what is left of the
        run's budget when that is less. Raises SourceError when the budget is spent."""
        if self.fetch_deadline is None:
            return self.fetch_timeout
        left = self.fetch_deadline - time.monotonic()
        if left <= 0:
            raise SourceError("the time allowed for fetching sources is spent; the rest "
                              "were not fetched", retryable=True)
        return min(self.fetch_timeout, left)


@dataclass(frozen=True)
class Measurement:
    """One number read from evidence, with the stderr its tool reported (None if unknown)."""

    value: float
    stderr: float | None
    label: str  # "mockllm/gen2 cot accuracy": how reasons name it
    record: dict | None = None  # identity of the log or row it came from
    # What exactly was read, for the measurement and the evidence table: the scorer, the
    # epoch reducer and epochs (inspect), the filter (lm-eval), the metric key, the number
    # of samples and the file. Sources add what they know; criteria copy it into their
    # measurement so a verdict always says which number it compared.
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    verdict: str
    reason: str
    measurement: dict


class Evidence:
    """What a source loaded: answers `lookup` and describes itself for the audit trail."""

    def lookup(self, *, model: str, condition: str | None, metric: str) -> Measurement:
        raise NotImplementedError  # raises BadEvidence when the evidence cannot be used

    def report(self) -> dict:
        raise NotImplementedError


class Source(Protocol):
    """A kind of source, as the registry uses it (resolvers.registry.SOURCES names each class).

    The class checks a spec before anything runs (`validate` records every problem in
    `check`, each under `path`) and says which condition names a criterion may use
    (`defined_conditions`: the names the spec defines, or None when any name is taken at its
    word, e.g. a table's cell). An instance, built from a valid spec and the RunContext, reads
    the evidence (`load`), raising SourceError when it cannot.

    Every source subclasses this protocol, so mypy holds its methods to these signatures and
    a source that leaves one out cannot be built.
    """

    kind: ClassVar[str]  # the spec's "kind", the source's key in the registry

    def __init__(self, spec: dict, context: RunContext) -> None:
        ...

    @classmethod
    @abstractmethod
    def validate(cls, source: dict, path: str, check: Checker) -> None:
        ...

    @classmethod
    @abstractmethod
    def defined_conditions(cls, source: dict) -> set[str] | None:
        ...

    @abstractmethod
    def load(self) -> Evidence:
        ...


class Criterion(Protocol):
    """A kind of criterion, as the registry uses it (resolvers.registry.CRITERIA): `validate`
    checks a criterion's spec, `conditions_used` lists the (JSON path, condition name) pairs
    it refers to, and an instance built from a valid spec decides from the evidence.
    Every criterion subclasses this protocol, as every source subclasses Source."""

    kind: ClassVar[str]

    def __init__(self, spec: dict) -> None:
        ...

    @staticmethod
    @abstractmethod
    def validate(obj: dict, path: str, check: Checker) -> None:
        ...

    @staticmethod
    @abstractmethod
    def conditions_used(obj: dict, path: str) -> list[tuple[str, str]]:
        ...

    @abstractmethod
    def decide(self, evidence: Evidence) -> Decision:
        ...


# The largest integer a spec may hold: every integer up to it is exact as a float and in
# JSON readers of other languages, and far beyond any sample count, epoch, seed or threshold.
# A 400-digit integer parses as JSON but cannot become a float (OverflowError): it is refused
# as bad input, never carried into arithmetic.
MAX_SPEC_INTEGER = 2**53 - 1


def number(x: Any) -> float | None:
    """A finite float from a reported value, else None (NaN, "N/A", strings, bools, integers
    too large for a float)."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    try:
        x = float(x)
    except OverflowError:
        return None
    return x if math.isfinite(x) else None


def oversized_integers(value: Any, path: str) -> list[str]:
    """Spec problems for every integer beyond MAX_SPEC_INTEGER, with its JSON path (walked
    iteratively: a spec may be nested deeply)."""
    found, stack = [], [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            stack.extend((v, f"{where}.{k}" if where else str(k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(node))
        elif isinstance(node, int) and not isinstance(node, bool) \
                and abs(node) > MAX_SPEC_INTEGER:
            found.append(f"{where or 'spec'}: the number is too large (a {len(str(abs(node)))}"
                         f"-digit integer; at most {MAX_SPEC_INTEGER} in magnitude)")
    return sorted(found)


# --- spec checking -------------------------------------------------------------------------
# Validation collects every problem instead of stopping at the first, so whoever writes a spec
# fixes it in one round trip.

_TYPE_NAMES = {
    "string": "a string", "number": "a number", "integer": "an integer",
    "boolean": "true or false", "object": "an object", "list": "a list",
    "strings": "a list of strings", "object_or_list": "an object or a list",
    "string_or_strings": "a string or a list of strings",
}


def describe(value: Any) -> str:
    text = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def is_type(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return number(value) is not None
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool) \
            and abs(value) <= MAX_SPEC_INTEGER
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind == "strings":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "object_or_list":
        return isinstance(value, dict | list)
    if kind == "string_or_strings":
        return isinstance(value, str) or is_type(value, "strings")
    raise ValueError(kind)


class Checker:
    """Collects spec problems as "json.path: what is wrong" lines."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def fields(self, obj: dict, path: str, *, required: dict[str, str],
               optional: dict[str, str]) -> None:
        """Check presence and types of an object's fields and refuse unknown ones."""
        for key, kind in required.items():
            if key not in obj:
                self.error(f"{path}.{key}", f"required field is missing (expected "
                                            f"{_TYPE_NAMES[kind]})")
        known = {**required, **optional}
        for key, value in obj.items():
            if key not in known:
                self.error(f"{path}.{key}", "unknown field (expected one of: "
                                            f"{', '.join(sorted(known))})")
            elif not is_type(value, known[key]):
                self.error(f"{path}.{key}", f"expected {_TYPE_NAMES[known[key]]}, got "
                                            f"{describe(value)}")
            elif value == "":
                self.error(f"{path}.{key}", "must not be empty")

    def object(self, value: Any, path: str) -> bool:
        if not isinstance(value, dict):
            self.error(path, f"expected an object, got {describe(value)}")
            return False
        return True

    def nonempty_strings(self, obj: dict, key: str, path: str, *, minimum: int = 1) -> None:
        value = obj.get(key)
        if isinstance(value, list) and is_type(value, "strings"):
            if len(value) < minimum:
                noun = "entry" if minimum == 1 else "entries"
                self.error(f"{path}.{key}", f"needs at least {minimum} {noun}, got {len(value)}")
            if any(not v for v in value):
                self.error(f"{path}.{key}", "entries must not be empty")
            if len(set(value)) != len(value):
                self.error(f"{path}.{key}", "entries must not repeat")
