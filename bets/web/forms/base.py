"""What every web form shares: errors marked beside their fields, UTC times, percentages."""

import math
import re

from django import forms

from bets.claims.services import claim_time_problem
from bets.models.claims import (
    PERCENT_MAX,
    PERCENT_MIN,
    percent_in_bounds,
)

# <input type="datetime-local"> sends "2030-01-31T14:05" (seconds optional); read as UTC.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
UTC_HELP = "UTC (not your local time)."


class MarkedErrorsForm(forms.Form):
    """A form whose invalid fields say so to every reader: aria-invalid (Django adds it),
    aria-describedby naming the error beside the field (id "<auto_id>_error"), and
    autofocus on the first one, so the page opens on the problem with what was typed
    kept. Errors a service adds after validation (add_error) are marked the same way."""

    def full_clean(self):
        super().full_clean()
        self._mark_errors()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._mark_errors()

    def _mark_errors(self):
        if not hasattr(self, "cleaned_data"):
            return
        first = True
        for name, field in self.fields.items():
            attrs = field.widget.attrs
            attrs.pop("autofocus", None)
            if name not in self.errors or isinstance(field.widget, forms.HiddenInput):
                continue
            auto_id = self[name].auto_id
            described = [f"{auto_id}_error"] + ([f"{auto_id}_helptext"] if field.help_text else [])
            attrs["aria-describedby"] = " ".join(described)
            if first:
                attrs["autofocus"] = True
                first = False


def _utc_field(label: str, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        help_text=UTC_HELP,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _computable(value, field: str):
    """Refuse a time too far ahead for Crux to add its deadlines to (year 9999)."""
    problem = claim_time_problem(value, field) if value is not None else None
    if problem:
        raise forms.ValidationError(problem)
    return value


# A number as people write one: digits with an optional decimal point or comma, an
# optional % sign. Not Python's float syntax: "1e1", "1_0", "inf" and "0x1p3" are no
# percentages, and float() would read the first two as 10.
PERCENT_TEXT = re.compile(r"([+-]?)\s*([0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)\s*(%?)")
PERCENT_WORDS = f"a percentage between {PERCENT_MIN:g} and {PERCENT_MAX:g}"


def parse_percent(raw: str) -> tuple[float, bool]:
    """'72.5%' -> (72.5, True); ' 72 ' -> (72.0, False). ValidationError for non-numbers."""
    match = PERCENT_TEXT.fullmatch(str(raw).strip())
    if match is None:
        raise forms.ValidationError(f"Enter {PERCENT_WORDS}, e.g. 72 for 72%.")
    sign, digits, percent_sign = match.groups()
    value = float(sign + digits.replace(",", "."))
    if not math.isfinite(value):  # 400 digits overflow to inf
        raise forms.ValidationError(f"Enter {PERCENT_WORDS}, e.g. 72 for 72%.")
    return value, percent_sign == "%"


def _pct_text(value: float) -> str:
    return f"{value:g}%"


def percent_readings(value: float) -> list[str]:
    """The readings of an ambiguous number below 1 ("0.5": 50% or 0.5%) that are valid
    probabilities in percent, as the buttons of the question show them."""
    return [_pct_text(v) for v in (value * 100, value) if percent_in_bounds(v)]


def clean_probability_percent(form: forms.Form, raw: str) -> float:
    """A probability given in percent, as a decimal (72 -> 0.72), for the forecast and offer
    forms. A number below 1 without a % sign ("0.5") is ambiguous unless the form's
    `confirmed` is set: the form's `ambiguous` gets the readings to ask about and the field
    an error of code "ambiguous"."""
    value, has_sign = parse_percent(raw)
    confirmed = str(form.data.get("confirmed", "")).lower() in ("1", "true", "on")
    if 0 < value < 1 and not has_sign and not confirmed:
        form.ambiguous = percent_readings(value)  # type: ignore[attr-defined]
        raise forms.ValidationError(
            f"Did you mean {_pct_text(value * 100)} or {_pct_text(value)}?", code="ambiguous"
        )
    if not percent_in_bounds(value):
        raise forms.ValidationError(f"Enter {PERCENT_WORDS}; {value:g} is not.")
    # Rounded: 99.9 / 100 is 0.9990000000000001, which the service (rightly) refuses.
    return round(value / 100, 12)


