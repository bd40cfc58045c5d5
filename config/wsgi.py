import gc
import os
from functools import wraps

import django
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CruxWSGIHandler(WSGIHandler):
    """On SQLite (the embedded default), a request that only reads runs without the
    request-wide transaction.

    SQLite transactions take the write lock when they begin (config/settings.py), so a page
    view inside ATOMIC_REQUESTS would hold the one write lock while it renders: with 8 API
    writers, 4 page readers and the worker, lock waits starved past the busy timeout and 2
    writes and a page view failed with "database is locked". Outside a transaction each
    query reads a committed state under write-ahead logging without any lock, as each
    statement does under PostgreSQL's READ COMMITTED, and whatever such a request writes
    goes through services whose own transactions take the lock. Other methods and other
    databases keep ATOMIC_REQUESTS.
    """

    def make_view_atomic(self, view):
        atomic_view = super().make_view_atomic(view)
        if atomic_view is view or not settings.DATABASES["default"]["ENGINE"].endswith(
            "sqlite3"
        ):
            return atomic_view

        @wraps(view)
        def per_method(request, *args, **kwargs):
            chosen = view if request.method in SAFE_METHODS else atomic_view
            return chosen(request, *args, **kwargs)

        return per_method


application = CruxWSGIHandler()

# Import every view now, then put what start-up built (modules, URL patterns, settings) out
# of the garbage collector's reach: a full collection otherwise walks all of it, which paused
# a request for up to ~100 ms (measured with gc callbacks over 400 page views: gen-2
# collections took 104 ms before, at most 7 ms after).
get_resolver().url_patterns  # noqa: B018 (imported for its side effect)
gc.freeze()
