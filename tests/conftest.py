"""Shared fixtures. The suite runs on real PostgreSQL and Redis (see `make test`)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.celery_worker import WorkerProcess
from tests.factories import client_for, make_open_claim, make_user


def pytest_configure(config):
    if not config.pluginmanager.hasplugin("django"):
        return  # pure tests (scoring maths, resolvers) run with -p no:django
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(
            "Crux's tests run on PostgreSQL: use `make test`, or set DATABASE_URL="
            "postgres://postgres@127.0.0.1:5432/crux and REDIS_URL=redis://127.0.0.1:6379/15.",
            returncode=2,
        )
    if not settings.REDIS_URL:
        pytest.exit("Crux's tests need Redis: set REDIS_URL (see `make test`).", returncode=2)
    # Tests make hundreds of users with passwords; the production hasher's deliberate cost
    # (~0.3 s a user here) buys nothing in a test and was over a quarter of the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The suite sends thousands of requests from one address and a few users; the rate
    # limits have their own tests (tests/api/test_throttling.py), which set them.
    settings.CRUX_API_ANON_RATE = settings.CRUX_API_WRITE_RATE = "none"
    # WhiteNoise warns on every request of a process whose STATIC_ROOT does not exist yet;
    # `make run` and production create it with collectstatic.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb,
                    django_db_createdb, django_db_modify_db_settings, tmp_path_factory):
    """pytest-django's test database set-up, except that under pytest-xdist the database is
    migrated once per run, into a template, and each worker's own database (test_crux_gwN) is
    a copy of it: a CREATE DATABASE ... TEMPLATE of a second, not a migrate of minutes per
    worker on a busy two-core machine. --reuse-db keeps pytest-django's way."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from tests.prepared import prepared, run_lock

    verbosity = request.config.option.verbose
    if not os.environ.get("PYTEST_XDIST_WORKER") or (django_db_keepdb and not django_db_createdb):
        with django_db_blocker.unblock():
            config = setup_databases(verbosity=verbosity, interactive=False,
                                     keepdb=django_db_keepdb and not django_db_createdb)
        yield
        if not django_db_keepdb:
            with django_db_blocker.unblock():
                teardown_databases(config, verbosity=verbosity)
        return

    test_settings = connection.settings_dict["TEST"]
    own_name = connection.creation._get_test_db_name()  # test_crux_gwN (pytest-django's)
    template = own_name.rpartition("_")[0] + "_template"
    original_name = connection.settings_dict["NAME"]

    def migrate_template(folder: Path) -> None:
        test_settings["NAME"] = template
        try:
            connection.creation.create_test_db(verbosity=verbosity, autoclobber=True,
                                               serialize=False)
        finally:
            test_settings["NAME"] = own_name
            connection.close()
            connection.settings_dict["NAME"] = original_name

    with django_db_blocker.unblock():
        prepared(tmp_path_factory, "test-database", migrate_template)
        # One copy at a time: PostgreSQL refuses a template that another copy is reading.
        with run_lock(tmp_path_factory, "test-database-copies"):
            _copy_database(connection, template, own_name)
        connection.close()
        connection.settings_dict["NAME"] = own_name
        settings.DATABASES["default"]["NAME"] = own_name
    yield
    with django_db_blocker.unblock():
        connection.creation.destroy_test_db(original_name, verbosity=verbosity)


def _copy_database(connection, template: str, name: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


@pytest.fixture(autouse=True)
def fresh_leaderboard_cache(request):
    """The leaderboard caches are keyed by a score-version counter that a rolled-back test
    transaction also rolls back, so an entry cached inside an earlier test can carry the same
    stamp as this test's different scores. Start every test with empty caches."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from bets.scoring import selectors

    selectors.leaderboard_cache_clear()
    yield
    selectors.leaderboard_cache_clear()


@pytest.fixture(scope="session")
def prepared_var(tmp_path_factory) -> Path:
    """An embedded var/ folder that run.py has nothing left to do in (migrated, static files
    collected, demo loaded), made once per test run (tests/prepared.py)."""
    from tests.ops.embedded import prepare_var
    from tests.prepared import prepared

    return prepared(tmp_path_factory, "embedded-var", prepare_var)


@pytest.fixture
def run_script(tmp_path, request):
    """Start `make run`'s own stacks (scripts/run.py, each in tmp_path/varN on a free port;
    tests/ops/embedded.py); every one is killed at the end.

    `start(prepared=True)` starts run.py on a copy of `prepared_var`, for tests about the
    running stack rather than its first start: run.py still runs migrate, collectstatic and
    load_demo, which then find nothing to do (a minute less per stack on a busy CI machine)."""
    from tests.ops.embedded import RunScript
    from tests.prepared import copy_of

    started = []

    def start(*, prepared: bool = False, **kwargs) -> RunScript:
        var_dir = tmp_path / f"var{len(started)}"
        if prepared:
            copy_of(request.getfixturevalue("prepared_var"), var_dir)
        script = RunScript(var_dir, **kwargs)
        started.append(script)
        return script

    yield start
    for script in started:
        script.finish()


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real `celery worker` process on Redis, reading the test database.

    Tests that use it must commit their data (transactional_db) so the worker sees it.
    """
    worker = WorkerProcess(log_dir=tmp_path)
    worker.start()
    yield worker
    worker.stop()


# --- people: the same participants in every folder ------------------------------------------


@pytest.fixture
def mod(db):
    """A moderator (staff and superuser)."""
    return make_user("mod", staff=True)


@pytest.fixture
def ann(db):
    return make_user("ann")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def cat(db):
    return make_user("cat")


@pytest.fixture
def anon():
    """An API client with no credentials."""
    return APIClient()


@pytest.fixture
def ann_client(ann):
    """An API client authenticated as ann (tests/web overrides it with a logged-in browser
    client)."""
    return client_for(ann)


@pytest.fixture
def bob_client(bob):
    return client_for(bob)


@pytest.fixture
def mod_client(mod):
    return client_for(mod)


# --- the claim most tests need ----------------------------------------------------------------


@pytest.fixture
def claim(ann, mod):
    """An open claim by ann, approved by mod two days ago, tagged "llm" and "reasoning". Tests
    that need another shape call tests.factories.make_open_claim (the one way to make one)."""
    return make_open_claim(author=ann, moderator=mod, title="Gap widens",
                           opened_ago=timedelta(days=2), tags=["llm", "reasoning"])
