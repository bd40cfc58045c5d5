"""Crux behind gunicorn with production settings (CRUX_PRODUCTION=1), as bench/httpload.py runs it:
security headers on every response, no Server banner with a version, and request bodies
sent chunked (no Content-Length) read whole, or refused with 413 past the size limit."""

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token

from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path) -> Iterator[int]:
    """gunicorn serving the test database on a free port; yields the port."""
    db = settings.DATABASES["default"]
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DEBUG": "0", "CRUX_PRODUCTION": "1", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "CRUX_VAR_DIR": str(tmp_path), "LOG_LEVEL": "WARNING",
        "CRUX_API_ANON_RATE": "none", "CRUX_API_WRITE_RATE": "none",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", f"--bind=127.0.0.1:{port}",
         "--workers=1", "--log-level=warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "gunicorn exited early"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    yield port
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def _request(port: int, method: str, path: str, body: bytes | None = None,
             headers: dict | None = None, chunked: bool = False):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    if chunked:
        conn.putrequest(method, path)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        data = body or b""
        for start in range(0, len(data), 65536):
            piece = data[start:start + 65536]
            conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        conn.send(b"0\r\n\r\n")
    else:
        conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response, response.read()


def test_every_response_carries_the_security_headers_and_no_server_version(gunicorn):
    for path in ["/api/claims/", "/api/schema/", "/api/no-such-thing/", "/u/%00/"]:
        response, _ = _request(gunicorn, "GET", path)
        policy = response.getheader("Content-Security-Policy") or ""
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "camera=()" in (response.getheader("Permissions-Policy") or ""), path
        assert response.getheader("X-Content-Type-Options") == "nosniff", path
        server = response.getheader("Server") or ""
        assert not any(ch.isdigit() for ch in server), f"{path}: Server: {server}"


def test_a_chunked_json_body_is_read_whole(gunicorn):
    token = Token.objects.create(user=make_user("ann")).key
    now = datetime.now(UTC)
    body = json.dumps({
        "title": "Sent in chunks", "statement": "s" * 10_000, "resolution_criteria": "c",
        "open_time": (now + timedelta(days=1)).isoformat(),
        "close_time": (now + timedelta(days=9)).isoformat(),
        "resolve_after": (now + timedelta(days=9)).isoformat(),
    }).encode()
    response, content = _request(
        gunicorn, "POST", "/api/claims/", body, chunked=True,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
    assert response.status == 201, content
    assert json.loads(content)["title"] == "Sent in chunks"


def test_a_chunked_body_past_the_limit_is_refused_with_413(gunicorn):
    token = Token.objects.create(user=make_user("ann")).key
    body = json.dumps({"title": "x" * (3 * 1024 * 1024)}).encode()
    response, content = _request(
        gunicorn, "POST", "/api/claims/", body, chunked=True,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
    assert response.status == 413, content
    assert "larger than" in json.loads(content)["detail"]
