"""Database ids in URLs and input: the one bound, and the URL converter that applies it."""

from django.urls import register_converter

# PostgreSQL bigint: a larger id cannot name a row and must never reach a query.
MAX_ID = 2**63 - 1


class IdConverter:
    """`<dbid:...>` in a URL: at most 18 digits, so an absurd id is a 404 before any view
    runs, never a bigint overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


register_converter(IdConverter, "dbid")
