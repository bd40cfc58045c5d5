"""The evidence view: the verdict sentence first, a table of the numbers read, an SVG chart
of what the criterion compared, the files read, and JSON (never a Python repr)."""

from __future__ import annotations

import json
import re

import pytest

from bets.autoresolve import runs as autoresolve
from bets.autoresolve.evidence.measurements import compared_points
from bets.web.autoresolve.evidence_charts import evidence_chart
from tests.autoresolve.conftest import inspect_spec, make_spec_claim
from tests.celery_worker import redis_flush

pytestmark = pytest.mark.django_db

# gen2: cot 0.70 - snap 0.45 is 0.24999999999999994 in floats.
GEN2_GAP = inspect_spec({"kind": "gap", "model": "mockllm/gen2", "a": "cot", "b": "snap",
                         "metric": "accuracy", "min_gap": 0.1})


@pytest.fixture(autouse=True)
def empty_queue():
    redis_flush()
    yield
    redis_flush()


def test_the_claim_page_shows_sentence_then_table_then_chart_then_files(ann, mod, client):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GEN2_GAP)
    attempt = autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:a")
    page = client.get(claim.get_absolute_url()).content.decode()
    sentence = page.index("Attempt #1 decided YES.")
    table = page.index('<table class="evidence-table">')
    chart = page.index('<svg class="chart evidence-chart"')
    files = page.index('<caption>Files that decided</caption>')
    assert sentence < table < chart < files
    assert "0.24999999999999994" not in page[:page.index("Measurement (JSON)")]
    assert "gap: mockllm/gen2 0.25 (\u22120.05 to 0.55); bar 0.10" in page  # rounded, signed
    assert "&quot;gap&quot;: 0.24999999999999994" in page  # the raw value stays in the JSON
    assert "{&#x27;" not in page  # no Python dict repr anywhere
    sha = attempt.evidence["files"][0]["sha256"]
    assert f'title="{sha}">{sha[:12]}' in page


def test_the_table_names_scorer_reducer_epochs_and_samples(ann, mod, client):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GEN2_GAP)
    autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:a")
    page = client.get(f"/claims/{claim.pk}/resolution/").content.decode()
    table = page[page.index('<table class="evidence-table">'):]
    table = table[:table.index("</table>")]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", table)]
    assert cells[:7] == ["mockllm/gen2", "cot", "match/accuracy", "0.7 ± 0.105", "20",
                         "none (1 epoch)", "1"]


MEASUREMENTS = {
    "threshold": {"criterion": "threshold", "model": "m", "value": 0.9, "stderr": 0.07,
                  "bar": 0.8, "lower": 0.76, "upper": 1.03},
    "gap": {"criterion": "gap", "model": "m", "gap": 0.4, "value": 0.4, "bar": 0.1,
            "a": {"condition": "cot"}, "b": {"condition": "snap"}, "stderr": 0.13},
    "widening_gap": {"criterion": "widening_gap", "a": "cot", "b": "snap",
                     "gaps": [{"model": "g1", "gap": 0.1, "stderr": 0.16},
                              {"model": "g2", "gap": 0.25, "stderr": 0.15}]},
    "ordering": {"criterion": "ordering", "min_gap": 0, "pairs": [
        {"model": "g1", "conditions": ["cot", "snap"], "value": 0.1, "lower": -0.2,
         "upper": 0.4}]},
    "at_least_k": {"criterion": "at_least_k", "bar": 0.7, "models": [
        {"model": "g1", "value": 0.5, "stderr": 0.11}, {"model": "g2", "value": 0.7}]},
    "best_model": {"criterion": "best_model", "bar": 0.5, "models": [
        {"model": "g1", "value": 0.4}, {"model": "g3", "value": 0.5}]},
}


@pytest.mark.parametrize("kind", sorted(MEASUREMENTS))
def test_every_criterion_draws_its_compared_points(kind):
    points, bar, _ = compared_points(MEASUREMENTS[kind])
    assert points
    svg = evidence_chart(MEASUREMENTS[kind])
    assert svg.startswith("<svg") and svg.count('class="point"') == len(points)
    assert ('class="threshold"' in svg) == (bar is not None)


def _lines(svg: str, css: str) -> list[dict[str, float]]:
    return [{k: float(v) for k, v in re.findall(r'(x1|y1|x2|y2)="([-0-9.]+)"', attrs)}
            for attrs in re.findall(rf'<line class="{css}"([^>]*)>', svg)]


def test_the_chart_draws_each_interval_the_dashed_bar_and_a_signed_axis():
    # gap 0.25 with stderr 0.155: the 95% interval runs from -0.05 to 0.55.
    svg = evidence_chart({"criterion": "gap", "model": "mockllm/gen2", "gap": 0.25,
                          "value": 0.25, "stderr": 0.155, "bar": 0.1,
                          "a": {"condition": "cot"}, "b": {"condition": "snap"}})
    whisker = _lines(svg, "whisker")[0]
    caps = _lines(svg, "whisker cap")
    bar = _lines(svg, "threshold")[0]
    zero = _lines(svg, "zero")[0]
    axis = _lines(svg, "axis")[0]
    assert whisker["x1"] == whisker["x2"] and len(caps) == 2
    # The whisker spans both caps; the bar and the zero line lie between its ends, the bar
    # (0.10) above zero; SVG's y grows downward.
    assert {whisker["y1"], whisker["y2"]} == {c["y1"] for c in caps}
    assert whisker["y1"] < bar["y1"] < zero["y1"] < whisker["y2"]
    assert bar["y1"] == bar["y2"] and bar["x1"] == axis["x1"]
    ticks = re.findall(r'class="tick-label">([^<]+)<', svg)
    assert ticks[0] == "\u22120.05" and "0.55" in ticks
    # Room for the longest tick label at the largest font: its minus sign stays in view.
    assert axis["x1"] >= len("\u22120.05") * 0.62 * 23


def test_long_labels_lose_their_provider_before_they_are_cut():
    svg = evidence_chart({"criterion": "ordering", "min_gap": 0, "pairs": [
        {"model": f"mockllm/gen{i}", "conditions": ["tools", "cot"], "value": 0.1 * i,
         "stderr": 0.05} for i in range(1, 7)]})
    labels = re.findall(r'dominant-baseline="hanging">([^<]+)<', svg)
    assert len(labels) == 6 and all("mockllm" not in x for x in labels)
    assert "mockllm/gen1 tools-cot" in svg  # the full name stays in the point's title


def test_the_chart_escapes_labels_and_ignores_junk():
    svg = evidence_chart({"criterion": "threshold", "model": "<script>", "value": 1,
                          "bar": 0.5})
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert evidence_chart({"criterion": "threshold", "value": "NaN"}) == ""
    assert evidence_chart(json.loads("[]")) == ""
