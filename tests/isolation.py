"""Give each pytest-xdist worker its own Redis database, before Django reads its settings.

Loaded as a plugin (`-p tests.isolation` in pyproject's addopts), so it runs before
pytest-django sets Django up. pytest-django already gives each xdist worker its own test
database (test_crux_gw0, ...); without this, the workers' Celery tests would share one broker
and take each other's tasks. Worker gwN uses Redis database (base - N): make test's base is
15, so gw0 uses 15 and gw1 uses 14.
"""

import os

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    _base, _, _db = os.environ["REDIS_URL"].rpartition("/")
    if _db.isdigit():
        os.environ["REDIS_URL"] = f"{_base}/{int(_db) - int(_worker[2:])}"
