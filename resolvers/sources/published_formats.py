"""The layouts of published result tables, and reading their bytes into plain rows.

Pure: bytes in, rows out; no network, no Django. A preset knows a publisher's file layout
(`../shared/RESEARCH.md`, "Published sources"): which columns hold the model, the score, its
stderr or interval, the run and release dates and the effort, and the score's scale. The
source (resolvers/sources/published.py) turns rows into records; the snapshot page uses
`table_rows` and `rows_diff` to say what changed between two retrievals.
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import PurePosixPath
from typing import Any

MAX_ROWS = 200_000
EPOCH_METADATA = "benchmark_metadata.csv"
# Epoch's model versions end in an effort level: claude-opus-4-7_max (benchmarkg's
# EFFORT_SUFFIX, quoted in RESEARCH.md A1).
EFFORT_LEVELS = ("max", "xhigh", "high", "medium", "low", "minimal", "none", "unknown")
FORMATS = ("csv", "json", "parquet", "yaml", "zip")
PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True)
class Preset:
    format: str  # how the file is read: one of FORMATS
    columns: dict[str, str]  # role -> column name
    scale: float = 1.0  # multiplies the score (and its stderr or interval)
    effort_suffix: bool = False  # model names may end in _<effort level>
    keys: tuple[str, ...] = ()  # besides the model, what tells rows apart (for diffs)
    licence: str = ""
    attribution: str = ""
    needs: tuple[str, ...] = field(default_factory=tuple)  # spec fields it requires


PRESETS: dict[str, Preset] = {
    # benchmark_data.zip: one CSV per benchmark; benchmark_metadata.csv names each file's
    # score column and scale. Epoch-run files date each run (`Started at`); `*_external`
    # files often carry only the model's release date.
    "epoch": Preset(
        format="zip",
        columns={"model": "Model version", "score": "Best score (across scorers)",
                 "stderr": "stderr", "run_date": "Started at", "release_date": "Release date",
                 "effort": "Reasoning effort"},
        effort_suffix=True, keys=("id",),
        licence="CC BY 4.0 (Epoch-run rows); *_external rows keep their source's terms",
        attribution="Epoch AI, Benchmarking Hub (epoch.ai/data/benchmark_data.zip)",
        needs=("file", "benchmark")),
    # METR eval-analysis-public metrics/benchmark_results.yaml: results.<model>.metrics.
    "metr": Preset(
        format="yaml",
        columns={"model": "model", "score": "p50_horizon_length.estimate",
                 "ci_low": "p50_horizon_length.ci_low", "ci_high": "p50_horizon_length.ci_high",
                 "release_date": "release_date"},
        licence="MIT", attribution="METR, eval-analysis-public (time horizons)"),
    # swe-bench.github.io data/leaderboards.json: {"leaderboards": [{"name", "results"}]};
    # `resolved` is a percentage.
    "swebench": Preset(
        format="json",
        columns={"model": "model_display", "score": "resolved", "run_date": "date",
                 "release_date": "model_release_date", "effort": "reasoning_effort"},
        scale=0.01, keys=("agent", "folder"),
        licence="none declared: Crux stores derived facts and hashes",
        attribution="SWE-bench leaderboards (swebench.com)", needs=("board",)),
    # lmarena-ai/leaderboard-dataset <arena>/latest-*.parquet (Bradley-Terry arenas).
    "lmarena": Preset(
        format="parquet",
        columns={"model": "model_name", "score": "rating", "ci_low": "rating_lower",
                 "ci_high": "rating_upper", "run_date": "leaderboard_publish_date"},
        keys=("category",), licence="CC BY 4.0",
        attribution="LMArena, lmarena-ai/leaderboard-dataset"),
}


def parse_when(text: Any) -> datetime | None:
    """A cell or spec value as a UTC moment (a date alone is its whole day: its last
    microsecond, so as_of 2027-06-30 keeps rows of that day); None when empty. ValueError
    when it is not a date."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, datetime):
        moment = text
    elif isinstance(text, date):
        return datetime(text.year, text.month, text.day, 23, 59, 59, 999999, tzinfo=UTC)
    else:
        s = str(text).strip()
        if len(s) == 10:
            d = date.fromisoformat(s)
            return datetime(d.year, d.month, d.day, 23, 59, 59, 999999, tzinfo=UTC)
        moment = datetime.fromisoformat(s.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cell_number(cell: Any) -> float | None:
    if isinstance(cell, bool) or cell is None:
        return None
    try:
        value = float(cell)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def split_effort(name: str) -> tuple[str, str | None]:
    base, _, level = name.rpartition("_")
    return (base, level) if base and level in EFFORT_LEVELS else (name, None)


def parse(data: bytes, name: str) -> dict:
    """A file's bytes as the cache keeps them: a zip's members (by base name), a parquet
    file's rows, or the bytes themselves (CSV, JSON and YAML are parsed per spec, cheaply).
    The archive guard (resolvers/archives.py) has judged a zip before this runs."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {PurePosixPath(info.filename).name: archive.read(info)
                       for info in archive.infolist() if not info.is_dir()}
        return {"zip": members}
    if data[:4] == PARQUET_MAGIC:
        return {"parquet": _parquet_rows(data)}
    return {"bytes": data}


def _parquet_rows(data: bytes) -> list[dict]:
    import pyarrow.parquet as pq  # imported here: validating a spec never pays for pyarrow

    table = pq.read_table(io.BytesIO(data))
    if table.num_rows > MAX_ROWS:
        raise ValueError(f"more than {MAX_ROWS} rows")
    return [{k: _plain(v) for k, v in row.items()} for row in table.to_pylist()]


def _plain(value: Any) -> Any:
    """Parquet dates and timestamps as ISO text, as CSV and JSON tables carry them."""
    iso = getattr(value, "isoformat", None)
    return iso() if callable(iso) else value


def table_rows(parsed: dict, *, format: str, file: str | None = None,
               board: str | None = None) -> tuple[str, list[dict]]:
    """(what was read, its rows as column -> cell) from a parsed file; ValueError when the
    file is not laid out as `format` says."""
    if format == "zip":
        if "zip" not in parsed:
            raise ValueError("is not a zip archive (the preset reads Epoch's benchmark zip)")
        if not file:
            raise ValueError("names no file inside the zip")
        members = parsed["zip"]
        if file not in members:
            shown = ", ".join(sorted(members)[:12]) + (" ..." if len(members) > 12 else "")
            raise ValueError(f"has no member {file!r} (members: {shown})")
        return file, csv_rows(members[file])
    if format == "parquet":
        if "parquet" not in parsed:
            raise ValueError("is not a parquet file (it does not start with PAR1)")
        return "", parsed["parquet"]
    data = parsed.get("bytes")
    if data is None:
        raise ValueError(f"is a {'zip archive' if 'zip' in parsed else 'parquet file'}, "
                         f"not {format}")
    if format == "csv":
        return "", csv_rows(data)
    if format == "yaml":
        return "", metr_rows(data)
    return (board or ""), json_rows(data, board=board)


def csv_rows(data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"is not UTF-8 text ({e.reason} at byte {e.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = [row for row in reader if any(c.strip() for c in row)]
    if not rows:
        raise ValueError("is an empty table")
    if len(rows) - 1 > MAX_ROWS:
        raise ValueError(f"has more than {MAX_ROWS} rows")
    header = [h.strip() for h in rows[0]]
    return [{h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
            for row in rows[1:]]


def json_rows(data: bytes, *, board: str | None) -> list[dict]:
    """SWE-bench's leaderboards.json (`board` names one leaderboard), or a plain list of
    row objects."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"is not JSON ({e})") from None
    if isinstance(document, dict) and isinstance(document.get("leaderboards"), list):
        boards = {b.get("name"): b for b in document["leaderboards"] if isinstance(b, dict)}
        if board not in boards:
            raise ValueError(f"has no leaderboard {board!r} (leaderboards: "
                             f"{', '.join(str(n) for n in boards)})")
        document = boards[board].get("results")
    if not isinstance(document, list) or not all(isinstance(r, dict) for r in document):
        raise ValueError("holds no list of row objects")
    return document


def metr_rows(data: bytes) -> list[dict]:
    """METR's benchmark_results.yaml: one row per model, its metrics flattened to
    `p50_horizon_length.estimate`, `p50_horizon_length.ci_low`, ... beside `release_date`."""
    import yaml

    try:
        document = yaml.safe_load(data)
    except yaml.YAMLError as e:
        raise ValueError(f"is not YAML ({str(e).splitlines()[0]})") from None
    results = document.get("results") if isinstance(document, dict) else None
    if not isinstance(results, dict):
        raise ValueError("has no `results` mapping of models")
    rows = []
    for model, entry in results.items():
        if not isinstance(entry, dict):
            continue
        row: dict[str, Any] = {"model": str(model)}
        for key, value in entry.items():
            if key == "metrics" and isinstance(value, dict):
                row.update(_flatten(value, ""))
            elif not isinstance(value, dict | list):
                row[str(key)] = _plain(value)
        rows.append(row)
    return rows


def _flatten(node: dict, prefix: str) -> dict:
    out: dict[str, Any] = {}
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        elif not isinstance(value, list):
            out[name] = value
    return out


def epoch_metadata(parsed: dict, *, file: str | None, benchmark: str | None) -> dict:
    """benchmark_metadata.csv's row for the benchmark or file: its score column, scale,
    random baseline and ceiling, and the file it names. ValueError when it has none."""
    members = parsed.get("zip")
    if members is None:
        raise ValueError("is not a zip archive (the epoch preset reads benchmark_data.zip)")
    if EPOCH_METADATA not in members:
        raise ValueError(f"has no {EPOCH_METADATA}")
    rows = csv_rows(members[EPOCH_METADATA])
    for row in rows:
        if (benchmark and row.get("benchmark") == benchmark) or \
                (not benchmark and file and row.get("source_file") == file):
            return row
    wanted = f"benchmark {benchmark!r}" if benchmark else f"source_file {file!r}"
    known = ", ".join(sorted(str(r.get("benchmark")) for r in rows)[:12])
    raise ValueError(f"{EPOCH_METADATA} has no row for {wanted} (benchmarks: {known} ...)")


def rows_diff(old: list[dict], new: list[dict], *, keys: tuple[str, ...]) -> dict:
    """Rows added, removed and changed between two versions of one table, each row known
    by its `keys` columns (a repeated key counts its repeats: #2, #3, ...)."""
    def keyed(rows: list[dict]) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for row in rows:
            base = " / ".join(str(row.get(k, "")) for k in keys) or json.dumps(row, default=str)
            key, n = base, 1
            while key in out:
                n += 1
                key = f"{base} #{n}"
            out[key] = row
        return out

    a, b = keyed(old), keyed(new)
    changed = []
    for key in a.keys() & b.keys():
        cells = {c: [a[key].get(c), b[key].get(c)] for c in sorted(a[key].keys() | b[key].keys())
                 if a[key].get(c) != b[key].get(c)}
        if cells:
            changed.append({"key": key, "cells": cells})
    return {"added": sorted(b.keys() - a.keys()), "removed": sorted(a.keys() - b.keys()),
            "changed": sorted(changed, key=lambda c: c["key"])}
