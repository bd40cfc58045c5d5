"""Crux behind gunicorn with production settings (CRUX_PRODUCTION=1), as bench/httpload.py runs it:
security headers on every response, no Server banner with a version, request bodies sent
chunked (no Content-Length) read whole, or refused with 413 past the size limit, and bodies
refused before they are read: past the size the path accepts, or a file from someone not
signed in (nothing is spooled to disk for them)."""

import http.client
import json
import os
import secrets
import select
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
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import make_open_claim, make_user

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


UPLOAD_CAP = 1024 * 1024  # the evaluation file cap the server runs with here


def _spool(tmp_path: Path) -> Path:
    folder = tmp_path / "spool"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def gunicorn(tmp_path, monkeypatch) -> Iterator[int]:
    """gunicorn serving the test database on a free port; yields the port."""
    key = secrets.token_urlsafe(50)
    monkeypatch.setattr(settings, "SECRET_KEY", key)
    db = settings.DATABASES["default"]
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DEBUG": "0", "CRUX_PRODUCTION": "1", "ALLOWED_HOSTS": "127.0.0.1",
        # One production key for the server and this process, so a session this process
        # makes (force_login) is valid there.
        "SECRET_KEY": key,
        "SECURE_SSL_REDIRECT": "0", "CRUX_VAR_DIR": str(tmp_path), "LOG_LEVEL": "WARNING",
        "CRUX_API_ANON_RATE": "none", "CRUX_API_WRITE_RATE": "none",
        # Where Django spools uploads (tempfile honours TMPDIR): the tests watch it.
        "TMPDIR": str(_spool(tmp_path)), "CRUX_ARTIFACT_MAX_BYTES": str(UPLOAD_CAP),
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


# --- bodies refused before they are read ---------------------------------------------------
# Each body below is sent incomplete (less than its Content-Length, or chunks without the
# last one): a server that reads it waits for the rest and never answers, so an answer at
# all shows it was not read (the kernel's buffers take megabytes without the server reading,
# so bytes sent would show nothing).

PIECE = 64 * 1024
CSRF = "c" * 32  # any well-formed csrftoken cookie: Django reads the form to compare it
BOUNDARY = "crux-test-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
THREE_GB = 3000 * 1024 * 1024


def _head(method: str, path: str, headers: dict) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1",
             *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _send_and_wait(port: int, head: bytes, pieces: list[bytes], wait: float = 15.0):
    """Send the head and the pieces (never the end of the body), then wait for an answer:
    (status, body), or (None, b"") when the server is still waiting to read."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=wait)
    try:
        sock.sendall(head)
        for piece in pieces:
            if select.select([sock], [], [], 0)[0]:
                break  # answered already
            try:
                sock.sendall(piece)
            except OSError:  # closed by the server without reading the rest
                break
        if not select.select([sock], [], [], wait)[0]:
            return None, b""
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read()
    finally:
        sock.close()


def _spooled(tmp_path: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in _spool(tmp_path).rglob("*") if p.is_file()}


def _file_pieces(size: int) -> list[bytes]:
    """The start of a multipart form holding one file, `size` bytes in all."""
    first = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
             f'filename="big.eval"\r\nContent-Type: application/octet-stream\r\n\r\n'
             ).encode()
    data = first + b"\0" * (size - len(first))
    return [data[i:i + PIECE] for i in range(0, len(data), PIECE)]


def _chunks(pieces: list[bytes]) -> list[bytes]:
    return [f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces]  # no last chunk


def _world() -> dict:
    mod, ann = make_user("mod", staff=True), make_user("ann")
    claim = make_open_claim(author=ann, moderator=mod)
    browser = Client()
    browser.force_login(ann)
    return {"claim": claim, "ann": ann, "session": browser.cookies["sessionid"].value}


@pytest.mark.parametrize("target", ["web upload, anonymous", "login, anonymous",
                                    "api upload, session"])
def test_a_body_declared_past_the_paths_limit_is_refused_before_it_is_read(
    gunicorn, tmp_path, target
):
    world = _world()
    cookie = f"csrftoken={CSRF}"
    path = {"web upload, anonymous": f"/claims/{world['claim'].pk}/artifacts/upload/",
            "login, anonymous": "/login/",
            "api upload, session": f"/api/claims/{world['claim'].pk}/artifacts/"}[target]
    if target.endswith("session"):
        cookie += f"; sessionid={world['session']}"
    head = _head("POST", path, {"Content-Type": MULTIPART, "Content-Length": THREE_GB,
                                "Cookie": cookie})
    status, body = _send_and_wait(gunicorn, head, _file_pieces(4 * 1024 * 1024))
    assert _spooled(tmp_path) == {}  # nothing of it reached the disk
    assert status == 413 and b"too large" in body, status


def test_an_anonymous_upload_is_refused_before_its_body_is_read(gunicorn, tmp_path):
    world = _world()
    head = _head("POST", f"/claims/{world['claim'].pk}/artifacts/upload/",
                 {"Content-Type": MULTIPART, "Cookie": f"csrftoken={CSRF}",
                  "Content-Length": UPLOAD_CAP})
    status, body = _send_and_wait(gunicorn, head, _file_pieces(UPLOAD_CAP // 2))
    assert status == 403 and b"Sign in to upload" in body, status
    assert _spooled(tmp_path) == {}


@pytest.mark.parametrize("where", ["web", "api"])
def test_an_anonymous_chunked_upload_is_refused_before_its_body_is_read(gunicorn, where):
    world = _world()
    path = {"web": f"/claims/{world['claim'].pk}/artifacts/upload/",
            "api": f"/api/claims/{world['claim'].pk}/artifacts/"}[where]
    head = _head("POST", path, {"Content-Type": MULTIPART, "Cookie": f"csrftoken={CSRF}",
                                "Transfer-Encoding": "chunked"})
    status, body = _send_and_wait(gunicorn, head, _chunks(_file_pieces(UPLOAD_CAP // 2)))
    assert (status, where) in ((403, "web"), (401, "api")), status
    assert b"Sign in to upload" in body or b"credentials were not provided" in body


def test_an_anonymous_api_upload_is_refused_before_its_body_is_read(gunicorn):
    world = _world()
    head = _head("POST", f"/api/claims/{world['claim'].pk}/artifacts/",
                 {"Content-Type": MULTIPART, "Content-Length": UPLOAD_CAP})
    status, _ = _send_and_wait(gunicorn, head, _file_pieces(UPLOAD_CAP // 2))
    assert status == 401


def test_a_chunked_upload_is_read_only_up_to_the_paths_limit(gunicorn, tmp_path):
    """A signed-in uploader's chunked body has no length to judge: it is read up to the
    largest size the path accepts (the file cap and room for the form) and refused there,
    without waiting for its end."""
    world = _world()
    token = Token.objects.create(user=world["ann"]).key
    head = _head("POST", f"/api/claims/{world['claim'].pk}/artifacts/",
                 {"Content-Type": MULTIPART, "Authorization": f"Token {token}",
                  "Transfer-Encoding": "chunked"})
    status, body = _send_and_wait(gunicorn, head, _chunks(_file_pieces(UPLOAD_CAP * 3 // 2)))
    assert status == 413, (status, body)
    assert "larger than" in json.loads(body)["detail"]


def test_a_chunked_upload_within_the_limit_is_stored(gunicorn):
    world = _world()
    token = Token.objects.create(user=world["ann"]).key
    data = b"model,accuracy\nm1,0.5\n"
    body = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="r.csv"\r\n\r\n').encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()
    response, content = _request(
        gunicorn, "POST", f"/api/claims/{world['claim'].pk}/artifacts/", body, chunked=True,
        headers={"Authorization": f"Token {token}", "Content-Type": MULTIPART})
    assert response.status == 201, content
    assert json.loads(content)["size"] == len(data)
