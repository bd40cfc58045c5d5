"""Per-process caches keyed by a version stamp, and a whole-response cache built on them.

Entries are keyed by a stamp that changes with the data they were built from (for scores:
`bets.scoring.selectors.scores_version`, bumped by a trigger on every write), so an entry is never
stale, only unused; a bound keeps a busy server's memory flat.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from importlib import import_module
from typing import Any, Generic, TypeVar

from django.http import HttpRequest, HttpResponse

V = TypeVar("V")


class VersionedLRU(Generic[V]):
    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# Public, read-only endpoints whose response depends only on the URL and a version stamp:
# path -> dotted name of the function that reads the stamp (one cheap query).
CACHED_RESPONSES = {
    "/api/leaderboard/": "bets.scoring.selectors.scores_version",
}
# (status, headers, body) of a response, by (URL, Accept header, version)
responses: VersionedLRU[tuple[int, tuple[tuple[str, str], ...], bytes]] = VersionedLRU(2048)
# Counts a replayed request against the anonymous rate limit; False when it is past it.
HIT_THROTTLE = "bets.api.plumbing.throttling.anonymous_hit_allowed"


def _by_name(dotted: str) -> Callable[..., Any]:
    module, name = dotted.rsplit(".", 1)
    return getattr(import_module(module), name)


class VersionedResponseCacheMiddleware:
    """Replay whole responses of CACHED_RESPONSES endpoints to anonymous JSON readers.

    First in MIDDLEWARE: a hit skips routing, sessions, DRF's authentication, negotiation and
    rendering, which together cost several times what the page itself does; it is the same
    bytes and headers that the full stack produced for the same URL, Accept header and
    version. Only 200 JSON responses without cookies are kept; requests that carry a cookie
    or credentials always take the full stack, so nothing user-specific is ever shared.
    A hit is counted against the anonymous rate limit like any other anonymous request (it
    skips DRF, whose throttle counts the rest); past the limit the full stack answers, which
    is DRF's 429 with Retry-After and every header a response carries.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.versions = {path: _by_name(f) for path, f in CACHED_RESPONSES.items()}
        self.allowed = _by_name(HIT_THROTTLE)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        version_of = self.versions.get(request.path_info)
        meta = request.META
        if (version_of is None or request.method != "GET" or meta.get("HTTP_COOKIE")
                or meta.get("HTTP_AUTHORIZATION")):
            return self.get_response(request)
        key = (request.build_absolute_uri(), meta.get("HTTP_ACCEPT", ""), version_of())
        cached = responses.get(key)
        if cached is not None:
            if not self.allowed(request):
                return self.get_response(request)
            status, headers, content = cached
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if (response.status_code == 200 and not response.cookies and not response.streaming
                and response.get("Content-Type", "").startswith("application/json")):
            responses.put(key, (200, tuple(response.items()), response.content))
        return response
