"""The skeleton of sources that read the files their `location` names.

FileSource holds the spec checks every such source shares (its location, its own fields, its
conditions); RecordSource adds the reading: load_records parses each file into Records
(resolvers.sources.common) and its evidence class answers lookups from them.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from resolvers.base import Checker, RunContext, Source
from resolvers.cache import LogCache
from resolvers.sources import locations
from resolvers.sources.common import Record, RecordEvidence

Parse = Callable[[bytes, str], Any]  # (file bytes, file name) -> what the cache keeps
ToRecords = Callable[[locations.ReadResult, dict], list[Record]]  # (parsed file, spec)


@dataclass
class Loaded:
    """What load_records read: the records, every file with its hash, notes for reasons,
    and the files set aside whole (unreadable, not shaped as the spec says, repeated)."""

    records: list[Record]
    files: list[dict]
    notes: list[str]
    aside: list[dict]


def load_records(spec: dict, context: RunContext, *, kind: str, parse: Parse,
                 to_records: ToRecords) -> Loaded:
    """Read every file the spec's locations name.

    Files that do not parse are noted, not fatal: a glob may match a stray file, and a claim
    that needs it ends inconclusive with the note in its reason.
    """
    cache = context.cache if context.cache is not None else LogCache()
    out = Loaded([], [], [], [])
    seen: dict[str, str] = {}  # sha256 -> the locator first read with those bytes
    for location in locations.as_list(spec["location"]):
        refs, missing = locations.expand(location, context)
        out.notes.extend(missing)
        for ref in refs:
            result = locations.read(ref, context, cache, kind, parse)
            out.files.append(result.file_record())
            if result.sha256 in seen:  # the same bytes twice is one piece of evidence
                out.aside.append({"file": ref.locator, "locator": ref.locator,
                                  "reason": f"the same bytes as {seen[result.sha256]}"})
                continue
            seen[result.sha256] = ref.locator
            if isinstance(result.parsed, locations.Unreadable):
                out.notes.append(f"{ref.locator} is unreadable: {result.parsed.reason}")
                out.aside.append({"file": ref.locator, "locator": ref.locator,
                                  "reason": f"unreadable: {result.parsed.reason}"})
                continue
            try:
                out.records.extend(to_records(result, spec))
            except ValueError as e:  # readable, but not shaped as the spec says
                out.notes.append(f"{ref.locator}: {e}")
                out.aside.append({"file": ref.locator, "locator": ref.locator,
                                  "reason": str(e)})
    return out


def validate_common(source: dict, path: str, check: Checker, *, optional: dict) -> None:
    check.fields(source, path, required={"kind": "string", "location": "object_or_list"},
                 optional=optional)
    if "location" in source:
        locations.validate_location(source["location"], f"{path}.location", check)


def validate_conditions(source: dict, path: str, check: Checker,
                        validate_one: Callable[[Any, str, Checker], None]) -> None:
    conditions = source.get("conditions")
    if not isinstance(conditions, dict):
        return
    if not conditions:
        check.error(f"{path}.conditions", "define at least one condition or leave it out")
    for name, definition in conditions.items():
        validate_one(definition, f"{path}.conditions.{name}", check)


class FileSource(Source):
    """The skeleton of a source that reads the files its `location` names: the spec has
    `kind`, `location` and the source's own optional `fields` (checked further by
    `validate_fields`), and defines its conditions in a `conditions` object."""

    fields: ClassVar[dict[str, str]] = {}  # field -> type name (resolvers.base.is_type)
    # Without a `conditions` object: True when a criterion's condition names are taken at
    # their word (a table's cell, a key in a path), False when the spec defines none.
    literal_conditions: ClassVar[bool] = False

    def __init__(self, spec: dict, context: RunContext) -> None:
        self.spec, self.context = spec, context

    @classmethod
    def validate(cls, source: dict, path: str, check: Checker) -> None:
        validate_common(source, path, check, optional=cls.fields)
        cls.validate_fields(source, path, check)

    @classmethod
    def validate_fields(cls, source: dict, path: str, check: Checker) -> None:
        """What the source checks beyond the presence and types of its fields."""

    @classmethod
    def defined_conditions(cls, source: dict) -> set[str] | None:
        conditions = source.get("conditions")
        if isinstance(conditions, dict):
            return set(conditions)
        return None if cls.literal_conditions else set()


class RecordSource(FileSource):
    """A FileSource whose files parse into Records, which its `evidence` class answers from."""

    evidence: ClassVar[type[RecordEvidence]] = RecordEvidence

    @staticmethod
    @abstractmethod
    def parse(data: bytes, name: str) -> Any:
        """A file's bytes as plain data (cached by sha256); ValueError when it is not one."""

    @staticmethod
    @abstractmethod
    def to_records(result: locations.ReadResult, spec: dict) -> list[Record]:
        """The runs (or rows) in one parsed file; ValueError when the spec does not fit it."""

    def tool_versions(self, records: list[Record]) -> dict:
        """The versions of the tools that wrote or read these records, for the evidence."""
        return {}

    def load(self) -> RecordEvidence:
        loaded = load_records(self.spec, self.context, kind=self.kind, parse=self.parse,
                              to_records=self.to_records)
        return self.evidence(kind=self.kind, spec=self.spec, records=loaded.records,
                             files=loaded.files, notes=loaded.notes,
                             tool_versions=self.tool_versions(loaded.records),
                             aside=loaded.aside)
