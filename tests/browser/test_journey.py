"""The whole journey in a real browser: sign up, propose, approve, forecast, resolve, score."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.conftest import PASSWORD
from tests.celery_worker import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def _utc_input(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M")


def _sign_up(page, base: str, username: str) -> None:
    page.goto(f"{base}/signup/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector(f"text=Logged in as {username}")


def _propose(page, base: str) -> str:
    page.goto(f"{base}/claims/new/")
    page.fill("input[name=title]", "Chain of thought beats snap answers on arithmetic")
    page.fill("textarea[name=statement]", "The **CoT** condition scores higher than **snap**.")
    page.fill("textarea[name=resolution_criteria]", "YES if CoT accuracy exceeds snap accuracy.")
    page.fill("input[name=tags]", "reasoning, arithmetic")
    page.fill("input[name=open_time]", _utc_input(timedelta(minutes=-2)))
    page.fill("input[name=close_time]", _utc_input(timedelta(days=7)))
    page.fill("input[name=resolve_after]", _utc_input(timedelta(days=7)))
    page.click("main button[type=submit]")
    page.wait_for_selector("text=waits for a moderator's approval")
    return page.url


def _resolve_yes_on_the_claim_page(page, claim_url: str) -> None:
    """The claim is still open: the moderator closes it now and resolves it."""
    page.goto(claim_url)
    page.fill("#resolve textarea[name=note]", "The published results table shows CoT ahead.")
    page.check("#resolve input[name=close_early]")
    page.get_by_role("button", name="Resolve YES").click()
    page.wait_for_selector("text=resolved YES.")


def test_a_newcomer_proposes_forecasts_and_is_scored_after_resolution(
    page, staff_page, live_server, celery_worker, tmp_path
):
    base = live_server.url
    _sign_up(page, base, "carol")
    claim_url = _propose(page, base)
    assert "Proposed" in page.inner_text("main")

    staff_page.goto(f"{base}/moderation/")
    staff_page.locator("article", has_text="Chain of thought beats snap").get_by_role(
        "button", name="Approve"
    ).click()
    staff_page.wait_for_selector("text=approved")

    page.goto(claim_url)
    page.fill("input[name=percent]", "80")
    page.click("form[action$='/forecast/'] button[type=submit]")
    page.wait_for_selector("text=Forecast recorded: 80.0%")
    assert "80.0%" in page.inner_text(".community")

    _resolve_yes_on_the_claim_page(staff_page, claim_url)

    def leaderboard_lists_carol():
        page.goto(f"{base}/leaderboard/?score=baseline")
        return "carol" in page.inner_text("table.leaderboard")

    wait_for(leaderboard_lists_carol, timeout=60, message="carol never reached the leaderboard")
    page.goto(f"{base}/u/carol/")
    record = page.inner_text(".record")
    assert "Resolved claims scored" in record and "1" in record
    assert "Chain of thought beats snap" in page.inner_text(".score-history")
    page.screenshot(path=tmp_path / "participant.png", full_page=True)

    page.goto(claim_url)
    assert "Resolved: YES" in page.inner_text("main")
    assert "The published results table shows CoT ahead." in page.inner_text(".resolution-record")
    assert "carol" in page.inner_text(".scores")
    page.screenshot(path=tmp_path / "claim.png", full_page=True)
