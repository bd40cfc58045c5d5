"""Price maths: an offer on side S at probability p says "I stake p/(1-p) for every 1 you
stake". The taker names their stake t (integer credits); the offerer's stake is
round_half_even(t * p / (1-p)) computed exactly (p is read as the decimal it was written as,
via Fraction(repr(p))). Rounding small stakes to whole credits can move the price a long way
(at 33.3%, a taker's 3 credits matched 1: 25%, not 33.3%), so a bet is matched only when its
effective price o/(o+t) is within PRICE_TOLERANCE of the offer's; any other stake is refused
with the nearest stakes that are. An acceptance is also refused when either stake would be 0
or when the offerer's stake exceeds what is left, so an offer can never overfill.
"""

import re
from fractions import Fraction

from bets.common.errors import InvalidInput

MAX_STAKE_LIMIT = 10**12
# The most a matched bet's effective price may differ from its offer's: one percentage point.
PRICE_TOLERANCE = Fraction(1, 100)
# How far from a refused stake to look for fair ones. Measured over every price Crux takes
# (0.1% to 99.9% in steps of 0.1): every stake from 500 up is fair and fair stakes are never
# more than 9 apart, so this bound is never what stops the search.
FAIR_SEARCH = 2000


def price_ratio(probability: float) -> Fraction:
    """Offerer credits staked per taker credit: p / (1 - p), exactly."""
    p = Fraction(repr(float(probability)))
    return p / (1 - p)


def offerer_stake_for(probability: float, taker_stake: int) -> int:
    """The offerer's stake matching `taker_stake`, rounded half to even."""
    return round(taker_stake * price_ratio(probability))


def stake_is_fair(probability: float, taker_stake: int) -> bool:
    """Whether `taker_stake` matches a positive offerer stake at an effective price within
    PRICE_TOLERANCE of the offer's."""
    if taker_stake <= 0:
        return False
    offerer = offerer_stake_for(probability, taker_stake)
    if offerer <= 0:
        return False
    price = Fraction(repr(float(probability)))
    return abs(Fraction(offerer, offerer + taker_stake) - price) <= PRICE_TOLERANCE


def max_taker_stake(probability: float, remaining: int) -> int:
    """The largest fair taker stake whose matching offerer stake fits in `remaining` (0 if
    none)."""
    if remaining <= 0:
        return 0
    ratio = price_ratio(probability)
    t = int((remaining + Fraction(1, 2)) / ratio) + 1
    while t > 0 and round(t * ratio) > remaining:
        t -= 1
    lowest = max(0, t - FAIR_SEARCH)
    while t > lowest and not stake_is_fair(probability, t):
        t -= 1
    return t if t > lowest else 0


def fair_stakes_near(probability: float, taker_stake: int, *, most: int) -> list[int]:
    """The nearest fair stakes below and above `taker_stake` (at most `most`), for the
    message that refuses an unfair one: [] when there is none, else one or two."""
    below = next((t for t in range(min(taker_stake - 1, most), max(0, taker_stake - FAIR_SEARCH),
                                   -1) if stake_is_fair(probability, t)), None)
    above = next((t for t in range(taker_stake + 1, min(most, taker_stake + FAIR_SEARCH) + 1)
                  if stake_is_fair(probability, t)), None)
    return [t for t in (below, above) if t is not None]


def _percent(value: Fraction) -> str:
    return f"{float(value) * 100:.1f}".removesuffix(".0") + "%"


def unfair_stake_message(probability: float, side: str, taker_stake: int, *, most: int) -> str:
    """Why a taker's `taker_stake` on an offer backing `side` at `probability` cannot be
    matched, in the taker's words, naming the nearest stakes that can."""
    offerer = offerer_stake_for(probability, taker_stake)
    taker_side = "NO" if side == "yes" else "YES"
    wanted = 1 - Fraction(repr(float(probability)))  # the taker's price for their side
    if offerer <= 0:
        why = (f"A stake of {taker_stake} is too small to win anything at "
               f"{_percent(wanted)} for {taker_side}")
    else:
        got = Fraction(taker_stake, offerer + taker_stake)
        why = (f"In whole credits a stake of {taker_stake} would win {offerer}: that is "
               f"{_percent(got)} for {taker_side}, not the offer's {_percent(wanted)}")
    near = fair_stakes_near(probability, taker_stake, most=most)
    if not near:
        return f"{why}, and no stake left on this offer comes within a point of it."
    return f"{why}. Stake {' or '.join(str(t) for t in near)} instead."


WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,30}")  # ASCII digits: "²".isdigit() but int() fails


def parse_stake(value: object, *, field: str = "stake") -> int:
    """A positive whole number of credits; floats with a fraction, bools and text refused.
    A negative or zero stake is told so, not that it is no whole number."""
    whole = "A stake is a whole number of credits, e.g. 25."
    if isinstance(value, bool):
        raise InvalidInput(whole, field=field)
    if isinstance(value, float):
        if not value.is_integer():
            raise InvalidInput(whole, field=field)
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
        if not WHOLE_NUMBER.fullmatch(value):
            raise InvalidInput(whole, field=field)
        value = int(value)
    if not isinstance(value, int):
        raise InvalidInput(whole, field=field)
    if value <= 0:
        raise InvalidInput(f"A stake must be at least 1 credit; {value} is not.", field=field)
    if value > MAX_STAKE_LIMIT:
        raise InvalidInput(f"A stake is at most {MAX_STAKE_LIMIT} credits.", field=field)
    return value
