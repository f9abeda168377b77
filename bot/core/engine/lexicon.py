"""The word lists the engine relies on, read once from the data files in ``words/``.

They describe English, not our topics; each file says what its list is for:

* ``function.txt``: grammar and chat filler, never evidence for a topic.
* ``intent.txt``: words that say what kind of answer is wanted; never evidence either.
* ``aspect.txt``: things one can ask about any subject (price, earnings, plans): neutral evidence.
* ``common.txt``: frequent English content words, weighted as if half the records used them.
* ``synonyms.txt``: groups of everyday words for the same thing ("law" / "act" / "legislation").
* ``asking.txt``, ``personal.txt``, ``request.txt``: a question, a remark, a request.
* ``generic_names.txt``: attribute-name words that say little ("key", "main"). Which question
  words point at which attribute names is learned from data (``attribute_cues``), not listed here.
* ``intent_cues.toml``: the wording that asks for a list, sources, a timeline or a summary.

Single words are written once: where a list matches words in any inflection, it says so, and the
inflections come from ``tokens.stem``, not from listing every form.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Final

from bot.core.engine.tokens import stem

_WORDS: Final = resources.files("bot.core.engine") / "words"


def _lines(name: str) -> list[str]:
    text = (_WORDS / name).read_text(encoding="utf-8")
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def word_list(name: str) -> frozenset[str]:
    """The words of ``words/<name>.txt`` (``#`` starts a comment)."""
    return frozenset(word for line in _lines(f"{name}.txt") for word in line.split())


def _toml(name: str) -> dict[str, object]:
    return tomllib.loads((_WORDS / name).read_text(encoding="utf-8"))


FUNCTION_WORDS: Final = word_list("function")
INTENT_WORDS: Final = word_list("intent")
ASPECT_WORDS: Final = word_list("aspect")
COMMON_WORDS: Final = word_list("common")
ASKING_WORDS: Final = word_list("asking")
PERSONAL_WORDS: Final = word_list("personal")
REQUEST_WORDS: Final = word_list("request")
GENERIC_NAME_WORDS: Final = word_list("generic_names")
#: Word classes of the list model's features (``features.list_features``).
COLLECTION_WORDS: Final = word_list("collection")
HOLDING_WORDS: Final = word_list("holding")
SWEEPING_WORDS: Final = word_list("sweeping")
ADDRESSEE_WORDS: Final = word_list("addressee")
LISTING_VERBS: Final = word_list("listing_verbs")
SYNONYM_GROUPS: Final = tuple(frozenset(line.split()) for line in _lines("synonyms.txt"))


@dataclass(frozen=True)
class WordingCue:
    """One section of ``intent_cues.toml``: words (any inflection), exact words, phrases."""

    stems: frozenset[str]
    exact: frozenset[str]
    phrases: re.Pattern[str] | None

    def found_in(self, lowered: str) -> bool:
        """Whether the normalised text says this cue."""
        if self.phrases is not None and self.phrases.search(lowered):
            return True
        return any(w in self.exact or (w.endswith("s") and w[:-1] in self.exact) or stem(w) in self.stems
                   for w in lowered.split())

    def alternation(self) -> str:
        """The exact words (and their plurals) as one regular-expression alternation."""
        return "|".join(f"{re.escape(w)}s?" for w in sorted(self.exact))


def _wording_cues() -> dict[str, WordingCue]:
    found: dict[str, WordingCue] = {}
    for name, section in _toml("intent_cues.toml").items():
        if not isinstance(section, dict):
            raise TypeError(f"words/intent_cues.toml: [{name}] must be a table")
        phrases = [str(p) for p in section.get("phrases", [])]
        found[name] = WordingCue(
            frozenset(stem(str(w)) for w in section.get("words", [])),
            frozenset(str(w) for w in section.get("exact", [])),
            re.compile("|".join(rf"\b(?:{p})\b" for p in phrases)) if phrases else None,
        )
    return found


#: ``intent_cues.toml`` by section: list, sources, future, timeline, summary, dates.
WORDING_CUES: Final = _wording_cues()
