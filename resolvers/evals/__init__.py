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
import os
import re
import shutil
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
    """The dataset's rows, each checked: an id, an input string and a target string. Raises
    ValueError naming the line of the first problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    rows, ids = [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}:{number}: not a JSON object ({exc.msg})") from None
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


def task_add(data_dir: Path, name: str, data: bytes, *, description: str = "",
             version: str = "1") -> TaskInfo:
    """Add a task under `<data_dir>/tasks/<name>/` (what `manage.py task_add` does for an
    admin); specs then name it like a bundled one. Raises ValueError, having written nothing,
    for a bad or taken name or a dataset that does not check.

    A task's dataset never changes under its name (runs record its sha256, and a changed
    dataset would make two runs of "the same task" incomparable): a new version is a new name.
    """
    if not NAME.match(name or ""):
        raise ValueError(f"task name {name!r}: use lowercase letters, digits and _, starting "
                         "with a letter (at most 64 characters)")
    if name in _folders(None):
        raise ValueError(f"{name} is a bundled task: choose another name")
    folder = Path(data_dir) / "tasks" / name
    if folder.exists():
        raise ValueError(f"a task named {name} exists already ({folder}); a task's dataset "
                         "never changes under its name: add the new one under a new name")
    if len(data) > MAX_DATASET_BYTES:
        raise ValueError(f"the dataset has {len(data)} bytes; at most {MAX_DATASET_BYTES}")
    load_rows(data, "dataset")
    # Written beside its final place and renamed into it: a half-written task is never
    # listed (a folder whose name starts with "." never matches NAME).
    staging = folder.with_name(f".{name}.{os.getpid()}.adding")
    staging.mkdir(parents=True)
    try:
        (staging / "dataset.jsonl").write_bytes(data)
        (staging / "task.json").write_text(json.dumps(
            {"version": str(version), "description": description}, indent=2) + "\n",
            encoding="utf-8")
        staging.rename(folder)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return task_info(name, data_dir)
