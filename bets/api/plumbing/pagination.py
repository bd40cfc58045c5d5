"""Limit/offset pages with a ceiling on the limit and strict parameters.

Without a ceiling, `?limit=99999999999999999999` reaches PostgreSQL as a LIMIT beyond bigint
and fails the request with a server error; a ceiling also keeps one request from reading a
whole table. DRF's own class silently falls back to the default for `?limit=false` or
`?offset=null`; a client that sent those has a bug it should hear about, so they are a 400.
"""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

# Far beyond any table, and well inside PostgreSQL's bigint OFFSET.
MAX_OFFSET = 10**15


class CruxPagination(LimitOffsetPagination):
    max_limit = 1000

    def get_limit(self, request: Request) -> int | None:
        if self.limit_query_param not in request.query_params:
            return self.default_limit
        return self._bounded(request, self.limit_query_param, 1, self.max_limit)

    def get_offset(self, request: Request) -> int:
        if self.offset_query_param not in request.query_params:
            return 0
        return self._bounded(request, self.offset_query_param, 0, MAX_OFFSET)

    @staticmethod
    def _bounded(request: Request, name: str, low: int, high: int | None) -> int:
        raw = request.query_params[name].strip()
        top = f" and {high}" if high is not None else ""
        message = f"Give a whole number between {low}{top}."
        if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
            raise ValidationError({name: [message]})
        value = int(raw)
        if value < low or (high is not None and value > high):
            raise ValidationError({name: [message]})
        return value

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_OFFSET},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters
