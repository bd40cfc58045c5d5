"""Every main page renders under the site's Content-Security-Policy without one violation.

Chromium reports each blocked inline script, inline style, event-handler attribute or foreign
origin as a console error that names the Content Security Policy; a page is clean when none
appears while it loads, and every response carries the policy.
"""

import pytest

from tests.factories import make_open_claim

pytestmark = pytest.mark.browser


def _visit_collecting_violations(page, url: str) -> list[str]:
    violations: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"{url}: {message.text}")

    page.on("console", on_console)
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("console", on_console)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy, (url, policy)
    return violations


def test_main_pages_render_without_a_content_security_policy_violation(
    staff_page, live_server, staff_user
):
    claim = make_open_claim(author=staff_user, moderator=staff_user, title="CSP claim")
    base = live_server.url
    urls = [
        "/", f"/claims/{claim.pk}/", f"/claims/{claim.pk}/resolution/", "/claims/new/",
        "/leaderboard/", "/methodology/", f"/u/{staff_user.username}/", "/moderation/",
        "/admin/", "/admin/bets/claim/", f"/admin/bets/claim/{claim.pk}/change/",
        "/api/docs/",
    ]
    violations: list[str] = []
    for url in urls:
        violations += _visit_collecting_violations(staff_page, f"{base}{url}")
    assert violations == []


def test_login_and_signup_render_without_a_violation_for_anonymous_visitors(page, live_server):
    violations: list[str] = []
    for url in ["/login/", "/signup/", "/api/docs/"]:
        violations += _visit_collecting_violations(page, f"{live_server.url}{url}")
    assert violations == []


def test_an_inline_script_would_be_reported(page, live_server):
    """The listener above really sees violations: a page that injects an inline script
    through the DOM is refused and reported."""
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/methodology/")
    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.crux_inline_ran = true'; document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.crux_inline_ran === undefined")
    assert violations, "Chromium reported no violation for an inline script"
