"""CSV tables and JSON documents (over HTTP from a local server, or as files)."""

from __future__ import annotations

import json

import pytest

from resolvers import SourceError, run_spec
from tests.resolvers import specs
from tests.resolvers.specs import GENERATIONS, gap, ordering, threshold, widening

TABLE = """model,prompting,accuracy,accuracy_stderr,task
mockllm/gen1,snap,0.40,0.11,arith
mockllm/gen1,chain-of-thought,0.50,0.11,arith
mockllm/gen2,snap,0.45,0.11,arith
mockllm/gen2,chain-of-thought,0.70,0.10,arith
mockllm/gen3,snap,0.50,0.11,arith
mockllm/gen3,chain-of-thought,0.90,N/A,arith
mockllm/gen3,chain-of-thought,0.99,0.01,arith_easy
"""

CSV_SOURCE = {
    "kind": "csv", "location": {"artifact": "table"}, "task": "arith",
    "columns": {"model": "model", "condition": "prompting", "value": "accuracy",
                "stderr": "accuracy_stderr", "task": "task"},
    "conditions": {"cot": "chain-of-thought", "snap": "snap"},
}


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text(TABLE)
    return specs.context(artifacts={"table": path})


def test_a_csv_table_resolves_a_widening_gap(table):
    result = run_spec({"source": CSV_SOURCE, "criterion": widening(min_increase=0.1)},
                      context=table)
    assert result.verdict == "yes", result.reason
    assert result.evidence["logs"][0]["line"] in range(2, 9)


def test_an_na_stderr_cell_is_unknown_so_a_confidence_requirement_is_inconclusive(table):
    result = run_spec({"source": CSV_SOURCE, "criterion": gap(confidence=0.95)}, context=table)
    assert result.verdict == "inconclusive"
    assert "no reported stderr" in result.reason


def test_rows_of_another_task_are_not_used(table):
    result = run_spec({"source": CSV_SOURCE, "criterion": threshold(at_least=0.95)},
                      context=table)
    assert (result.verdict, result.measurement["value"]) == ("no", 0.9)


def test_a_table_missing_a_named_column_is_explained(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("model,acc\nmockllm/gen3,0.9\n")
    result = run_spec({"source": CSV_SOURCE, "criterion": threshold()},
                      context=specs.context(artifacts={"table": path}))
    assert result.verdict == "inconclusive"
    assert "has no condition column 'prompting'" in result.reason


def test_two_rows_for_the_same_thing_without_a_date_are_ambiguous(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("model,condition,accuracy\nm,cot,0.9\nm,cot,0.8\n")
    source = {"kind": "csv", "location": {"artifact": "t"},
              "columns": {"model": "model", "condition": "condition", "value": "accuracy"}}
    criterion = {"kind": "threshold", "model": "m", "condition": "cot", "metric": "accuracy",
                 "at_least": 0.5}
    result = run_spec({"source": source, "criterion": criterion},
                      context=specs.context(artifacts={"t": path}))
    assert result.verdict == "inconclusive" and "cannot tell which is newest" in result.reason
    path.write_text("model,condition,accuracy,date\nm,cot,0.9,2025-01-01\nm,cot,0.4,2025-02-01\n")
    source["columns"]["completed"] = "date"
    result = run_spec({"source": source, "criterion": criterion},
                      context=specs.context(artifacts={"t": path}))
    assert (result.verdict, result.measurement["value"]) == ("no", 0.4)


def test_a_table_with_a_metric_column_serves_several_metrics(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("model,metric,value\nm,accuracy,0.8\nm,f1,0.6\n")
    source = {"kind": "csv", "location": {"artifact": "t"},
              "columns": {"model": "model", "metric": "metric", "value": "value"}}
    for metric, verdict in (("accuracy", "yes"), ("f1", "no")):
        criterion = {"kind": "threshold", "model": "m", "metric": metric, "at_least": 0.7}
        result = run_spec({"source": source, "criterion": criterion},
                          context=specs.context(artifacts={"t": path}))
        assert result.verdict == verdict


def test_a_csv_that_is_not_utf8_is_unreadable_not_a_crash(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    result = run_spec({"source": CSV_SOURCE, "criterion": threshold()},
                      context=specs.context(artifacts={"t": path, "table": path}))
    assert result.verdict == "inconclusive" and "unreadable" in result.reason


LEADERBOARD = {"results": {"gen1": {"cot": {"accuracy": 0.5, "accuracy_stderr": 0.11},
                                    "snap": {"accuracy": 0.4, "accuracy_stderr": 0.11}},
                           "gen2": {"cot": {"accuracy": 0.7, "accuracy_stderr": 0.1},
                                    "snap": {"accuracy": 0.45, "accuracy_stderr": 0.11}},
                           "gen3.5": {"cot": {"accuracy": 0.9, "accuracy_stderr": 0.07},
                                      "snap": {"accuracy": 0.5, "accuracy_stderr": "n/a"}}}}


def json_source(url: str, **extra) -> dict:
    return {"kind": "http_json", "location": {"url": url},
            "path": "results.{model}.{condition}.{metric}",
            "stderr_path": "results.{model}.{condition}.{metric}_stderr",
            "models": {"mockllm/gen1": "gen1", "mockllm/gen2": "gen2", "mockllm/gen3": "gen3.5"},
            **extra}


@pytest.fixture
def leaderboard(http_server):
    http_server.routes["/lb.json"] = (200, {"Content-Type": "application/json"},
                                      json.dumps(LEADERBOARD).encode())
    return f"{http_server.url}/lb.json"


def test_json_over_http_resolves_an_ordering(leaderboard):
    result = run_spec({"source": json_source(leaderboard),
                       "criterion": ordering(order=["cot", "snap"])},
                      context=specs.context(allow_loopback=True))
    assert result.verdict == "yes", result.reason
    [file] = result.evidence["files"]
    assert file["locator"] == f"url:{leaderboard}" and len(file["sha256"]) == 64
    assert result.evidence["logs"][0]["path"] == ["results", "gen1", "cot", "accuracy"]


def test_a_model_name_with_a_dot_stays_one_key(leaderboard):
    result = run_spec({"source": json_source(leaderboard), "criterion": threshold()},
                      context=specs.context(allow_loopback=True))
    assert (result.verdict, result.measurement["value"]) == ("yes", 0.9)


def test_a_json_path_that_is_absent_says_where_it_stopped(leaderboard):
    result = run_spec({"source": json_source(leaderboard),
                       "criterion": threshold(condition="tools")},
                      context=specs.context(allow_loopback=True))
    assert result.verdict == "inconclusive"
    assert "no 'tools' at results.gen3.5" in result.reason


def test_a_non_numeric_stderr_in_json_is_unknown(leaderboard):
    result = run_spec({"source": json_source(leaderboard), "criterion": gap(confidence=0.9)},
                      context=specs.context(allow_loopback=True))
    assert result.verdict == "inconclusive" and "no reported stderr" in result.reason


def test_a_json_url_without_allow_loopback_is_refused(leaderboard):
    from resolvers.netguard import RefusedURL

    with pytest.raises(RefusedURL):
        run_spec({"source": json_source(leaderboard), "criterion": threshold()},
                 context=specs.context())


def test_a_missing_json_document_is_a_source_error_that_a_retry_cannot_fix(http_server):
    with pytest.raises(SourceError) as caught:
        run_spec({"source": json_source(f"{http_server.url}/gone.json"),
                  "criterion": threshold()}, context=specs.context(allow_loopback=True))
    assert caught.value.retryable is False and "HTTP 404" in str(caught.value)


def test_a_json_document_can_also_be_a_local_file_with_list_paths(tmp_path):
    (tmp_path / "r.json").write_text(json.dumps({"runs": [{"score": 0.3}, {"score": 0.8}]}))
    source = {"kind": "http_json", "location": {"data": "r.json"}, "path": ["runs", "1", "score"]}
    criterion = {"kind": "threshold", "model": "any", "metric": "score", "at_least": 0.5}
    result = run_spec({"source": source, "criterion": criterion},
                      context=specs.context(tmp_path))
    assert (result.verdict, result.measurement["value"]) == ("yes", 0.8)


def test_json_that_does_not_parse_is_inconclusive(tmp_path):
    (tmp_path / "r.json").write_text("{not json")
    source = {"kind": "http_json", "location": {"data": "r.json"}, "path": "x"}
    criterion = {"kind": "best_model", "models": GENERATIONS, "metric": "x", "at_least": 0.5}
    result = run_spec({"source": source, "criterion": criterion},
                      context=specs.context(tmp_path))
    assert result.verdict == "inconclusive" and "unreadable" in result.reason
