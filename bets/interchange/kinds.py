"""crux-export version 2: the fields of numeric, date and multiple-choice claims, their
forecasts (`cdf`, `probabilities`) and resolutions (`value`), checked by the same rules as
the site and the API (bets/claims/continuous/), and written back out."""

from __future__ import annotations

from bets.claims.continuous.cdf import cdf_validate
from bets.claims.continuous.choices import options_history_start, probabilities_validate
from bets.claims.continuous.fields import (
    KIND_FIELDS,
    claim_scale,
    kind_fields_clean,
    resolution_parse,
)
from bets.claims.continuous.scale import BELOW, Scale, location_text
from bets.common.errors import InvalidInput
from bets.models import Claim

KINDS = tuple(Claim.Kind.values)


def kind_fields(raw: dict, where: str, problems) -> dict | None:
    """The kind fields of a version-2 claim, cleaned; None (with the problem added) if not."""
    try:
        return kind_fields_clean({name: raw.get(name) for name in KIND_FIELDS})
    except InvalidInput as exc:
        problems.add(f"{where}.{exc.field}", exc.message)
        return None


def plan_scale(fields: dict) -> Scale | None:
    if fields["kind"] not in ("numeric", "date"):
        return None
    return Scale(fields["range_min"], fields["range_max"], fields["zero_point"],
                 fields["open_lower_bound"], fields["open_upper_bound"])


def forecast_value(entry: dict, here: str, fields: dict, problems
                   ) -> tuple[str, list[float]] | None:
    """("cdf", [...]) or ("probabilities", [...]) of a non-binary forecast row."""
    key = "probabilities" if fields["kind"] == "multiple_choice" else "cdf"
    try:
        if key == "cdf":
            return key, cdf_validate(entry.get("cdf"), plan_scale(fields), field="cdf")  # type: ignore[arg-type]
        return key, probabilities_validate(entry.get("probabilities"), fields["options"])
    except InvalidInput as exc:
        problems.add(f"{here}.{exc.field}", exc.message)
        return None


def resolution_value(raw: dict, where: str, fields: dict, problems) -> str | None:
    try:
        return resolution_parse(raw.get("value"), kind=fields["kind"], scale=plan_scale(fields),
                                options=fields["options"])
    except InvalidInput as exc:
        problems.add(f"{where}.resolution.value", exc.message)
        return None


def export_fields(claim: Claim) -> dict:
    """A claim's version-2 kind fields: the range of a date claim as ISO datetimes."""
    out: dict[str, object] = {}
    scale = claim_scale(claim)
    if scale is not None:
        date = claim.kind == Claim.Kind.DATE
        out |= {
            "range_min": location_text(scale.range_min, kind="date") if date else scale.range_min,
            "range_max": location_text(scale.range_max, kind="date") if date else scale.range_max,
            "open_lower_bound": scale.open_lower_bound,
            "open_upper_bound": scale.open_upper_bound,
            "zero_point": scale.zero_point,
            "unit": claim.unit,
        }
    if claim.kind == Claim.Kind.MULTIPLE_CHOICE:
        out["options"] = claim.options
    return out


def export_resolution_value(claim: Claim) -> object:
    """Numbers as numbers; dates, labels and the bounds as text."""
    value = claim.resolution
    if claim.kind == Claim.Kind.NUMERIC and value not in (BELOW, "above_upper_bound"):
        return float(value or "nan")
    return value


def plan_kind_values(kind_fields: dict | None) -> dict:
    """The Claim columns of a planned claim's kind (version 1: binary)."""
    fields = dict(kind_fields or {"kind": "binary"})
    fields["options_history"] = options_history_start(fields.get("options"))
    return fields
