"""Fetch a URL without letting a spec reach private networks (SSRF guard).

A claim's spec is written by anyone, and the resolver runs inside our network, so a URL must
never reach loopback, the cloud metadata service, RFC 1918 ranges and the like. Strings lie
(`0x7f000001`, `2130706433`, `0177.0.0.1`, `127.1` all mean 127.0.0.1; a DNS name can point
anywhere), so we resolve first, check every address getaddrinfo returns, and then connect to
the exact address we checked (no second lookup that DNS rebinding could answer differently),
sending the original Host header and verifying TLS against the original hostname.
Redirects are followed by hand, each target checked the same way.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast
from urllib.parse import urljoin, urlsplit

from urllib3 import BaseHTTPResponse, HTTPHeaderDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3HTTPError
from urllib3.exceptions import SSLError
from urllib3.util.ssl_match_hostname import CertificateError

from resolvers.base import Fetched, RunContext, SourceError

MAX_REDIRECTS = 3
REDIRECT_CODES = {301, 302, 303, 307, 308}
RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}
CHUNK = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Special-purpose ranges (IANA registries), listed explicitly because `is_global` has changed
# between Python patch releases and misses some of these (multicast, 100.64/10 on old ones).
_V4_DENY = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
)]
# Wrappers that carry or translate IPv4 (NAT64, 6to4, Teredo) are refused outright: their
# gateways can reach whatever IPv4 address is embedded, and nothing legitimate needs them here.
_V6_DENY = [ipaddress.ip_network(n) for n in (
    "::/96", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23",
    "2001:db8::/32", "2002::/16", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10",
    "fec0::/10", "ff00::/8",
)]


_LOOPBACK4 = ipaddress.ip_network("127.0.0.0/8")
_LOOPBACK6 = ipaddress.IPv6Address("::1")


class RefusedURL(SourceError):  # noqa: N818 (reads as what happened)
    """The URL may not be fetched; retrying cannot help."""

    def __init__(self, message: str):
        super().__init__(message, retryable=False)


def address_problem(ip: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why connecting to `ip` is refused, or None when it is a public unicast address."""
    if allow_loopback and (ip in _LOOPBACK4 if ip.version == 4 else ip == _LOOPBACK6):
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        # The socket really goes to the embedded IPv4 address: judge that one.
        inner = address_problem(ip.ipv4_mapped)
        return f"{ip} maps to IPv4 {ip.ipv4_mapped}: {inner}" if inner else None
    if ip.version == 6 and (embedded := _ipv4_compatible(ip)) is not None:
        return f"{ip} is a deprecated IPv4-compatible address (wraps {embedded})"
    for net in _V4_DENY if ip.version == 4 else _V6_DENY:
        if ip in net:
            return f"{ip} is in the non-public range {net}"
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_link_local:
        return f"{ip} is not a public address"
    return None


def _ipv4_compatible(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    # ::a.b.c.d (deprecated "IPv4-compatible"); :: and ::1 are themselves, not wrappers.
    if int(ip) >> 32 == 0 and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written, for the Host header and TLS
    port: int
    request_target: str  # path?query
    ip: str  # the checked address we connect to


def check_url(url: str, *, allow_loopback: bool = False,
              timeout: float | None = None) -> Target:
    """Resolve `url` and return the checked address to connect to; raise RefusedURL.
    `timeout` bounds the name lookup (getaddrinfo itself has no timeout)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise RefusedURL(f"malformed URL {url!r}: {e}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise RefusedURL(f"only http and https URLs may be fetched, not {scheme or 'none'!r}")
    if parts.username is not None or parts.password is not None:
        raise RefusedURL("URLs with credentials (user@host) are refused")
    host = parts.hostname
    if not host:
        raise RefusedURL(f"URL {url!r} has no host")
    port = port or (443 if scheme == "https" else 80)
    ips = _resolve(host, port) if timeout is None else _resolve_within(host, port, timeout)
    for ip in ips:
        problem = address_problem(ip, allow_loopback=allow_loopback)
        if problem:
            raise RefusedURL(f"refused {host}: {problem}")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return Target(scheme, host, port, target, str(ips[0]))


def _resolve_within(host: str, port: int, seconds: float) -> list[IPAddress]:
    """_resolve in a daemon thread, waited for at most `seconds`: a resolver that hangs
    then costs the thread until the system's own lookup timeout, never the caller."""
    try:  # numeric forms need no lookup and no thread
        return _resolve_numeric(host)
    except ValueError:
        pass
    outcome: list = []

    def lookup() -> None:
        try:
            outcome.append(_resolve(host, port))
        except BaseException as e:  # noqa: BLE001 (handed to the caller below)
            outcome.append(e)

    worker = threading.Thread(target=lookup, daemon=True, name=f"resolve {host}")
    worker.start()
    worker.join(seconds)
    if not outcome:
        raise SourceError(f"cannot resolve {host}: no answer within {seconds:.1f} s",
                          retryable=True)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _resolve_numeric(host: str) -> list[IPAddress]:
    # Only the canonical forms: getaddrinfo reads 0x7f000001, 2130706433 and 127.1 as
    # addresses too, and goes through _resolve for them.
    return [ipaddress.ip_address(host.strip("[]"))]


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        # EAI_AGAIN is a temporary resolver failure; a name that does not exist stays so.
        raise SourceError(f"cannot resolve {host}: {e}",
                          retryable=e.errno == socket.EAI_AGAIN) from None
    except (UnicodeError, ValueError) as e:
        raise RefusedURL(f"invalid host name {host!r}: {e}") from None
    ips = []
    for family, _, _, _, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        # AF_INET and AF_INET6 sockaddrs always start with the address as a string.
        ips.append(ipaddress.ip_address(cast(str, sockaddr[0]).split("%", 1)[0]))
    if not ips:
        raise RefusedURL(f"{host} has no IPv4 or IPv6 address")
    return ips


def fetch(url: str, *, timeout: float = 10.0, max_bytes: int = 20 * 1024 * 1024,
          allow_loopback: bool = False, max_redirects: int = MAX_REDIRECTS,
          ca_certs: str | None = None, conditional: dict[str, str] | None = None) -> Fetched:
    """GET `url` with every hop checked, at most `max_bytes` of body, and `timeout` seconds
    for the whole of it: resolving, connecting, TLS, the headers and the body of every hop.

    A per-read timeout alone does not bound a fetch: a server that sends one byte every two
    seconds never trips it, in the headers or in the body. So a watchdog cuts the connection
    at the deadline, whatever it is waiting for. `ca_certs` replaces the system trust store
    (tests use their own CA). `conditional`: If-None-Match / If-Modified-Since headers; a
    304 answer then comes back as a Fetched with status 304 and no content."""
    deadline = time.monotonic() + timeout
    current = url
    hops: list[str] = []
    while True:
        target = check_url(current, allow_loopback=allow_loopback,
                           timeout=_left(deadline, current, timeout))
        status, headers, body = _get(target, deadline, timeout, max_bytes, ca_certs,
                                     conditional or {})
        validators = {"etag": headers.get("etag") or "",
                      "last_modified": headers.get("last-modified") or ""}
        if status == 304 and conditional:
            return Fetched(url, current, status, b"", "", tuple(hops), **validators)
        if status in REDIRECT_CODES:
            location = headers.get("location")
            if not location:
                raise SourceError(f"{current}: redirect without Location", retryable=False)
            if len(hops) >= max_redirects:
                raise RefusedURL(f"{url}: more than {max_redirects} redirects")
            current = urljoin(current, location)
            hops.append(current)
            continue
        if status != 200:
            raise SourceError(f"{current}: HTTP {status}", retryable=status in RETRYABLE_STATUS)
        sha = hashlib.sha256(body).hexdigest()
        return Fetched(url, current, status, body, sha, tuple(hops), **validators,
                       retrieved_at=datetime.now(UTC).isoformat(timespec="seconds"))


def fetch_in(context: RunContext, url: str) -> Fetched:
    """A URL source's bytes as the run's context says: from `context.replay_urls` when it is
    set (re-checking a verdict offline: the bytes the run kept, never the network), else
    fetched through the guard within the context's caps and recorded in `context.fetched`,
    so whoever runs the spec can keep what was read."""
    if context.replay_urls is not None:
        kept = context.replay_urls.get(url)
        if kept is None:
            raise SourceError(f"{url}: no copy of what the run fetched is at hand",
                              retryable=False)
        return Fetched(url, url, 200, kept, hashlib.sha256(kept).hexdigest(), ())
    fetched = fetch(url, timeout=context.fetch_seconds(), max_bytes=context.fetch_max_bytes,
                    allow_loopback=context.allow_loopback)
    context.fetched.append(fetched)
    return fetched


def _left(deadline: float, where: str, timeout: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _late(where, timeout)
    return left


def _late(where: str, timeout: float) -> SourceError:
    # Retryable: a slow source may be quick later; the task's retries back off.
    return SourceError(f"{where}: took longer than the {timeout:g} s fetch deadline",
                       retryable=True)


class _Watchdog:
    """Shuts the connection's socket down at the deadline, from a timer thread: whatever the
    fetching thread is blocked on (a TLS handshake, a header line, a body read) then returns
    at once, and the fetch reports the deadline."""

    def __init__(self, connection: HTTPConnection, seconds: float) -> None:
        self.connection = connection
        self.fired = False
        self.timer = threading.Timer(seconds, self._cut)
        self.timer.daemon = True
        self.timer.start()

    def _cut(self) -> None:
        self.fired = True
        sock = getattr(self.connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self.timer.cancel()


def _get(target: Target, deadline: float, timeout: float, max_bytes: int,
         ca_certs: str | None, conditional: dict[str, str]) -> tuple[int, HTTPHeaderDict, bytes]:
    host_header = f"[{target.host}]" if ":" in target.host else target.host
    if target.port != (443 if target.scheme == "https" else 80):
        host_header += f":{target.port}"
    headers = {"Host": host_header, "User-Agent": "crux-resolver",
               "Accept": "application/json, text/csv, */*", "Accept-Encoding": "identity",
               **{k: v for k, v in conditional.items()
                  if k in ("If-None-Match", "If-Modified-Since")}}
    where = f"{target.scheme}://{host_header}{target.request_target}"
    left = _left(deadline, where, timeout)
    # One connection to the checked address; no pool, no retries, no second lookup.
    connection: HTTPConnection
    if target.scheme == "https":
        connection = HTTPSConnection(target.ip, target.port, timeout=left,
                                     server_hostname=target.host, assert_hostname=target.host,
                                     cert_reqs="CERT_REQUIRED", ca_certs=ca_certs)
    else:
        connection = HTTPConnection(target.ip, target.port, timeout=left)
    watchdog = _Watchdog(connection, left)
    try:
        connection.request("GET", target.request_target, headers=headers,
                           preload_content=False, decode_content=False)
        response = connection.getresponse()
        if response.status != 200:
            return response.status, response.headers, b""
        return 200, response.headers, _read_capped(response, where, deadline, max_bytes,
                                                   timeout)
    except SourceError:
        raise
    except (SSLError, ssl.SSLError, CertificateError) as e:
        if watchdog.fired:
            raise _late(where, timeout) from None
        # A certificate that does not match or is not trusted will not fix itself soon.
        raise SourceError(f"{where}: TLS verification failed: {e}", retryable=False) from None
    except (Urllib3HTTPError, OSError, http.client.HTTPException) as e:
        if watchdog.fired or time.monotonic() >= deadline:
            raise _late(where, timeout) from None
        # Timeouts, refused connections, resets: the far end may recover.
        raise SourceError(f"{where}: {type(e).__name__}: {e}", retryable=True) from None
    finally:
        watchdog.cancel()
        connection.close()


def _read_capped(response: BaseHTTPResponse, where: str, deadline: float, max_bytes: int,
                 timeout: float) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise SourceError(f"{where}: body of {declared} bytes exceeds the {max_bytes}-byte cap",
                          retryable=False)
    chunks, total = [], 0
    for chunk in response.stream(CHUNK, decode_content=False):
        total += len(chunk)
        if total > max_bytes:
            raise SourceError(f"{where}: body exceeds the {max_bytes}-byte cap",
                              retryable=False)
        if time.monotonic() > deadline:
            raise _late(where, timeout)
        chunks.append(chunk)
    if time.monotonic() > deadline:  # the watchdog cut it short: the body is not whole
        raise _late(where, timeout)
    return b"".join(chunks)
