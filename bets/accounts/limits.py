"""Limits on log-ins and sign-ups, per client address.

Log-in failures are counted per (username, client address) and per client address, never per
username alone: a stranger guessing someone's password from elsewhere uses up only their own
address's allowance, and the owner, from theirs, logs in as usual. An attempt is counted
*before* its password is checked, by one atomic upsert that returns the new count, and only
an attempt whose count is within the limit gets its password checked: parallel guesses cannot
all read "under the limit" (a read, then a check, then a write let 12 parallel guesses get 6
checks against a limit of 5). A successful log-in gives its attempt back. Password resets
clear a username's counters.

Sign-ups are counted per client address in the same table (each creates an account with the
starting grant, so they must not be free to repeat).

An IPv6 client counts by its /64: one subscriber usually holds a whole /64 and could otherwise
take a fresh address for every guess.
"""

import ipaddress
import time

from django.conf import settings
from django.db import connection

from bets.common.dispatch import after_commit
from bets.models import AttemptCounter

LOGIN_REFUSED = ("Too many failed log-ins for this account from your network. Wait "
                 "{minutes} minutes and try again, or reset your password by email.")
SIGNUP_REFUSED = ("Too many sign-ups from your network: try again later. If you share this "
                  "network with many people, ask the site's operators.")


def client_address(request) -> str:
    """The caller's address as the limits count it: the peer address, or, behind
    CRUX_NUM_PROXIES proxies that append to X-Forwarded-For, the entry they received it
    from (the same rule as the API's rate limits); an IPv6 address becomes its /64."""
    if request is None:
        return "unknown"
    meta = request.META
    raw = meta.get("REMOTE_ADDR") or ""
    proxies = int(str(settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0))
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",")]
        raw = hops[-min(proxies, len(hops))]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _username_part(username: str) -> str:
    return (username or "").strip().casefold()[:150]


def attempt_count(*, key: str, window_seconds: int, delta: int = 1) -> int:
    """Add `delta` to the key's counter in its current window (a window older than
    `window_seconds` starts again from `delta`) and return the new count, atomically.

    Runs in the caller's transaction: inside a request's (ATOMIC_REQUESTS) the row stays
    locked until the request ends, so attempts on one key queue behind each other, and a
    request that fails with an error takes its count back with everything else."""
    table = connection.ops.quote_name(AttemptCounter._meta.db_table)
    now = int(time.time())
    expired = now - window_seconds
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, count, window_start) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (key) DO UPDATE SET "
            f"count = CASE WHEN {table}.window_start <= %s THEN excluded.count "
            f"ELSE {table}.count + excluded.count END, "
            f"window_start = CASE WHEN {table}.window_start <= %s THEN excluded.window_start "
            f"ELSE {table}.window_start END "
            f"RETURNING count",
            [key[:400], delta, now, expired, expired],
        )
        return int(cursor.fetchone()[0])


# Every window is at most a day: a counter whose window opened before this is stale.
STALE_SECONDS = 2 * 24 * 3600


def _prune() -> None:
    """Keep the table to the counters that still count. Run after the attempt's transaction
    commits, as a statement of its own: a request holding counter locks never also waits
    on another's (no deadlock), and PostgreSQL skips a row another request reopened."""
    AttemptCounter.objects.filter(window_start__lt=int(time.time()) - STALE_SECONDS).delete()


def _login_keys(username: str, address: str) -> list[tuple[str, int]]:
    # Sorted, so two attempts lock their rows in the same order and never deadlock.
    return sorted([
        (f"login:{address}|{_username_part(username)}", settings.CRUX_LOGIN_MAX_FAILURES),
        (f"login-address:{address}", settings.CRUX_LOGIN_ADDRESS_MAX_FAILURES),
    ])


def login_attempt_begin(*, username: str, address: str) -> bool:
    """Count a log-in attempt before its password is checked; False when the username from
    this address, or this address, has used up its failures: refuse without checking."""
    after_commit(_prune)
    window = settings.CRUX_LOGIN_WINDOW_SECONDS
    allowed = True
    for key, limit in _login_keys(username, address):
        if attempt_count(key=key, window_seconds=window) > limit:
            allowed = False
    return allowed


def login_attempt_succeeded(*, username: str, address: str) -> None:
    """The password was right: the username's failures from this address are forgotten and
    the address gets its attempt back (people logging in are not guessing)."""
    window = settings.CRUX_LOGIN_WINDOW_SECONDS
    pair, address_key = (f"login:{address}|{_username_part(username)}",
                         f"login-address:{address}")
    AttemptCounter.objects.filter(key=pair).delete()
    attempt_count(key=address_key, window_seconds=window, delta=-1)


def login_limits_clear(*, username: str) -> None:
    """Forget a username's failures from every address (after a password reset: whoever
    reset it holds the verified address)."""
    AttemptCounter.objects.filter(key__startswith="login:",
                                  key__endswith=f"|{_username_part(username)}").delete()


def signup_attempt_begin(*, address: str) -> bool:
    """Count a sign-up from this address; False past CRUX_SIGNUPS_PER_ADDRESS_PER_DAY in a
    day. Called inside the sign-up's transaction, so a sign-up that fails (a taken name) does
    not count."""
    after_commit(_prune)
    count = attempt_count(key=f"signup:{address}", window_seconds=24 * 3600)
    return count <= settings.CRUX_SIGNUPS_PER_ADDRESS_PER_DAY


def login_refused_message() -> str:
    return LOGIN_REFUSED.format(minutes=max(1, settings.CRUX_LOGIN_WINDOW_SECONDS // 60))
