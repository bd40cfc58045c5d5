"""The resolvers package on its own (resolvers/pyproject.toml) stays in step with the
service: the same readers at the same versions, every sub-package and bundled task shipped,
and no import of Django or the service anywhere in it."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "resolvers"


def _pins(requirements: list[str]) -> dict[str, str]:
    return {Requirement(r).name: str(Requirement(r).specifier) for r in requirements}


def test_the_package_pins_its_readers_exactly_as_the_service_does():
    own = tomllib.loads((PACKAGE / "pyproject.toml").read_text())["project"]
    service = _pins(tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
                    ["dependencies"])
    pins = _pins(own["dependencies"]) | _pins(own["optional-dependencies"]["live"])
    assert pins and all(service[name] == spec for name, spec in pins.items()), (pins, service)
    assert own["scripts"] == {"crux-verify": "resolvers.verify:main"}


def test_every_sub_package_and_bundled_task_is_in_the_wheel():
    setup = tomllib.loads((PACKAGE / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = sorted(".".join(("resolvers", *p.parent.relative_to(PACKAGE).parts))
                     for p in PACKAGE.rglob("__init__.py") if "build" not in p.parts)
    assert sorted(setup["packages"]) == folders
    data = setup["package-data"]["resolvers.evals"]
    tasks = sorted(p.relative_to(PACKAGE / "evals").as_posix()
                   for p in (PACKAGE / "evals").glob("*/*") if p.suffix in (".json", ".jsonl"))
    assert tasks and all(any(Path(t).match(pattern) for pattern in data) for t in tasks)


def test_nothing_in_the_package_imports_django_or_the_service():
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.name}: {n}" for n in names
                      if n.split(".")[0] in ("django", "bets", "config", "rest_framework")]
    assert found == []
