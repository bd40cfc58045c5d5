"""Import and export of the crux-export format (documented in docs/interchange.md).

Export writes every public claim with its forecasts and, for resolved claims, the scores.
Import validates the whole document before writing anything, then writes it in one
transaction and scores the resolved claims before returning, so a failed import leaves no
trace and a successful one is complete.

Imported claims keep their source id as their primary key (the documented convention that
makes re-import detectable without an extra column): importing a claim whose id already
exists is refused, and an export of the imported data carries the same ids.
"""

from datetime import datetime
from typing import cast

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from bets.claims.continuous.scale import CONTINUOUS_KINDS
from bets.common.types import AuthUser
from bets.interchange import kinds
from bets.interchange.checks import (
    FORMAT,
    VERSION,
    ClaimPlan,
    InterchangeError,
    iso,
    parse_json,
    validate_document,
)
from bets.models import Claim, Forecast, ResolutionEvent, Score
from bets.scoring.services import claim_score

__all__ = [
    "FORMAT",
    "VERSION",
    "InterchangeError",
    "export_document",
    "import_document",
    "import_text",
    "validate_document",
]

EXPORTED_STATUSES = (
    Claim.Status.OPEN,
    Claim.Status.CLOSED,
    Claim.Status.RESOLVED,
    Claim.Status.ANNULLED,
)

User = get_user_model()


# --- export -------------------------------------------------------------------------------


def _forecast_value(f: Forecast) -> dict:
    if f.cdf is not None:
        return {"cdf": f.cdf}
    if f.probabilities is not None:
        return {"probabilities": f.probabilities}
    return {"probability": f.probability}


def _export_claim(claim: Claim) -> dict:
    resolution = None
    if claim.status == Claim.Status.RESOLVED and claim.kind != Claim.Kind.BINARY:
        resolution = {
            "value": kinds.export_resolution_value(claim),
            "actual_resolve_time": iso(claim.actual_resolve_time),
        }
    elif claim.status == Claim.Status.RESOLVED:
        resolution = {
            "outcome": claim.outcome,
            "actual_resolve_time": iso(claim.actual_resolve_time),
        }
    elif claim.status == Claim.Status.ANNULLED:
        resolution = {"outcome": "annulled", "actual_resolve_time": iso(claim.actual_resolve_time)}
    forecasts = sorted(claim.forecasts.all(), key=lambda f: (f.start_time, f.id))
    scores = sorted(claim.scores.all(), key=lambda s: s.participant.username)
    return {
        "id": claim.pk,
        "title": claim.title,
        "statement": claim.statement,
        "kind": claim.kind,
        **kinds.export_fields(claim),
        "open_time": iso(claim.open_time),
        "close_time": iso(claim.close_time),
        **({"spot_scoring_time": iso(claim.spot_scoring_time)} if claim.spot_scoring_time
           else {}),
        "resolution": resolution,
        "forecasts": [
            {
                "participant": f.participant.username,
                **_forecast_value(f),
                "start_time": iso(f.start_time),
                "end_time": iso(f.end_time),
            }
            for f in forecasts
        ],
        "scores": [
            {
                "participant": s.participant.username,
                "baseline": s.baseline,
                "peer": s.peer,
                "coverage": s.coverage,
                "brier": s.brier,
                "log": s.log,
                # CRPS only where it applies (numeric and date), as the kind's fields are.
                **({"crps": s.crps} if claim.kind in CONTINUOUS_KINDS else {}),
            }
            for s in scores
        ],
    }


def export_document() -> dict:
    """Every public claim (open, closed, resolved, annulled), oldest id first."""
    claims = (
        Claim.objects.filter(status__in=EXPORTED_STATUSES)
        .order_by("pk")
        .prefetch_related("forecasts__participant", "scores__participant")
    )
    exported = [_export_claim(c) for c in claims]
    usernames = sorted(
        {f["participant"] for c in exported for f in c["forecasts"]}
        | {s["participant"] for c in exported for s in c["scores"]}
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "participants": [{"username": u} for u in usernames],
        "claims": exported,
    }


# --- import: writing ----------------------------------------------------------------------


def _ensure_users(usernames: list[str]) -> tuple[dict[str, AuthUser], int]:
    users: dict[str, AuthUser] = {
        u.username: u for u in User.objects.filter(username__in=usernames)
    }
    created = 0
    for name in usernames:
        if name not in users:
            user = User(username=name)
            user.set_unusable_password()
            user.save()
            users[name] = user
            created += 1
    return users, created


def _create_claim(plan: ClaimPlan, users: dict, now: datetime) -> Claim:
    # validate_document refuses every plan without valid open and close times.
    open_time, close_time = cast(datetime, plan.open_time), cast(datetime, plan.close_time)
    resolved = plan.outcome in ("yes", "no", "value")
    if resolved:
        status = Claim.Status.RESOLVED
    elif plan.outcome == "annulled":
        status = Claim.Status.ANNULLED
    else:
        status = Claim.Status.CLOSED if close_time <= now else Claim.Status.OPEN
    settled = 1 if plan.outcome else 0
    claim = Claim.objects.create(
        pk=plan.id,
        title=plan.title,
        statement=plan.statement,
        resolution_criteria="",
        **kinds.plan_kind_values(plan.kind_fields),
        spot_scoring_time=plan.spot_scoring_time,
        status=status,
        open_time=open_time,
        close_time=close_time,
        resolve_after=close_time,
        outcome=plan.outcome if plan.outcome in ("yes", "no") else None,
        resolution=plan.resolution,
        actual_resolve_time=plan.actual_resolve_time,
        resolved_at=now if plan.outcome else None,
        resolution_method=Claim.Method.IMPORT if plan.outcome else "",
        criteria_frozen_at=min((f.start_time for f in plan.forecasts), default=None),
        # Imported claims carry no bets, so their resolution has nothing to settle.
        resolution_seq=settled,
        settled_seq=settled,
    )
    Forecast.objects.bulk_create(
        Forecast(
            claim=claim,
            participant=users[f.participant],
            probability=f.probability,
            cdf=f.cdf,
            probabilities=f.probabilities,
            start_time=f.start_time,
            end_time=f.end_time,
        )
        for f in plan.forecasts
    )
    if plan.outcome:
        ResolutionEvent.objects.create(
            claim=claim,
            action="annul" if plan.outcome == "annulled" else "resolve",
            outcome=plan.outcome if plan.outcome in ("yes", "no") else "",
            resolution=plan.resolution or "",
            actual_resolve_time=plan.actual_resolve_time,
            method=Claim.Method.IMPORT,
            note="Imported from a crux-export document.",
            resolution_seq=settled,
        )
    return claim


def _reset_claim_id_sequence() -> None:
    """Explicit ids bypass PostgreSQL's sequence; move it past them so new claims never clash."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Claim])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@transaction.atomic
def import_document(doc: object, *, now: datetime | None = None) -> dict:
    """Import a parsed crux-export document; all or nothing. Returns counts of what it wrote."""
    now = now or timezone.now()
    participants, plans = validate_document(doc, now=now)
    users, created = _ensure_users(participants)
    claims = [_create_claim(plan, users, now) for plan in plans]
    _reset_claim_id_sequence()
    scored = sum(
        claim_score(claim_id=c.pk, seq=c.resolution_seq)
        for c in claims
        if c.status == Claim.Status.RESOLVED
    )
    return {
        "participants_created": created,
        "claims": len(claims),
        "forecasts": sum(len(p.forecasts) for p in plans),
        "claims_scored": scored,
        "scores": Score.objects.filter(claim__in=claims).count(),
    }


def import_text(text: str | bytes, *, now: datetime | None = None) -> dict:
    return import_document(parse_json(text), now=now)
