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


def _refusal_words(r: dict) -> str:
    status = r.get("status")
    problems = "; ".join(str(p) for p in r.get("problems", []) if p)
    return "refused" + (f": status {status}" if status else "") + (
        f" ({problems})" if problems else "") + (f", error: {r['error']}" if r.get("error")
                                                  else "")


def _listed(evidence: dict, key: str) -> list:
    value = evidence.get(key)
    return value if isinstance(value, list) else []


def file_groups(evidence: dict) -> tuple[list[dict], list[dict]]:
    """(files that decided, files read and set aside with why). The report's `set_aside`
    ({"file", "reason"}) says why when the resolver wrote it; for older attempts the files
    that decided are those of the runs used (`logs`), and the others were set aside: refused
    (with its status and problems), passed over for a newer run, or not used by the spec."""
    evidence = evidence if isinstance(evidence, dict) else {}
    rows = file_rows(evidence)
    logs = _listed(evidence, "logs")
    used = {str(r.get("locator")) for r in logs if isinstance(r, dict)}
    # A JSON document or a table is one file whatever it held: every value came from it.
    used |= {str(r.get("file")) for r in logs if isinstance(r, dict)
             and r.get("file")}
    reasons: dict[str, str] = {}
    for r in _listed(evidence, "refused"):
        if isinstance(r, dict) and r.get("locator"):
            reasons.setdefault(str(r["locator"]), _refusal_words(r))
    for line in _listed(evidence, "selection"):
        # "3 logs matched gen2 cot: used the newest completed, A (completed T); ignored
        # B (completed T2), C (completed T3; status error)"
        ignored = str(line).partition("; ignored ")[2]
        for row in rows:
            at = ignored.find(f"{row['locator']} (completed ") if row["locator"] else -1
            if at < 0:
                continue
            noted = ignored[at + len(row["locator"]) + 2:].split("), ", 1)[0].rstrip(")")
            problems = noted.partition("; ")[2]
            reasons.setdefault(row["locator"], f"refused: {problems}" if problems else
                               "superseded by a newer run of the same model and condition")
    told = evidence.get("set_aside")
    said: set[str] = set()
    if isinstance(told, list):  # the resolver said which files it set aside, and why
        for item in told:
            if isinstance(item, dict) and item.get("file"):
                reasons[str(item["file"])] = str(item.get("reason") or "set aside")
                said.add(str(item["file"]))
    decided, set_aside = [], []
    for row in rows:
        # A file that gave a number decided, even when another of its runs was refused
        # (one lm-eval file holds many tasks), unless the resolver itself set it aside.
        if row["locator"] in used and row["locator"] not in said:
            decided.append(row)
        else:
            set_aside.append({**row, "reason": reasons.get(row["locator"],
                                                           "not used by the spec")})
    return decided, set_aside


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
    """Rows of a table that were set aside (dated after as_of, undated), and why; the files
    set aside are file_groups' second list."""
    rows = []
    for r in evidence.get("set_aside", []) if isinstance(evidence, dict) else []:
        if isinstance(r, dict) and r.get("line") is not None:
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
    decided, set_aside = file_groups(evidence)
    return {
        "sentence": f"{lead} {VERDICT_WORDS.get(verdict, verdict)}{tail}" if verdict else "",
        "verdict": verdict,
        "reason": reason,
        "rows": reading_rows(measurement),
        "chart": mark_safe(evidence_chart(measurement)),  # noqa: S308 (built and escaped in evidence_charts)
        "files": file_rows(evidence),
        "decided_files": decided,
        "set_aside": set_aside,
        "refused": refused_rows(evidence),
        "snapshots": snapshot_rows(evidence),
        "set_aside_rows": set_aside_rows(evidence),
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
