"""Rate limits: anonymous requests per address, and writes per signed-in user.

Fixed windows counted in a shared cache (`CACHES["throttle"]`: Redis when REDIS_URL is set,
so every web worker counts together), one counter per caller and window. DRF's own throttles
keep a list of every request's time and rewrite it on each request; at the rates bots and
the acceptance benchmark reach, that list would cost more than the request. Rates are
settings (CRUX_API_ANON_RATE, CRUX_API_WRITE_RATE: "<count>/<second|minute|hour|day>");
a refused request gets 429 with Retry-After (DRF's Throttled).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """'600/min' -> (600, 60); '' or 'none' -> None (no limit)."""
    if not rate or rate.strip().lower() == "none":
        return None
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()[:1].lower()]


class FixedWindowThrottle(BaseThrottle):
    setting = ""

    def __init__(self) -> None:
        self.retry_after: float | None = None

    def identity(self, request: Request, view) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Request, view) -> bool:
        return self.allow(self.identity(request, view))

    def allow(self, ident: str | None) -> bool:
        """Count one request of `ident` (None: not counted) and say whether it may proceed."""
        rate = parse_rate(getattr(settings, self.setting))
        if rate is None or ident is None:
            return True
        limit, period = rate
        now = time.time()
        window = int(now // period)
        key = f"crux-throttle:{self.setting}:{ident}:{window}"
        cache = caches["throttle"]
        try:
            cache.add(key, 0, timeout=period + 1)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr: this request opens the window
                cache.set(key, 1, timeout=period + 1)
                count = 1
        except Exception:  # the counter's store is down: serve rather than fail every request
            logger.warning("rate limit not checked: the throttle cache is unavailable",
                           exc_info=True)
            return True
        if count <= limit:
            return True
        self.retry_after = (window + 1) * period - now
        return False

    def wait(self) -> float | None:
        return self.retry_after


class AnonymousThrottle(FixedWindowThrottle):
    """Every request without credentials, per client address."""

    setting = "CRUX_API_ANON_RATE"

    def identity(self, request: Request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)


class WriteThrottle(FixedWindowThrottle):
    """POST, PATCH, PUT and DELETE by a signed-in user, per user."""

    setting = "CRUX_API_WRITE_RATE"

    def identity(self, request: Request, view) -> str | None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if not (request.user and request.user.is_authenticated):
            return None
        return str(request.user.pk)



def anonymous_hit_allowed(request) -> bool:
    """For a response bets.common.caching replays (a request without credentials, which never
    reaches DRF): count it as AnonymousThrottle counts every other anonymous request, and say
    whether it is within the rate."""
    throttle = AnonymousThrottle()
    return throttle.allow(throttle.get_ident(request))
