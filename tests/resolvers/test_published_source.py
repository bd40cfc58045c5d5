"""The published-table source: each preset read from a fixture laid out as its publisher
lays it out, effort variants paired, rows after as_of set aside, and bad input of every kind
a clear error or an undecided verdict with the reason."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from demo.published import make_published as mk
from resolvers import RunContext, SourceError, SpecError, run_spec
from resolvers.base import PinnedFile
from resolvers.sources import published_formats as formats
from tests.resolvers.conftest import REPO

SHIPPED = REPO / "demo" / "published"
EFFORTS = {"snap": ["none"], "reasoning": ["high", "max"]}


def epoch(**source) -> dict:
    return {"kind": "published", "location": {"data": "epoch_benchmark_data.zip"},
            "preset": "epoch", "benchmark": "GPQA diamond", **source}


def run(source: dict, criterion: dict, data_dir: Path = SHIPPED):
    return run_spec({"source": source, "criterion": criterion},
                    context=RunContext(data_dir=data_dir))


WIDENS = {"kind": "widening_gap", "models": ["acme-1", "acme-2", "acme-3"], "a": "reasoning",
          "b": "snap", "metric": "score"}


def test_the_shipped_fixtures_are_what_their_generator_writes():
    for name, make in mk.FILES.items():
        assert (SHIPPED / name).read_bytes() == make(), name


def test_epoch_effort_variants_pair_into_a_widening_gap_using_the_highest_effort_row():
    v = run(epoch(efforts=EFFORTS), WIDENS)
    assert v.verdict == "yes"
    assert "0.08 -> 0.15 -> 0.22" in v.reason  # acme-3's reasoning is its _max row (0.72)
    assert any("highest score" in line for line in v.evidence["selection"])
    assert v.measurement["readings"][0]["key"] == "Best score (across scorers)"


def test_a_generation_without_its_pair_is_inconclusive_or_void_as_the_spec_says(tmp_path):
    rows = [r for r in mk.GPQA_ROWS if r[0] != "acme-2_none"]
    (tmp_path / "epoch_benchmark_data.zip").write_bytes(mk.epoch_zip(rows))
    v = run(epoch(efforts=EFFORTS), WIDENS, tmp_path)
    assert v.verdict == "inconclusive"
    assert v.reason.startswith("a pair is missing: no row for acme-2 under condition snap")
    assert v.evidence["void"] is False
    v = run(epoch(efforts=EFFORTS, missing_pair="void"), WIDENS, tmp_path)
    assert (v.verdict, v.evidence["void"]) == ("inconclusive", True)
    assert v.reason.startswith("void (the spec voids the claim when a pair is missing)")


def test_the_best_row_is_read_as_of_the_run_date_and_later_rows_are_set_aside(tmp_path):
    late = ("acme-4_high", 0.95, 0.01, "2027-06-01", "2027-07-02T09:00:00.000Z", "Acme4Run")
    (tmp_path / "epoch_benchmark_data.zip").write_bytes(mk.epoch_zip([*mk.GPQA_ROWS, late]))
    bar = {"kind": "threshold", "model": "*", "metric": "score", "at_least": 0.9}
    assert run(epoch(), bar, tmp_path).verdict == "yes"  # without as_of the late row counts
    v = run(epoch(as_of="2027-06-30"), bar, tmp_path)
    assert (v.verdict, v.reason) == ("no", "best (acme-3_max score) 0.72 < 0.9")
    [aside] = v.evidence["set_aside"]
    assert aside["model"] == "acme-4_high"
    assert aside["reason"] == ("dated 2027-07-02T09:00:00.000Z (Started at), after as_of "
                               "2027-06-30")


def test_epoch_scale_and_normalization_come_from_benchmark_metadata():
    v = run(epoch(benchmark="Aider polyglot"),
            {"kind": "threshold", "model": "acme-3", "metric": "score", "at_least": 0.74})
    assert (v.verdict, v.measurement["value"]) == ("yes", 0.74)  # "74.0" percent x 0.01
    # GPQA: random baseline 0.25, ceiling 1.0; 0.72 -> (0.72 - 0.25) / 0.75
    v = run(epoch(normalize=True),
            {"kind": "threshold", "model": "acme-3_max", "metric": "score", "at_least": 0.6})
    assert v.measurement["value"] == pytest.approx(0.47 / 0.75)


def test_metr_horizons_threshold_by_release_date_with_the_interval_as_stderr():
    metr = {"kind": "published", "location": {"data": "metr_benchmark_results.yaml"},
            "preset": "metr", "as_of": "2027-03-31", "date_column": "release_date"}
    v = run(metr, {"kind": "threshold", "model": "*", "metric": "score", "at_least": 240})
    assert (v.verdict, v.reason) == ("yes", "best (acme-3 score) 420 >= 240")
    assert v.measurement["stderr"] == pytest.approx((700 - 250) / (2 * 1.959963984540054))
    assert [r["model"] for r in v.evidence["set_aside"]] == ["acme-4"]
    # "ci_low >= 240" reads the published bound itself (acme-4's 600 is set aside).
    v = run(metr, {"kind": "threshold", "model": "*", "metric": "p50_horizon_length.ci_low",
                   "at_least": 240})
    assert (v.verdict, v.measurement["value"]) == ("yes", 250.0)
    # Every other number of the row is a metric under its own name.
    v = run({"kind": "published", "location": {"data": "metr_benchmark_results.yaml"},
             "preset": "metr"},
            {"kind": "threshold", "model": "acme-2", "metric": "p80_horizon_length.estimate",
             "at_least": 26})
    assert v.verdict == "yes"


def test_swebench_reads_one_leaderboard_with_its_effort_column_and_percent_scale():
    v = run({"kind": "published", "location": {"data": "swebench_leaderboards.json"},
             "preset": "swebench", "board": "bash-only",
             "efforts": {"high": ["high"], "none": ["none"]}},
            {"kind": "gap", "model": "acme-3", "a": "high", "b": "none", "metric": "score",
             "min_gap": 0.05})
    assert (v.verdict, v.reason) == ("yes", "high-none gap 0.074 >= 0.05 for acme-3")


def test_lmarena_parquet_with_a_category_filter():
    v = run({"kind": "published", "location": {"data": "lmarena_text_latest.parquet"},
             "preset": "lmarena", "filter": {"category": "overall"}},
            {"kind": "best_model", "models": ["acme-3", "open-acme-2"], "metric": "score",
             "at_least": 1390})
    assert v.verdict == "yes"
    assert v.measurement["best_value"] == 1398.0  # the overall row, not coding's 1410


def test_a_table_spelled_out_by_its_columns(tmp_path):
    (tmp_path / "t.csv").write_bytes(b"who,acc,when\nm1,0.5,2026-01-01\nm2,0.8,2026-02-01\n")
    v = run({"kind": "published", "location": {"data": "t.csv"}, "format": "csv",
             "columns": {"model": "who", "score": "acc"}, "date_column": "when",
             "as_of": "2026-01-15"},
            {"kind": "at_least_k", "models": ["m1"], "k": 1, "metric": "score",
             "at_least": 0.5}, tmp_path)
    assert v.verdict == "yes"
    assert v.evidence["set_aside"][0]["model"] == "m2"


def test_a_url_is_read_only_from_the_snapshot_crux_pinned(tmp_path):
    url = "https://epoch.ai/data/benchmark_data.zip"
    spec = {"source": epoch(location={"url": url}, efforts=EFFORTS), "criterion": WIDENS}
    with pytest.raises(SourceError) as e:  # nothing pinned: wait, never fetch
        run_spec(spec, context=RunContext())
    assert e.value.retryable and "no snapshot of https://epoch.ai" in str(e.value)
    (tmp_path / "snap").write_bytes(mk.epoch_zip())
    record = {"url": url, "sha256": "x", "retrieved_at": "2027-07-01T00:00:00+00:00"}
    v = run_spec(spec, context=RunContext(snapshots={url: PinnedFile(tmp_path / "snap", record)}))
    assert v.verdict == "yes"
    assert v.evidence["snapshots"] == [record]
    assert v.evidence["files"][0]["locator"] == f"snapshot:{url}"


# --- bad input ----------------------------------------------------------------------------

def spec_errors(source: dict) -> list[str]:
    with pytest.raises(SpecError) as e:
        run(source, {"kind": "threshold", "model": "m", "metric": "score", "at_least": 1})
    return e.value.errors


def test_an_unknown_preset_and_other_spec_mistakes_are_named_by_their_path():
    assert spec_errors(epoch(preset="epochs")) == [
        "source.preset: unknown preset 'epochs' (expected one of: epoch, metr, swebench, "
        "lmarena)"]
    assert spec_errors(epoch(as_of="last tuesday")) == [
        "source.as_of: not a date: 'last tuesday' (e.g. 2027-06-30 or 2027-06-30T12:00:00Z)"]
    errors = spec_errors({"kind": "published", "location": {"data": "x.csv"},
                          "columns": {"model": "m", "rank": "r"}, "dedupe": "min"})
    assert "source.columns.rank: unknown role (expected one of: model, score, stderr, " \
           "ci_low, ci_high, run_date, release_date, effort)" in errors
    assert "source.columns.score: required without a preset: the column that holds the " \
           "score" in errors
    assert "source.dedupe: expected one of max, latest, got 'min'" in errors
    assert spec_errors({"kind": "published", "location": {"data": "x"}, "preset": "swebench"}
                       ) == ["source.board: the swebench preset needs board"]


def test_a_table_without_the_named_column_is_undecided_with_the_reason(tmp_path):
    v = run(epoch(columns={"score": "Accuracy mean"}),
            {"kind": "threshold", "model": "acme-1_none", "metric": "score", "at_least": 0.1})
    assert v.verdict == "inconclusive"
    assert "gpqa_diamond.csv has no score column 'Accuracy mean' (columns: Best score" in \
        v.reason


def test_an_unparsable_date_sets_the_row_aside_with_the_reason(tmp_path):
    (tmp_path / "t.csv").write_bytes(b"model,score,date\nm1,0.9,soon\n")
    v = run({"kind": "published", "location": {"data": "t.csv"}, "format": "csv",
             "columns": {"model": "model", "score": "score"}, "date_column": "date",
             "as_of": "2027-01-01"},
            {"kind": "threshold", "model": "m1", "metric": "score", "at_least": 0.5}, tmp_path)
    assert (v.verdict, v.reason) == ("inconclusive", "m1: its date 'soon' (date) is not a "
                                                     "date (data:t.csv line 2)")


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("gpqa_diamond.csv", b"0" * (8 * 1024 * 1024))
    (tmp_path / "epoch_benchmark_data.zip").write_bytes(buffer.getvalue())
    with pytest.raises(SourceError) as e:
        run_spec({"source": epoch(), "criterion": {"kind": "threshold", "model": "m",
                                                   "metric": "score", "at_least": 1}},
                 context=RunContext(data_dir=tmp_path, archive_max_ratio=100))
    assert not e.value.retryable and "inflate" in str(e.value)


def test_a_parquet_file_that_is_not_parquet_is_undecided_with_the_reason(tmp_path):
    (tmp_path / "text.parquet").write_bytes(b"model_name,rating\nacme,1300\n")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1" + b"\0" * 40)
    bar = {"kind": "threshold", "model": "acme-3", "metric": "score", "at_least": 1}
    v = run({"kind": "published", "location": {"data": "text.parquet"}, "preset": "lmarena"},
            bar, tmp_path)
    assert v.verdict == "inconclusive"
    assert "is not a parquet file (it does not start with PAR1)" in v.reason
    v = run({"kind": "published", "location": {"data": "broken.parquet"}, "preset": "lmarena"},
            bar, tmp_path)
    assert v.verdict == "inconclusive" and "broken.parquet is unreadable: " in v.reason


def test_rows_diff_says_what_was_added_removed_and_changed():
    old = formats.csv_rows(mk.gpqa_csv())
    revised = [r if r[0] != "acme-2_high" else (r[0], 0.5, *r[2:]) for r in mk.GPQA_ROWS]
    new = formats.csv_rows(mk.gpqa_csv([*revised[1:], ("acme-4_high", 0.9, 0.01, "2027-01-01",
                                                       "2027-07-02T00:00:00.000Z", "A4")]))
    diff = formats.rows_diff(old, new, keys=("Model version", "id"))
    assert diff["added"] == ["acme-4_high / A4"]
    assert diff["removed"] == ["Llama-3.1-405B-Instruct / S5QYXSvQBRSbUbXSnAGbMm"]
    [changed] = diff["changed"]
    assert changed["key"] == "acme-2_high / Acme2HighRun000000001"
    assert changed["cells"]["Best score (across scorers)"] == ["0.6", "0.5"]


def published_doc_examples() -> list[tuple[dict, str, str]]:
    from tests.resolvers.test_docs_examples import EXAMPLE, RULES_DOC

    text = RULES_DOC.read_text()
    section = text[text.index("### `published`"):text.index("## When evidence must not")]
    return [(json.loads(m["spec"]), m["verdict"], m["reason"]) for m in EXAMPLE.finditer(section)]


def test_the_docs_have_one_worked_example_per_preset_deciding_what_they_say(tmp_path):
    examples = published_doc_examples()
    assert sorted(spec["source"]["preset"] for spec, _, _ in examples) == sorted(
        formats.PRESETS)
    shipped = {"epoch": "epoch_benchmark_data.zip", "metr": "metr_benchmark_results.yaml",
               "swebench": "swebench_leaderboards.json",
               "lmarena": "lmarena_text_latest.parquet"}
    for spec, verdict, reason in examples:
        url = spec["source"]["location"]["url"]
        pinned = PinnedFile(SHIPPED / shipped[spec["source"]["preset"]], {"url": url})
        v = run_spec(spec, context=RunContext(snapshots={url: pinned}))
        assert (v.verdict, v.reason) == (verdict, reason), spec["source"]["preset"]
