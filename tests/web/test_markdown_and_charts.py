import re
from types import SimpleNamespace

import pytest

from bets.common.markdown import render_markdown
from bets.web.plumbing.charts import calibration_chart, community_chart, cumulative_chart


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        '<a href="x" onclick="alert(1)">a</a>',
        "<iframe src=//evil></iframe>",
        "<svg onload=alert(1)>",
        "```\n<script>x</script>\n```",
    ],
)
def test_markdown_never_lets_html_or_scripts_through(source):
    html = render_markdown(source)
    for bad in ("<script", "<img", "javascript:", "<iframe", "<svg"):
        assert bad not in html
    # Event handlers may survive only as escaped text, never as an attribute of a real tag.
    assert not re.search(r"<[a-z]+[^>]*\son\w+=", html)


def test_markdown_keeps_ordinary_formatting_and_safe_links():
    html = render_markdown("**b** _i_ [site](https://example.org)\n\n- one\n- two")
    assert "<strong>b</strong>" in html and "<em>i</em>" in html
    assert 'href="https://example.org"' in html and "<li>one</li>" in html


def test_community_chart_draws_a_step_line_within_its_box():
    svg = community_chart([(0.0, 0.5, 1), (50.0, 0.8, 2)], start=0.0, end=100.0)
    assert svg.startswith("<svg") and "<path" in svg and "<script" not in svg
    assert community_chart([], start=0.0, end=1.0) == ""


def test_calibration_chart_has_a_diagonal_and_one_point_and_bar_per_bin():
    bins = [
        SimpleNamespace(lower=0.7, upper=0.8, mean_forecast=0.75, observed_frequency=1.0,
                        ci_low=0.4, ci_high=1.0, count=3),
        SimpleNamespace(lower=0.2, upper=0.3, mean_forecast=0.25, observed_frequency=0.0,
                        ci_low=0.0, ci_high=0.6, count=2),
    ]
    svg = calibration_chart(bins)
    assert svg.count('class="diagonal"') == 1
    assert svg.count('class="errorbar"') == 2 and svg.count('class="dot"') == 2


def test_cumulative_chart_plots_the_running_total():
    svg = cumulative_chart([10.0, -5.0, 20.0])
    assert svg.count(",") == 4  # four points: the start plus three claims
    assert "3 resolved claims" in svg
