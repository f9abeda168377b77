"""Normalising and tokenising text the same way on both sides of every comparison.

``normalize`` is the rapidfuzz ``processor`` used for questions and for indexed names alike, so a
query and a choice are always compared in the same form. ``stem`` is a deliberately small suffix
stripper: it only has to map "reactors"/"reactor", "issuers"/"issuer", "trained"/"training" onto
one key, and it is applied to both the question and the records, so its rough edges cancel out.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

_NON_WORD_RE: Final = re.compile(r"[^0-9a-z]+")
_POSSESSIVE_RE: Final = re.compile(r"(\w)['’]s\b")
_APOSTROPHE_RE: Final = re.compile(r"['’]")
#: Letters written with dots ("a.g.i.", "u.k") are one word.
_DOTTED_RE: Final = re.compile(r"(?<![0-9a-z])(?:[a-z]\.){1,}[a-z](?![0-9a-z])\.?")
#: Length of the prefix used as a looser second key ("subsidies" / "subsidising" → "subsi").
PREFIX_LEN: Final = 5


def normalize(text: str) -> str:
    """Casefold, drop accents, invisible characters, possessives and apostrophes, join dotted
    letters ("a.g.i." → "agi"), and turn other punctuation into spaces."""
    folded = text.casefold()
    if not folded.isascii():  # ASCII has no accents to drop, nothing to decompose and no format characters
        folded = _without_marks(folded)
    if "'" in folded or "’" in folded:
        folded = _APOSTROPHE_RE.sub("", _POSSESSIVE_RE.sub(r"\1", folded))
    if "." in folded:
        folded = _DOTTED_RE.sub(lambda m: m.group(0).replace(".", ""), folded)
    return _NON_WORD_RE.sub(" ", folded).strip()


def _without_marks(folded: str) -> str:
    """Accents dropped (NFKD, combining marks removed) and format characters removed: zero-width
    spaces and joiners, bidi controls are invisible ("Way\u200bmo" is "waymo")."""
    folded = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in folded if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf")


def words(text: str) -> list[str]:
    """The normalised words of ``text``, in order."""
    return normalize(text).split()


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A rough stem: plural, -ing, -ed, -er and a final -e removed (``word`` is already normalised).
    Remembered: the same few thousand words are stemmed over and over (each candidate's texts)."""
    if len(word) <= 3 or word.isdigit():
        return word
    base = word
    if base.endswith("ies") and len(base) > 4:
        base = base[:-3] + "y"
    elif base.endswith("s") and not base.endswith(("ss", "us", "sis")):
        base = base[:-1]
    for suffix in ("ing", "ed", "er"):
        if base.endswith(suffix) and len(base) - len(suffix) >= 3:
            base = base[: -len(suffix)]
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # running → run, betting → bet
            elif len(base) == 3 and _is_short_syllable(base):
                base += "e"  # making → make, timed → time (as "makes" → "make")
            break
    if base.endswith("e") and len(base) > 4:
        # Not from four-letter words: "same" is not "Sam", "time" not "Tim", "made" not "mad".
        base = base[:-1]
    return base


def _is_short_syllable(base: str) -> bool:
    """Consonant, vowel, consonant other than w, x or y: the stem of a word ending in a silent e."""
    vowels = "aeiou"
    return base[0] not in vowels and base[1] in vowels and base[2] not in vowels and base[2] not in "wxy"


def prefix_key(word: str) -> str | None:
    """The looser prefix key of a long word, or ``None`` for words too short to have one."""
    return word[:PREFIX_LEN] if len(word) >= PREFIX_LEN and not word.isdigit() else None


#: Two stems that part ways after a shared prefix are forms of one word only when both endings are
#: short, as derivational suffixes are ("-ic", "-ity", "-ment", "-ise"); longer tails make another
#: word on the same root ("anthropic" / "anthropology").
MAX_SUFFIX_GAP: Final = 4


def prefix_related(a: str, b: str) -> bool:
    """Two stems sharing a prefix key are related when both are longer than the key and one extends
    the other (a clipping or a compound: "crypto" / "cryptocurrency"), or when six letters agree and
    neither goes on for more than ``MAX_SUFFIX_GAP`` letters past the prefix they share ("subsidy" /
    "subsidis"). A five-letter stem is often a whole word cut by the stemmer, not a clipping:
    "recipe" is "recip", "found", "elect" and "franc" are words of their own, so none of them is read
    as "recipient", "foundation", "electricity" or "francisco" (nor "europe" as "european": the cost,
    measured in the README's "Learned decisions")."""
    if min(len(a), len(b)) <= PREFIX_LEN:
        return False
    if a.startswith(b) or b.startswith(a):
        return True
    shared = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return shared > PREFIX_LEN and max(len(a), len(b)) - shared <= MAX_SUFFIX_GAP


def stems(text: str) -> list[str]:
    """The stems of the words of ``text``, in order."""
    return [stem(w) for w in words(text)]
