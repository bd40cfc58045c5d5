"""Validation of crux-export documents: every problem found, each named by claim and field.

Nothing here writes; bets.interchange.services imports only what passes.
"""

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from bets.common.errors import InvalidInput
from bets.common.ids import MAX_ID
from bets.common.text import bidi_controls_problem
from bets.interchange import kinds
from bets.models import Claim
from bets.models.claims import CLAIM_TEXT_MAX, PROBABILITY_MAX, PROBABILITY_MIN, TITLE_MAX

FORMAT = "crux-export"
VERSION = 2  # what export writes; version 1 files (binary claims only) still import
VERSIONS = (1, 2)

MAX_ERRORS = 100

User = get_user_model()


class InterchangeError(InvalidInput):
    """The document is not importable; `errors` lists every problem found, each located."""

    def __init__(self, errors: list[str]):
        shown = errors[:MAX_ERRORS]
        more = len(errors) - len(shown)
        if more:
            shown = [*shown, f"... and {more} more problems."]
        super().__init__("\n".join(shown))
        self.errors = shown

    def as_dict(self) -> dict:
        return {"detail": self.errors}


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class ForecastPlan:
    participant: str
    probability: float | None
    start_time: datetime
    end_time: datetime | None
    cdf: list[float] | None = None
    probabilities: list[float] | None = None


@dataclass
class ClaimPlan:
    id: int
    title: str
    statement: str
    # None while a time is invalid; validate_document refuses such plans.
    open_time: datetime | None
    close_time: datetime | None
    outcome: str | None = None  # yes | no | annulled | None
    actual_resolve_time: datetime | None = None
    forecasts: list[ForecastPlan] = field(default_factory=list)
    # Version 2: the kind and its fields (kinds.kind_fields), a non-binary resolution.
    kind_fields: dict | None = None
    resolution: str | None = None
    spot_scoring_time: datetime | None = None


class _Problems(list):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


def parse_json(text: str | bytes) -> object:
    def refuse_constant(name):
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        return json.loads(text, parse_constant=refuse_constant)
    except UnicodeDecodeError:
        raise InterchangeError(["The file is not UTF-8 text."]) from None
    except RecursionError:
        raise InterchangeError(["The JSON is nested too deeply."]) from None
    except ValueError as exc:
        raise InterchangeError([f"Not valid JSON: {exc}"]) from None


def _text(value, where, name, problems, *, required=True, max_length=200) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.add(f"{where}.{name}", "must be a non-empty string.")
        return ""
    if len(value) > max_length:
        problems.add(f"{where}.{name}", f"at most {max_length} characters.")
    if "\x00" in value:
        problems.add(f"{where}.{name}", "must not contain NUL characters.")
    if name in ("title", "username") and (problem := bidi_controls_problem(value)):
        problems.add(f"{where}.{name}", problem)
    return value.strip() if required else value


def _time(value, where, name, problems, *, nullable=False) -> datetime | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        problems.add(f"{where}.{name}", "must be an ISO 8601 time string.")
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        problems.add(f"{where}.{name}", f"{value[:40]!r} is not an ISO 8601 time.")
        return None
    if timezone.is_naive(parsed):
        problems.add(f"{where}.{name}", "needs a time zone, e.g. 2026-01-01T00:00:00Z.")
        return None
    return parsed.astimezone(UTC)


def _probability(value, where, problems) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(f"{where}.probability", "must be a number.")
        return None
    try:
        p = float(value)
    except OverflowError:
        p = math.inf
    if not math.isfinite(p) or not PROBABILITY_MIN <= p <= PROBABILITY_MAX:
        problems.add(
            f"{where}.probability", f"must be between {PROBABILITY_MIN} and {PROBABILITY_MAX}."
        )
        return None
    return p


def _claim_id(value, where, problems) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        problems.add(f"{where}.id", "must be a positive integer.")
        return None
    return value


def _participants(raw, problems) -> list[str]:
    if not isinstance(raw, list):
        problems.add("participants", "must be a list.")
        return []
    names: list[str] = []
    for i, entry in enumerate(raw):
        where = f"participants[{i}]"
        if not isinstance(entry, dict):
            problems.add(where, "must be an object with a username.")
            continue
        name = _text(entry.get("username"), where, "username", problems, max_length=150)
        if not name:
            continue
        try:
            User.username_validator(name)
        except Exception:
            problems.add(f"{where}.username", "letters, digits and @/./+/-/_ only.")
            continue
        if name in names:
            problems.add(f"{where}.username", f"{name!r} is listed twice.")
        names.append(name)
    return names


def _forecasts(raw, where, claim: ClaimPlan, known: set[str], problems) -> list[ForecastPlan]:
    if not isinstance(raw, list):
        problems.add(f"{where}.forecasts", "must be a list.")
        return []
    plans = []
    for i, entry in enumerate(raw):
        here = f"{where}.forecasts[{i}]"
        if not isinstance(entry, dict):
            problems.add(here, "must be an object.")
            continue
        who = entry.get("participant")
        if not isinstance(who, str) or who not in known:
            problems.add(f"{here}.participant", f"{who!r} is not listed in participants.")
        p, value = None, None
        if claim.kind_fields is None or claim.kind_fields["kind"] == Claim.Kind.BINARY:
            p = _probability(entry.get("probability"), here, problems)
        else:
            value = kinds.forecast_value(entry, here, claim.kind_fields, problems)
        start = _time(entry.get("start_time"), here, "start_time", problems)
        end = _time(entry.get("end_time"), here, "end_time", problems, nullable=True)
        if start and end and end <= start:
            problems.add(f"{here}.end_time", "must be after start_time.")
        open_time, close_time = claim.open_time, claim.close_time
        if start and open_time and close_time and not open_time <= start < close_time:
            problems.add(f"{here}.start_time", "must be within [open_time, close_time).")
        if isinstance(who, str) and (p is not None or value is not None) and start:
            key, values = value or ("", None)
            plans.append(ForecastPlan(who, p, start, end, cdf=values if key == "cdf" else None,
                                      probabilities=values if key == "probabilities" else None))
    _check_overlaps(plans, where, problems)
    return plans


def _check_overlaps(plans: list[ForecastPlan], where: str, problems) -> None:
    """One participant's intervals on one claim must not overlap (at most one stands)."""
    by_participant: dict[str, list[ForecastPlan]] = {}
    for plan in plans:
        by_participant.setdefault(plan.participant, []).append(plan)
    for who, rows in by_participant.items():
        rows.sort(key=lambda r: r.start_time)
        for before, after in zip(rows, rows[1:], strict=False):
            if before.end_time is None or before.end_time > after.start_time:
                problems.add(
                    f"{where}.forecasts",
                    f"forecasts of {who!r} overlap (one starting {iso(before.start_time)} "
                    f"is still standing at {iso(after.start_time)}).",
                )
                break


def _resolution(raw, where, plan: ClaimPlan, problems, now: datetime) -> None:
    if raw is None:
        return
    if not isinstance(raw, dict):
        problems.add(f"{where}.resolution", "must be null or an object.")
        return
    outcome = raw.get("outcome")
    fields = plan.kind_fields
    if fields and fields["kind"] != Claim.Kind.BINARY and outcome != "annulled":
        if "outcome" in raw:
            problems.add(f"{where}.resolution.outcome", "only 'annulled': a "
                         f"{fields['kind']} claim resolves with a value.")
            return
        plan.resolution = kinds.resolution_value(raw, where, fields, problems)
        if plan.resolution is None:
            return
        outcome = "value"
    elif outcome not in ("yes", "no", "annulled"):
        problems.add(f"{where}.resolution.outcome", "must be 'yes', 'no' or 'annulled'.")
        return
    plan.outcome = outcome
    nullable = outcome == "annulled"
    t = _time(
        raw.get("actual_resolve_time"),
        f"{where}.resolution",
        "actual_resolve_time",
        problems,
        nullable=nullable,
    )
    if t and plan.open_time and not plan.open_time <= t <= now:
        problems.add(
            f"{where}.resolution.actual_resolve_time", "must be between open_time and now."
        )
    plan.actual_resolve_time = t


def _claim(raw, index: int, known: set[str], problems, now: datetime, version: int
           ) -> ClaimPlan | None:
    where = f"claims[{index}]"
    if not isinstance(raw, dict):
        problems.add(where, "must be an object.")
        return None
    claim_id = _claim_id(raw.get("id"), where, problems)
    if claim_id is not None:
        where = f"claim {claim_id} ({where})"
    fields = None
    if version == 1 and raw.get("kind") != Claim.Kind.BINARY:
        problems.add(
            f"{where}.kind", f"unknown kind {raw.get('kind')!r}; version 1 knows only 'binary'."
        )
    elif version == 2:
        fields = kinds.kind_fields(raw, where, problems)
    plan = ClaimPlan(
        id=claim_id or 0,
        title=_text(raw.get("title"), where, "title", problems, max_length=TITLE_MAX),
        statement=_text(
            raw.get("statement"), where, "statement", problems, required=False,
            max_length=CLAIM_TEXT_MAX,
        ),
        open_time=_time(raw.get("open_time"), where, "open_time", problems),
        close_time=_time(raw.get("close_time"), where, "close_time", problems),
        kind_fields=fields,
        spot_scoring_time=_time(raw.get("spot_scoring_time"), where, "spot_scoring_time",
                                problems, nullable=True) if version == 2 else None,
    )
    if version == 2 and fields is None:
        return None  # its forecasts cannot be checked without a valid kind
    if plan.open_time and plan.close_time and plan.close_time <= plan.open_time:
        problems.add(f"{where}.close_time", "must be after open_time.")
        plan.close_time = None
    _resolution(raw.get("resolution"), where, plan, problems, now)
    plan.forecasts = _forecasts(raw.get("forecasts", []), where, plan, known, problems)
    return plan if claim_id is not None else None


def validate_document(
    doc: object, *, now: datetime | None = None
) -> tuple[list[str], list[ClaimPlan]]:
    """Check everything; raise InterchangeError listing every problem, or return the plan."""
    now = now or timezone.now()
    problems = _Problems()
    if not isinstance(doc, dict):
        raise InterchangeError(["The document must be a JSON object."])
    if doc.get("format") != FORMAT:
        raise InterchangeError([f"format: expected {FORMAT!r}, got {doc.get('format')!r}."])
    version = doc.get("version")
    if version not in VERSIONS or isinstance(version, bool):
        raise InterchangeError(["version: only versions 1 and 2 are supported."])
    participants = _participants(doc.get("participants"), problems)
    raw_claims = doc.get("claims")
    if not isinstance(raw_claims, list):
        problems.add("claims", "must be a list.")
        raw_claims = []
    known = set(participants)
    maybe_plans = [_claim(raw, i, known, problems, now, int(version))
                   for i, raw in enumerate(raw_claims)]
    plans = [p for p in maybe_plans if p is not None]
    seen: set[int] = set()
    for plan in plans:
        if plan.id in seen:
            problems.add(f"claim {plan.id}", "the id appears more than once.")
        seen.add(plan.id)
    existing = set(Claim.objects.filter(pk__in=seen).values_list("pk", flat=True))
    for claim_id in sorted(existing):
        problems.add(f"claim {claim_id}", "already exists here (was this file imported before?).")
    if problems:
        raise InterchangeError(list(problems))
    return participants, plans
