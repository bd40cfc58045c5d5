"""Multiple choice: option labels, adding options as Metaculus allows, and one probability
per option."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import numpy as np

from bets.claims.continuous.scale import number_parse
from bets.common.errors import InvalidInput
from bets.models.claims import (
    OPTION_LABEL_MAX,
    OPTIONS_MAX,
    OPTIONS_MIN,
    PROBABILITY_MAX,
    PROBABILITY_MIN,
)


def options_clean(options: object, *, field: str = "options") -> list[str]:
    """2 to 20 distinct, non-empty labels of at most 200 characters, in order."""
    if not isinstance(options, list | tuple):
        raise InvalidInput("Give the options as a list of labels.", field=field)
    labels = [str(o).strip() if isinstance(o, str | int | float) else "" for o in options]
    if any(not label for label in labels):
        raise InvalidInput("Every option needs a label (text).", field=field)
    if any(len(label) > OPTION_LABEL_MAX for label in labels):
        raise InvalidInput(f"An option label has at most {OPTION_LABEL_MAX} characters.",
                           field=field)
    if len(set(labels)) != len(labels):
        raise InvalidInput("Two options have the same label.", field=field)
    if not OPTIONS_MIN <= len(labels) <= OPTIONS_MAX:
        raise InvalidInput(f"Give {OPTIONS_MIN} to {OPTIONS_MAX} options (not {len(labels)}).",
                           field=field)
    return labels



def options_history_start(options: list[str] | None) -> list | None:
    """Metaculus starts a question's options history at datetime.min with its options."""
    return None if options is None else [[datetime.min.replace(tzinfo=UTC).isoformat(), options]]


def options_added(options: Sequence[str], new: Sequence[str]) -> list[str]:
    """Metaculus' rule (questions/services/multiple_choice_handlers.py): options are only
    added, never renamed or removed, and always before the last option (the catch-all)."""
    labels = options_clean([*options, *new], field="new_options")
    return [*labels[: len(options) - 1], *labels[len(options):], labels[len(options) - 1]]


def all_options(history: Sequence[Sequence[object]]) -> list[str]:
    """Every option ever offered, the catch-all last (get_all_options_from_history)."""
    catch_all = str(list(history[0][1])[-1])  # type: ignore[call-overload]
    labels: list[str] = []
    for _at, options in history:
        for label in list(options)[:-1]:  # type: ignore[call-overload]
            if label not in labels:
                labels.append(str(label))
    return [*labels, catch_all]


def probabilities_validate(values: object, options: Sequence[str], *,
                           field: str = "probabilities") -> list[float]:
    """One probability per option, in option order, each in [0.001, 0.999], summing to 1
    (within numpy's isclose, as Metaculus checks; then renormalised exactly)."""
    if isinstance(values, Mapping):
        unknown = sorted(set(map(str, values)) - set(options))
        if unknown:
            raise InvalidInput(f"No such option: {unknown[0][:60]!r}.", field=field)
        values = [values.get(label) for label in options]
    if not isinstance(values, list | tuple) or len(values) != len(options):
        raise InvalidInput(f"Give one probability per option ({len(options)}).", field=field)
    ps = np.array([number_parse(v, field=field) for v in values], dtype=float)
    if ((ps < PROBABILITY_MIN) | (ps > PROBABILITY_MAX)).any():
        raise InvalidInput(f"Each option's probability is between {PROBABILITY_MIN} and "
                           f"{PROBABILITY_MAX}.", field=field)
    if not np.isclose(ps.sum(), 1.0):
        raise InvalidInput(f"The probabilities must sum to 1 (these sum to {ps.sum():.4g}).",
                           field=field)
    return [float(p) for p in ps / ps.sum()]


def probabilities_from_weights(weights: Sequence[object], options: Sequence[str], *,
                               field: str = "weights") -> list[float]:
    """Numbers typed per option (percentages, or any shares) renormalised to sum to 1, each
    kept within [0.001, 0.999]."""
    if len(weights) != len(options):
        raise InvalidInput(f"Give one number per option ({len(options)}).", field=field)
    w = np.array([number_parse(v, field=field) for v in weights], dtype=float)
    if (w < 0).any() or w.sum() <= 0:
        raise InvalidInput("Give each option a number of at least 0, and not all 0.",
                           field=field)
    ps = w / w.sum()
    for _ in range(len(ps)):  # raising one option to the floor lowers the others
        ps = np.clip(ps, PROBABILITY_MIN, PROBABILITY_MAX)
        ps = ps / ps.sum()
    return probabilities_validate([round(float(p), 12) for p in ps], options, field=field)
