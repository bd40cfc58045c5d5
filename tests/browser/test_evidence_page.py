"""In Chromium at 1280 and 390 px, the page of an automatically resolved demo claim: the
state in one sentence at the top, the evidence chart's interval whiskers, dashed bar and
signed value axis drawn and styled (read from the SVG, not by eye), no sideways scroll of
the page, the files that decided apart from those set aside, no console error, and axe's
WCAG 2 A/AA pass."""

import re

import pytest
from django.conf import settings

from bets.autoresolve import runs as autoresolve
from bets.claims.services import claim_approve, claim_propose
from bets.demo import autoresolve as demo
from tests.browser.test_pages import AXE

pytestmark = pytest.mark.browser

SIZES = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})
# What the SVG says, with each element's computed stroke: the stylesheet must draw them.
CHART = """() => {
  const svg = document.querySelector('svg.evidence-chart');
  const box = svg.getBoundingClientRect();
  const lines = css => [...svg.querySelectorAll('line.' + css)].map(l => ({
    x1: +l.getAttribute('x1'), y1: +l.getAttribute('y1'), x2: +l.getAttribute('x2'),
    y2: +l.getAttribute('y2'), stroke: getComputedStyle(l).stroke,
    width: parseFloat(getComputedStyle(l).strokeWidth),
    dash: getComputedStyle(l).strokeDasharray}));
  const ticks = [...svg.querySelectorAll('text.tick-label')].map(t => ({
    text: t.textContent, left: t.getBoundingClientRect().left - box.left}));
  return {whiskers: lines('whisker'), bar: lines('threshold'), axis: lines('axis'),
          ticks, viewBox: svg.getAttribute('viewBox')};
}"""


@pytest.fixture
def demo_claim(transactional_db, staff_user):
    """The demo's first claim (gen2's cot-snap gap on arith), run once over the bundled logs."""
    assert any(settings.CRUX_DATA_DIR.glob("*.eval"))
    title, statement, criterion, _ = demo.CLAIMS[0]
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    claim = claim_propose(author=staff_user, title=title, statement=statement,
                          resolution_criteria="Resolved automatically by the spec below.",
                          open_time=now - timedelta(days=10), close_time=now - timedelta(hours=1),
                          resolve_after=now - timedelta(hours=1),
                          resolver_spec={"version": 1, "description": statement,
                                         "source": demo.SOURCE, "criterion": criterion})
    claim = claim_approve(claim_id=claim.pk, moderator=staff_user)
    attempt = autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:1")
    assert attempt.verdict == "yes"
    return claim, attempt


def test_an_automatically_resolved_claim_reads_in_a_minute_at_desktop_and_phone_widths(
        new_page, live_server, demo_claim):
    claim, attempt = demo_claim
    used = sorted(log["locator"] for log in attempt.evidence["logs"])
    page = new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for size in SIZES:
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/claims/{claim.pk}/")
        summary = page.locator(".claim-head .auto-summary").inner_text()
        assert re.search(r"Proposed YES on \d+ \w+ from 2 logs: gen2 cot 0\.70 ± 0\.11 vs snap "
                         r"0\.45 ± 0\.11, gap 0\.25 ≥ 0\.10\. Final on \d+ \w+ unless disputed",
                         summary), summary

        chart = page.evaluate(CHART)
        stem, *caps = chart["whiskers"]
        assert stem["x1"] == stem["x2"] and len(caps) == 2
        assert {stem["y1"], stem["y2"]} == {c["y1"] for c in caps}
        [bar], [axis] = chart["bar"], chart["axis"]
        # The bar (0.10) lies inside the interval (-0.05 to 0.55), across the plot, dashed.
        assert bar["y1"] == bar["y2"] and min(stem["y1"], stem["y2"]) < bar["y1"] < max(
            stem["y1"], stem["y2"])
        assert bar["x1"] == axis["x1"] and bar["x2"] > stem["x1"] > axis["x1"]
        assert bar["dash"] not in ("none", "") and bar["width"] > 0
        for line in (stem, axis, bar):
            assert line["stroke"] not in ("none", "") and line["width"] > 0
        # The lower end's tick keeps its minus sign, inside the drawing.
        negative = [t for t in chart["ticks"] if t["text"].startswith("\u2212")]
        assert [t["text"] for t in negative] == ["\u22120.05"] and negative[0]["left"] >= 0

        wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert wide[0] <= wide[1], f"{size['width']} px: the page scrolls sideways {wide}"

        decided = page.locator("table.decided-files").first
        assert decided.locator("caption").inner_text() == "Files that decided"
        assert sorted(decided.locator("tbody td:first-child code").all_inner_texts()) == used
        aside = page.locator("table.set-aside").first
        assert aside.locator("tbody tr").count() == 7
        # Each with the resolver's own reason (another model, condition, superseded).
        reasons = aside.locator("tbody td:last-child").all_inner_texts()
        assert sorted(reasons) == sorted(a["reason"] for a in attempt.evidence["set_aside"])
        assert "cot: runs whose solver plan includes chain_of_thought" in page.locator(
            ".spec-words").inner_text()

        page.evaluate(AXE)
        violations = page.evaluate("""async () => {
          const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
          return r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3)
            .map(n => n.target.join(' ')).join(' | '));
        }""")
        assert violations == [], f"{size['width']} px: {violations}"
    assert errors == []
