"""A continuous claim's range and Metaculus' scaling; numbers and dates as people write them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from bets.common.errors import InvalidInput

INBOUND_OUTCOME_COUNT = 200  # Metaculus' DEFAULT_INBOUND_OUTCOME_COUNT
CDF_POINTS = INBOUND_OUTCOME_COUNT + 1
MIN_STEP = round(0.01 / INBOUND_OUTCOME_COUNT, 9)  # 0.00005, as Metaculus rounds it
MAX_STEP = 0.2
OPEN_BOUND_MIN = 0.001  # mass an open bound keeps outside it, at least
CONTINUOUS_KINDS = ("numeric", "date")
BELOW, ABOVE = "below_lower_bound", "above_upper_bound"


@dataclass(frozen=True)
class Scale:
    """A continuous claim's range, as Metaculus' Question carries it."""

    range_min: float
    range_max: float
    zero_point: float | None = None
    open_lower_bound: bool = False
    open_upper_bound: bool = False


def unscaled_location_to_scaled_location(x: npt.ArrayLike, scale: Scale) -> npt.NDArray:
    """Metaculus' formula (utils/the_math/formulas.py): [0, 1] to the claim's units."""
    u = np.asarray(x, dtype=float)
    lo, hi, zp = scale.range_min, scale.range_max, scale.zero_point
    if zp is not None:
        deriv_ratio = (hi - zp) / (lo - zp)
        return lo + (hi - lo) * (deriv_ratio**u - 1) / (deriv_ratio - 1)
    return lo + (hi - lo) * u


def scaled_location_to_unscaled_location(x: npt.ArrayLike, scale: Scale) -> npt.NDArray:
    """The inverse: the claim's units to [0, 1] (beyond it outside the range)."""
    v = np.asarray(x, dtype=float)
    lo, hi, zp = scale.range_min, scale.range_max, scale.zero_point
    if zp is not None:
        deriv_ratio = (hi - zp) / (lo - zp)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (np.log((v - lo) * (deriv_ratio - 1) + (hi - lo)) - np.log(hi - lo)
                    ) / np.log(deriv_ratio)
    return (v - lo) / (hi - lo)


# Numbers and dates as people write them.

def number_parse(value: object, *, field: str) -> float:
    """A finite number; bools and text that is no number are refused."""
    if isinstance(value, bool) or value is None or value == "":
        raise InvalidInput("Give a number.", field=field)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput(f"{str(value)[:40]!r} is not a number.", field=field) from None
    if not math.isfinite(number):
        raise InvalidInput("Give a finite number.", field=field)
    return number


def date_parse(value: object, *, field: str) -> float:
    """An aware datetime or ISO 8601 text (a bare date means midnight UTC) as POSIX seconds."""
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidInput(
                f"{value[:40]!r} is not a date: write it as 2027-06-30 or "
                "2027-06-30T12:00:00Z.", field=field) from None
        value = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    if not isinstance(value, datetime):
        raise InvalidInput("Give a date and time (ISO 8601).", field=field)
    if value.tzinfo is None:
        raise InvalidInput("Give a time zone (times are stored in UTC).", field=field)
    try:
        return value.timestamp()
    except (OverflowError, ValueError):  # year 1 in a zone west of UTC
        raise InvalidInput("This date is out of range.", field=field) from None


def location_parse(value: object, *, kind: str, field: str) -> float:
    return date_parse(value, field=field) if kind == "date" else number_parse(value, field=field)


def location_text(value: float, *, kind: str) -> str:
    """A location as Metaculus writes a resolution: a number, or an ISO datetime."""
    if kind == "date":
        return datetime.fromtimestamp(value, tz=UTC).isoformat()
    return repr(float(value))


