"""The one plain sentence at the top of an automatically resolved claim: where its resolution
stands and on what numbers ("Proposed YES on 3 Dec from 2 logs: gen3 cot 0.93 ± 0.05 vs snap
0.63 ± 0.09, gap 0.30 ≥ 0.20. Final on 6 Dec unless disputed.").

Built in the view from what the panel already read: the claim, its proposals, and its newest
attempts as the viewer may see them (disclosed), so the sentence never shows a number the
attempt itself would not. The numbers are put in words by resolvers.explain, which the
evidence bundle's README can use too.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone

from bets.models import Claim, ClaimDryRun, ResolutionAttempt, ResolutionProposal
from resolvers.explain import measurement_summary

VERDICT_WORDS = {"yes": "YES", "no": "NO", "inconclusive": "undecided"}
FAILED = (ResolutionAttempt.Status.FAILED_TRANSIENT, ResolutionAttempt.Status.FAILED_PERMANENT)
ACTIVE = (ResolutionProposal.Status.PENDING, ResolutionProposal.Status.DISPUTED)


def day(moment: datetime | None, *, now: datetime) -> str:
    """"3 Dec" (with the year when it is not this year's), in UTC."""
    if moment is None:
        return "an unknown day"
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%b}" + (f" {moment.year}" if moment.year != now.year else "")


def _logs(attempt: ResolutionAttempt) -> int:
    evidence = attempt.evidence if isinstance(attempt.evidence, dict) else {}
    return len({str(r.get("locator")) for r in evidence.get("logs", []) if isinstance(r, dict)})


def _numbers(attempt: ResolutionAttempt | None, verdict: str) -> str:
    """" from 2 logs: gen2 cot 0.70 ± 0.11 vs snap 0.45 ± 0.11, gap 0.25 ≥ 0.10", or less
    when the viewer may not see the numbers."""
    if attempt is None:
        return ""
    logs = _logs(attempt)
    measured = measurement_summary(attempt.measurement, verdict)
    return (f" from {logs} log{'s' if logs != 1 else ''}" if logs else "") + (
        f": {measured}" if measured else "")


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith(".") else text + "."


def claim_summary(claim: Claim, *, attempts: list[ResolutionAttempt],
                  proposals: list[ResolutionProposal], dry_run: ClaimDryRun | None,
                  now: datetime | None = None) -> str:
    """The sentence, or "" for a claim without a resolver spec. `attempts`: the newest
    first, as the viewer may see them; `proposals`: the claim's, newest first."""
    if not claim.resolver_spec:
        return ""
    now = now or timezone.now()
    by_pk = {a.pk: a for a in attempts}
    if claim.status == Claim.Status.ANNULLED:
        return f"Annulled on {day(claim.resolved_at, now=now)}."
    if claim.status == Claim.Status.RESOLVED:
        outcome = VERDICT_WORDS.get(claim.outcome or "", str(claim.outcome).upper())
        final = next((p for p in proposals
                      if p.status == ResolutionProposal.Status.FINALIZED), None)
        if claim.resolution_method == Claim.Method.AUTOMATIC and final is not None:
            return _sentence(f"Resolved {outcome} on {day(claim.resolved_at, now=now)}"
                             + _numbers(by_pk.get(final.attempt_id), final.outcome))
        return f"Resolved {outcome} on {day(claim.resolved_at, now=now)} by a moderator."
    active = next((p for p in proposals if p.status in ACTIVE), None)
    if active is not None:
        said = _sentence(f"Proposed {VERDICT_WORDS.get(active.outcome, active.outcome)} on "
                         f"{day(active.created_at, now=now)}"
                         + _numbers(by_pk.get(active.attempt_id), active.outcome))
        if active.status == ResolutionProposal.Status.DISPUTED:
            return f"{said} Disputed: an admin decides."
        return f"{said} Final on {day(active.finalize_after, now=now)} unless disputed."
    finished = [a for a in attempts if a.status != ResolutionAttempt.Status.RUNNING]
    if finished:
        proposed = {p.attempt_id: p for p in proposals}
        return _attempt_sentence(claim, finished[0], proposed.get(finished[0].pk), now=now)
    if attempts:
        return f"A run started on {day(attempts[0].started_at, now=now)} is in progress."
    waiting = (f"Waiting for its first run: the resolver may decide from "
               f"{day(claim.resolve_after, now=now)}.")
    if dry_run is not None:
        verdict = VERDICT_WORDS.get(dry_run.verdict, dry_run.verdict)
        return f"{waiting} Would resolve as {verdict} today: {_sentence(dry_run.reason)}"
    return waiting


def _attempt_sentence(claim: Claim, attempt: ResolutionAttempt,
                      proposal: ResolutionProposal | None, *, now: datetime) -> str:
    when = day(attempt.finished_at or attempt.started_at, now=now)
    if attempt.status in FAILED:
        return _sentence(f"The last run, on {when}, could not finish: "
                         f"{attempt.error or 'no reason recorded'}")
    if attempt.verdict == "inconclusive":
        return _sentence(f"Undecided on {when}: {attempt.reason}")
    verdict = VERDICT_WORDS.get(attempt.verdict, attempt.verdict)
    numbers = _numbers(attempt, attempt.verdict)
    if proposal is not None:  # proposed, then overturned or superseded
        return _sentence(f"Proposed {verdict} on {when}{numbers}") + (
            f" That proposal was {proposal.get_status_display().lower()}.")
    after = day(claim.resolve_after, now=now)
    return _sentence(f"Would resolve as {verdict} on {when}{numbers}") + (
        f" A measurement only: the resolver decides from {after}.")
