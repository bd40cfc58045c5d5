"""The README's resolver-spec section stays true: every worked example decides what the
page says, on the demo's bundled logs, word for word."""

from __future__ import annotations

import json
import re

import pytest

from resolvers import CRITERIA, RunContext, run_spec
from tests.resolvers.conftest import DEMO_EVALS, REPO

DOC = REPO / "README.md"
EXAMPLE = re.compile(r"```json\n(?P<spec>.*?)\n```\s*\nDecides \*\*(?P<verdict>\w+)\*\*: "
                     r"`(?P<reason>[^`]+)`", re.S)


def examples() -> list[tuple[dict, str, str]]:
    return [(json.loads(m["spec"]), m["verdict"], m["reason"])
            for m in EXAMPLE.finditer(DOC.read_text())]


def test_the_docs_have_one_worked_example_per_criterion():
    kinds = [spec["criterion"]["kind"] for spec, _, _ in examples()
             if spec["source"]["kind"] == "inspect_logs"]
    assert sorted(kinds) == sorted(CRITERIA)


def test_the_demo_logs_are_bundled():
    names = sorted(p.name for p in DEMO_EVALS.glob("*.eval"))
    assert names == sorted(f"gen{g}-{c}.eval" for g in (1, 2, 3)
                           for c in ("snap", "cot", "tools"))


@pytest.mark.parametrize(("spec", "verdict", "reason"), examples(),
                         ids=lambda x: x["criterion"]["kind"] if isinstance(x, dict) else "")
def test_a_documented_example_decides_what_the_docs_say(spec, verdict, reason):
    result = run_spec(spec, context=RunContext(data_dir=DEMO_EVALS))
    assert (result.verdict, result.reason) == (verdict, reason)


RULES_DOC = REPO / "docs" / "resolver-specs.md"
RULE_SOURCE = {"kind": "inspect_logs", "location": {"data": "*.eval"}, "task": "arith",
               "conditions": {"snap": {"solvers": ["generate"]},
                              "cot": {"solvers_include": "chain_of_thought"},
                              "tools": {"solvers_include": "use_tools"}}}
RULE_MODELS = {"gen1": "mockllm/gen1", "gen2": "mockllm/gen2", "gen3": "mockllm/gen3"}


def rule_examples() -> list[tuple[dict, str, str]]:
    text = RULES_DOC.read_text()
    section = text[text.index("### Decision rules"):text.index("### Model aliases")]
    return [(json.loads(m["spec"]), m["verdict"], m["reason"]) for m in EXAMPLE.finditer(section)]


def test_the_decision_rules_have_a_worked_example_under_both_rules_for_every_criterion():
    seen = {(c["kind"], c.get("decide_on", "confidence") != "confidence")
            for c, _, _ in rule_examples()}
    assert seen == {(k, bound) for k in CRITERIA for bound in (False, True)}


@pytest.mark.parametrize(("criterion", "verdict", "reason"), rule_examples(),
                         ids=lambda x: x["kind"] if isinstance(x, dict) else "")
def test_a_documented_decision_rule_example_decides_what_the_docs_say(criterion, verdict,
                                                                      reason):
    spec = {"source": RULE_SOURCE, "models": RULE_MODELS, "criterion": criterion}
    result = run_spec(spec, context=RunContext(data_dir=DEMO_EVALS))
    assert (result.verdict, result.reason) == (verdict, reason)
