import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import every view now, then put what start-up built (modules, URL patterns, settings) out
# of the garbage collector's reach: a full collection otherwise walks all of it, which paused
# a request for up to ~100 ms (measured with gc callbacks over 400 page views: gen-2
# collections took 104 ms before, at most 7 ms after).
get_resolver().url_patterns  # noqa: B018 (imported for its side effect)
gc.freeze()
