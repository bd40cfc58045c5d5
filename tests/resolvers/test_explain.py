"""resolvers.explain: a spec and a run's measurement in plain words, per source kind,
condition and criterion kind; an unknown kind or an odd field gets a generic sentence, never
an error."""

import pytest

from resolvers.explain import (
    condition_sentences,
    criterion_sentence,
    explain_spec,
    measurement_summary,
    number,
    rule_sentence,
    source_sentence,
)
from resolvers.registry import CRITERIA, SOURCES

INSPECT = {"kind": "inspect_logs", "location": {"data": "*.eval"}, "task": "arith",
           "dataset": "arith-20",
           "conditions": {"snap": {"solvers": ["generate"]},
                          "cot": {"solvers_include": "chain_of_thought"},
                          "long": {"task_args": {"steps": 3}, "epochs": 2, "tags": "x"}}}


def test_numbers_read_with_two_decimals_and_a_real_minus_sign():
    assert [number(0.3), number(-0.0541), number(0), number(0.004), number("x")] == \
        ["0.30", "\u22120.05", "0", "0.004", "?"]


def test_inspect_logs_say_which_logs_count_and_what_each_condition_means():
    words = explain_spec({"source": INSPECT, "criterion": {"kind": "gap", "model": "g3",
                                                           "a": "cot", "b": "snap",
                                                           "metric": "accuracy",
                                                           "min_gap": 0.2},
                          "models": {"g3": "mockllm/gen3"}})
    assert words["source"] == (
        "Reads inspect_ai evaluation logs from the files matching *.eval in Crux's data "
        "directory; only runs of task arith on dataset arith-20 count (logs of any other task "
        "or dataset are set aside).")
    assert "g3 (mockllm/gen3)" in words["models"]
    assert words["conditions"] == [
        "snap: runs whose solver plan is exactly generate",
        "cot: runs whose solver plan includes chain_of_thought",
        "long: runs whose task argument steps is 3 and whose tags include x and whose run "
        "is over 2 epochs"]
    assert words["criterion"].startswith("YES when g3's accuracy under cot exceeds its "
                                         "accuracy under snap by at least 0.20")


@pytest.mark.parametrize(("source", "expected"), [
    ({"kind": "lm_eval", "location": {"artifact": "results"}, "task": "arith_lm",
      "filter": "strict-match"},
     "Reads lm-evaluation-harness results files from the file results uploaded to the claim; "
     "only runs of task arith_lm count"),
    ({"kind": "http_json", "location": {"url": "https://example.org/x.json"},
      "path": "results.{model}.{metric}"},
     "Reads the document at https://example.org/x.json (JSON) and takes each number at the "
     "path results.{model}.{metric}."),
    ({"kind": "csv", "location": {"path": "t.csv"},
      "columns": {"model": "m", "value": "acc", "condition": "how"}},
     "Reads the files matching t.csv in the run's directory (CSV): models in column m, values "
     "in column acc, conditions in column how."),
    ({"kind": "inspect_run", "task": "arith", "endpoint": "lab", "models": ["a", "b"],
      "conditions": ["snap", "cot"], "limit": 10},
     "Runs the first 10 samples of Crux's bundled task arith live against the endpoint lab, "
     "for the models a and b, under the solver recipes snap and cot, 1 epoch each"),
    ({"kind": "sqlite", "location": {"data": "x.db"}},
     "Reads evidence of kind sqlite from the files matching x.db in Crux's data directory."),
])
def test_every_source_kind_has_its_sentence(source, expected):
    assert source_sentence(source).startswith(expected)


def test_the_registry_has_no_source_or_criterion_kind_without_words():
    for kind in SOURCES:
        assert "of kind" not in source_sentence({"kind": kind, "location": {"data": "x"}})
    for kind in CRITERIA:
        assert "as its fields say" not in criterion_sentence({"kind": kind})


def test_conditions_of_tables_documents_and_live_runs_are_named():
    assert condition_sentences({"source": {"kind": "csv", "conditions": {"cot": "CoT"}}}) == \
        ["cot: rows whose condition cell reads CoT"]
    assert condition_sentences({"source": {"kind": "http_json",
                                           "conditions": {"cot": "chain"}}}) == \
        ["cot: the key chain where the path says {condition}"]
    assert condition_sentences({"source": {"kind": "inspect_run", "conditions": ["cot"]}}) == \
        ["cot: the solver recipe chain_of_thought() + generate()"]
    assert condition_sentences({"source": {"kind": "lm_eval",
                                           "conditions": {"cot": {"task": "t_cot"}}}}) == \
        ["cot: results of task t_cot"]


@pytest.mark.parametrize(("criterion", "expected"), [
    ({"kind": "threshold", "model": "m", "condition": "cot", "metric": "accuracy",
      "at_most": 0.1}, "YES when m's accuracy under cot is at most 0.10; otherwise NO."),
    ({"kind": "widening_gap", "models": ["a", "b"], "a": "cot", "b": "snap",
      "metric": "accuracy"},
     "YES when the cot minus snap gap in accuracy grows (strictly) from each model to the "
     "next, in the order a and b; otherwise NO."),
    ({"kind": "ordering", "models": ["a"], "order": ["tools", "cot", "snap"],
      "metric": "accuracy", "min_gap": 0.05},
     "YES when, for every one of a, accuracy ranks tools > cot > snap (highest first, each "
     "by at least 0.05); otherwise NO."),
    ({"kind": "at_least_k", "models": ["a", "b", "c"], "k": 2, "metric": "accuracy",
      "at_least": 0.8},
     "YES when at least 2 of a, b and c reach at least 0.80 in accuracy; otherwise NO."),
    ({"kind": "best_model", "models": ["a", "b"], "condition": "snap", "metric": "accuracy",
      "at_least": 0.5},
     "YES when the best of a and b reaches at least 0.50 in accuracy under snap; otherwise NO."),
])
def test_every_criterion_kind_says_when_it_resolves_yes(criterion, expected):
    assert criterion_sentence(criterion) == expected


def test_the_decision_rule_names_the_interval_and_the_bar():
    gap = {"kind": "gap", "min_gap": 0.2}
    assert rule_sentence({**gap, "confidence": 0.95, "decide_on": "lower_bound"}).startswith(
        "The lower end of a 95% interval")
    assert "must clear 0.20" in rule_sentence({**gap, "confidence": 0.95,
                                               "decide_on": "lower_bound"})
    assert "straddles it leaves the claim undecided" in rule_sentence({**gap,
                                                                       "confidence": 0.9})
    assert rule_sentence(gap).startswith("The measured value itself is compared with 0.20")


def test_odd_specs_get_generic_words_never_an_error():
    for spec in (None, [], {"source": 3, "criterion": "x"}, {"source": {"kind": 7}},
                 {"source": {"kind": "inspect_logs", "conditions": {"c": "not an object"}},
                  "criterion": {"kind": "gap", "min_gap": "wide"}}):
        words = explain_spec(spec)
        assert isinstance(words["source"], str) and isinstance(words["criterion"], str)
    assert explain_spec({"source": {"kind": "inspect_logs",
                                    "conditions": {"c": "x"}}})["conditions"] == \
        ['c: as the spec defines it, x']
    assert criterion_sentence({"kind": "median"}).startswith("Decided by the criterion median")


def _reading(model, condition, value, stderr, alias=None):
    return {"model": model, "alias": alias, "condition": condition, "value": value,
            "stderr": stderr}


MEASURED = {
    "threshold": ({"criterion": "threshold", "model": "mockllm/gen3", "condition": "cot",
                   "metric": "accuracy", "direction": "at_least", "value": 0.9,
                   "stderr": 0.067, "bar": 0.85, "confidence": 0.95, "decide_on": "confidence",
                   "lower": 0.768, "upper": 1.03}, "inconclusive",
                  "gen3 cot accuracy 0.90 \u00b1 0.07 (95% interval 0.77 to 1.03) straddles "
                  "0.85"),
    "gap": ({"criterion": "gap", "model": "mockllm/gen3",
             "a": {"condition": "cot", "value": 0.93, "stderr": 0.05},
             "b": {"condition": "snap", "value": 0.63, "stderr": 0.09},
             "value": 0.3, "bar": 0.2, "decide_on": "value",
             "readings": [_reading("mockllm/gen3", "cot", 0.93, 0.05, alias="gen3")]},
            "yes", "gen3 cot 0.93 \u00b1 0.05 vs snap 0.63 \u00b1 0.09, gap 0.30 \u2265 0.20"),
    "widening_gap": ({"criterion": "widening_gap", "a": "cot", "b": "snap", "min_increase": 0,
                      "decide_on": "value",
                      "gaps": [{"model": "m/g1", "gap": 0.1}, {"model": "m/g2", "gap": 0.05}],
                      "steps": [{"from": "m/g1", "to": "m/g2", "outcome": "no",
                                 "value": -0.05}]}, "no",
                     "cot \u2212 snap gap g1 0.10 \u2192 g2 0.05; g1 \u2192 g2 grows by "
                     "\u22120.05 \u2264 0"),
    "ordering": ({"criterion": "ordering", "order": ["tools", "cot"], "min_gap": 0,
                  "decide_on": "value",
                  "pairs": [{"model": "m/g1", "conditions": ["tools", "cot"], "outcome": "yes",
                             "value": 0.2}, {"model": "m/g2", "conditions": ["tools", "cot"],
                                             "outcome": "yes", "value": 0.05}]}, "yes",
                 "tools > cot for 2 models; closest: g2 tools \u2212 cot 0.05 > 0"),
    "at_least_k": ({"criterion": "at_least_k", "k": 2, "reached": 1, "metric": "accuracy",
                    "condition": "tools", "bar": 0.8,
                    "models": [{"model": "m/g1", "value": 0.6, "stderr": 0.1},
                               {"model": "m/g2", "value": 0.85, "stderr": 0.08}]}, "no",
                   "1 of 2 models reach tools accuracy \u2265 0.80 (need 2): g1 0.60 \u00b1 "
                   "0.10, g2 0.85 \u00b1 0.08"),
    "best_model": ({"criterion": "best_model", "best": "m/g2", "best_value": 0.5, "bar": 0.5,
                    "metric": "accuracy", "models": [{"model": "m/g1", "value": 0.4},
                                                     {"model": "m/g2", "value": 0.5}]}, "yes",
                   "best of 2 on accuracy: g2 0.50 \u2265 0.50 (g1 0.40, g2 0.50)"),
}


@pytest.mark.parametrize("kind", sorted(MEASURED))
def test_each_criterion_kind_says_what_its_run_measured_in_a_line(kind):
    measurement, verdict, expected = MEASURED[kind]
    assert measurement_summary(measurement, verdict) == expected


def test_a_withheld_or_odd_measurement_says_nothing_rather_than_fail():
    assert measurement_summary({}, "yes") == ""
    assert measurement_summary({"criterion": "gap", "a": 1, "b": 2}, "yes") == ""
    assert measurement_summary({"criterion": "ordering", "pairs": [3]}, "yes") == ""
    assert measurement_summary({"criterion": "rank", "value": 1}, "yes") == ""


def test_a_table_read_as_of_a_date_says_which_rows_are_set_aside():
    csv = source_sentence({"kind": "csv", "location": {"data": "t.csv"},
                           "columns": {"model": "m", "value": "v"},
                           "as_of": "2026-06-30", "date_column": "run_date"})
    assert "rows dated after 2026-06-30 (by column run_date) are set aside" in csv
    epoch = source_sentence({"kind": "published", "preset": "epoch", "benchmark": "GPQA diamond",
                             "location": {"url": "https://example.org/b.zip"},
                             "efforts": {"snap": ["none"], "think": ["high", "max"]}})
    assert epoch.startswith("Reads the epoch table GPQA diamond from the document at "
                            "https://example.org/b.zip, as pinned in the snapshot")
    assert "think: rows at effort high or max" in epoch
