"""Shared set-up for Crux's benchmarks: a throwaway PostgreSQL database per benchmark.

Each benchmark calls `django_on_fresh_database("name")`, which creates `crux_bench_<name>` on
the server named by DATABASE_URL (default: the test server), points Django at it, migrates, and
drops it again at exit. Data is bulk-loaded with COPY so set-up takes seconds, not minutes.
"""

import atexit
import os
import statistics
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/crux"


def _server_url(dbname: str) -> str:
    parsed = urlparse(os.environ.get("DATABASE_URL") or DEFAULT_SERVER)
    return urlunparse(parsed._replace(path=f"/{dbname}"))


def _admin(sql: str) -> None:
    with psycopg.connect(_server_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def django_on_fresh_database(name: str, *, keep: bool = False) -> str:
    """Create, migrate and (at exit) drop crux_bench_<name>; returns its URL.

    CRUX_BENCH_KEEP=1 keeps the database for a look with psql afterwards."""
    dbname = f"crux_bench_{name}"
    _admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{dbname}"')
    if not (keep or os.environ.get("CRUX_BENCH_KEEP")):
        atexit.register(_admin, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    url = _server_url(dbname)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return url


def copy_rows(table: str, columns: list[str], rows) -> None:
    """COPY an iterable of tuples into a table through Django's connection."""
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.connection  # psycopg 3 connection
        with raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def users(n: int, prefix: str = "p") -> None:
    """n users with unusable passwords, ids 1..n (fresh database)."""
    copy_rows(
        "auth_user",
        ["id", "password", "username", "first_name", "last_name", "email", "is_superuser",
         "is_staff", "is_active", "date_joined"],
        ((i, "!", f"{prefix}{i:05d}", "", "", "", False, False, True, "2025-01-01T00:00:00Z")
         for i in range(1, n + 1)),
    )
    reset_sequence("auth_user")


def reset_sequence(table: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # Table names are ours, never input.
        top = f"SELECT MAX(id) FROM {table}"  # noqa: S608
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ({top}))")


def report(name: str, seconds: float, target: float, unit: str = "ms", note: str = "") -> bool:
    """Print `<name>: <figure> (target <target>) PASS|MISS` and return whether it passed."""
    scale = 1000 if unit == "ms" else 1
    verdict = "PASS" if seconds <= target else "MISS"
    extra = f"  [{note}]" if note else ""
    figure = f"{seconds * scale:.1f} {unit} (target {target * scale:g} {unit})"
    print(f"{name}: {figure} {verdict}{extra}", flush=True)
    return seconds <= target


def median_of(fn, repeats: int, *, setup=None) -> float:
    """Median wall time of fn() over `repeats` runs; setup() runs untimed before each."""
    import time

    times = []
    for _ in range(repeats):
        if setup:
            setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
