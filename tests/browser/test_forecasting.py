"""Finding and forecasting in Chromium: search and sort, the slider and the keyboard, the
"Did you mean 50% or 0.5%?" question with and without JavaScript, and the propose form
refusing a close time in the past."""

from datetime import UTC, datetime, timedelta

import pytest

from bets.claims.forecasts import forecast_submit
from bets.models import Claim, Forecast
from tests.browser.conftest import PASSWORD, login
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def claims(transactional_db, staff_user):
    ann = make_user("ann", password=PASSWORD)
    soon = make_open_claim(author=ann, moderator=staff_user, title="Tools beat snap answers",
                           days_open=3, statement="Agents with calculators win.")
    later = make_open_claim(author=ann, moderator=staff_user, title="Reasoning gap widens",
                            days_open=60)
    forecast_submit(claim_id=later.pk, participant=staff_user, probability=0.6)
    return {"soon": soon, "later": later, "ann": ann}


def _titles(page) -> list[str]:
    return page.locator("section[aria-labelledby=claims-h] .claim-title").all_inner_texts()


def test_search_and_sort_the_claim_list(page, live_server, claims):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Search claims").fill("calculators")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=calculators**")
    assert _titles(page) == ["Tools beat snap answers"]
    page.get_by_label("Search claims").fill("")
    page.get_by_label("Sort by").select_option("closing")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**sort=closing**")
    assert _titles(page) == ["Tools beat snap answers", "Reasoning gap widens"]
    page.get_by_label("Sort by").select_option("forecasters")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**sort=forecasters**")
    assert _titles(page)[0] == "Reasoning gap widens"


def test_forecast_with_the_slider_from_the_keyboard(page, live_server, claims):
    login(page, live_server, "ann")
    claim = claims["later"]
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    # The forecast control is a few Tab presses from the top: skip links come first.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to your forecast"
    page.keyboard.press("Enter")
    slider = page.locator("[data-percent-slider]")
    for _ in range(3):
        page.keyboard.press("Tab")
        if slider.evaluate("e => e === document.activeElement"):
            break
    assert slider.evaluate("e => e === document.activeElement"), "slider not reached by Tab"
    box = page.locator("input[name=percent]")
    assert box.input_value() == ""  # no standing forecast yet; the slider starts at 50
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert box.input_value() == "50.5"
    page.keyboard.press("Tab")
    assert box.evaluate("e => e === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Forecast recorded: 50.5%")
    assert Forecast.objects.get(participant=claims["ann"]).probability == pytest.approx(0.505)
    # The box and the slider come back with the standing forecast.
    assert box.input_value() == "50.5" and slider.input_value() == "50.5"
    # Typing moves the slider.
    box.fill("72")
    assert slider.input_value() == "72"


def test_the_half_question_in_the_browser_records_the_chosen_reading(page, live_server, claims):
    login(page, live_server, "ann")
    claim = claims["later"]
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    page.locator("input[name=percent]").fill("0.5")
    page.locator("form[data-percent-form] button[type=submit]").click()
    question = page.locator("#percent-question")
    question.wait_for(state="visible")
    assert "Did you mean 50% or 0.5%?" in question.inner_text()
    assert not Forecast.objects.filter(participant=claims["ann"]).exists()
    question.get_by_role("button", name="50%").click()
    page.wait_for_selector("text=Forecast recorded: 50.0%")
    assert Forecast.objects.get(participant=claims["ann"]).probability == pytest.approx(0.5)


def test_the_half_question_works_without_javascript(browser, live_server, claims):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, live_server, "ann")
    claim = claims["later"]
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    assert not page.locator("[data-percent-slider]").is_visible()
    page.locator("input[name=percent]").fill("0.5")
    page.locator("form[data-percent-form] button[type=submit]").click()
    page.wait_for_selector("text=Did you mean 50% or 0.5%?")
    assert not Forecast.objects.filter(participant=claims["ann"]).exists()
    page.locator("#percent-question-server").get_by_role("button", name="0.5%").click()
    page.wait_for_selector("text=Forecast recorded: 0.5%")
    assert Forecast.objects.get(participant=claims["ann"]).probability == pytest.approx(0.005)
    context.close()


def test_the_propose_form_refuses_a_close_time_in_the_past(page, live_server, claims):
    login(page, live_server, "ann")
    page.goto(f"{live_server.url}/claims/new/")
    # Sensible defaults are filled in: the claim opens within the hour.
    opens = page.locator("input[name=open_time]").input_value()
    assert datetime.strptime(opens, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC) > datetime.now(UTC)
    page.fill("input[name=title]", "Too late")
    page.fill("textarea[name=statement]", "Something **bold**.")
    page.fill("textarea[name=resolution_criteria]", "YES if so.")
    past = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page.fill("input[name=open_time]", (datetime.now(UTC) - timedelta(days=3))
              .strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=close_time]", past)
    page.get_by_role("button", name="Preview").click()
    assert "bold" in page.locator(".preview strong").inner_text()
    page.get_by_role("button", name="Propose").click()
    page.wait_for_selector("text=The close time is in the past")
    assert not Claim.objects.filter(title="Too late").exists()


def test_a_screen_reader_reads_each_focused_point_of_the_community_chart(page, live_server,
                                                                         claims):
    """The chart is a labelled group of focusable images: inside an "img" the points would
    be hidden from assistive technology, however focusable."""
    page.goto(f"{live_server.url}/claims/{claims['later'].pk}/")
    chart = page.get_by_role("group", name="Community forecast from")
    assert chart.count() == 1
    point = chart.get_by_role("img", name="UTC: 60.0% from 1 forecaster")
    assert point.count() >= 1
    point.first.focus()
    assert point.first.evaluate("e => e === document.activeElement")
