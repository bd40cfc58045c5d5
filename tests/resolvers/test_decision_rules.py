"""Both decision rules for every criterion, on real inspect logs, with a YES and a NO each.

`confidence` alone is three-valued: the whole interval must clear (yes) or miss (no) the bar.
`decide_on: lower_bound | upper_bound` compares that end of the interval with the bar and is
two-valued, so "the lower end of the 95% interval is at least 0.8" can resolve NO.

Accuracy on 20 questions (stderr is sqrt(p(1-p)/19), e.g. 0.0688 at 0.9):
            snap  cot   tools
    gen1    0.40  0.50  0.60
    gen2    0.45  0.70  0.80
    gen3    0.50  0.90  0.95
"""

from __future__ import annotations

import pytest

from resolvers import SpecError, run_spec, validate_spec
from tests.resolvers import specs
from tests.resolvers.specs import at_least_k, best_model, gap, ordering, spec, threshold, widening

LOW = {"confidence": 0.95, "decide_on": "lower_bound"}
HIGH = {"confidence": 0.95, "decide_on": "upper_bound"}
CONF = {"confidence": 0.95}
G1, G3 = "mockllm/gen1", "mockllm/gen3"

CASES = [
    # The confidence rule: yes and no.
    (threshold(at_least=0.7, **CONF), "yes", "95% CI lower 0.765) >= 0.7"),
    (threshold(model=G1, condition="snap", at_least=0.8, **CONF), "no", "95% CI upper"),
    (gap(**CONF), "yes", "95% CI lower 0.138) >= 0.1"),
    (gap(model=G1, min_gap=0.5, **CONF), "no", "< 0.5"),
    (widening(models=[G1, G3], confidence=0.5), "yes", "widens"),
    (widening(models=[G3, G1], confidence=0.5), "no", "does not widen"),
    (ordering(order=["tools", "snap"], models=[G3], **CONF), "yes", "tools > snap"),
    (ordering(order=["snap", "tools"], models=[G3], **CONF), "no", "does not hold"),
    (at_least_k(k=1, at_least=0.7, **CONF), "yes", "1 of 3 models reach"),
    (at_least_k(k=3, at_least=0.8, **CONF), "no", "0 of 3 models reach"),
    (best_model(at_least=0.8, condition="tools", **CONF), "yes", "95% CI lower 0.852"),
    (best_model(at_least=0.8, **CONF), "no", "< 0.8"),
    # The one-sided bounds: where `confidence` would stay undecided, they say yes or no.
    (threshold(at_least=0.75, **LOW), "yes", "95% CI lower bound 0.765) >= 0.75"),
    (threshold(at_least=0.8, **LOW), "no", "95% CI lower bound 0.765) < 0.8"),
    (threshold(model=G1, condition="snap", at_least=None, at_most=0.7, **HIGH), "yes",
     "95% CI upper bound 0.62) <= 0.7"),
    (threshold(model=G1, condition="snap", at_least=None, at_most=0.5, **HIGH), "no",
     "95% CI upper bound 0.62) > 0.5"),
    (gap(min_gap=0.1, **LOW), "yes", "lower bound 0.138) >= 0.1"),
    (gap(min_gap=0.2, **LOW), "no", "lower bound 0.138) < 0.2"),
    (widening(**HIGH), "yes", "widens"),
    (widening(**LOW), "no", "does not widen"),
    (ordering(**HIGH), "yes", "tools > cot > snap on accuracy for all 3 models"),
    (ordering(**LOW), "no", "does not hold"),
    (at_least_k(k=2, at_least=0.7, **HIGH), "yes", "3 of 3 models reach"),
    (at_least_k(k=2, at_least=0.7, **LOW), "no", "1 of 3 models reach"),
    (best_model(at_least=0.5, **HIGH), "yes", ">= 0.5"),
    (best_model(at_least=0.5, **LOW), "no", "< 0.5"),
]


def _clean(criterion: dict) -> dict:
    return {k: v for k, v in criterion.items() if v is not None}


def _rule(criterion: dict) -> str:
    return criterion.get("decide_on", "confidence")


@pytest.mark.parametrize(("criterion", "verdict", "words"), CASES,
                         ids=[f"{c['kind']}-{_rule(c)}-{v}" for c, v, _ in CASES])
def test_each_criterion_decides_yes_and_no_under_each_rule(inspect_logs, criterion, verdict,
                                                           words):
    result = run_spec(spec(_clean(criterion)), context=specs.context(inspect_logs.eval_dir))
    assert (result.verdict, words in result.reason) == (verdict, True), result.reason
    assert result.measurement["decide_on"] == _rule(criterion)


def test_every_criterion_has_a_yes_and_a_no_under_both_rules():
    from resolvers import CRITERIA

    seen = {(c["kind"], "bound" if "decide_on" in c else "confidence", v) for c, v, _ in CASES}
    assert seen == {(k, r, v) for k in CRITERIA for r in ("confidence", "bound")
                    for v in ("yes", "no")}


def test_a_bound_cannot_be_computed_without_a_stderr(tmp_path):
    (tmp_path / "r.csv").write_text("model,accuracy\ngen3,0.9\n")
    source = {"kind": "csv", "location": {"data": "r.csv"},
              "columns": {"model": "model", "value": "accuracy"}}
    criterion = {"kind": "threshold", "model": "gen3", "metric": "accuracy", "at_least": 0.8,
                 **LOW}
    result = run_spec({"source": source, "criterion": criterion},
                      context=specs.context(tmp_path))
    assert result.verdict == "inconclusive"
    assert "no reported stderr" in result.reason


@pytest.mark.parametrize(("rule", "message"), [
    ({"decide_on": "lower_bound"}, "criterion.decide_on: lower_bound needs a confidence level"),
    ({"decide_on": "median", "confidence": 0.9}, "criterion.decide_on: unknown rule 'median'"),
    ({"decide_on": 3, "confidence": 0.9}, "criterion.decide_on: expected a string"),
])
def test_a_bad_decision_rule_is_refused_with_its_path(rule, message):
    with pytest.raises(SpecError) as e:
        validate_spec(spec({**threshold(), **rule}))
    assert any(err.startswith(message) for err in e.value.errors), e.value.errors
