"""In-process cache of parsed evidence, so a sweep parses each file once.

A sweep may run 10,000 claims that read the same few logs. Parsed summaries are keyed by the
sha256 of the file's bytes (same bytes, same parse, wherever the file lives), and the sha256
of a local file is memoized by (path, mtime_ns, size) so an unchanged file is not even re-read.
Both maps are LRU-bounded. Thread-safe: workers may run claims in threads.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class _LRU:
    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self.items: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        return None

    def put(self, key: Hashable, value: Any) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.max_entries:
            self.items.popitem(last=False)


class LogCache:
    def __init__(self, max_entries: int = 4096, max_digests: int = 65536):
        self._parsed = _LRU(max_entries)
        self._digests = _LRU(max_digests)
        self._globs = _LRU(1024)
        self._lock = threading.Lock()
        self.parses = 0  # how many times a parser actually ran (tests and sweep stats read it)
        self.hits = 0

    def digest_for(self, path: str, mtime_ns: int, size: int) -> str | None:
        with self._lock:
            return self._digests.get((path, mtime_ns, size))

    def remember_digest(self, path: str, mtime_ns: int, size: int, sha256: str) -> None:
        with self._lock:
            self._digests.put((path, mtime_ns, size), sha256)

    def get(self, kind: str, sha256: str) -> Any:
        with self._lock:
            value = self._parsed.get((kind, sha256))
            if value is not None:
                self.hits += 1
            return value

    def parsed(self, kind: str, sha256: str, parse: Callable[[], T]) -> T:
        """The cached parse of these bytes, running `parse` only on a miss.

        Parsers return immutable summaries (or a failure marker), never None, so a corrupt
        file is also parsed only once. Two threads missing at once may both parse; the
        result is the same, so no lock is held while parsing.
        """
        value = self.get(kind, sha256)
        if value is not None:
            return value
        value = parse()
        with self._lock:
            self.parses += 1
            self._parsed.put((kind, sha256), value)
        return value

    def glob(self, key: Hashable, ttl: float, expand: Callable[[], T]) -> T:
        """`expand()`'s result, reused for `ttl` seconds (a directory listing)."""
        now = time.monotonic()
        with self._lock:
            hit = self._globs.get(key)
        if hit is not None and now - hit[0] < ttl:
            return hit[1]
        value = expand()
        with self._lock:
            self._globs.put(key, (now, value))
        return value

    def __len__(self) -> int:
        return len(self._parsed.items)
