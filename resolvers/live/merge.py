"""Join the logs of a sharded run into one inspect log per (model, condition).

Each shard ran the same task over a range of samples. The merged log holds every shard's
samples and results computed by inspect's own `eval_results` from the samples' scores, the
same function (and the same SampleScore construction) inspect uses when an eval finishes or
resumes, so its metric and stderr equal what an unsharded run of those samples reports.
A pair whose shard log is missing or did not succeed merges into a log with that status and
error, so the reader refuses it with the reason.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resolvers.live import identity

if TYPE_CHECKING:
    from inspect_ai.log import EvalLog


def _pair(log: EvalLog) -> tuple[str, str]:
    meta = log.eval.metadata or {}
    return str(meta.get("crux_model")), str(meta.get("crux_condition"))


def _shard_logs(directory: Path) -> dict[tuple[str, str], Any]:
    """The newest log per pair in one shard directory (a successful one if there is one)."""
    from inspect_ai.log import read_eval_log

    best: dict[tuple[str, str], Any] = {}
    for path in sorted(directory.glob("*.eval")):
        log = read_eval_log(str(path))
        pair = _pair(log)
        held = best.get(pair)
        if held is None or _rank(log) > _rank(held):
            best[pair] = log
    return best


def _rank(log: Any) -> tuple[bool, str]:
    return log.status == "success", str(log.stats.completed_at or "")


def merge_shards(dirs: list[Path], out: Path) -> Path:
    """Write one merged log per pair (and a joined identity.json) into `out`; return it."""
    from inspect_ai.log import write_eval_log

    if out.exists():
        shutil.rmtree(out)  # a rerun of the finish writes the same merge again
    out.mkdir(parents=True)
    per_shard = [_shard_logs(d) for d in dirs]
    for pair in sorted({p for logs in per_shard for p in logs}):
        merged = _merge_pair([logs.get(pair) for logs in per_shard])
        model, condition = pair
        name = f"{model}_{condition}.eval".replace("/", "_")
        write_eval_log(merged, str(out / name))
    records = [identity.load(d) for d in dirs]
    responses: dict = {}
    for record in records:
        responses = identity.merge_seen(responses, record.get("responses") or {})
    joined = {"merged_from": records, "responses": responses}
    (out / identity.FILE).write_text(json.dumps(joined, sort_keys=True, default=str),
                                     encoding="utf-8")
    return out


def _merge_pair(logs: list[Any]) -> Any:
    from inspect_ai._eval.score import (
        metrics_from_log_header,
        reducers_from_log_header,
        resolve_scorers_info,
    )
    from inspect_ai._eval.task.results import eval_results
    from inspect_ai.log import EvalError
    from inspect_ai.scorer import SampleScore

    present = [log for log in logs if log is not None]
    merged = present[0].model_copy(deep=True)
    samples = [s for log in present for s in (log.samples or [])]
    ids = [i for log in present for i in (log.eval.dataset.sample_ids or [])]
    merged.samples = samples
    merged.eval.dataset.sample_ids = ids
    # Every shard drew its range from the same dataset, so each records the dataset's size
    # (summing them counted it once per shard); sample_ids holds what the run covered.
    merged.eval.dataset.samples = max(log.eval.dataset.samples or 0 for log in present)
    ranges = [log.eval.metadata.get("crux_range") or [0, 0] for log in present]
    merged.eval.metadata = {
        **(merged.eval.metadata or {}), "crux_shard": f"merged {len(logs)}",
        "crux_range": [min(r[0] for r in ranges), max(r[1] for r in ranges)],
        "crux_shard_eval_ids": [log.eval.eval_id for log in present]}
    failed = [log for log in present if log.status != "success"]
    if len(present) < len(logs):
        merged.status = "error"
        merged.error = EvalError(message=f"{len(logs) - len(present)} of {len(logs)} shards "
                                         "wrote no log for this model and condition",
                                 traceback="", traceback_ansi="")
    elif failed:
        merged.status, merged.error = failed[0].status, failed[0].error
    # Built exactly as inspect builds them when it resumes a log (task/run.py).
    scores = [{key: SampleScore(score=score, sample_id=s.id, sample_metadata=s.metadata,
                                scorer=key) for key, score in s.scores.items()}
              for s in samples if s.scores]
    epochs = merged.eval.config.epochs or 1
    results, reductions = eval_results(
        samples=len(ids) * epochs, scores=scores, reducers=reducers_from_log_header(merged),
        scorers=resolve_scorers_info(merged), metrics=metrics_from_log_header(merged),
        completed_samples=sum(1 for s in samples if s.error is None))
    merged.results, merged.reductions = results, reductions
    if merged.stats is not None:
        merged.stats.started_at = min(str(log.stats.started_at) for log in present)
        merged.stats.completed_at = max(str(log.stats.completed_at) for log in present)
    return merged
