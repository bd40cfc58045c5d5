"""Build an expensive, read-only test input once per test session and give each user a copy.

With pytest-xdist every worker is its own process with its own session fixtures, so a
session fixture that generates inspect logs or prepares an embedded stack's var/ folder ran
once per worker (three times in `make test`). `prepared` builds the folder once for the whole
run, in the run's shared temporary folder under a file lock: the first worker to ask builds
it, the others wait for it. Users get their own copy (`copy_of`), so no test sees another's
writes and every test starts from exactly what the build made.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_DONE = ".prepared"


def _run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole run: each xdist worker's basetemp is a folder
    (popen-gwN) inside it; without xdist, the session's own."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def prepared(tmp_path_factory: pytest.TempPathFactory, name: str,
             build: Callable[[Path], None]) -> Path:
    """The folder `name`, made by build(folder) once per test run (shared by every worker).

    A build that failed is not marked done, so the next worker to ask builds it again from
    an empty folder (and fails the same way, with its own traceback)."""
    folder = _run_root(tmp_path_factory) / f"prepared-{name}"
    with run_lock(tmp_path_factory, name):
        if not (folder / _DONE).exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (folder / _DONE).touch()
    return folder


@contextmanager
def run_lock(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[None]:
    """Held by one xdist worker of this run at a time."""
    with open(_run_root(tmp_path_factory) / f"prepared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def copy_of(source: Path, target: Path) -> Path:
    """A private copy of a prepared folder (without the build's marker) into target, which
    may exist already (a tmp_path_factory.mktemp folder)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(_DONE), dirs_exist_ok=True)
    return target
