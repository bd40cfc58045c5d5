"""Forms that keep what was typed, at a desktop and a phone width: a refused offer, stake,
forecast or comment comes back with the text in its box, the reason beside the field and
the focus on it; taking an offer shows the exact stake and win and asks first; withdrawing
a forecast asks first and says what happened."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bets.betting.checks import ledger_violations
from bets.betting.offers import offer_create
from bets.claims.forecasts import forecast_submit
from bets.models import Bet, Comment, Forecast, Offer
from tests.browser.conftest import PASSWORD, login
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.browser

WIDTHS = [pytest.param(1280, id="desktop"), pytest.param(390, id="phone")]


@pytest.fixture
def sized_page(browser):
    """A page factory at a given viewport width, one context (one person) each."""
    contexts = []

    def make(width: int):
        context = browser.new_context(viewport={"width": width, "height": 800})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def claim(transactional_db, staff_user):
    make_user("eli", password=PASSWORD)
    make_user("dana", password=PASSWORD)
    return make_open_claim(author=staff_user, moderator=staff_user, title="Forms claim")


def _person(sized_page, live_server, claim, username: str, width: int):
    page = sized_page(width)
    login(page, live_server, username)
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    return page


def assert_error_beside(page, field_selector: str, message: str) -> None:
    """The message is the field's own description, shown right under it, and the field is
    focused, marked invalid and on screen (the page did not jump elsewhere)."""
    field = page.locator(field_selector)
    error_id = field.get_attribute("aria-describedby").split()[0]
    error = page.locator(f"#{error_id}")
    assert message in error.inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    assert field.evaluate("e => e === document.activeElement"), "the field is not focused"
    box, below = field.bounding_box(), error.bounding_box()
    assert box is not None and below is not None
    assert 0 <= below["y"] - (box["y"] + box["height"]) < 80, "the message is not beside it"
    height = page.evaluate("innerHeight")
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, "the field is off screen"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_refused_offer_keeps_every_value_and_shows_why_beside_the_stake(
    sized_page, live_server, claim, width
):
    eli = _person(sized_page, live_server, claim, "eli", width)
    form = eli.locator("form.offer-form")
    form.locator("select[name=side]").select_option("no")
    form.locator("input[name=price]").fill("35")
    form.locator("input[name=max_stake]").fill("5000")
    form.locator("input[name=hours]").fill("48")
    form.locator("input[name=note]").fill("a pizza")
    form.locator("button[type=submit]").click()
    eli.wait_for_selector("#id_max_stake_error")
    assert_error_beside(eli, "#id_max_stake", "You have 1000 credits; this offer needs 5000.")
    form = eli.locator("form.offer-form")
    assert form.locator("select[name=side]").input_value() == "no"
    assert [form.locator(f"input[name={n}]").input_value()
            for n in ("price", "max_stake", "hours", "note")] == ["35", "5000", "48", "a pizza"]
    # Correcting the one field is enough.
    form.locator("input[name=max_stake]").fill("500")
    form.locator("button[type=submit]").click()
    eli.wait_for_selector("text=Offer made")
    offer = Offer.objects.get()
    assert (offer.side, offer.max_stake, offer.note) == ("no", 500, "a pizza")


@pytest.mark.parametrize("width", WIDTHS)
def test_taking_an_offer_shows_the_exact_stake_and_win_and_asks_before_matching(
    sized_page, live_server, claim, width
):
    eli = make_user("eli2", password=PASSWORD)
    offer_create(claim_id=claim.pk, offerer=eli, side="yes", probability=0.333, max_stake=300,
                 expires_at=timezone.now() + timedelta(days=1))
    dana = _person(sized_page, live_server, claim, "dana", width)
    card = dana.locator(".book-no li.offer").first
    stake = card.locator("input[name=stake]")
    assert stake.input_value() == "", "the stake must not be prefilled to the whole offer"
    preview = card.locator("[data-take-preview]")
    stake.fill("3")
    assert preview.inner_text() == (
        "Whole credits cannot match 3 at this price: stake 2 or 4 instead.")
    # Sent anyway, the server refuses it beside the field, with the stake kept.
    card.get_by_role("button", name="Take NO…").click()
    dana.wait_for_selector("p.error[id$=stake_error]")
    assert_error_beside(dana, ".book-no input[name=stake]",
                        "would win 1: that is 75% for NO, not the offer's 66.7%. Stake 2 or 4")
    card = dana.locator(".book-no li.offer").first
    assert card.locator("input[name=stake]").input_value() == "3"
    card.locator("input[name=stake]").fill("-5")
    card.get_by_role("button", name="Take NO…").click()
    dana.wait_for_selector("text=A stake must be at least 1 credit; -5 is not.")
    assert_error_beside(dana, ".book-no input[name=stake]", "at least 1 credit; -5 is not.")
    card = dana.locator(".book-no li.offer").first
    card.locator("input[name=stake]").fill("4")
    assert card.locator("[data-take-preview]").inner_text() == "You stake 4 on NO to win 2."
    card.get_by_role("button", name="Take NO…").click()
    confirm = dana.locator(".confirm")
    confirm.wait_for()
    assert "Confirm your bet: you stake 4 on NO to win 2." in confirm.inner_text()
    assert "If NO happens you get 6 back" in confirm.inner_text()
    assert confirm.evaluate("e => e === document.activeElement")
    assert not Bet.objects.exists(), "nothing may be matched before the confirmation"
    confirm.get_by_role("button", name="Confirm: stake 4 to win 2").click()
    dana.wait_for_selector("text=Bet matched: you stake 4 on NO against 2.")
    bet = Bet.objects.get()
    assert (bet.taker_stake, bet.offerer_stake) == (4, 2)
    assert ledger_violations() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_forecast_of_1e1_is_refused_beside_the_box_with_the_text_kept(
    sized_page, live_server, claim, width
):
    dana = _person(sized_page, live_server, claim, "dana", width)
    dana.locator("input[name=percent]").fill("1e1")
    dana.get_by_role("button", name="Forecast", exact=True).click()
    dana.wait_for_selector("#id_percent_error")
    assert_error_beside(dana, "#id_percent", "Enter a percentage between 0.1 and 99.9")
    assert dana.locator("input[name=percent]").input_value() == "1e1"
    assert not Forecast.objects.exists()


@pytest.mark.parametrize("width", WIDTHS)
def test_withdrawing_a_forecast_asks_then_says_what_happened_and_box_and_slider_agree(
    sized_page, live_server, claim, width
):
    forecast_submit(claim_id=claim.pk, participant=make_user("fay", password=PASSWORD),
                    probability=0.6)
    fay = _person(sized_page, live_server, claim, "fay", width)
    fay.get_by_role("button", name="Withdraw my forecast…").click()
    question = fay.locator("#withdraw-question")
    question.wait_for()
    assert "Withdraw your forecast of 60.0%?" in question.inner_text()
    assert question.evaluate("e => e === document.activeElement")
    assert Forecast.objects.get().end_time is None, "nothing may change before the answer"
    question.get_by_role("button", name="Yes, withdraw it").click()
    fay.wait_for_selector("text=Your forecast of 60.0% is withdrawn.")
    assert Forecast.objects.get().end_time is not None
    assert "You withdrew your forecast of 60.0%" in fay.locator("#forecast").inner_text()
    assert fay.locator("input[name=percent]").input_value() == "60"
    assert fay.locator("[data-percent-slider]").input_value() == "60"
    assert fay.get_by_role("button", name="Forecast again").is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_too_long_and_a_rate_limited_comment_come_back_in_a_box_that_fills_its_card(
    sized_page, live_server, claim, width, settings
):
    settings.CRUX_COMMENT_MAX_CHARS = 60
    settings.CRUX_COMMENT_RATE_LIMIT = 1
    dana = _person(sized_page, live_server, claim, "dana", width)
    box = dana.locator("#new-comment")
    card = dana.locator("form.comment-form")
    # The box fills its card (it was 196 px wide in a 1,024 px card).
    padding = 2 * 16 + 2
    assert box.bounding_box()["width"] >= card.bounding_box()["width"] - padding - 1
    # A client that ignores maxlength (or counts differently) still gets its text back.
    box.evaluate("e => e.removeAttribute('maxlength')")
    long_text = "A long argument: " + "the data say so, " * 6
    box.fill(long_text)
    dana.locator("#new-stance").select_option("yes")
    dana.get_by_role("button", name="Post").click()
    dana.wait_for_selector("#new-comment-error")
    assert_error_beside(dana, "#new-comment", "A comment is at most 60 characters")
    assert dana.locator("#new-comment").input_value() == long_text
    assert dana.locator("#new-stance").input_value() == "yes"
    dana.locator("#new-comment").fill("Short and first.")
    dana.get_by_role("button", name="Post").click()
    dana.wait_for_selector("text=Your comment is posted.")
    dana.locator("#new-comment").fill("Second, carefully written.")
    dana.get_by_role("button", name="Post").click()
    dana.wait_for_selector("#new-comment-error")
    assert_error_beside(dana, "#new-comment", "You have written 1 comments in the last")
    assert dana.locator("#new-comment").input_value() == "Second, carefully written."
    assert Comment.objects.count() == 1
