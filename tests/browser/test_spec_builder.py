"""The spec builder and the evidence view in a real browser: each criterion kind is built by
picking from the runs the source finds, the JSON follows, the preview gives the verdict; the
evidence of an attempt shows its table and chart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import PASSWORD, login
from tests.factories import make_user

pytestmark = pytest.mark.browser

DEMO_EVALS = Path(__file__).resolve().parents[2] / "demo" / "evals"
COT = json.dumps(["chain_of_thought", "generate"], separators=(",", ":"))
SNAP = json.dumps(["generate"], separators=(",", ":"))
TOOLS = json.dumps(["use_tools", "generate"], separators=(",", ":"))
ALL = ["mockllm/gen1", "mockllm/gen2", "mockllm/gen3"]

# kind -> (fields to type, models to tick, what the preview must say)
CASES = {
    "threshold": ({"model": "mockllm/gen3", "condition": "cot", "metric": "accuracy",
                   "bar": "0.85"}, [], "Would resolve as YES today: mockllm/gen3 cot accuracy"),
    "gap": ({"model": "mockllm/gen2", "a": "cot", "b": "snap", "metric": "accuracy",
             "min_gap": "0.1"}, [], "Would resolve as YES today: cot-snap gap 0.25"),
    "widening_gap": ({"a": "cot", "b": "snap", "metric": "accuracy", "min_increase": "0.2"},
                     ALL, "Would resolve as NO today: cot-snap gap does not widen"),
    "ordering": ({"order": "tools, cot, snap", "metric": "accuracy"}, ALL,
                 "Would resolve as YES today: tools > cot > snap"),
    "at_least_k": ({"k": "2", "condition": "cot", "metric": "accuracy", "at_least": "0.7"},
                   ALL, "Would resolve as YES today: 2 of 3 models reach"),
    "best_model": ({"condition": "snap", "metric": "accuracy", "at_least": "0.6"}, ALL,
                   "Would resolve as NO today: best of 3 models"),
}


@pytest.fixture
def author_page(new_page, live_server, transactional_db, settings):
    settings.CRUX_DATA_DIR = DEMO_EVALS
    make_user("writer", password=PASSWORD)
    page = new_page()
    login(page, live_server, "writer")
    page.goto(f"{live_server.url}/claims/new/")
    return page


def _source_and_conditions(page) -> None:
    builder = page.locator("#spec-builder")
    builder.wait_for(state="visible")
    builder.locator("[data-b=source-kind]").select_option("inspect_logs")
    builder.locator("[data-b=loc-kind]").select_option("data")
    builder.locator("[data-b=loc-value]").fill("*.eval")
    builder.locator(".spec-runs-table tr").nth(9).wait_for()  # a header and 9 runs
    for name, plan in (("cot", COT), ("snap", SNAP), ("tools", TOOLS)):
        builder.locator("[data-b=add-condition]").click()
        row = builder.locator(".spec-condition").last
        row.locator("[data-c=name]").fill(name)
        row.locator("[data-c=what]").select_option(plan)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_builder_builds_each_criterion_kind_and_previews_its_verdict(author_page, kind):
    page = author_page
    fields, models, expected = CASES[kind]
    _source_and_conditions(page)
    builder = page.locator("#spec-builder")
    builder.locator("[data-b=crit-kind]").select_option(kind)
    for model in models:
        builder.locator(f"[data-f=models] input[value='{model}']").check()
    for name, value in fields.items():
        builder.locator(f"[data-f={name}]").fill(value)
    verdict = builder.locator(".spec-verdict")
    verdict.filter(has_text=expected).wait_for()
    spec = json.loads(page.locator("#id_resolver_spec").input_value())
    assert spec["criterion"]["kind"] == kind
    assert spec["source"]["conditions"]["cot"] == {"solvers": ["chain_of_thought", "generate"]}
    if models:
        assert spec["criterion"]["models"] == models


def test_editing_the_json_updates_the_form(author_page):
    page = author_page
    page.locator("#spec-builder").wait_for(state="visible")
    spec = {"source": {"kind": "inspect_logs", "location": {"data": "*.eval"},
                       "conditions": {"cot": {"solvers": ["chain_of_thought", "generate"]}}},
            "criterion": {"kind": "threshold", "model": "mockllm/gen1", "condition": "cot",
                          "metric": "accuracy", "at_least": 0.9, "confidence": 0.95,
                          "decide_on": "lower_bound"}}
    page.locator("#id_resolver_spec").fill(json.dumps(spec))
    builder = page.locator("#spec-builder")
    assert builder.locator("[data-b=crit-kind]").input_value() == "threshold"
    assert builder.locator("[data-f=model]").input_value() == "mockllm/gen1"
    assert builder.locator("[data-b=decide-on]").input_value() == "lower_bound"
    assert builder.locator(".spec-condition [data-c=name]").input_value() == "cot"
    builder.locator(".spec-verdict").filter(has_text="Would resolve as NO today").wait_for()


def test_the_evidence_view_shows_the_table_and_the_chart(page, live_server, transactional_db,
                                                        settings):
    from bets.autoresolve import runs as autoresolve
    from tests.autoresolve.conftest import make_spec_claim
    from tests.celery_worker import redis_flush

    settings.CRUX_DATA_DIR = DEMO_EVALS
    author, mod = make_user("author"), make_user("boss", staff=True)
    spec = {"source": {"kind": "inspect_logs", "location": {"data": "*.eval"},
                       "conditions": {"cot": {"solvers_include": "chain_of_thought"},
                                      "snap": {"solvers": ["generate"]}}},
            "criterion": {"kind": "gap", "model": "mockllm/gen2", "a": "cot", "b": "snap",
                          "metric": "accuracy", "min_gap": 0.1, "confidence": 0.5}}
    claim = make_spec_claim(author=author, moderator=mod, spec=spec)
    autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:b")
    redis_flush()
    page.goto(f"{live_server.url}{claim.get_absolute_url()}")
    table = page.locator("table.evidence-table")
    table.wait_for(state="visible")
    assert table.locator("tbody tr").count() == 2
    assert "0.7 ± 0.105" in table.inner_text()
    chart = page.locator("svg.evidence-chart")
    assert chart.is_visible()
    # The point and its bar (the threshold line, dashed).
    assert chart.locator("circle.point").count() == 1
    assert chart.locator("line.threshold").count() == 1
    assert page.locator("text=Attempt #1 decided YES.").is_visible()
