"""Crux resolvers: fetch evaluation evidence, measure, decide yes / no / inconclusive.

A pure plugin package: no Django, no database. The Django app calls `validate_spec` when a
claim is proposed and `run_spec` when a resolver runs; the registry lists every kind.

Installable on its own (`pip install ./resolvers`, see pyproject.toml here), with the
`crux-verify` command (resolvers.verify) that re-checks a verdict from its evidence bundle.
"""

__version__ = "0.1.0"

from resolvers.base import RunContext, SourceError, SpecError, Verdict
from resolvers.cache import LogCache
from resolvers.registry import CRITERIA, SOURCES, run_spec, spec_locators, validate_spec

__all__ = [
    "CRITERIA", "SOURCES", "LogCache", "RunContext", "SourceError", "SpecError", "Verdict",
    "run_spec", "spec_locators", "validate_spec",
]
