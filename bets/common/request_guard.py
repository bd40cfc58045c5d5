"""Refuse requests no view can handle before they reach one, and read chunked bodies.

- A NUL character in the path is a 404 and one in the query string or a form body a 400:
  PostgreSQL text cannot hold NUL, so such a value reaching a query was a 500 (`GET /u/%00/`).
  Query strings that are not UTF-8 are a 400 too, instead of being half-decoded.
- A body sent with `Transfer-Encoding: chunked` has no Content-Length; Django reads such a
  body as empty ("This field is required."). Where the server has de-chunked it
  (gunicorn sets `wsgi.input_terminated`), the body is read here, up to
  DATA_UPLOAD_MAX_MEMORY_SIZE (more is a 413); where it has not, the answer is 411.
"""

import io
import json
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase


def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return HttpResponse(json.dumps({"detail": message}), status=status,
                            content_type="application/json")
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _query_problem(raw_query: str) -> str | None:
    data = unquote_to_bytes(raw_query.replace("+", " "))
    if b"\x00" in data:
        return "The query string contains a NUL character."
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "The query string is not valid UTF-8."
    return None


def _read_chunked(request: HttpRequest) -> HttpResponse | None:
    environ = request.META
    if not environ.get("wsgi.input_terminated"):
        return _refuse(request, 411, "Send a Content-Length with the body.")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    data = environ["wsgi.input"].read(limit + 1)
    if len(data) > limit:
        return _refuse(request, 413, f"The request body is larger than {limit} bytes.")
    environ["CONTENT_LENGTH"] = str(len(data))
    request._stream = io.BytesIO(data)
    return None


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        refusal = self.check(request)
        return refusal if refusal is not None else self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args: tuple,
                     view_kwargs: dict) -> HttpResponse | None:
        """A method a DRF view does not have is a 405 for everyone. DRF itself checks
        credentials first, so an anonymous TRACE got 401 and a client could not tell
        "not allowed here" from "sign in"."""
        view_class = getattr(view_func, "cls", None)  # set by APIView.as_view()
        method = request.method.lower() if request.method else ""
        if view_class is None or method in ("head", "options") or hasattr(view_class, method):
            return None
        allowed = [m.upper() for m in view_class.http_method_names if hasattr(view_class, m)]
        if "GET" in allowed:
            allowed.append("HEAD")
        response = _refuse(request, 405, f'Method "{request.method}" not allowed.')
        response["Allow"] = ", ".join(sorted(set(allowed)))
        return response

    @staticmethod
    def check(request: HttpRequest) -> HttpResponse | None:
        if "\x00" in request.path_info:
            return _refuse(request, 404, "Not found.")
        problem = _query_problem(request.META.get("QUERY_STRING", ""))
        if problem:
            return _refuse(request, 400, problem)
        meta = request.META
        chunked = "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not meta.get("CONTENT_LENGTH"):
            refusal = _read_chunked(request)
            if refusal is not None:
                return refusal
        content_type = meta.get("CONTENT_TYPE", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            try:
                length = int(meta.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if 0 < length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                problem = _query_problem(request.body.decode("latin-1"))
                if problem:
                    return _refuse(request, 400, problem.replace("query string", "form body"))
        return None
