"""In Chromium at 1280 and 390 px: a moderator resolves from the claim's page (and is
refused on a claim still open until they close it), a visitor reads what Crux is at the top
of the home page, and the charts' labels are legible, apart and inside their drawing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bets.claims.forecasts import forecast_submit
from bets.claims.resolution import claim_resolve
from bets.models import Claim
from bets.scoring.services import claim_score
from tests.browser.conftest import PASSWORD, login
from tests.factories import make_closed_claim, make_open_claim, make_user

pytestmark = pytest.mark.browser

SIZES = [pytest.param({"width": 1280, "height": 900}, id="1280px"),
         pytest.param({"width": 390, "height": 844}, id="390px")]
MIN_LABEL_PX = 11  # the smallest chart label, in CSS px, that a phone's reader can read


@pytest.fixture
def site(transactional_db, staff_user):
    ann = make_user("ann", password=PASSWORD)
    bob = make_user("bob", password=PASSWORD)
    closed = make_closed_claim(author=ann, moderator=staff_user, title="Closed and waiting")
    still_open = make_open_claim(author=ann, moderator=staff_user, title="Still taking forecasts",
                                 opened_ago=timedelta(days=9))
    earlier = timezone.now() - timedelta(days=8)
    for person, p in ((ann, 0.3), (bob, 0.7), (staff_user, 0.55)):
        forecast_submit(claim_id=still_open.pk, participant=person, probability=p, now=earlier)
    forecast_submit(claim_id=still_open.pk, participant=ann, probability=0.42)
    done = make_open_claim(author=bob, moderator=staff_user, title="Resolved one")
    forecast_submit(claim_id=done.pk, participant=ann, probability=0.8)
    forecast_submit(claim_id=done.pk, participant=bob, probability=0.99)
    done = claim_resolve(claim_id=done.pk, outcome="yes", actor=staff_user, note="Table 2.")
    claim_score(claim_id=done.pk, seq=done.resolution_seq)
    return {"closed": closed, "open": still_open}


def _page(new_page, size, live_server=None, username=None):
    page = new_page()
    page.set_viewport_size(size)
    if username:
        login(page, live_server, username)
    return page


def _no_sideways_scroll(page) -> None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner


@pytest.mark.parametrize("size", SIZES)
def test_a_moderator_resolves_a_closed_claim_with_the_resolve_button(
    new_page, live_server, site, size
):
    page = _page(new_page, size, live_server, "moderator")
    page.goto(f"{live_server.url}/claims/{site['closed'].pk}/")
    assert "waiting for a moderator to resolve it" in page.inner_text("main")
    _no_sideways_scroll(page)
    page.fill("#resolve textarea[name=note]", "The paper's table 2 settles it.")
    page.get_by_role("button", name="Resolve YES").click()
    page.wait_for_selector("text=Closed and waiting: resolved YES.")
    assert "Resolved: YES" in page.inner_text(".claim-head")
    assert "The paper's table 2 settles it." in page.inner_text(".resolution-record")
    assert page.locator("#resolve").count() == 0  # nothing left to resolve
    claim = Claim.objects.get(pk=site["closed"].pk)
    assert (claim.status, claim.outcome, claim.resolution_method) == ("resolved", "yes",
                                                                      "manual")


@pytest.mark.parametrize("size", SIZES)
def test_resolving_an_open_claim_is_refused_until_the_moderator_closes_it_now(
    new_page, live_server, site, size
):
    page = _page(new_page, size, live_server, "moderator")
    page.goto(f"{live_server.url}/claims/{site['open'].pk}/")
    page.fill("#resolve textarea[name=note]", "Announced before the close.")
    page.get_by_role("button", name="Resolve NO").click()
    error = page.locator("#resolve .field.has-error .error")
    error.wait_for()
    assert "is still open" in error.inner_text()
    # The refusal stands beside the "Close it now" box, and what was typed is kept.
    assert page.locator("#resolve .field.has-error input[name=close_early]").count() == 1
    assert page.input_value("#resolve textarea[name=note]") == "Announced before the close."
    assert error.is_visible()
    _no_sideways_scroll(page)
    assert Claim.objects.get(pk=site["open"].pk).status == "open"

    page.check("#resolve input[name=close_early]")
    page.get_by_role("button", name="Resolve NO").click()
    page.wait_for_selector("text=Still taking forecasts: resolved NO.")
    claim = Claim.objects.get(pk=site["open"].pk)
    assert (claim.status, claim.outcome) == ("resolved", "no")


@pytest.mark.parametrize("size", SIZES)
def test_a_visitor_reads_what_crux_is_at_the_top_of_the_home_page(new_page, live_server, site,
                                                                     size):
    page = _page(new_page, size)
    page.goto(f"{live_server.url}/")
    intro = page.locator("section.intro")
    assert "Forecast concrete claims" in intro.inner_text()
    box = intro.bounding_box()
    assert box is not None and box["y"] + box["height"] <= size["height"]  # no scrolling
    assert page.locator("section.intro").evaluate(
        "e => e.getBoundingClientRect().top < document.querySelector('.claim-card')"
        ".getBoundingClientRect().top")
    _no_sideways_scroll(page)
    intro.get_by_role("link", name="Sign up").click()
    page.wait_for_url("**/signup/")
    page.fill("input[name=username]", "newcomer")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Welcome to Crux, newcomer")
    assert page.url.rstrip("/") == live_server.url
    page.get_by_role("link", name="Claims open for forecasts").click()
    page.wait_for_selector("text=Still taking forecasts")


# Every visible label of every chart: its size in CSS px, its box on the screen and in the
# drawing's own units, and whether it is the axis title.
CHART_LABELS = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const vb = svg.viewBox.baseVal, scale = svg.getScreenCTM().a;
  const labels = [...svg.querySelectorAll('text')]
    .filter(t => getComputedStyle(t).display !== 'none' && t.getBBox().width > 0)
    .map(t => {
      const r = t.getBoundingClientRect(), b = t.getBBox();
      return {text: t.textContent, title: t.classList.contains('axis-label'),
              px: parseFloat(getComputedStyle(t).fontSize) * scale,
              screen: [r.left, r.top, r.right, r.bottom],
              box: [b.x, b.y, b.x + b.width, b.y + b.height]};
    });
  return {label: svg.getAttribute('aria-label').slice(0, 40), width: vb.width,
          height: vb.height, labels};
})"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _charts(page, live_server, url):
    page.goto(f"{live_server.url}{url}")
    page.wait_for_load_state("networkidle")
    return page.evaluate(CHART_LABELS)


@pytest.mark.parametrize("size", SIZES)
def test_chart_labels_are_legible_apart_and_inside_their_drawing(new_page, live_server, site,
                                                                   size):
    page = _page(new_page, size)
    charts = (_charts(page, live_server, f"/claims/{site['open'].pk}/")
              + _charts(page, live_server, "/u/ann/"))
    names = [c["label"] for c in charts]
    assert len(charts) == 4, names  # forecast, histogram, cumulative peer, calibration
    problems = []
    for chart in charts:
        for label in chart["labels"]:
            where = f"{chart['label']!r} {label['text']!r}"
            if label["px"] < MIN_LABEL_PX:
                problems.append(f"{where}: {label['px']:.1f} px")
            x0, y0, x1, y1 = label["box"]
            if x0 < -0.5 or y0 < -0.5 or x1 > chart["width"] + 0.5 or y1 > chart["height"] + 0.5:
                problems.append(f"{where}: outside the viewBox {label['box']}")
        titles = [label for label in chart["labels"] if label["title"]]
        for title in titles:
            for other in chart["labels"]:
                if other is not title and _overlap(title["screen"], other["screen"]):
                    problems.append(f"{chart['label']!r}: the axis title overlaps "
                                    f"{other['text']!r}")
    assert any(t["text"] == "Probability of YES" for c in charts for t in c["labels"])
    assert any(t["text"] == "100%" for c in charts for t in c["labels"])
    assert problems == [], "\n".join(problems)
