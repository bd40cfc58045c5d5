"""Request bodies: judged before they are read, read only as far as the path accepts.

Django spools a multipart file to disk as it parses the form, and its CSRF check parses the
form of every POST that carries a csrftoken cookie; so before this, anyone could make the
server write gigabytes (`/claims/<id>/artifacts/upload/`, `/login/`, the API with a session
cookie), and only then be told they may not. Now, before any view or check reads a body:

- Each path accepts a body up to a size: DATA_UPLOAD_MAX_MEMORY_SIZE, or on the paths that
  take an uploaded file (FILE_UPLOADS) the file cap plus room for the form around it
  (CRUX_ARTIFACT_MAX_BYTES + FORM_BYTES). A Content-Length past it is a 413 before a byte is
  read.
- A path that takes a file reads nothing from a client that is not signed in: on the site
  a session (403 without one), on the API a session or a token that exists (401). The API
  checks this itself for a body with a Content-Length (DRF authenticates before its parsers
  read); a chunked body is read here first, so here its sender must be signed in first.
- A body sent with `Transfer-Encoding: chunked` has no Content-Length to judge; Django reads
  such a body as empty. Where the server has de-chunked it (gunicorn sets
  `wsgi.input_terminated`), it is read here up to the path's limit and refused (413) as soon
  as it passes it; where it has not, the answer is 411.
- A form body (urlencoded or multipart) on a path that takes no file must be UTF-8 without
  NUL, as JSON bodies must be: Django decodes bad bytes as Latin-1 or U+FFFD, and stored
  them ("ÿþ"). Such a body is at most DATA_UPLOAD_MAX_MEMORY_SIZE, read into memory.

FILE_UPLOAD_MAX_MEMORY_SIZE equals DATA_UPLOAD_MAX_MEMORY_SIZE, so a path that takes no file
never writes a temporary file either. A proxy in front should refuse larger bodies and buffer
slow clients (docs/security.md); this is the limit that holds without one.
"""

import json
import tempfile
from collections.abc import Callable
from typing import BinaryIO, cast
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve

FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
CHUNK = 64 * 1024
# The URL names of the paths that take an evaluation file, and the room their body may take
# beyond the file itself (the multipart framing, the name and visibility fields). A staff
# upload of a published snapshot (snapshot-source) shares the evaluation file's cap.
FILE_UPLOADS = ("artifact-upload", "api-artifacts", "snapshot-source")
FORM_BYTES = 64 * 1024


def refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """The API's error body on /api/, plain text elsewhere."""
    if request.path_info.startswith("/api/"):
        return HttpResponse(json.dumps({"detail": message}), status=status,
                            content_type="application/json")
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    return refuse(request, 413, f"The request body is too large: larger than the {limit} "
                                "bytes this address accepts.")


def takes_file(request: HttpRequest) -> bool:
    try:
        name = resolve(request.path_info).url_name
    except Resolver404:
        return False
    return name in FILE_UPLOADS


def body_limit(*, file: bool) -> int:
    """The largest body this path accepts."""
    if file:
        return settings.CRUX_ARTIFACT_MAX_BYTES + FORM_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _token_is_valid(header: str) -> bool:
    from rest_framework.authtoken.models import Token

    kind, _, key = header.partition(" ")
    return (kind.lower() == "token" and 0 < len(key.strip()) <= 40
            and Token.objects.filter(key=key.strip(), user__is_active=True).exists())


def _stranger_refusal(request: HttpRequest, *, chunked: bool) -> HttpResponseBase | None:
    """Nothing, when the client is signed in (or, on the API with a Content-Length, when DRF
    will judge it before reading); else the refusal, sent before a byte is read."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if request.path_info.startswith("/api/"):
        if not chunked:
            return None
        if header:
            return None if _token_is_valid(header) else refuse(request, 401, "Invalid token.")
        if request.user.is_authenticated:
            return None
        response = refuse(request, 401, "Authentication credentials were not provided.")
        response["WWW-Authenticate"] = 'Token'
        return response
    if request.user.is_authenticated:
        return None
    return refuse(request, 403, "Sign in to upload a file.")


def _read_chunked(request: HttpRequest, limit: int) -> tempfile.SpooledTemporaryFile[bytes] | None:
    """The de-chunked body, read up to `limit` (in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE,
    then in a temporary file that goes with the request); None when it is larger."""
    # Closed by the middleware once the response is made: the view reads it until then.
    in_memory = settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    spool = tempfile.SpooledTemporaryFile(max_size=in_memory)  # noqa: SIM115
    stream, size = request.META["wsgi.input"], 0
    while size <= limit:
        piece = stream.read(min(CHUNK, limit + 1 - size))
        if not piece:
            break
        spool.write(piece)
        size += len(piece)
    if size > limit:
        spool.close()
        return None
    spool.seek(0)
    request.META["CONTENT_LENGTH"] = str(size)
    request._stream = cast(BinaryIO, spool)  # Django reads the body here, as from the socket
    return spool


def form_problem(body: bytes, content_type: str) -> str | None:
    """Why a form body of a path that takes no file is refused: not UTF-8, or a NUL (which
    PostgreSQL text cannot hold), raw or percent-encoded."""
    layers = [body]
    if content_type.startswith(FORMS[0]):
        layers.append(unquote_to_bytes(body.replace(b"+", b" ")))
    for data in layers:
        if b"\x00" in data:
            return "The form body contains a NUL character."
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return "The form body is not valid UTF-8."
    return None


class RequestBodyMiddleware:
    """After AuthenticationMiddleware (it asks who is sending), before any view or the CSRF
    check reads a body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        meta = request.META
        chunked = ("chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower()
                   and not meta.get("CONTENT_LENGTH"))
        try:
            declared = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refuse(request, 400, "The Content-Length is not a number.")
        if not chunked and declared <= 0:
            return self.get_response(request)  # no body: most requests end their visit here
        file = takes_file(request)
        limit = body_limit(file=file)
        if declared > limit:
            return _too_large(request, limit)
        if file:
            refusal = _stranger_refusal(request, chunked=chunked)
            if refusal is not None:
                return refusal
        spool = None
        if chunked:
            if not meta.get("wsgi.input_terminated"):
                return refuse(request, 411, "Send a Content-Length with the body.")
            spool = _read_chunked(request, limit)
            if spool is None:
                return _too_large(request, limit)
        try:
            content_type = meta.get("CONTENT_TYPE", "")
            if not file and content_type.startswith(FORMS):
                problem = form_problem(request.body, content_type)
                if problem:
                    return refuse(request, 400, problem)
            return self.get_response(request)
        finally:
            if spool is not None:
                spool.close()
