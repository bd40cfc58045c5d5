"""Tables and the `as_of` rule: rows dated after the day a claim is about are set aside, so
the verdict does not depend on the day the table was fetched.

The same keys (`as_of`, `date_column`) mean the same in a CSV table and in a JSON document
(where a number's row is the object that holds it); rows set aside are in the evidence with
their reason.
"""

from __future__ import annotations

import json
import re

import pytest

from resolvers import SpecError, run_spec, validate_spec
from tests.resolvers import specs
from tests.resolvers.conftest import REPO
from tests.resolvers.specs import threshold
from tests.resolvers.test_docs_examples import EXAMPLE

# gen2 with chain of thought, re-measured over time: 0.70 in May, 0.95 in July (after the
# day the claim is about), and two rows nobody can date.
TABLE = """model,prompting,accuracy,run_date
mockllm/gen2,chain-of-thought,0.70,2026-05-01
mockllm/gen2,chain-of-thought,0.62,2026-03-15T09:00:00Z
mockllm/gen2,chain-of-thought,0.95,2026-07-02
mockllm/gen2,chain-of-thought,0.97,soon
mockllm/gen2,chain-of-thought,0.99,
mockllm/gen3,chain-of-thought,0.90,2026-06-30T23:30:00Z
"""

AS_OF = {"as_of": "2026-06-30", "date_column": "run_date"}


def csv_source(**extra) -> dict:
    return {"kind": "csv", "location": {"artifact": "table"},
            "columns": {"model": "model", "condition": "prompting", "value": "accuracy"},
            "conditions": {"cot": "chain-of-thought"}, **extra}


def resolve_table(tmp_path, source: dict, criterion: dict, text: str = TABLE):
    path = tmp_path / "table.csv"
    path.write_text(text)
    return run_spec({"source": source, "criterion": criterion},
                    context=specs.context(artifacts={"table": path}))


def test_rows_dated_after_as_of_are_set_aside_and_the_newest_row_by_then_decides(tmp_path):
    result = resolve_table(tmp_path, csv_source(**AS_OF),
                           threshold(model="mockllm/gen2", at_least=0.9))
    assert result.verdict == "no", result.reason
    assert result.measurement["value"] == 0.7
    [used] = result.evidence["logs"]
    assert (used["line"], used["run_date"]) == (2, "2026-05-01")
    aside = {entry["file"]: entry["reason"] for entry in result.evidence["set_aside"]}
    assert aside == {
        "artifact:table line 3": "superseded by a later row: artifact:table line 2 "
                                 "(completed 2026-05-01)",
        "artifact:table line 4": "dated 2026-07-02 (run_date), after as_of 2026-06-30",
        "artifact:table line 5": "undated: its run_date 'soon' is not a date (YYYY-MM-DD or "
                                 "an ISO 8601 time), so it cannot count as of 2026-06-30",
        "artifact:table line 6": "undated: its run_date is empty, so it cannot count as of "
                                 "2026-06-30",
        "artifact:table line 7": "another model (mockllm/gen3): the criterion read "
                                 "mockllm/gen2",
    }


def test_without_as_of_the_newest_row_decides_whatever_its_date(tmp_path):
    source = csv_source()
    source["columns"]["completed"] = "run_date"
    result = resolve_table(tmp_path, source, threshold(model="mockllm/gen2", at_least=0.9),
                           TABLE.replace("soon", "2026-01-01").replace(",\n", ",2026-01-01\n"))
    assert (result.verdict, result.measurement["value"]) == ("yes", 0.95)


def test_a_time_late_on_the_day_of_as_of_counts(tmp_path):
    result = resolve_table(tmp_path, csv_source(**AS_OF),
                           threshold(model="mockllm/gen3", at_least=0.85))
    assert (result.verdict, result.measurement["value"]) == ("yes", 0.9)


def test_when_every_row_is_after_as_of_the_claim_is_inconclusive_with_the_reason(tmp_path):
    result = resolve_table(tmp_path, csv_source(as_of="2026-01-01", date_column="run_date"),
                           threshold(model="mockllm/gen3", at_least=0.85))
    assert result.verdict == "inconclusive"
    assert "dated 2026-06-30 (run_date), after as_of 2026-01-01" in result.reason


def test_a_table_without_the_date_column_is_an_evidence_error_naming_it(tmp_path):
    result = resolve_table(tmp_path, csv_source(as_of="2026-06-30", date_column="evaluated"),
                           threshold(model="mockllm/gen2", at_least=0.9))
    assert result.verdict == "inconclusive"
    assert "has no as_of date column 'evaluated' (header: model, prompting, accuracy, " \
           "run_date)" in result.reason
    [entry] = result.evidence["set_aside"]
    assert entry["file"] == "artifact:table" and "'evaluated'" in entry["reason"]


# --- JSON documents: the row is the object that holds the number ----------------------------

LEADERBOARD = {"results": {
    "gen2": {"cot": {"accuracy": 0.7, "run_date": "2026-05-01"}},
    "gen3": {"cot": {"accuracy": 0.9, "run_date": "2026-07-02"}},
    "gen4": {"cot": {"accuracy": 0.95}},
}}


def resolve_json(tmp_path, model: str, **extra):
    (tmp_path / "lb.json").write_text(json.dumps(LEADERBOARD))
    source = {"kind": "http_json", "location": {"data": "lb.json"},
              "path": "results.{model}.{condition}.{metric}", **AS_OF, **extra}
    return run_spec({"source": source, "criterion": threshold(model=model, at_least=0.6)},
                    context=specs.context(tmp_path))


def test_a_json_number_dated_by_as_of_decides(tmp_path):
    result = resolve_json(tmp_path, "gen2")
    assert (result.verdict, result.measurement["value"]) == ("yes", 0.7)
    assert result.evidence["set_aside"] == []


def test_a_json_number_dated_after_as_of_is_set_aside(tmp_path):
    result = resolve_json(tmp_path, "gen3")
    assert result.verdict == "inconclusive"
    assert "results.gen3.cot.accuracy: dated 2026-07-02 (run_date), after as_of 2026-06-30" \
        in result.reason
    [entry] = result.evidence["set_aside"]
    assert entry["file"] == "data:lb.json results.gen3.cot"
    assert entry["reason"] == "dated 2026-07-02 (run_date), after as_of 2026-06-30"


def test_a_json_row_without_the_date_key_is_an_evidence_error_naming_it(tmp_path):
    result = resolve_json(tmp_path, "gen4")
    assert result.verdict == "inconclusive"
    assert "results.gen4.cot has no 'run_date' (the date_column of as_of) beside " \
           "'accuracy'" in result.reason


@pytest.mark.parametrize("kind", ["csv", "http_json"])
@pytest.mark.parametrize(("keys", "message"), [
    ({"as_of": "2026-06-31", "date_column": "d"},
     "source.as_of: expected a day as YYYY-MM-DD, got '2026-06-31'"),
    ({"as_of": "June 30", "date_column": "d"},
     "source.as_of: expected a day as YYYY-MM-DD, got 'June 30'"),
    ({"as_of": "2026-06-30"}, "source.date_column: required with as_of"),
    ({"date_column": "d"}, "source.as_of: required with date_column"),
    ({"as_of": 20260630, "date_column": "d"}, "source.as_of: expected a string"),
    ({"as_of": "2026-06-30", "date_column": ""}, "source.date_column: must not be empty"),
])
def test_a_bad_as_of_rule_is_refused_with_its_path(kind, keys, message):
    source = csv_source(**keys) if kind == "csv" else {
        "kind": "http_json", "location": {"data": "lb.json"}, "path": "a.{metric}", **keys}
    with pytest.raises(SpecError) as e:
        validate_spec({"source": source, "criterion": threshold()})
    assert any(err.startswith(message) for err in e.value.errors), e.value.errors


def test_the_documented_as_of_example_decides_what_the_docs_say(tmp_path):
    text = (REPO / "docs" / "resolver-specs.md").read_text()
    section = text[text.index("### `as_of`"):text.index("### `http_json`")]
    table = re.search(r"```csv\n(.*?)```", section, re.S)[1]
    example = EXAMPLE.search(section)
    path = tmp_path / "table.csv"
    path.write_text(table)
    result = run_spec(json.loads(example["spec"]),
                      context=specs.context(artifacts={"table": path}))
    assert (result.verdict, result.reason) == (example["verdict"], example["reason"])
    assert [e["line"] for e in result.evidence["set_aside"]] == [3, 4]
