"""Reusable browser fixtures: Debian's chromium driven by Playwright's sync API.

Never `playwright install`: it downloads a browser, which cannot work here. Pages are served by
pytest-django's `live_server`, whose data is committed, so a real Celery worker sees it too.
"""

import os
import shutil

import pytest

from tests.factories import make_user

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
PASSWORD = "correct-horse-battery"



# Package scope, not session: while Playwright's sync API is open an event loop runs in the
# test thread, and tests collected after this package (inspect's asyncio.run) would fail.
@pytest.fixture(scope="package")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make services` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; Django would then refuse
    # ORM calls from the test itself (fixtures, assertions on rows) as if they were async code.
    # Set only while the browser is open, so it never leaks into other tests' subprocesses.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser):
    """A factory of pages, each in its own context (its own cookies: one per person)."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_selector(f"text=Logged in as {username}")


@pytest.fixture
def staff_user(transactional_db):
    return make_user("moderator", staff=True, password=PASSWORD)


@pytest.fixture
def staff_page(new_page, live_server, staff_user):
    """A page logged in as the moderator (staff and superuser)."""
    page = new_page()
    login(page, live_server, staff_user.username)
    return page
