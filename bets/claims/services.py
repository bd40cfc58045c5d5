"""Claim lifecycle: propose, review, close, clarify."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bets.claims.continuous.choices import options_history_start
from bets.claims.continuous.fields import KIND_FIELDS, kind_fields_clean, kind_fields_of
from bets.claims.locking import claim_lock
from bets.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from bets.common.outbox import event_publish
from bets.common.text import bidi_controls_refuse
from bets.common.types import AuthUser
from bets.models import Claim, ClaimClarification, Tag
from bets.models.claims import CLAIM_TEXT_MAX, TITLE_MAX

TAG_MAX = 10


def _require_text(value: str, field: str, *, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput("This field is required.", field=field)
    if max_length and len(value) > max_length:
        raise InvalidInput(f"At most {max_length} characters.", field=field)
    return value


def _require_aware(value: datetime, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInput("Expected a date and time.", field=field)
    if timezone.is_naive(value):
        raise InvalidInput("Give a time zone (times are stored in UTC).", field=field)
    return value


TIME_LABELS = {"open_time": "The open time", "close_time": "The close time",
               "resolve_after": "The resolvable-after time"}


def claim_time_horizon() -> timedelta:
    """How far past a claim's times Crux computes: the longest offset it adds to them (the
    resolver deadline, dispute window, recheck delay, lease), plus a year for calendars
    and time zones."""
    longest = max(settings.CRUX_RESOLVER_DEADLINE_SECONDS, settings.CRUX_DISPUTE_WINDOW_SECONDS,
                  settings.CRUX_RESOLVER_RECHECK_SECONDS, settings.CRUX_RESOLVER_LEASE_SECONDS)
    return timedelta(seconds=longest, days=366)


def claim_time_problem(value: datetime, field: str) -> str | None:
    """Why a claim cannot have this time, when adding Crux's offsets to it would overflow
    (a year-9999 resolve_after made the claim page answer 500 and crashed the resolver)."""
    latest = datetime.max.replace(tzinfo=UTC) - claim_time_horizon()
    if value.tzinfo is not None and value > latest:
        return (f"{TIME_LABELS.get(field, 'This time')} is too far in the future: Crux adds "
                f"its resolver deadline and dispute window to it, which cannot be computed "
                f"past year 9999. Choose a time before {latest:%Y-%m-%d}.")
    return None


def claim_close_time_problem(close_time: datetime, *, now: datetime | None = None) -> str | None:
    """Why a claim proposed or edited by a person cannot close then: the close time has
    passed (nobody could forecast). Imports and the demo bring closed history in through the
    services, so the web form and the API ask this, not claim_propose."""
    if close_time <= (now or timezone.now()):
        return "The close time is in the past; choose a future time."
    return None


def claim_validate_times(*, open_time: datetime, close_time: datetime, resolve_after: datetime
                         ) -> None:
    _require_aware(open_time, "open_time")
    _require_aware(close_time, "close_time")
    _require_aware(resolve_after, "resolve_after")
    for field, value in (("open_time", open_time), ("close_time", close_time),
                         ("resolve_after", resolve_after)):
        problem = claim_time_problem(value, field)
        if problem:
            raise InvalidInput(problem, field=field)
    if close_time <= open_time:
        raise InvalidInput("The close time must be after the open time.", field="close_time")
    if resolve_after < open_time:
        raise InvalidInput("Resolution cannot come before the claim opens.", field="resolve_after")


def claim_validate_spec(spec: object) -> None:
    """Refuse a resolver spec the registry cannot run, naming every problem."""
    if spec is None:
        return
    from resolvers.base import SpecError
    from resolvers.registry import validate_spec

    try:
        validate_spec(spec)
    except SpecError as exc:
        raise InvalidInput("; ".join(exc.errors), field="resolver_spec") from exc


def claim_validate_schedule(spec: object, *, open_time: datetime, resolve_after: datetime
                            ) -> None:
    """Refuse a spec `schedule` that would measure the claim more than CRUX_SCHEDULE_MAX_RUNS
    times between its open time and resolve_after (the spec itself is valid by now)."""
    from resolvers.schedule import too_many_runs

    problem = too_many_runs(spec, start=open_time, end=resolve_after,
                            max_runs=settings.CRUX_SCHEDULE_MAX_RUNS)
    if problem:
        raise InvalidInput(problem, field="resolver_spec")


def claim_schedule_first_at(spec: object, *, open_time: datetime, resolve_after: datetime
                            ) -> datetime | None:
    """When the first scheduled measurement falls due (the open time), or None."""
    from resolvers.schedule import next_slot_time, period

    every = period(spec)
    return None if every is None else next_slot_time(every, open_time, resolve_after, None)


def _normalize_tags(tags: Iterable[str]) -> list[str]:
    names = []
    for raw in tags:
        name = str(raw).strip().lower().replace(" ", "-")
        if not name:
            continue
        if len(name) > 50 or not all(c.isalnum() or c in "-_" for c in name):
            raise InvalidInput(f"Tag {raw!r}: letters, digits, '-' and '_' only.", field="tags")
        if name not in names:
            names.append(name)
    if len(names) > TAG_MAX:
        raise InvalidInput(f"At most {TAG_MAX} tags.", field="tags")
    return names


def claim_set_tags(*, claim: Claim, tags: Iterable[str]) -> None:
    names = _normalize_tags(tags)
    objs = [Tag.objects.get_or_create(name=n)[0] for n in names]
    claim.tags.set(objs)


EDITABLE_FIELDS = (
    "title",
    "statement",
    "resolution_criteria",
    "fine_print",
    "open_time",
    "close_time",
    "resolve_after",
    "tags",
    "resolver_spec",
    *KIND_FIELDS,
)


def _cleaned(fields: dict) -> dict:
    """Every editable field, validated as a whole (times against each other, the spec by the
    resolver registry). Proposing and editing share it, so both refuse the same input."""
    cleaned = {
        "title": _require_text(fields["title"], "title", max_length=TITLE_MAX),
        "statement": _require_text(fields["statement"], "statement", max_length=CLAIM_TEXT_MAX),
        "resolution_criteria": _require_text(
            fields["resolution_criteria"], "resolution_criteria", max_length=CLAIM_TEXT_MAX
        ),
        "fine_print": fields.get("fine_print") or "",
        "open_time": fields["open_time"],
        "close_time": fields["close_time"],
        "resolve_after": fields["resolve_after"],
        "tags": _normalize_tags(fields.get("tags") or ()),
        "resolver_spec": fields.get("resolver_spec"),
    }
    if len(cleaned["fine_print"]) > CLAIM_TEXT_MAX:
        raise InvalidInput(f"At most {CLAIM_TEXT_MAX} characters.", field="fine_print")
    bidi_controls_refuse(cleaned["title"], field="title")
    claim_validate_times(
        open_time=cleaned["open_time"],
        close_time=cleaned["close_time"],
        resolve_after=cleaned["resolve_after"],
    )
    claim_validate_spec(cleaned["resolver_spec"])
    cleaned |= kind_fields_clean(fields)
    claim_validate_schedule(cleaned["resolver_spec"], open_time=cleaned["open_time"],
                            resolve_after=cleaned["resolve_after"])
    return cleaned


@transaction.atomic
def claim_propose(
    *,
    author: AuthUser,
    title: str,
    statement: str,
    resolution_criteria: str,
    open_time: datetime,
    close_time: datetime,
    resolve_after: datetime,
    fine_print: str = "",
    tags: Iterable[str] = (),
    resolver_spec: dict | None = None,
    **kind_fields: object,
) -> Claim:
    """Propose a claim; `kind_fields` are the kind and its fields (KIND_FIELDS)."""
    unknown = sorted(set(kind_fields) - set(KIND_FIELDS))
    if unknown:
        raise InvalidInput(f"Not a claim field: {', '.join(unknown)}.", field=unknown[0])
    cleaned = _cleaned(
        kind_fields | {
            "title": title,
            "statement": statement,
            "resolution_criteria": resolution_criteria,
            "fine_print": fine_print,
            "open_time": open_time,
            "close_time": close_time,
            "resolve_after": resolve_after,
            "tags": tags,
            "resolver_spec": resolver_spec,
        }
    )
    tag_names = cleaned.pop("tags")
    claim = Claim.objects.create(author=author, **cleaned, options_history=options_history_start(
        cleaned["options"]), resolver_schedule_next_at=(
        claim_schedule_first_at(cleaned["resolver_spec"], open_time=cleaned["open_time"],
                                resolve_after=cleaned["resolve_after"])))
    claim_set_tags(claim=claim, tags=tag_names)
    return claim


@transaction.atomic
def claim_edit(*, claim_id: int, editor: AuthUser, changes: dict) -> Claim:
    """Change a claim's text, times, tags or resolver spec until its criteria freeze.

    Takes the claim's row lock: the first forecast or offer takes the same lock to freeze the
    criteria, so an edit and a first forecast never interleave. After the freeze, changes are
    append-only clarifications (claim_clarify).
    """
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput(f"Not an editable field: {', '.join(unknown)}.", field=unknown[0])
    claim = claim_lock(claim_id)
    if not (editor.is_staff or editor.pk == claim.author_id):
        raise Forbidden("Only the author or a moderator can edit a claim.")
    if claim.status not in (Claim.Status.PROPOSED, Claim.Status.OPEN):
        raise Conflict(f"A {claim.status} claim can no longer be edited.")
    if claim.criteria_frozen_at is not None:
        raise Conflict(
            "The criteria froze when the first forecast or offer was made; "
            "add a clarification instead."
        )
    current = {name: getattr(claim, name) for name in EDITABLE_FIELDS if name != "tags"}
    current["tags"] = list(claim.tags.values_list("name", flat=True))
    cleaned = _cleaned(current | kind_fields_of(claim) | changes)
    tag_names = cleaned.pop("tags")
    for name, value in cleaned.items():
        setattr(claim, name, value)
    # No forecast exists yet (the criteria would have frozen), so the options start afresh.
    claim.options_history = options_history_start(claim.options)
    # The times or the schedule may have changed: count from the open time again. A slot
    # that already ran is not run again (one attempt per slot and claim).
    claim.resolver_schedule_next_at = claim_schedule_first_at(
        claim.resolver_spec, open_time=claim.open_time, resolve_after=claim.resolve_after)
    claim.save()
    claim_set_tags(claim=claim, tags=tag_names)
    return claim


@transaction.atomic
def _review(*, claim_id: int, moderator: AuthUser, note: str, new_status: str) -> Claim:
    if not moderator.is_staff:
        raise InvalidInput("Only moderators can review proposed claims.")
    # Compare-and-swap: the row count decides who reviewed it, so two moderators clicking at
    # once cannot both act.
    updated = Claim.objects.filter(pk=claim_id, status=Claim.Status.PROPOSED).update(
        status=new_status,
        reviewed_by=moderator,
        reviewed_at=timezone.now(),
        review_note=note or "",
        updated_at=timezone.now(),
    )
    claim = Claim.objects.get(pk=claim_id)
    if not updated:
        raise Conflict(f"Only proposed claims can be reviewed; this one is {claim.status}.")
    event_publish(event="claim.reviewed", object_id=claim.pk)
    return claim


def claim_approve(*, claim_id: int, moderator: AuthUser, note: str = "") -> Claim:
    """Approve a proposal; it takes forecasts from its open_time on."""
    return _review(claim_id=claim_id, moderator=moderator, note=note, new_status=Claim.Status.OPEN)


def claim_reject(*, claim_id: int, moderator: AuthUser, note: str = "") -> Claim:
    return _review(
        claim_id=claim_id, moderator=moderator, note=note, new_status=Claim.Status.REJECTED
    )


def claims_close_due(*, now: datetime | None = None) -> int:
    """Close every open claim past its close_time. One UPDATE: idempotent and race-safe."""
    now = now or timezone.now()
    return Claim.objects.filter(status=Claim.Status.OPEN, close_time__lte=now).update(
        status=Claim.Status.CLOSED, updated_at=now
    )


def claim_accepts_forecasts(claim: Claim, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return claim.status == Claim.Status.OPEN and claim.open_time <= now < claim.close_time


def claim_clarify(*, claim_id: int, author: AuthUser, text: str) -> ClaimClarification:
    """Append a clarification; the frozen criteria themselves never change."""
    text = _require_text(text, "text", max_length=5000)
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        raise NotFound("No such claim.")
    if not (author.is_staff or author.pk == claim.author_id):
        raise Forbidden("Only the author or a moderator can clarify a claim.")
    return ClaimClarification.objects.create(claim=claim, author=author, text=text)


def claim_feature(*, claim_id: int, moderator: AuthUser, featured: bool) -> Claim:
    """Put a claim among the featured ones at the top of the home page, or take it off."""
    if not moderator.is_staff:
        raise Forbidden("Only moderators choose the featured claims.")
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        raise NotFound("No such claim.")
    if claim.status in (Claim.Status.PROPOSED, Claim.Status.REJECTED) and featured:
        raise Conflict("Only public claims can be featured.")
    Claim.objects.filter(pk=claim_id).update(featured=featured, updated_at=timezone.now())
    claim.featured = featured
    return claim
