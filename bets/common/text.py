"""Checks on text that people show to each other: names and titles.

Bidirectional control characters (U+202A-U+202E embeddings and overrides, U+2066-U+2069
isolates) reorder what follows them on screen: "\u202eevil" displays as "live". In a title
or a username they only serve to make text read as something it is not, so Crux refuses
them at input rather than neutralising them everywhere a name is shown.
"""

from django.core.exceptions import ValidationError

from bets.common.errors import InvalidInput

BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)


def bidi_controls_problem(text: str) -> str | None:
    """Why `text` cannot be a name or a title, or None when it can."""
    found = sorted({f"U+{ord(c):04X}" for c in text if c in BIDI_CONTROLS})
    if not found:
        return None
    many = len(found) > 1
    return (f"Remove the invisible direction-changing character{'s' if many else ''} "
            f"({', '.join(found)}): {'they make' if many else 'it makes'} text display as "
            "something it is not.")


def bidi_controls_refuse(text: str, *, field: str) -> None:
    """For services: InvalidInput naming the field when `text` holds a bidi control."""
    problem = bidi_controls_problem(text)
    if problem:
        raise InvalidInput(problem, field=field)


def validate_no_bidi_controls(value: str) -> None:
    """A Django validator (forms, model fields) for usernames and titles."""
    problem = bidi_controls_problem(str(value))
    if problem:
        raise ValidationError(problem, code="bidi_control")
