"""A resolver spec, and what a run of it measured, in plain words.

Pure functions, no Django: the claim page shows these words beside the spec's JSON, and an
evidence bundle's README can say the same without the service. Every sentence is built from
the spec (or the measurement a criterion recorded), one per source kind, condition and
criterion kind in the registry. A kind this module does not know, or a field of an odd type,
gets a generic sentence: explaining never raises, because a page must render whatever a
stored spec holds.
"""

from __future__ import annotations

import json
from typing import Any

MINUS = "\u2212"  # a real minus sign: "-0.05" reads as a dash in running text
WHERE = {"artifact": "the file {t} uploaded to the claim",
         "data": "the files matching {t} in Crux's data directory",
         "path": "the files matching {t} in the run's directory",
         "url": "the document at {t}"}
SOURCE_NOUNS = {"inspect_logs": "inspect_ai evaluation logs",
                "lm_eval": "lm-evaluation-harness results files",
                "http_json": "a JSON document", "csv": "a CSV table",
                "published": "a published table"}
AT_MOST = {"yes": "\u2264", "no": ">"}
AT_LEAST = {"yes": "\u2265", "no": "<"}


def number(x: Any) -> str:
    """A number as a sentence says it: two decimals (0.30), three figures when tiny or
    huge, a real minus sign; "?" for anything that is not a number."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return "?"
    if x == 0:
        return "0"
    text = f"{x:.3g}" if x and (abs(x) < 0.01 or abs(x) >= 1000) else f"{x:.2f}"
    return text.replace("-", MINUS)


def _obj(x: Any) -> dict:
    return x if isinstance(x, dict) else {}


def _str(x: Any) -> str:
    return x if isinstance(x, str) else json.dumps(x, default=str)


def _list(items: Any, conjunction: str = "and") -> str:
    names = [_str(i) for i in items] if isinstance(items, list) else [_str(items)]
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def where(location: Any) -> str:
    """Where a spec's `location` reads, in words (a list reads each place)."""
    if isinstance(location, list):
        return _list([where(item) for item in location])
    if isinstance(location, dict) and len(location) == 1:
        [(kind, target)] = location.items()
        if kind in WHERE:
            return WHERE[kind].format(t=_str(target))
    return f"the location {_str(location)}"


def as_of_words(source: dict) -> str:
    """The as_of rule of a table source, or nothing."""
    if "as_of" not in source:
        return ""
    return (f"; rows dated after {_str(source['as_of'])} (by column "
            f"{_str(source.get('date_column', 'date'))}) are set aside")


def _published_sentence(source: dict, place: str) -> str:
    preset = source.get("preset")
    table = (f"the {_str(preset)} table" if preset else f"a {_str(source.get('format'))} "
             "table") + (f" {_str(source['benchmark'])}" if "benchmark" in source else "") + (
        f" ({_str(source['file'])})" if "file" in source else "")
    efforts = _obj(source.get("efforts"))
    paired = "".join(f"; {_str(name)}: rows at effort {_list(levels, 'or')}"
                     for name, levels in efforts.items())
    return (f"Reads {table} from {place}, as pinned in the snapshot retrieved at or after the "
            f"claim's resolve date{paired}{as_of_words(source)}.")


# --- the source --------------------------------------------------------------------------------

def source_sentence(source: Any) -> str:
    """Which logs (or rows, or numbers) count: one sentence per source kind."""
    if not isinstance(source, dict):
        return "The spec names no source of evidence."
    kind = source.get("kind")
    if kind == "inspect_run":
        limit = source.get("limit")
        samples = f"the first {_str(limit)} samples of" if limit is not None else "all of"
        epochs = source.get("epochs", 1)
        return (f"Runs {samples} Crux's bundled task {_str(source.get('task'))} live against "
                f"the endpoint {_str(source.get('endpoint'))}, for the models "
                f"{_list(source.get('models') or [])}, under the solver recipes "
                f"{_list(source.get('conditions') or [])}, {_str(epochs)} epoch"
                f"{'' if epochs == 1 else 's'} each; the logs it writes are the evidence.")
    place = where(source.get("location"))
    if kind == "http_json":
        stderr = (f", and its stderr at {_str(source['stderr_path'])}"
                  if "stderr_path" in source else "")
        return (f"Reads {place} (JSON) and takes each number at the path "
                f"{_str(source.get('path'))}{stderr}{as_of_words(source)}.")
    if kind == "csv":
        columns = _obj(source.get("columns"))
        extra = [f"conditions in column {_str(columns['condition'])}"
                 if "condition" in columns else "",
                 f"stderr in column {_str(columns['stderr'])}" if "stderr" in columns else "",
                 f"only rows whose {_str(columns.get('task'))} column reads "
                 f"{_str(source['task'])}" if "task" in source else ""]
        return (f"Reads {place} (CSV): models in column {_str(columns.get('model'))}, values "
                f"in column {_str(columns.get('value'))}"
                + "".join(f", {e}" for e in extra if e) + as_of_words(source) + ".")
    if kind == "published":
        return _published_sentence(source, place)
    if kind in ("inspect_logs", "lm_eval"):
        only = [f"task {_str(source['task'])}" if "task" in source else "",
                f"dataset {_str(source['dataset'])}" if "dataset" in source else ""]
        named = " on ".join(o for o in only if o)
        counted = (f"; only runs of {named} count (logs of any other task or dataset are set "
                   "aside)" if named else "")
        how = [f"scorer {_str(source['scorer'])}" if "scorer" in source else "",
               f"the {_str(source['reducer'])} of its epochs" if "reducer" in source else "",
               f"filter {_str(source['filter'])}" if "filter" in source else ""]
        used = ", ".join(h for h in how if h)
        return (f"Reads {SOURCE_NOUNS[kind]} from {place}{counted}"
                + (f"; the number read is that of {used}" if used else "") + ".")
    return f"Reads evidence of kind {_str(kind)} from {place}."


def models_sentence(spec: Any) -> str:
    """Which model names count, with the short names (aliases) the criterion uses."""
    if not isinstance(spec, dict):
        return ""
    criterion = _obj(spec.get("criterion"))
    listed = criterion.get("models")
    names: list = listed if isinstance(listed, list) else (
        [criterion["model"]] if "model" in criterion else [])
    aliases = _obj(spec.get("models"))
    shown = [f"{_str(n)} ({_str(aliases[n])})" if isinstance(n, str) and n in aliases
             else _str(n) for n in names]
    if not shown:
        return ""
    keys = _obj(_obj(spec.get("source")).get("models"))
    in_doc = "; in the document, " + _list([f"{_str(m)} is the key {_str(k)}"
                                            for m, k in keys.items()]) if keys else ""
    return (f"Models: {_list(shown)}, as each run records its model's name"
            + (" (short names in brackets are the full names)" if aliases else "")
            + in_doc + ".")


# --- conditions --------------------------------------------------------------------------------

def _inspect_condition(definition: dict) -> str:
    parts = []
    if "solvers" in definition:
        parts.append(f"solver plan is exactly {_list(definition['solvers'], 'then')}")
    for key, verb in (("solvers_include", "includes"), ("solvers_exclude", "leaves out")):
        if key in definition:
            parts.append(f"solver plan {verb} {_list(definition[key])}")
    for key, noun in (("task_args", "task argument"), ("metadata", "metadata")):
        if isinstance(definition.get(key), dict):
            parts += [f"{noun} {k} is {_str(v)}" for k, v in definition[key].items()]
    if "tags" in definition:
        parts.append(f"tags include {_list(definition['tags'])}")
    if "epochs" in definition:
        parts.append(f"run is over {_str(definition['epochs'])} epochs")
    return "runs whose " + " and whose ".join(parts) if parts else ""


def condition_sentence(source: Any, name: str, definition: Any) -> str:
    """What one named condition means, e.g. "cot: runs whose solver plan includes
    chain_of_thought"."""
    kind = source.get("kind") if isinstance(source, dict) else None
    words = ""
    if kind == "inspect_logs" and isinstance(definition, dict):
        words = _inspect_condition(definition)
    elif kind == "lm_eval" and isinstance(definition, dict):
        words = "results of task " + _str(definition.get("task", "(the source's task)")) + (
            f" with filter {_str(definition['filter'])}" if "filter" in definition else "")
    elif kind == "http_json" and isinstance(definition, str):
        words = f"the key {definition} where the path says {{condition}}"
    elif kind == "csv" and isinstance(definition, str):
        words = f"rows whose condition cell reads {definition}"
    elif kind == "inspect_run":
        from resolvers.recipes import RECIPES  # light: the names and their solver plans

        plan = RECIPES.get(name)
        words = f"the solver recipe {plan}" if plan else ""
    return f"{name}: {words or 'as the spec defines it, ' + _str(definition)}"


def condition_sentences(spec: Any) -> list[str]:
    source = spec.get("source") if isinstance(spec, dict) else None
    if not isinstance(source, dict):
        return []
    conditions = source.get("conditions")
    if isinstance(conditions, dict):
        return [condition_sentence(source, str(n), d) for n, d in conditions.items()]
    if source.get("kind") == "inspect_run" and isinstance(conditions, list):
        return [condition_sentence(source, str(n), None) for n in conditions]
    return []


# --- the criterion and its decision rule -------------------------------------------------------

def _under(c: dict, key: str = "condition") -> str:
    return f" under {_str(c[key])}" if c.get(key) is not None else ""


def criterion_sentence(criterion: Any) -> str:
    """When the claim resolves YES (and otherwise NO), one sentence per criterion kind."""
    if not isinstance(criterion, dict):
        return "The spec names no criterion."
    c, kind = criterion, criterion.get("kind")
    metric = _str(c.get("metric"))
    models = _list(c.get("models") or [])
    if kind == "threshold":
        side = "at most" if "at_most" in c else "at least"
        bar = c.get("at_most", c.get("at_least"))
        return (f"YES when {_str(c.get('model'))}'s {metric}{_under(c)} is {side} "
                f"{number(bar)}; otherwise NO.")
    if kind == "gap":
        return (f"YES when {_str(c.get('model'))}'s {metric} under {_str(c.get('a'))} exceeds "
                f"its {metric} under {_str(c.get('b'))} by at least {number(c.get('min_gap'))} "
                f"(the gap is {_str(c.get('a'))} minus {_str(c.get('b'))}); otherwise NO.")
    if kind == "widening_gap":
        by = (f" by at least {number(c['min_increase'])}" if c.get("min_increase")
              else " (strictly)")
        return (f"YES when the {_str(c.get('a'))} minus {_str(c.get('b'))} gap in {metric} "
                f"grows{by} from each model to the next, in the order {models}; otherwise NO.")
    if kind == "ordering":
        by = f", each by at least {number(c['min_gap'])}" if c.get("min_gap") else ""
        order = " > ".join(_str(o) for o in c.get("order") or [])
        return (f"YES when, for every one of {models}, {metric} ranks {order} (highest first"
                f"{by}); otherwise NO.")
    if kind == "at_least_k":
        return (f"YES when at least {_str(c.get('k'))} of {models} reach at least "
                f"{number(c.get('at_least'))} in {metric}{_under(c)}; otherwise NO.")
    if kind == "best_model":
        return (f"YES when the best of {models} reaches at least {number(c.get('at_least'))} "
                f"in {metric}{_under(c)}; otherwise NO.")
    return f"Decided by the criterion {_str(kind)} as its fields say: {_str(c)}."


def _bar_of(c: dict) -> str:
    kind = c.get("kind")
    key = {"threshold": "at_most" if "at_most" in c else "at_least", "gap": "min_gap",
           "widening_gap": "min_increase", "ordering": "min_gap"}.get(str(kind), "at_least")
    return number(c.get(key, 0))


def rule_sentence(criterion: Any) -> str:
    """The decision rule: the value itself, a whole interval, or one end of it."""
    if not isinstance(criterion, dict):
        return ""
    bar, confidence = _bar_of(criterion), criterion.get("confidence")
    if not isinstance(confidence, int | float) or isinstance(confidence, bool):
        rule = f"The measured value itself is compared with {bar}, with no interval"
    else:
        pct = f"{confidence * 100:g}%"
        side = {"lower_bound": "lower", "upper_bound": "upper"}.get(
            str(criterion.get("decide_on")))
        if side:
            rule = (f"The {side} end of a {pct} interval (value \u00b1 its reported stderr "
                    f"times the normal quantile) must clear {bar}: YES if it does, NO if not")
        else:
            rule = (f"The whole {pct} interval must clear {bar} for YES and miss it for NO; "
                    "an interval that straddles it leaves the claim undecided")
    return (rule + ". A run that failed, was cut short or is missing leaves the claim "
            "undecided.")


def explain_spec(spec: Any) -> dict[str, Any]:
    """The spec in words: {"source", "models", "conditions", "criterion", "rule"}."""
    spec = spec if isinstance(spec, dict) else {}
    criterion = spec.get("criterion")
    return {"source": source_sentence(spec.get("source")), "models": models_sentence(spec),
            "conditions": condition_sentences(spec),
            "criterion": criterion_sentence(criterion), "rule": rule_sentence(criterion)}


# --- what a run measured ------------------------------------------------------------------------

def _short(model: Any, names: dict[str, str]) -> str:
    """A model as a sentence names it: its alias, else the part after the provider."""
    text = _str(model)
    return names.get(text) or text.rsplit("/", 1)[-1]


def _interval(row: dict, m: dict) -> str:
    lower, upper = row.get("lower"), row.get("upper")
    if lower is None or upper is None or m.get("decide_on") in (None, "value"):
        return ""
    pct = f"{m['confidence'] * 100:g}%" if isinstance(m.get("confidence"), int | float) else ""
    rule = m.get("decide_on")
    if rule == "lower_bound":
        return f" ({pct} lower bound {number(lower)})"
    if rule == "upper_bound":
        return f" ({pct} upper bound {number(upper)})"
    return f" ({pct} interval {number(lower)} to {number(upper)})"


def _against(row: dict, m: dict, outcome: Any, *, at_most: bool = False) -> str:
    """"0.25 ≥ 0.10", with the interval the rule used and the verb of its outcome. A bar
    of 0 is strict (widening and ordering mean "grows", "ranks above")."""
    bar = row.get("bar")
    ops = {"yes": ">", "no": "≤"} if bar == 0 else None
    return (f"{number(row.get('value'))}{_interval(row, m)} {_op(outcome, at_most, ops)} "
            f"{number(bar)}")


def _op(outcome: Any, at_most: bool = False, ops: dict[str, str] | None = None) -> str:
    ops = ops or (AT_MOST if at_most else AT_LEAST)
    return ops.get(str(outcome), "straddles" if outcome == "inconclusive" else "vs")


def _pm(row: Any) -> str:
    if not isinstance(row, dict):
        return "?"
    se = row.get("stderr")
    return number(row.get("value")) + (f" \u00b1 {number(se)}" if se is not None else "")


def measurement_summary(measurement: Any, verdict: str) -> str:
    """What a run compared, in a line, e.g. "gen2 cot 0.70 ± 0.11 vs snap 0.45 ± 0.11, gap
    0.25 ≥ 0.10"; "" when the measurement holds no numbers (withheld, or none read)."""
    m = measurement if isinstance(measurement, dict) else {}
    names = {str(r["model"]): str(r["alias"]) for r in m.get("readings") or []
             if isinstance(r, dict) and r.get("alias") and r.get("model")}
    kind = m.get("criterion")
    try:
        if kind == "threshold" and "value" in m:
            what = " ".join(_str(x) for x in (m.get("condition"), m.get("metric")) if x)
            at_most = m.get("direction") == "at_most"
            return (f"{_short(m.get('model'), names)} {what} {_pm(m)}{_interval(m, m)} "
                    f"{_op(verdict, at_most)} {number(m.get('bar'))}")
        if kind == "gap" and isinstance(m.get("a"), dict) and isinstance(m.get("b"), dict):
            a, b = m["a"], m["b"]
            return (f"{_short(m.get('model'), names)} {_str(a.get('condition'))} {_pm(a)} vs "
                    f"{_str(b.get('condition'))} {_pm(b)}, gap {_against(m, m, verdict)}")
        if kind == "widening_gap" and m.get("gaps"):
            trail = " \u2192 ".join(f"{_short(g.get('model'), names)} {number(g.get('gap'))}"
                                    for g in m["gaps"])
            worst = [s for s in m.get("steps") or [] if s.get("outcome") == verdict] or [{}]
            step = worst[0]
            tail = (f"; {_short(step.get('from'), names)} \u2192 {_short(step.get('to'), names)} "
                    f"grows by {_against({**step, 'bar': m.get('min_increase', 0)}, m, verdict)}"
                    if step else "")
            return f"{_str(m.get('a'))} \u2212 {_str(m.get('b'))} gap {trail}{tail}"
        if kind == "ordering" and m.get("pairs"):
            pairs = m["pairs"]
            shown = [p for p in pairs if p.get("outcome") == verdict] or pairs
            closest = min(shown, key=lambda p: p.get("lower") if p.get("lower") is not None
                          else p.get("value", 0))
            high, low = (closest.get("conditions") or ["?", "?"])[:2]
            return (f"{' > '.join(_str(o) for o in m.get('order') or [])} for "
                    f"{len({p.get('model') for p in pairs})} models; closest: "
                    f"{_short(closest.get('model'), names)} {high} \u2212 {low} "
                    + _against({**closest, "bar": m.get("min_gap", 0)}, m,
                               closest.get("outcome")))
        if kind in ("at_least_k", "best_model") and m.get("models"):
            what = " ".join(_str(x) for x in (m.get("condition"), m.get("metric")) if x)
            each = ", ".join(f"{_short(r.get('model'), names)} {_pm(r)}" for r in m["models"])
            if kind == "at_least_k":
                return (f"{_str(m.get('reached'))} of {len(m['models'])} models reach {what} "
                        f"\u2265 {number(m.get('bar'))} (need {_str(m.get('k'))}): {each}")
            return (f"best of {len(m['models'])} on {what}: {_short(m.get('best'), names)} "
                    f"{number(m.get('best_value'))} {_op(verdict)} "
                    f"{number(m.get('bar'))} ({each})")
    except (TypeError, AttributeError, ValueError):  # a stored measurement of an odd shape
        return ""
    return ""
