"""What each viewer may see of a resolver attempt, given the visibility of what it read.

The verdict is always public. Beyond it:

- every file the attempt read is readable by the viewer: the whole attempt;
- some file is `aggregates` to this viewer: the measurement the criterion used and each
  file's sha256 and size, but no run details (models' metadata, task arguments, samples,
  the evidence notes);
- some file is `private` to this viewer: only the verdict, the status and the files' sha256s;
- a spec with `"disclose": "aggregates"` (for criteria over many models) shows non-readers
  only the aggregate numbers ("2 of 3 listed models reach the bar", "the best of them scores
  0.81"), never which model scored what.

Views, the API and the evidence bundle all go through `attempt_disclose`, so one rule
decides what leaves the server. It works on a copy and never writes.
"""

from __future__ import annotations

import copy

from bets.autoresolve.evidence.visibility import (
    artifact_readable_by,
    claim_evidence,
    evidence_reader,
)
from bets.claims.arbiters import claim_arbiter_ids
from bets.common.types import Viewer
from bets.models import Claim, ClaimArtifact, ResolutionAttempt

Visibility = ClaimArtifact.Visibility
FULL, AGGREGATES, PRIVATE = "full", "aggregates", "private"


def spec_discloses_aggregates_only(spec: object) -> bool:
    return isinstance(spec, dict) and spec.get("disclose") == "aggregates"


def aggregates_only_to(spec: object, user: Viewer | None, arbiters: set[int]) -> bool:
    """Whether `user` sees only the aggregates of what `spec` measured: the spec says
    `"disclose": "aggregates"` and the user is not an evidence reader (staff, arbiters)."""
    return spec_discloses_aggregates_only(spec) and not evidence_reader(user, arbiters)


def artifacts_read(attempt: ResolutionAttempt) -> list[str]:
    """Names of the claim's uploaded files the attempt read (from its recorded evidence)."""
    names = []
    for record in (attempt.evidence or {}).get("files", []) or []:
        locator = str(record.get("locator", "")) if isinstance(record, dict) else ""
        kind, _, rest = locator.partition(":")
        if kind == "artifact":
            names.append(rest.split(" -> ")[0])
    return names


def _files_summary(attempt: ResolutionAttempt) -> list[dict]:
    return [
        {"locator": r.get("locator"), "sha256": r.get("sha256"), "bytes": r.get("bytes")}
        for r in (attempt.evidence or {}).get("files", []) or [] if isinstance(r, dict)
    ]


# What a `"disclose": "aggregates"` spec shows non-readers of a measurement: the criterion's
# settings and numbers that belong to no single model. An allow-list, so that a per-model
# key a criterion records (models, gaps, steps, pairs, values, readings, best, ...) stays
# withheld until someone decides it may be shown.
AGGREGATE_KEYS = ("criterion", "metric", "condition", "a", "b", "order", "bar", "min_gap",
                  "min_increase", "confidence", "decide_on", "k", "reached", "undecided",
                  "direction")
# A one-model criterion (threshold, gap) names its model in the public spec: its numbers are
# the aggregate, and the name labels them.
ONE_MODEL_KEYS = ("model", "value", "stderr", "lower", "upper", "gap")


def _count(rows: object, outcome: str = "yes") -> tuple[int, int]:
    rows = rows if isinstance(rows, list) else []
    return sum(1 for r in rows if isinstance(r, dict) and r.get("outcome") == outcome), len(rows)


def _aggregate_measurement(measurement: dict) -> dict:
    """The numbers of a criterion without anything that says which model scored what."""
    kept = {k: measurement[k] for k in AGGREGATE_KEYS if k in measurement}
    if "model" in measurement:
        kept.update({k: measurement[k] for k in ONE_MODEL_KEYS if k in measurement})
    models = measurement.get("models")
    if isinstance(models, list):  # at_least_k, best_model
        values: list[float] = [m["value"] for m in models if isinstance(m, dict)
                               and isinstance(m.get("value"), int | float)]
        kept["models_reaching_bar"], kept["models_listed"] = _count(models)
        kept["best_value"] = max(values) if values else None
    if isinstance(measurement.get("gaps"), list):  # widening_gap
        kept["models_listed"] = len(measurement["gaps"])
        kept["steps_widening"], kept["steps_checked"] = _count(measurement.get("steps"))
    if isinstance(measurement.get("pairs"), list):  # ordering
        kept["pairs_holding"], kept["pairs_checked"] = _count(measurement["pairs"])
    return kept


def _aggregate_reason(attempt: ResolutionAttempt, numbers: dict) -> str:
    verdict = (attempt.verdict or "").upper() or "undecided"
    if "models_reaching_bar" not in numbers:
        return f"{verdict}. The per-model numbers are private to the claim's arbiters."
    what = " ".join(str(x) for x in (numbers.get("condition"), numbers.get("metric")) if x)
    return (f"{verdict}: {numbers['models_reaching_bar']} of {numbers['models_listed']} listed "
            f"models reach {what} >= {numbers.get('bar')}; the best of them scores "
            f"{numbers.get('best_value')}. Which model scored what is private to the "
            "claim's arbiters.")


def live_logs_visibility(spec: object) -> str:
    """A live run's logs take the visibility its spec asks for (`source.visibility`)."""
    source = spec.get("source") if isinstance(spec, dict) else None
    if isinstance(source, dict) and source.get("kind") == "inspect_run":
        return str(source.get("visibility") or Visibility.PUBLIC)
    return Visibility.PUBLIC


def live_logs_readable_by(spec: object, user: Viewer | None, arbiters: set[int]) -> bool:
    """Whether `user` may read a live run's logs: public ones anyone, others the evidence
    readers (staff, the claim's arbiters)."""
    return live_logs_visibility(spec) == Visibility.PUBLIC or evidence_reader(user, arbiters)


def spec_artifacts(spec: object) -> list[str]:
    """Names of the claim's uploaded files a spec names, whether or not a run got to them."""
    from resolvers.registry import spec_locators

    return [x.partition(":")[2] for x in spec_locators(spec) if x.startswith("artifact:")]


def disclosure_level(attempt: ResolutionAttempt, user: Viewer | None, *,
                     artifacts: dict[str, ClaimArtifact], arbiters: set[int],
                     names: list[str] | None = None) -> str:
    """FULL, AGGREGATES or PRIVATE for this viewer; `names`: the files the attempt read (by
    default those its evidence records)."""
    level = FULL
    if not live_logs_readable_by(attempt.spec, user, arbiters):
        if live_logs_visibility(attempt.spec) == Visibility.PRIVATE:
            return PRIVATE
        level = AGGREGATES
    for name in artifacts_read(attempt) if names is None else names:
        artifact = artifacts.get(name)
        if artifact is None or artifact_readable_by(artifact, user, arbiters=arbiters):
            continue
        if artifact.visibility == Visibility.PRIVATE:
            return PRIVATE
        level = AGGREGATES
    return level


def attempt_disclose(attempt: ResolutionAttempt, user: Viewer | None, *,
                     artifacts: dict[str, ClaimArtifact] | None = None,
                     arbiters: set[int] | None = None,
                     names: list[str] | None = None) -> ResolutionAttempt:
    """A copy of the attempt holding only what `user` may see, with `withheld` saying what
    is left out and why ("" when nothing is). `names`: see disclosure_level."""
    if artifacts is None:
        artifacts = {a.name: a for a in ClaimArtifact.objects.filter(claim_id=attempt.claim_id)}
    if arbiters is None:
        arbiters = claim_arbiter_ids(attempt.claim_id)
    shown = copy.copy(attempt)
    shown.withheld = ""
    level = disclosure_level(attempt, user, artifacts=artifacts, arbiters=arbiters, names=names)
    aggregate_spec = aggregates_only_to(attempt.spec, user, arbiters)
    if level == PRIVATE:
        shown.measurement = {}
        shown.evidence = {"files": _files_summary(attempt)}
        shown.reason = ("Decided from private evidence: only the verdict and the sha256 of "
                        "each file it read are public.")
        shown.error = "The run's error is private to the claim's arbiters." if attempt.error \
            else ""
        shown.withheld = ("This attempt read private evidence; its numbers, reason and run "
                          "details are shown only to the claim's arbiters, the uploader and "
                          "admins.")
        return shown
    if level == AGGREGATES or aggregate_spec:
        shown.evidence = {"files": _files_summary(attempt)}
        shown.withheld = ("This attempt read evidence shared as aggregates only: the "
                          "measurement is shown, the files, samples and run details are not.")
    if aggregate_spec:
        numbers = _aggregate_measurement(attempt.measurement or {})
        shown.measurement = numbers
        shown.reason = _aggregate_reason(attempt, numbers)
        shown.withheld = ("The claim's spec discloses aggregates only: per-model numbers are "
                          "private to the claim's arbiters.")
    return shown


def attempts_disclose(attempts: list[ResolutionAttempt], user: Viewer | None, *, claim: Claim,
                      evidence: tuple[list[ClaimArtifact], set[int]] | None = None
                      ) -> list[ResolutionAttempt]:
    """attempt_disclose over a claim's attempts, reading the claim's files and arbiters once."""
    files, arbiters = evidence or claim_evidence(claim.pk)
    artifacts = {a.name: a for a in files}
    return [attempt_disclose(a, user, artifacts=artifacts, arbiters=arbiters) for a in attempts]


def preview_disclose(found: dict, user: Viewer | None, *, claim: Claim) -> dict:
    """A dry run's result ({"verdict", "reason", "measurement", "evidence"}) as this viewer
    may see it: the author of a claim is not automatically a reader of its private files.

    Judged by every file the spec names as well as those the run recorded: a run that failed
    on a file records none, and its reason can quote the file (a table's header)."""
    probe = ResolutionAttempt(claim_id=claim.pk, spec=claim.resolver_spec,
                              verdict=found.get("verdict", ""), reason=found.get("reason", ""),
                              measurement=found.get("measurement") or {},
                              evidence=found.get("evidence") or {})
    names = sorted(set(artifacts_read(probe)) | set(spec_artifacts(claim.resolver_spec)))
    shown = attempt_disclose(probe, user, names=names)
    return {**found, "reason": shown.reason, "measurement": shown.measurement,
            "evidence": shown.evidence, "withheld": shown.withheld}


def flag_reason_for(claim: Claim, user: Viewer | None, *,
                    evidence: tuple[list[ClaimArtifact], set[int]] | None = None) -> str:
    """Why the claim is flagged, as this viewer may read it: the reason quotes the resolver's,
    which can name numbers from evidence the viewer may not see."""
    if not claim.resolver_flag_reason:
        return ""
    files, arbiters = evidence or claim_evidence(claim.pk)
    hidden = any(not artifact_readable_by(a, user, arbiters=arbiters) for a in files)
    if hidden or aggregates_only_to(claim.resolver_spec, user, arbiters):
        return ("The resolver could not settle this claim in time; its reason draws on "
                "evidence that is not public, so only admins and arbiters see it.")
    return claim.resolver_flag_reason
