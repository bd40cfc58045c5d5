"""Accounts in a real browser, at desktop and phone widths: a look-alike name is refused beside
its field with what was typed kept, and a log-in past the limits says why."""

import pytest

from tests.browser.conftest import PASSWORD
from tests.factories import make_user

pytestmark = pytest.mark.browser
WIDTHS = [1280, 390]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_look_alike_username_is_refused_beside_its_field_and_kept(
    new_page, live_server, width
):
    make_user("admin")
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/signup/")
    page.fill("input[name=username]", "\u0430dmin")  # a Cyrillic а
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("main button[type=submit]")
    error = page.locator(".field.has-error:has(input[name=username]) .error")
    error.wait_for()
    assert "looks like an existing participant's name" in error.inner_text()
    assert error.is_visible()
    assert page.input_value("input[name=username]") == "\u0430dmin"
    assert "Logged in as" not in page.content()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_log_in_past_the_limit_says_why_even_with_the_right_password(
    new_page, live_server, settings, width
):
    settings.CRUX_LOGIN_MAX_FAILURES = 2
    make_user("eve", password=PASSWORD)
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    for password in ["guess-one", "guess-two", PASSWORD]:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", "eve")
        page.fill("input[name=password]", password)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    alert = page.locator("main .errors[role=alert]")
    assert "Too many failed log-ins" in alert.inner_text() and alert.is_visible()
    assert "reset your password" in alert.inner_text()
    assert page.input_value("input[name=username]") == "eve"
    assert "Logged in as" not in page.content()
