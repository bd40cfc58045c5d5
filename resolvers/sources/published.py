"""Published tables: a publisher's results table (Epoch's benchmark zip, METR's time
horizons, SWE-bench's leaderboards, LMArena's parquet, or any CSV/JSON/parquet table whose
columns the spec spells out), read as of a date from a pinned snapshot.

Spec:
  {"kind": "published", "location": {"url": "https://epoch.ai/data/benchmark_data.zip"},
   "preset": "epoch", "benchmark": "GPQA diamond",     # or "file": "gpqa_diamond.csv"
   "efforts": {"snap": ["none"], "reasoning": ["high", "max"]},   # optional
   "as_of": "2027-06-30", "date_column": "Started at",            # optional
   "dedupe": "max", "missing_pair": "inconclusive"}               # optional

Pure: the source reads the bytes it is given. A `url` location is read from the snapshot
Crux pinned for it (RunContext.snapshots); with none pinned the run is retried later, never
fetched here. Local locations (artifact, data, path) are read as every file source reads them.

Each row is a record of its model; its metric `score` is the preset's score column times
the scale (Epoch: benchmark_metadata.csv's scale; `normalize` maps random baseline..ceiling
to 0..1), with the stderr from a stderr column or a 95% interval. Every other numeric column
is a metric under its own name, unscaled. With `efforts`, a model's effort variants (an
effort column or Epoch's `_none` ... `_max` suffix) become conditions of one base model, so
gap criteria pair them. With `as_of`, rows dated after it (by `date_column`) are set aside
and listed, with the reason, in the evidence. The model name "*" means the best row.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, cast

from resolvers.base import BadEvidence, Checker, Measurement, SourceError, is_type
from resolvers.cache import LogCache
from resolvers.sources import locations
from resolvers.sources import published_formats as formats
from resolvers.sources.common import Record, RecordEvidence, jsonable
from resolvers.sources.files import RecordSource

KIND = "published"
ANY_MODEL = "*"  # the best row of the table (after as_of, filters and conditions)
ROLES = ("model", "score", "stderr", "ci_low", "ci_high", "run_date", "release_date", "effort")
DEDUPE = ("max", "latest")
MISSING_PAIR = ("inconclusive", "void")
Z95 = 1.959963984540054  # a 95% interval is value +- Z95 * stderr


def resolved_columns(spec: dict) -> dict[str, str]:
    preset = formats.PRESETS.get(spec.get("preset", ""))
    return {**(preset.columns if preset else {}), **(spec.get("columns") or {})}


def to_records(result: locations.ReadResult, spec: dict) -> list[Record]:
    """The table's rows as records; rows set aside (dated after as_of, undated, unparsable
    dates) are records whose `problems` say why, so the evidence lists them."""
    preset = formats.PRESETS.get(spec.get("preset", ""))
    fmt = spec.get("format") or (preset.format if preset else "csv")
    scale, normalize = float(spec.get("scale", preset.scale if preset else 1.0)), None
    columns = resolved_columns(spec)
    file = spec.get("file")
    if spec.get("preset") == "epoch":
        meta = formats.epoch_metadata(result.parsed, file=file, benchmark=spec.get("benchmark"))
        file = file or meta.get("source_file")
        if "score" not in (spec.get("columns") or {}):
            columns["score"] = meta.get("score_column") or columns["score"]
        scale = float(spec.get("scale", formats.cell_number(meta.get("scale")) or 1.0))
        if spec.get("normalize"):
            normalize = (formats.cell_number(meta.get("random_baseline")) or 0.0,
                         formats.cell_number(meta.get("score_ceiling")) or 1.0)
    member, rows = formats.table_rows(result.parsed, format=fmt, file=file,
                                      board=spec.get("board"))
    header = set().union(*(row.keys() for row in rows)) if rows else set()
    optional = ("stderr", "ci_low", "ci_high", "run_date", "release_date", "effort")
    given = set(spec.get("columns") or {}) | {"model", "score"}
    # A preset's optional columns may be absent from a given file (40 Epoch files carry no
    # date); a column the spec names, or the model and score, must be there.
    missing = [f"{role} column {columns[role]!r}" for role in columns
               if columns[role] not in header and (role in given or role not in optional)]
    date_col = spec.get("date_column") or next(
        (columns[r] for r in ("run_date", "release_date") if columns.get(r) in header), None)
    if spec.get("date_column") and date_col not in header:
        missing.append(f"date column {date_col!r}")
    if missing:
        shown = ", ".join(sorted(header)[:20]) + (" ..." if len(header) > 20 else "")
        raise ValueError(f"{member + ' ' if member else ''}has no {', '.join(missing)} "
                         f"(columns: {shown})")
    for column in spec.get("filter") or {}:
        if column not in header:
            raise ValueError(f"{member + ' ' if member else ''}has no filter column "
                             f"{column!r}")
    as_of = formats.parse_when(spec.get("as_of"))
    where = f"{result.ref.locator}" + (f" {member}" if member else "")
    records = []
    for index, row in enumerate(rows, start=2 if fmt in ("csv", "zip") else 1):
        if not _passes(row, spec.get("filter") or {}):
            continue
        records.append(_record(row, index, where, result.sha256, columns, scale, normalize,
                               spec, date_col, as_of))
    return records


def _passes(row: dict, wanted: dict) -> bool:
    for column, value in wanted.items():
        allowed = value if isinstance(value, list) else [value]
        if str(row.get(column)) not in allowed:
            return False
    return True


def _record(row: dict, index: int, where: str, sha: str, columns: dict[str, str],
            scale: float, normalize: tuple[float, float] | None, spec: dict,
            date_col: str | None, as_of: datetime | None) -> Record:
    name = str(row.get(columns["model"]) or "")
    effort_cell = row.get(columns.get("effort", ""))
    effort = str(effort_cell) if effort_cell not in (None, "") else None
    model = name
    if "efforts" in spec:  # variants of one model become its conditions
        base, suffix = formats.split_effort(name)
        model, effort = (base if suffix else name), (effort or suffix)
    raw = formats.cell_number(row.get(columns["score"]))
    stderr = formats.cell_number(row.get(columns.get("stderr", "")))
    low, high = formats.cell_number(row.get(columns.get("ci_low", ""))), \
        formats.cell_number(row.get(columns.get("ci_high", "")))
    if stderr is None and low is not None and high is not None:
        stderr = (high - low) / (2 * Z95)  # the interval is a 95% one
    value = None if raw is None else raw * scale
    stderr = None if stderr is None else stderr * scale
    if normalize is not None and value is not None:
        baseline, ceiling = normalize
        span = ceiling - baseline
        value = min(1.0, max(0.0, (value - baseline) / span)) if span > 0 else None
        stderr = None if stderr is None or span <= 0 else stderr / span
    problems = []
    when_text = row.get(date_col) if date_col else None
    if as_of is not None:
        try:
            when = formats.parse_when(when_text)
        except (TypeError, ValueError):
            problems.append(f"its date {when_text!r} ({date_col}) is not a date")
        else:
            if when is None:
                problems.append(f"it has no date in {date_col or 'any date column'}, so it "
                                f"cannot be shown to precede as_of {spec['as_of']}")
            elif when > as_of:
                problems.append(f"dated {when_text} ({date_col}), after as_of {spec['as_of']}")
    metrics: dict[str, dict] = {"score": {"value": value, "stderr": stderr, "raw": raw,
                                          "ci": [low, high] if low is not None else None}}
    for column, cell in row.items():
        n = formats.cell_number(cell)
        if n is not None and column not in metrics:
            metrics[str(column)] = {"value": n, "stderr": None, "raw": cell}
    identity = {"locator": where, "sha256": sha, "line": index, "model": name,
                "effort": effort, "score_column": columns["score"], "value": row.get(
                    columns["score"]), "scale": scale, "date_column": date_col,
                "date": when_text}
    return Record(model=model, task=None, dataset=None, metrics=jsonable(metrics),
                  problems=tuple(problems), completed=when_text if not problems else None,
                  identity=jsonable(identity), attrs={"condition": effort, "effort": effort})


class PublishedEvidence(RecordEvidence):
    noun = "row"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.snapshots: list[dict] = []  # the pinned retrievals read (Crux's records)
        self.void = False  # a missing pair voids the claim (missing_pair: void)

    def matches(self, record: Record, condition: str) -> bool:
        levels = (self.spec.get("efforts") or {}).get(condition, [condition])
        return record.attrs.get("effort") in levels

    def variant(self, record: Record) -> Any:
        # Only declared effort conditions tell rows apart; otherwise a model's rows at
        # several efforts are one model's rows, reduced by `dedupe` (Epoch: the max).
        return record.attrs.get("effort") if self.spec.get("efforts") else None

    def relevant(self, record: Record, metric: str) -> bool:
        return metric in record.metrics

    def metric(self, record: Record, name: str, condition: str | None) -> tuple[str, dict]:
        numbers = dict(record.metrics[name])
        if numbers.get("value") is None:
            raise BadEvidence(f"{record.identity['locator']} line {record.identity['line']}: "
                              f"{name} is {numbers.get('raw')!r}, not a number")
        return (record.identity["score_column"] if name == "score" else name), numbers

    @property
    def set_aside(self) -> list[dict]:
        """The rows a problem kept from deciding (dated after as_of, undated, not a number),
        each with its reason; `file` names the row as the other sources' set_aside does."""
        return [{**r.identity, "file": f"{r.identity['locator']} line {r.identity['line']}",
                 "reason": "; ".join(r.problems)} for r in self.records if r.problems]

    def lookup(self, *, model: str, condition: str | None, metric: str) -> Measurement:
        if model == ANY_MODEL:
            return self._best(condition, metric)
        try:
            return super().lookup(model=model, condition=condition, metric=metric)
        except BadEvidence as e:
            has_model = any(r.model == model for r in self.records)
            if condition is not None and has_model and self.spec.get("efforts"):
                pair = f"a pair is missing: {e}"
                if self.spec.get("missing_pair") == "void":
                    self.void = True
                    raise BadEvidence(f"void (the spec voids the claim when a pair is "
                                      f"missing): {pair}") from None
                raise BadEvidence(pair) from None
            raise

    def _best(self, condition: str | None, metric: str) -> Measurement:
        models = sorted({r.model for r in self.records if not r.problems
                         and (condition is None or self.matches(r, condition))
                         and r.metrics.get(metric, {}).get("value") is not None})
        if not models:
            raise BadEvidence(f"no usable row{f' under condition {condition}' if condition else ''}"
                              f" has a {metric}{self._set_aside_words()}")
        used = dict(self.used)
        readings = [self.lookup(model=m, condition=condition, metric=metric) for m in models]
        best = max(readings, key=lambda m: m.value)
        # Only the best row decided: the others were read to find it.
        self.used = {**used, repr(best.record): best.record or {}}
        self.selection.append(f"best of {len(models)} models: {best.label}")
        return Measurement(best.value, best.stderr, f"best ({best.label})", best.record,
                           details={**best.details, "best_of": len(models)})

    def _set_aside_words(self) -> str:
        n = len(self.set_aside)
        return f" ({n} rows set aside: {self.set_aside[0]['reason']} ...)" if n else ""

    def _choose(self, found: list[Record], what: str) -> Record:
        """Rows set aside never decide; among the rest, several rows for one model and
        condition (repeated runs, several effort levels of one condition) are reduced by the
        spec's rule: the highest score (Epoch's own rule) or the latest dated."""
        usable = [r for r in found if not r.problems]
        if not usable:
            shown = "; ".join(f"{'; '.join(r.problems)} ({r.identity['locator']} line "
                              f"{r.identity['line']})" for r in found[:3])
            raise BadEvidence(f"{what}: {shown}")
        if len(usable) == 1:
            return usable[0]
        rule = self.spec.get("dedupe", "max")
        if rule == "latest":
            dated = [r for r in usable if r.completed]
            if len(dated) < len(usable):
                raise BadEvidence(f"{len(usable)} rows for {what}, not all dated: cannot "
                                  "tell which is latest")
            chosen = max(dated, key=lambda r: cast(datetime, formats.parse_when(r.completed)))
        else:
            def score(r: Record) -> float:
                v = r.metrics.get("score", {}).get("value")
                return v if v is not None else -math.inf
            chosen = max(usable, key=score)
        how = "latest" if rule == "latest" else "highest score"
        self.selection.append(
            f"{len(usable)} rows matched {what}: used the {how}, "
            f"{chosen.identity['locator']} line {chosen.identity['line']} "
            f"({chosen.identity['model']})")
        return chosen

    def report(self) -> dict:
        out = super().report()
        out.update(jsonable({
            "set_aside": self.set_aside, "as_of": self.spec.get("as_of"),
            "preset": self.spec.get("preset"), "void": self.void,
            "snapshots": self.snapshots,
        }))
        return out


class PublishedSource(RecordSource):
    kind = KIND
    fields = {"preset": "string", "format": "string", "file": "string", "benchmark": "string",
              "board": "string", "filter": "object", "columns": "object", "scale": "number",
              "normalize": "boolean", "efforts": "object", "as_of": "string",
              "date_column": "string", "dedupe": "string", "missing_pair": "string"}
    literal_conditions = True  # without `efforts`, a condition is an effort level itself
    evidence = PublishedEvidence
    parse = staticmethod(formats.parse)
    to_records = staticmethod(to_records)

    @classmethod
    def defined_conditions(cls, source: dict) -> set[str] | None:
        efforts = source.get("efforts")
        return set(efforts) if isinstance(efforts, dict) else None

    @classmethod
    def validate_fields(cls, source: dict, path: str, check: Checker) -> None:
        preset_name = source.get("preset")
        preset = formats.PRESETS.get(preset_name) if isinstance(preset_name, str) else None
        if isinstance(preset_name, str) and preset is None:
            check.error(f"{path}.preset", f"unknown preset {preset_name!r} (expected one of: "
                                          f"{', '.join(formats.PRESETS)})")
        if "format" in source and source["format"] not in formats.FORMATS:
            check.error(f"{path}.format", f"unknown format {source['format']!r} (expected one "
                                          f"of: {', '.join(formats.FORMATS)})")
        columns = source.get("columns")
        if isinstance(columns, dict):
            for role, column in columns.items():
                if role not in ROLES:
                    check.error(f"{path}.columns.{role}", f"unknown role (expected one of: "
                                                         f"{', '.join(ROLES)})")
                elif not isinstance(column, str) or not column:
                    check.error(f"{path}.columns.{role}", "expected a column name")
        if "preset" not in source:
            if "format" not in source:
                check.error(f"{path}.format", "required without a preset (one of: "
                                              f"{', '.join(formats.FORMATS)})")
            for role in ("model", "score"):
                if not isinstance(columns, dict) or role not in columns:
                    check.error(f"{path}.columns.{role}", "required without a preset: the "
                                                          f"column that holds the {role}")
        if preset is not None and preset.needs and not any(k in source for k in preset.needs):
            check.error(f"{path}.{preset.needs[0]}",
                        f"the {preset_name} preset needs {' or '.join(preset.needs)}")
        if source.get("format") == "zip" and preset_name != "epoch" and "file" not in source:
            check.error(f"{path}.file", "a zip needs the member file to read")
        if source.get("normalize") and preset_name != "epoch":
            check.error(f"{path}.normalize", "only the epoch preset knows a baseline and "
                                             "ceiling to normalize by")
        _validate_choices(source, path, check)

    def load(self) -> PublishedEvidence:
        """Read every location: a URL from its pinned snapshot, local files as such."""
        cache = self.context.cache if self.context.cache is not None else LogCache()
        records, files, notes, seen, pinned = [], [], [], set(), []
        for location in locations.as_list(self.spec["location"]):
            if "url" in location:
                snapshot = self.context.snapshots.get(location["url"])
                if snapshot is None:
                    raise SourceError(f"no snapshot of {location['url']} has been retrieved "
                                      "for this claim yet; Crux polls it and tries again",
                                      retryable=True)
                refs = [locations.FileRef(f"snapshot:{location['url']}", path=snapshot.path)]
                pinned.append(snapshot.record)
            else:
                refs, missing = locations.expand(location, self.context)
                notes.extend(missing)
            for ref in refs:
                result = locations.read(ref, self.context, cache, KIND, self.parse)
                files.append(result.file_record())
                if result.sha256 in seen:
                    continue
                seen.add(result.sha256)
                if isinstance(result.parsed, locations.Unreadable):
                    notes.append(f"{ref.locator} is unreadable: {result.parsed.reason}")
                    continue
                try:
                    records.extend(self.to_records(result, self.spec))
                except ValueError as e:  # readable, but not laid out as the spec says
                    notes.append(f"{ref.locator}: {e}")
        evidence = PublishedEvidence(kind=KIND, spec=self.spec, records=records, files=files,
                                     notes=notes, tool_versions={})
        evidence.snapshots = jsonable(pinned)
        return evidence


def _validate_choices(source: dict, path: str, check: Checker) -> None:
    for key, allowed in (("dedupe", DEDUPE), ("missing_pair", MISSING_PAIR)):
        if key in source and source[key] not in allowed:
            check.error(f"{path}.{key}", f"expected one of {', '.join(allowed)}, got "
                                         f"{source[key]!r}")
    if isinstance(source.get("as_of"), str) and source["as_of"]:
        try:
            formats.parse_when(source["as_of"])
        except ValueError:
            check.error(f"{path}.as_of", f"not a date: {source['as_of']!r} (e.g. 2027-06-30 "
                                         "or 2027-06-30T12:00:00Z)")
    scale = source.get("scale")
    if is_type(scale, "number") and cast(float, scale) <= 0:
        check.error(f"{path}.scale", f"must be more than 0, got {scale!r}")
    efforts = source.get("efforts")
    if isinstance(efforts, dict):
        if not efforts:
            check.error(f"{path}.efforts", "define at least one condition or leave it out")
        for name, levels in efforts.items():
            if not is_type(levels, "strings") or not levels:
                check.error(f"{path}.efforts.{name}", "expected a list of effort levels, "
                                                      "e.g. [\"high\", \"max\"]")
    for column, value in (source.get("filter") or {}).items() \
            if isinstance(source.get("filter"), dict) else []:
        if not (isinstance(value, str) or is_type(value, "strings")):
            check.error(f"{path}.filter.{column}", "expected the cell value (a string) or a "
                                                   "list of them")
