"""Small snapshots of four published result tables, laid out exactly as their publishers lay
them out (../shared/RESEARCH.md, "Published sources", with the repositories it cites), for
the demo and the tests. Nothing here is fetched: the rows are made up (model names `acme-*`),
except one GPQA row quoted from a published Epoch record.

    PYTHONPATH=. python3 demo/published/make_published.py    # rewrites the files beside it

The tests build revised versions from the same functions (a row revised, a row added after
a claim's date), so every version follows the format the same way.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED_TIME = (2026, 9, 28, 0, 0, 0)  # zip entries' timestamps: the same rows, the same bytes

# benchmark_metadata.csv: the header and the four rows RESEARCH.md A1 quotes verbatim.
METADATA_HEADER = ["benchmark", "in_eci", "source_file", "score_column", "scale",
                   "random_baseline", "score_ceiling", "release_date", "superseded_by"]
METADATA_ROWS = [
    ["GPQA diamond", "True", "gpqa_diamond.csv", "Best score (across scorers)", "1.0", "0.25",
     "1.0", "2023-11-20", ""],
    ["SWE-Bench verified", "True", "swe_bench_verified.csv", "Best score (across scorers)",
     "1.0", "0.0", "1.0", "2024-08-13", ""],
    ["Aider polyglot", "True", "aider_polyglot_external.csv", "Percent correct", "0.01", "0.0",
     "1.0", "2024-12-21", ""],
    ["METR Time Horizons", "True", "metr_time_horizons_external.csv", "average_score", "1.0",
     "0.0", "1.0", "2025-03-19", ""],
]
# Epoch-run files (gpqa_diamond.csv, swe_bench_verified.csv): these columns, in this order.
EPOCH_RUN_HEADER = ["Model version", "mean_score", "Best score (across scorers)",
                    "Release date", "Organization", "Country", "Training compute (FLOP)",
                    "Training compute notes", "stderr", "Log viewer", "Logs", "Started at", "id"]
LOGS = "https://epoch-benchmarks-production-public.s3.us-east-2.amazonaws.com/inspect_ai_logs/"

# (model version, best score, stderr, release date, started at, id)
GPQA_ROWS = [
    # The published row (npstorey/typedstandards-eval-run-example docs/p0-record.md).
    ("Llama-3.1-405B-Instruct", 0.5091540404040404, 0.025861992702770648, "2024-07-23",
     "2025-01-27T00:00:00.000Z", "S5QYXSvQBRSbUbXSnAGbMm"),
    ("acme-1_none", 0.40, 0.02, "2025-01-10", "2025-02-03T10:00:00.000Z", "Acme1NoneRun000000001"),
    ("acme-1_high", 0.48, 0.02, "2025-01-10", "2025-02-03T11:00:00.000Z", "Acme1HighRun000000001"),
    ("acme-2_none", 0.45, 0.02, "2025-08-01", "2025-09-12T10:00:00.000Z", "Acme2NoneRun000000001"),
    ("acme-2_high", 0.60, 0.02, "2025-08-01", "2025-09-12T11:00:00.000Z", "Acme2HighRun000000001"),
    ("acme-3_none", 0.50, 0.02, "2026-04-20", "2026-05-02T10:00:00.000Z", "Acme3NoneRun000000001"),
    ("acme-3_high", 0.62, 0.02, "2026-04-20", "2026-05-02T11:00:00.000Z", "Acme3HighRun000000001"),
    ("acme-3_max", 0.72, 0.02, "2026-04-20", "2026-05-02T12:00:00.000Z", "Acme3MaxRun0000000001"),
]
# Epoch's copy of METR's horizons (an *_external file: no run date, only the release date).
METR_EXTERNAL_HEADER = ["Model version", "Release date", "Time horizon", "Time Horizon (80%)",
                        "CI_low", "CI_high", "average_score", "METR version"]
METR_EXTERNAL_ROWS = [
    ["acme-1", "2025-01-10", "45.2", "9.1", "30.0", "66.0", "0.41", "METR-Horizon-v1.1"],
    ["acme-2", "2025-08-01", "131.0", "27.5", "90.0", "190.0", "0.55", "METR-Horizon-v1.1"],
    ["acme-3", "2026-04-20", "420.0", "88.0", "250.0", "700.0", "0.68", "METR-Horizon-v1.1"],
]
AIDER_HEADER = ["Model version", "Release date", "Percent correct", "Organization"]
AIDER_ROWS = [["acme-2", "2025-08-01", "61.3", "Acme"], ["acme-3", "2026-04-20", "74.0", "Acme"]]


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def gpqa_csv(rows: list[tuple] = GPQA_ROWS) -> bytes:
    table = []
    for model, best, stderr, released, started, run_id in rows:
        table.append([model, repr(best), repr(best), released, "Acme" if "acme" in model
                      else "Meta", "United States of America", "", "", repr(stderr),
                      f"https://logs.epoch.ai/inspect-viewer/{run_id}", f"{LOGS}{run_id}.eval",
                      started, run_id])
    return csv_bytes(EPOCH_RUN_HEADER, table)


def epoch_zip(gpqa_rows: list[tuple] = GPQA_ROWS, *, extra: dict[str, bytes] | None = None
              ) -> bytes:
    """benchmark_data.zip: the data dictionary, the per-benchmark CSVs and the README's
    licence line, each entry deflated with a fixed timestamp."""
    members = {
        "benchmark_metadata.csv": csv_bytes(METADATA_HEADER, METADATA_ROWS),
        "gpqa_diamond.csv": gpqa_csv(gpqa_rows),
        "swe_bench_verified.csv": csv_bytes(EPOCH_RUN_HEADER, []),
        "aider_polyglot_external.csv": csv_bytes(AIDER_HEADER, AIDER_ROWS),
        "metr_time_horizons_external.csv": csv_bytes(METR_EXTERNAL_HEADER, METR_EXTERNAL_ROWS),
        "README.md": b"Epoch AI's data is free to use, distribute, and reproduce provided the "
                     b"source and authors are credited under the Creative Commons Attribution "
                     b"license.\n",
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), data,
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# METR's metrics/benchmark_results.yaml (src/horizon/generate_benchmark_results.py's shape).
METR_MODELS = {
    "acme-1": ("2025-01-10", 45.2, 30.0, 66.0),
    "acme-2": ("2025-08-01", 131.0, 90.0, 190.0),
    "acme-3": ("2026-11-01", 420.0, 250.0, 700.0),
    "acme-4": ("2027-05-01", 910.0, 600.0, 1400.0),  # released after the demo claim's date
}


def metr_yaml(models: dict[str, tuple] = METR_MODELS) -> bytes:
    lines = ["results:"]
    for name, (released, p50, low, high) in models.items():
        lines += [
            f"  {name}:",
            "    metrics:",
            "      p50_horizon_length:",
            f"        estimate: {p50}", f"        ci_low: {low}", f"        ci_high: {high}",
            "      p80_horizon_length:",
            f"        estimate: {round(p50 / 5, 1)}", f"        ci_low: {round(low / 5, 1)}",
            f"        ci_high: {round(high / 5, 1)}",
            "      average_score:",
            f"        estimate: {round(min(0.95, p50 / 1000 + 0.3), 3)}",
            "      usage:", "        usd: 1234.5", "        working_time: 98765.0",
            f"      is_sota: {'true' if name == list(models)[-1] else 'false'}",
            f"    release_date: '{released}'",
            "    scaffolds:", "    - triframe",
        ]
    lines += ["doubling_time_in_days:", "  all_time:", "    point_estimate: 196.5",
              "    ci_low: 171.0", "    ci_high: 224.0", "  from_2023_on:",
              "    point_estimate: 131.2", "    ci_low: 104.0", "    ci_high: 160.0"]
    return ("\n".join(lines) + "\n").encode()


# swe-bench.github.io data/leaderboards.json: its row keys (RESEARCH.md A3), `checked` in
# all four of its types.
def swebench_row(agent: str, model: str, resolved: float, day: str, checked: object,
                 effort: str | None = None) -> dict:
    return {
        "agent": agent, "agent_org": "Acme Labs", "checked": checked, "cost": 120.5,
        "date": day, "folder": f"{day.replace('-', '')}_{agent}_{model}",
        "instance_calls": None, "instance_cost": 0.24, "logo": [], "logs": True,
        "model_display": model, "model_org": "Acme", "model_release_date": day,
        "os_model": False, "os_system": True, "reasoning_effort": effort,
        "resolved": resolved, "site": "https://example.org/acme", "tags": ["Model: " + model],
        "trajs": True, "trajs_docent": False, "warning": None,
    }


SWEBENCH_BOARDS = {
    "bash-only": [
        swebench_row("mini-swe-agent", "acme-2", 58.2, "2025-09-20", True, "high"),
        swebench_row("mini-swe-agent", "acme-3", 71.4, "2026-05-10", False, "high"),
        swebench_row("mini-swe-agent", "acme-3", 64.0, "2026-05-10", None, "none"),
    ],
    "Verified": [
        swebench_row("acme-agent", "acme-3", 76.8, "2026-05-20",
                     "false (See README.md for more info)", "high"),
    ],
}


def swebench_json(boards: dict[str, list[dict]] = SWEBENCH_BOARDS) -> bytes:
    return json.dumps({"leaderboards": [{"name": name, "results": rows}
                                        for name, rows in boards.items()]}, indent=1).encode()


# lmarena-ai/leaderboard-dataset text/latest-00000-of-00001.parquet (Bradley-Terry columns).
LMARENA_ROWS = [
    ("acme-3", "Acme", "Proprietary", 1398.0, 1391.0, 1405.0, "overall", 1),
    ("open-acme-2", "Acme", "Apache 2.0", 1371.0, 1362.0, 1380.0, "overall", 2),
    ("acme-3", "Acme", "Proprietary", 1410.0, 1400.0, 1420.0, "coding", 1),
]


def lmarena_parquet(rows: list[tuple] = LMARENA_ROWS, published: date = date(2026, 9, 16)
                    ) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "model_name": [r[0] for r in rows], "organization": [r[1] for r in rows],
        "license": [r[2] for r in rows], "rating": [r[3] for r in rows],
        "rating_lower": [r[4] for r in rows], "rating_upper": [r[5] for r in rows],
        "variance": [((r[5] - r[4]) / 3.92) ** 2 for r in rows],
        "vote_count": pa.array([40_000 + 1000 * i for i in range(len(rows))], pa.int64()),
        "rank": pa.array([r[7] for r in rows], pa.int64()), "category": [r[6] for r in rows],
        "leaderboard_publish_date": pa.array([published] * len(rows), pa.date32()),
    })
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


FILES = {
    "epoch_benchmark_data.zip": epoch_zip,
    "metr_benchmark_results.yaml": metr_yaml,
    "swebench_leaderboards.json": swebench_json,
    "lmarena_text_latest.parquet": lmarena_parquet,
}


def main() -> None:
    for name, make in FILES.items():
        (HERE / name).write_bytes(make())
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
