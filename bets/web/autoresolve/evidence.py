"""What the evidence view shows for a verdict (an attempt, a preview, a dry run): the verdict
sentence, the numbers as a table, the chart, the files read, and the raw JSON.

Computed in the view, never while a template renders. Numbers in the table are rounded for
people (0.25, not 0.24999999999999994); the JSON keeps the raw values.
"""

from __future__ import annotations

import json

from django.utils.safestring import mark_safe

from bets.autoresolve.snapshots.selectors import attempt_table_changes
from bets.web.autoresolve.evidence_charts import evidence_chart
from bets.web.plumbing.charts import short

VERDICT_WORDS = {"yes": "YES", "no": "NO", "inconclusive": "undecided"}


def _round(x) -> str:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return "" if x is None else str(x)
    return short(float(x))


def _size(n) -> str:
    if not isinstance(n, int):
        return ""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return ""


def pretty_json(value) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def reading_rows(measurement: dict) -> list[dict]:
    """One row per (model, condition) the criterion read: metric ± stderr, n, reducer..."""
    rows = []
    for r in measurement.get("readings", []) if isinstance(measurement, dict) else []:
        if not isinstance(r, dict):
            continue
        model = r.get("model") or ""
        rows.append({
            "model": f"{r['alias']} ({model})" if r.get("alias") else model,
            "condition": r.get("condition") or "",
            "metric": r.get("key") or r.get("metric") or "",
            "value": _round(r.get("value")),
            "stderr": _round(r.get("stderr")),
            "samples": "" if r.get("samples") is None else r.get("samples"),
            "reducer": r.get("reducer") or ("none (1 epoch)" if r.get("epochs") == 1 else ""),
            "epochs": "" if r.get("epochs") is None else r.get("epochs"),
            "filter": r.get("filter") or "",
            "file": r.get("file") or "",
        })
    return rows


def file_rows(evidence: dict) -> list[dict]:
    rows = []
    for f in evidence.get("files", []) if isinstance(evidence, dict) else []:
        if isinstance(f, dict):
            sha = str(f.get("sha256") or "")
            rows.append({"locator": f.get("locator", ""), "size": _size(f.get("bytes")),
                         "sha256": sha, "short": sha[:12]})
    return rows


def refused_rows(evidence: dict) -> list[dict]:
    """Logs the decision needed that must not decide: with their status and error."""
    rows = []
    for r in evidence.get("refused", []) if isinstance(evidence, dict) else []:
        if isinstance(r, dict):
            rows.append({"locator": r.get("locator", ""), "status": r.get("status", ""),
                         "error": r.get("error") or "", "problems": "; ".join(
                             str(p) for p in r.get("problems", []))})
    return rows


def snapshot_rows(evidence: dict) -> list[dict]:
    """The published snapshots a run read: URL, retrieval time, sha256, licence."""
    rows = []
    for s in evidence.get("snapshots", []) if isinstance(evidence, dict) else []:
        if isinstance(s, dict):
            when = str(s.get("retrieved_at", ""))[:19].replace("T", " ")
            rows.append({"url": s.get("url", ""), "retrieved_at": when,
                         "sha256": str(s.get("sha256") or ""),
                         "size": _size(s.get("bytes")), "licence": s.get("licence") or "",
                         "attribution": s.get("attribution") or "",
                         "pinned_as": s.get("pinned_as") or "",
                         "source_id": s.get("source_id"),
                         "uploaded_by": s.get("uploaded_by") or ""})
    return rows


def set_aside_rows(evidence: dict) -> list[dict]:
    """Rows of a published table that were set aside (dated after as_of, undated), why."""
    rows = []
    for r in evidence.get("set_aside", []) if isinstance(evidence, dict) else []:
        if isinstance(r, dict):
            rows.append({"model": r.get("model") or "", "value": r.get("value"),
                         "where": f"{r.get('locator', '')} line {r.get('line', '')}",
                         "reason": r.get("reason") or ""})
    return rows


def present(*, verdict: str, reason: str, measurement: dict, evidence: dict,
            lead: str, tail: str = "") -> dict:
    """Everything the evidence partial shows; `lead` begins the sentence ("Would resolve",
    "Attempt #2 decided")."""
    measurement = measurement if isinstance(measurement, dict) else {}
    evidence = evidence if isinstance(evidence, dict) else {}
    return {
        "sentence": f"{lead} {VERDICT_WORDS.get(verdict, verdict)}{tail}" if verdict else "",
        "verdict": verdict,
        "reason": reason,
        "rows": reading_rows(measurement),
        "chart": mark_safe(evidence_chart(measurement)),  # noqa: S308 (built and escaped in evidence_charts)
        "files": file_rows(evidence),
        "refused": refused_rows(evidence),
        "snapshots": snapshot_rows(evidence),
        "set_aside": set_aside_rows(evidence),
        "tool_versions": {str(k): pretty_json(v) if not isinstance(v, str) else v
                          for k, v in (evidence.get("tool_versions") or {}).items()},
        "notes": [str(n) for n in evidence.get("notes", [])],
        "selection": [str(n) for n in evidence.get("selection", [])],
        "measurement_json": pretty_json(measurement) if measurement else "",
        "evidence_json": pretty_json(evidence) if evidence else "",
    }


def present_attempt(attempt, number: int | None) -> dict:
    lead = f"Attempt #{number}" if number else "This attempt"
    words = {"yes": "decided", "no": "decided", "inconclusive": "was"}
    view = present(verdict=attempt.verdict, reason=attempt.reason,
                   measurement=attempt.measurement, evidence=attempt.evidence,
                   lead=f"{lead} {words.get(attempt.verdict, 'ended')}")
    view["spec_json"] = pretty_json(attempt.spec)
    # A published table revised after this verdict: said beside it, never changing it.
    view["since_changed"] = attempt_table_changes(attempt.evidence)
    return view
