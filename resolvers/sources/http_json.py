"""A JSON document (usually fetched over HTTP) with a path to each number.

Spec:
  {"kind": "http_json", "location": {"url": "https://example.org/leaderboard.json"},
   "path": "results.{model}.{condition}.{metric}",          # or a list of keys
   "stderr_path": "results.{model}.{condition}.{metric}_stderr",   # optional
   "models": {"mockllm/gen2": "gen2"},                      # optional: name -> key in path
   "conditions": {"cot": "chain_of_thought"},              # optional: name -> key in path
   "as_of": "2026-06-30", "date_column": "run_date"}        # optional, together

A path is dot-separated keys (or a list of keys, for keys that contain dots); a key of digits
indexes a list. Only the placeholders {model}, {condition} and {metric} are filled in, after
splitting, so a model name with dots stays one key. No expressions, no eval.

With `as_of` (resolvers.sources.dating) the number's row is the object that holds it, and
its `date_column` key dates it: a number dated after the day, or undated, is set aside and
the claim waits for evidence of that day.
"""

from __future__ import annotations

import json
import re
from typing import Any

from resolvers.base import BadEvidence, Checker, Evidence, Measurement, number
from resolvers.cache import LogCache
from resolvers.sources import common, dating, locations
from resolvers.sources.files import FileSource

KIND = "http_json"
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDERS = {"model", "condition", "metric"}


def parse(data: bytes, name: str) -> Any:
    return {"document": json.loads(data)}


def split_path(path: str | list[str]) -> list[str]:
    return list(path) if isinstance(path, list) else path.split(".")


def fill(path: str | list[str], values: dict[str, str | None]) -> list[str]:
    keys = []
    # Every placeholder is checked against these before it is filled in.
    known = {name: value for name, value in values.items() if value is not None}
    for segment in split_path(path):
        for name in PLACEHOLDER.findall(segment):
            if values.get(name) is None:
                raise BadEvidence(f"the path needs {{{name}}} but the criterion names no {name}")
        keys.append(PLACEHOLDER.sub(lambda m: known[m.group(1)], segment))
    return keys


def walk(document: Any, keys: list[str]) -> Any:
    node = document
    for depth, key in enumerate(keys):
        where = ".".join(keys[:depth]) or "the document root"
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise BadEvidence(f"{'.'.join(keys)} is not in the document (no {key!r} at {where})")
    return node


class JsonEvidence(Evidence):
    def __init__(self, spec: dict, results: list[locations.ReadResult], notes: list[str]):
        self.spec, self.results, self.notes = spec, results, notes
        self.values: list[dict] = []
        self.as_of = dating.AsOf.of(spec)
        # Numbers (or documents) read and not used, with the reason: evidence's set_aside.
        self.set_aside: dict[str, dict] = {}

    def lookup(self, *, model: str, condition: str | None, metric: str) -> Measurement:
        readable = [r for r in self.results if not isinstance(r.parsed, locations.Unreadable)]
        if len(readable) != 1:
            problems = self.notes + [f"{r.ref.locator} is unreadable: {r.parsed.reason}"
                                     for r in self.results if r not in readable]
            raise BadEvidence(f"expected one JSON document, found {len(readable)}"
                              + (f" ({'; '.join(problems)})" if problems else ""))
        [result] = readable
        names = {"model": (self.spec.get("models") or {}).get(model, model),
                 "condition": (self.spec.get("conditions") or {}).get(condition, condition),
                 "metric": metric}
        keys = fill(self.spec["path"], names)
        raw = walk(result.parsed["document"], keys)
        if self.as_of is not None:
            self._dated(result, keys, self.as_of)
        value = number(raw)
        if value is None:
            raise BadEvidence(f"{'.'.join(keys)} is {common.jsonable(raw)!r}, not a number")
        stderr, stderr_keys = None, None
        if "stderr_path" in self.spec:
            stderr_keys = fill(self.spec["stderr_path"], names)
            try:
                stderr = number(walk(result.parsed["document"], stderr_keys))
            except BadEvidence:
                stderr = None  # unknown stderr: only a confidence requirement needs it
        record = {"locator": result.ref.locator, "sha256": result.sha256, "path": keys,
                  "value": value, "stderr_path": stderr_keys, "stderr": stderr}
        self.values.append(record)
        label = " ".join(x for x in (model, condition, metric) if x)
        return Measurement(value, stderr, label, record,
                           details={"key": ".".join(keys), "file": result.ref.locator})

    def _dated(self, result: locations.ReadResult, keys: list[str],
               as_of: dating.AsOf) -> None:
        """Refuse the number at `keys` unless its row (the object holding it) is dated by
        as_of; the row is set aside with the reason."""
        where = ".".join(keys[:-1]) or "the document root"
        row = walk(result.parsed["document"], keys[:-1])
        if not isinstance(row, dict) or as_of.column not in row:
            raise BadEvidence(f"{where} has no {as_of.column!r} (the date_column of as_of) "
                              f"beside {keys[-1]!r} in {result.ref.locator}")
        problem = as_of.problem(row[as_of.column])
        if problem:
            row_id = f"{result.ref.locator} {where}"
            self.set_aside[row_id] = {"file": row_id, "locator": result.ref.locator,
                                      "path": keys, "reason": problem}
            raise BadEvidence(f"{'.'.join(keys)}: {problem} ({result.ref.locator})")

    def report(self) -> dict:
        used = {v["locator"] for v in self.values}
        unused = [{"file": r.ref.locator, "locator": r.ref.locator,
                   "reason": f"unreadable: {r.parsed.reason}"
                   if isinstance(r.parsed, locations.Unreadable) else
                   "not used: the criterion read no number from it"}
                  for r in self.results if r.ref.locator not in used
                  and not any(a["locator"] == r.ref.locator for a in self.set_aside.values())]
        return common.jsonable({
            "source": KIND, "files": [r.file_record() for r in self.results],
            "tool_versions": {"crux_resolvers": common.RESOLVERS_VERSION},
            "logs": self.values, "set_aside": [*self.set_aside.values(), *unused],
            "notes": self.notes,
        })


def validate_path(value: Any, path: str, check: Checker) -> None:
    if isinstance(value, str) and not value:
        check.error(path, "must not be empty")
    segments = split_path(value) if isinstance(value, str | list) else []
    for segment in segments:
        if not segment:
            check.error(path, "has an empty key (two dots in a row?)")
        for name in PLACEHOLDER.findall(segment):
            if name not in PLACEHOLDERS:
                check.error(path, f"unknown placeholder {{{name}}} (use {{model}}, "
                                  "{condition} or {metric})")


class HttpJsonSource(FileSource):
    kind = KIND
    # path is required, with its own message below.
    fields = {"stderr_path": "string_or_strings", "models": "object", "conditions": "object",
              "path": "string_or_strings", **dating.FIELDS}
    literal_conditions = True  # without a conditions object, a name is the key in the path

    @classmethod
    def validate_fields(cls, source: dict, path: str, check: Checker) -> None:
        if "path" not in source:
            check.error(f"{path}.path", "required field is missing (expected a string or a "
                                        "list of strings)")
        for key in ("path", "stderr_path"):
            if key in source:
                validate_path(source[key], f"{path}.{key}", check)
        for key in ("models", "conditions"):
            for name, value in (source.get(key) or {}).items() \
                    if isinstance(source.get(key), dict) else []:
                if not isinstance(value, str):
                    check.error(f"{path}.{key}.{name}", "expected the key used in the path "
                                                       "(a string)")
        dating.validate(source, path, check)

    def load(self) -> JsonEvidence:
        cache = self.context.cache if self.context.cache is not None else LogCache()
        results: list[locations.ReadResult] = []
        notes: list[str] = []
        for location in locations.as_list(self.spec["location"]):
            refs, missing = locations.expand(location, self.context)
            notes.extend(missing)
            results.extend(locations.read(ref, self.context, cache, KIND, parse)
                           for ref in refs)
        return JsonEvidence(self.spec, results, notes)
