"""Limit/offset pages with a ceiling on the limit.

Without one, `?limit=99999999999999999999` reaches PostgreSQL as a LIMIT beyond bigint and
fails the request with a server error; a ceiling also keeps one request from reading a
whole table.
"""

from rest_framework.pagination import LimitOffsetPagination


class CruxPagination(LimitOffsetPagination):
    max_limit = 1000
