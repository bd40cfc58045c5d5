"""Refuse requests no view can handle before they reach one.

- A NUL character in the path is a 404 and one in the query string a 400: PostgreSQL text
  cannot hold NUL, so such a value reaching a query was a 500 (`GET /u/%00/`). Query strings
  that are not UTF-8 are a 400 too, instead of being half-decoded.
- A method a DRF view does not have is a 405 for everyone.

Bodies (their size, who may send a file, chunked bodies, form bodies that are not UTF-8) are
bets.common.request_body's: that needs to know who is asking, so it runs after sessions.
"""

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, HttpResponseBase

from bets.common.request_body import refuse as _refuse


def _query_problem(raw_query: str) -> str | None:
    data = unquote_to_bytes(raw_query.replace("+", " "))
    if b"\x00" in data:
        return "The query string contains a NUL character."
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "The query string is not valid UTF-8."
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
        return None
