"""A claim's kind and the fields that go with it; a non-binary resolution as Metaculus
stores it, and the bucket it falls in (for scoring)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bets.claims.continuous.choices import options_clean
from bets.claims.continuous.scale import (
    ABOVE,
    BELOW,
    CONTINUOUS_KINDS,
    INBOUND_OUTCOME_COUNT,
    Scale,
    date_parse,
    location_parse,
    location_text,
    number_parse,
    scaled_location_to_unscaled_location,
)
from bets.common.errors import InvalidInput
from bets.models.claims import UNIT_MAX

if TYPE_CHECKING:
    from bets.models import Claim


def kind_fields_clean(fields: Mapping[str, object]) -> dict[str, object]:
    """The kind and the fields that go with it, checked together; the fields of other kinds
    are set to their empty values, so the database constraints hold."""
    kind = fields.get("kind") or "binary"
    out: dict[str, object] = {
        "kind": kind, "range_min": None, "range_max": None, "zero_point": None,
        "open_lower_bound": False, "open_upper_bound": False, "unit": "", "options": None,
    }
    if kind not in ("binary", *CONTINUOUS_KINDS, "multiple_choice"):
        raise InvalidInput("The kind is binary, numeric, date or multiple_choice.", field="kind")
    if kind == "multiple_choice":
        out["options"] = options_clean(fields.get("options"))
    if kind not in CONTINUOUS_KINDS:
        return out
    for name in ("range_min", "range_max"):
        if fields.get(name) in (None, ""):
            raise InvalidInput(f"A {kind} claim needs a range: give {name}.", field=name)
        out[name] = location_parse(fields[name], kind=str(kind), field=name)
    if float(out["range_max"]) <= float(out["range_min"]):  # type: ignore[arg-type]
        raise InvalidInput("range_max must be above range_min.", field="range_max")
    out["open_lower_bound"] = bool(fields.get("open_lower_bound"))
    out["open_upper_bound"] = bool(fields.get("open_upper_bound"))
    out["unit"] = str(fields.get("unit") or "").strip()
    if len(str(out["unit"])) > UNIT_MAX:
        raise InvalidInput(f"A unit has at most {UNIT_MAX} characters.", field="unit")
    if fields.get("zero_point") not in (None, ""):
        if kind == "date":
            raise InvalidInput("A date claim is on a linear scale: leave zero_point empty.",
                               field="zero_point")
        zero = number_parse(fields["zero_point"], field="zero_point")
        if out["range_min"] <= zero <= out["range_max"]:  # type: ignore[operator]
            raise InvalidInput("The zero point of a log scale lies outside the range "
                               "(below range_min or above range_max).", field="zero_point")
        out["zero_point"] = zero
    return out




def resolution_parse(value: object, *, kind: str, scale: Scale | None,
                     options: Sequence[str] | None, field: str = "value") -> str:
    """What an admin or a resolver gives, as Metaculus stores it: the number or ISO datetime,
    "below_lower_bound"/"above_upper_bound" (a plain value beyond an open bound means the
    same; beyond a closed one it is refused), or an option label."""
    if kind == "multiple_choice":
        if not isinstance(value, str) or value not in (options or ()):
            raise InvalidInput("Give one of the claim's options: " + ", ".join(
                repr(o) for o in options or ()) + ".", field=field)
        return value
    assert scale is not None
    if value in (BELOW, ABOVE):
        if not (scale.open_lower_bound if value == BELOW else scale.open_upper_bound):
            raise InvalidInput(f"The claim's bound is closed: it cannot resolve {value}.",
                               field=field)
        return str(value)
    location = location_parse(value, kind=kind, field=field)
    if location < scale.range_min or location > scale.range_max:
        side, open_ = ((BELOW, scale.open_lower_bound) if location < scale.range_min
                       else (ABOVE, scale.open_upper_bound))
        if not open_:
            raise InvalidInput(f"{location_text(location, kind=kind)} is outside the range "
                               "and that bound is closed.", field=field)
        return side
    return location_text(location, kind=kind)


def resolution_bucket_index(resolution: str, *, kind: str, scale: Scale | None,
                            options: Sequence[str] | None) -> int:
    """Metaculus' string_location_to_bucket_index: for continuous claims 0 below the range,
    1..200 inbound (range_min falls in bucket 1), 201 above; for multiple choice the option's
    index among all options ever offered."""
    if kind == "multiple_choice":
        return list(options or ()).index(resolution)
    assert scale is not None
    if resolution in (BELOW, ABOVE):
        return 0 if resolution == BELOW else INBOUND_OUTCOME_COUNT + 1
    value = date_parse(resolution, field="value") if kind == "date" else float(resolution)
    u = float(scaled_location_to_unscaled_location(value, scale))
    if u < 0:
        return 0
    if u > 1:
        return INBOUND_OUTCOME_COUNT + 1
    if u == 1:
        return INBOUND_OUTCOME_COUNT
    return max(int(u * INBOUND_OUTCOME_COUNT + 1 - 1e-10), 1)


KIND_FIELDS = ("kind", "range_min", "range_max", "open_lower_bound", "open_upper_bound",
               "zero_point", "unit", "options")


def kind_fields_of(claim: Claim) -> dict[str, object]:
    """A claim's kind fields as a person gives them (a date claim's range as datetimes), so
    an edit validates the whole again as proposing does."""
    fields = {name: getattr(claim, name) for name in KIND_FIELDS}
    if fields["kind"] == "date":
        for name in ("range_min", "range_max"):
            fields[name] = datetime.fromtimestamp(float(fields[name]), tz=UTC)
    return fields


def claim_scale(claim: Claim) -> Scale | None:
    """The Scale of a numeric or date claim (None for other kinds)."""
    if claim.kind not in CONTINUOUS_KINDS or claim.range_min is None or claim.range_max is None:
        return None
    return Scale(claim.range_min, claim.range_max, claim.zero_point, claim.open_lower_bound,
                 claim.open_upper_bound)
