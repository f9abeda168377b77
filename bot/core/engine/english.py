"""Which words are everyday English, by how often people use them.

The ranking comes from the English word-frequency list that ships with ``pyspellchecker`` (counts
from subtitles, so it reflects how people talk, chat included). It tells the matcher that "down",
"near", "movie" or "love" are words people use for their ordinary meaning, whatever a record happens
to name: an everyday word is no typo of a name ("down" is not "Daon"), names a topic only as written
("movie" is not "Movi"), and a short acronym that spells one ("LOVE") must be written in capitals.
"""

from __future__ import annotations

import gzip
import json
import logging
from functools import cache
from importlib import resources
from operator import itemgetter
from typing import Final

log = logging.getLogger(__name__)

#: Words at or above this frequency rank (1 = most frequent) are everyday words.
EVERYDAY_RANK: Final = 20_000
#: Words at or above this rank are among the commonest: "rules", "engines", "access", not "tidal".
COMMON_RANK: Final = 6_000


@cache
def _ranks() -> dict[str, int]:
    try:
        source = resources.files("spellchecker") / "resources" / "en.json.gz"
        with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
            counts: dict[str, int] = json.load(text)
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError) as error:
        log.warning("no English word frequencies (%s): everyday words are not recognised", error)
        return {}
    # Most used first, ties by word: sorted by word, then stably by count (two sorts in C, a third of
    # the time of one sort by a Python key: this runs at every start).
    ranked = sorted(counts.items())
    ranked.sort(key=itemgetter(1), reverse=True)
    return {word: i for i, (word, _) in enumerate(ranked[:EVERYDAY_RANK], start=1) if word.isalpha()}


def load() -> None:
    """Read the word list now (about 0.2 s) rather than on the first question."""
    _ranks()


def is_everyday(word: str) -> bool:
    """``word`` (normalised, lower case) is among the ``EVERYDAY_RANK`` most used English words."""
    return word in _ranks()


def rank(word: str) -> int | None:
    """How common ``word`` is in spoken English (1 = the most used), if it is an everyday word."""
    return _ranks().get(word)


def is_common(word: str) -> bool:
    """``word`` is among the ``COMMON_RANK`` most used English words."""
    found = rank(word)
    return found is not None and found <= COMMON_RANK
