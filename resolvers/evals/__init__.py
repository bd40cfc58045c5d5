"""Bundled evaluation tasks: inspect tasks that ship with Crux together with their datasets.

Each task is a folder holding `dataset.jsonl` (one `{"id", "input", "target"}` object a line)
and, optionally, `task.json` (`{"version": ..., "description": ...}`). The bundled ones live
next to this file; admins add more by dropping a folder under `<data dir>/tasks/<name>/`.
Nothing is downloaded at run time, and every run records the sha256 of the dataset's bytes.

This module stays light (no inspect_ai import): spec validation lists tasks through it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BUNDLED_DIR = Path(__file__).resolve().parent
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_DATASET_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class TaskInfo:
    name: str
    folder: Path
    version: str
    description: str
    dataset_sha256: str
    size: int  # number of samples

    @property
    def dataset_path(self) -> Path:
        return self.folder / "dataset.jsonl"


class TaskNotFound(LookupError):
    pass


def _folders(data_dir: Path | None) -> dict[str, Path]:
    found = {p.name: p for p in BUNDLED_DIR.iterdir()
             if p.is_dir() and (p / "dataset.jsonl").is_file()}
    if data_dir is not None and (Path(data_dir) / "tasks").is_dir():
        for p in (Path(data_dir) / "tasks").iterdir():
            # A bundled task keeps its name: a data folder cannot shadow it.
            if NAME.match(p.name) and p.name not in found and (p / "dataset.jsonl").is_file():
                found[p.name] = p
    return found


def task_names(data_dir: Path | None = None) -> list[str]:
    return sorted(_folders(data_dir))


def task_info(name: str, data_dir: Path | None = None) -> TaskInfo:
    folder = _folders(data_dir).get(name) if NAME.match(name or "") else None
    if folder is None:
        raise TaskNotFound(name)
    path = folder / "dataset.jsonl"
    stat = path.stat()
    return _info(str(folder), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _info(folder: str, mtime_ns: int, size: int) -> TaskInfo:
    # Keyed by mtime and size, so an edited dataset is hashed again.
    path = Path(folder) / "dataset.jsonl"
    if size > MAX_DATASET_BYTES:
        raise ValueError(f"{path}: dataset of {size} bytes exceeds {MAX_DATASET_BYTES}")
    data = path.read_bytes()
    rows = load_rows(data, str(path))
    meta: dict = {}
    if (Path(folder) / "task.json").is_file():
        meta = json.loads((Path(folder) / "task.json").read_text(encoding="utf-8"))
    return TaskInfo(name=Path(folder).name, folder=Path(folder),
                    version=str(meta.get("version", "1")),
                    description=str(meta.get("description", "")),
                    dataset_sha256=hashlib.sha256(data).hexdigest(), size=len(rows))


def load_rows(data: bytes, where: str) -> list[dict]:
    """The dataset's rows, each checked: an id, an input string and a target string."""
    rows, ids = [], set()
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if (not isinstance(row, dict) or not isinstance(row.get("input"), str)
                or not isinstance(row.get("target"), str)
                or not isinstance(row.get("id"), int | str) or row["id"] in ids):
            raise ValueError(f"{where}:{number}: expected a unique id, an input string and a "
                             "target string")
        ids.add(row["id"])
        rows.append(row)
    if not rows:
        raise ValueError(f"{where}: no samples")
    return rows


def rows(name: str, data_dir: Path | None = None) -> list[dict]:
    info = task_info(name, data_dir)
    return load_rows(info.dataset_path.read_bytes(), str(info.dataset_path))
