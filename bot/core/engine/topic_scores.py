"""How well one topic explains a question: the score value, the question's tokens, and the
per-topic evidence checks the ranker in ``matching`` combines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.engine import english
from bot.core.engine.lexicon import COMMON_WORDS, FUNCTION_WORDS, INTENT_WORDS
from bot.core.engine.tokens import normalize
from bot.core.engine.topic_documents import FIELD_WEIGHTS, DocumentView, NameWords

#: Evidence of one word of a longer name, before adding the share of the name the question covers.
PARTIAL_NAME_BASE: Final = 0.6
#: Longest unknown word checked for being a slip of a chatter word.
CHATTER_TYPO_MAX_LEN: Final = 6
CHATTER_WORDS: Final = FUNCTION_WORDS | INTENT_WORDS
#: Chatter words long enough to have a recognisable slip: "dog" is not a misspelt "do".
_CHATTER_CHOICES: Final = tuple(sorted(w for w in CHATTER_WORDS if len(w) >= 3))  # fixed order, not set order


def typo_cutoff(word: str) -> float | None:
    """The ``fuzz.ratio`` a typo of ``word`` must reach: about one slip (a swap, a missing or an extra
    letter) in a word of its length, which scores ``100 * (1 - 1/n)`` for an n-letter word."""
    n = len(word)
    if n <= 2:
        return None
    if n == 3:
        return 66.0
    return 100.0 * (1.0 - 1.0 / n) - 1.0


@dataclass(frozen=True)
class TopicScore:
    """How well one topic explains a question (``score`` 0..100)."""

    title: str
    score: float
    coverage: float
    name_cover: float
    matched_field: str | None
    matched_text: str | None
    name_words: frozenset[str] = frozenset()  # stems of the best-covered name
    lone_common_word: bool = False  # all the evidence is one common word in the record's prose
    explained: frozenset[str] = frozenset()  # stems of the question words this topic has evidence for
    defined_by: frozenset[str] = frozenset()  # those its title, aliases or description contain
    proper_explained: frozenset[str] = frozenset()  # those its record writes as names (capitalised)
    #: All its evidence is everyday English words of the record's prose: no name, no typo of one, no
    #: word the record writes as a name ("getting closer", "how do i access that").
    everyday_only: bool = False
    #: ``coverage`` with everyday words weighted by their frequency in English (``filler_idf``): how
    #: much of the question a topic it names explains once the filler around the name is discounted.
    named_coverage: float = 0.0

    def outexplains(self, other: TopicScore) -> bool:
        """This topic explains every question word ``other`` does, and more: ``other`` is no rival.

        A topic the question names still rivals one that merely explains more, unless that one is
        defined in terms of the named topic ("the broadband service from Orbitco": its description
        says it is SpaceX's): then the named topic only qualifies the subject.
        """
        if not other.explained < self.explained:
            return False
        return not other.named or other.name_words <= self.defined_by
    def names_less_than(self, other: TopicScore) -> bool:
        """Both are named and this name is part of the other's ("Robotaxis" in "Tesla Robotaxi")."""
        return self.named and other.named and self.name_words < other.name_words

    @property
    def named(self) -> bool:
        """The question contains one of the topic's names in full (allowing typos)."""
        return self.name_cover >= 0.999


@dataclass(frozen=True)
class QuestionToken:
    word: str
    stem: str
    idf: float
    fuzzy: tuple[tuple[str, float], ...] = ()  # name words this unknown word may be a typo of
    part: str | None = None  # the telling part of a compound ("chip" of "chipmaking")
    synonyms: frozenset[str] = frozenset()  # stems of everyday words for the same thing
    exact: str | None = None  # the word as written, when a record indexes it so (a short acronym)
    filler_idf: float | None = None  # its weight beside a named topic (``TopicIndex.filler_idf``), if lower

    @property
    def weight_beside_a_name(self) -> float:
        return self.idf if self.filler_idf is None else min(self.idf, self.filler_idf)

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.stem,) if self.exact is None else (self.stem, self.exact)


def is_common_mention(doc: DocumentView, token: QuestionToken, weight: float, field: str | None, *,
                       alone: bool) -> bool:
    """An ordinary word of the record's prose, in lower case: not a name, not a phrase.

    When it is the whole question it must also be a word the record does not return to (noisy-or
    weight at most the description's alone: "day" in a summary, "made" in a description), or an
    one of the commonest English words (``english.is_common``, ``lexicon.COMMON_WORDS``) however
    often the record uses it: "the engines", "the rules" or "fair enough" alone are chat, not
    questions, while "tidal" alone may well ask for the record that keeps returning to it. Next to other
    words the record does not explain, even a prominent one is a shared word, not the subject
    ("tidal energy" is not about the metals whose description mentions tidal turbines).
    """
    if field in ("title", "alias", "typo", "phrase", "unique acronym", "compound name"):
        return False
    # A frequent English word capitalised inside a name ("Day" of "Liberation Day") is still that word.
    proper = (doc.is_proper(token.word) and token.word not in COMMON_WORDS) or any(
        doc.is_acronym(k) for k in token.keys)
    if proper:
        return False
    return (not alone or weight <= FIELD_WEIGHTS["description"] or token.word in COMMON_WORDS
            or english.is_common(token.word))


def text_or_partial_name(doc: DocumentView, stem_: str) -> float:
    """Evidence of ``stem_`` for ``doc`` outside its names, or as one word of a name at most."""
    in_name = PARTIAL_NAME_BASE if any(stem_ in n.keys for n in doc.names) else 0.0
    return max(doc.text_evidence_of(stem_), in_name)


def compact_name(name: str) -> str:
    return "".join(w for w in normalize(name).split() if w not in FUNCTION_WORDS)


def full_names(names: Iterable[NameWords], name_hits: dict[str, float]) -> set[str]:
    """Words of the topic's names that the question mentions in full."""
    return {k for n in names if all(name_hits.get(x, 0.0) > 0.0 for x in n.words) for k in n.keys}


def name_vocabulary(doc: DocumentView) -> set[str]:
    """Words of the topic's names, plus adjacent pairs written together ("glp 1" → "glp1")."""
    vocab: set[str] = set()
    for name in doc.names:
        vocab.update(name_vocabulary_of(name))
    return vocab


def name_vocabulary_of(name: NameWords) -> set[str]:
    return {*name.words, *(a + b for a, b in zip(name.words, name.words[1:], strict=False))}


def is_chatter_typo(word: str) -> bool:
    """An unknown short word one slip (a letter changed, added, dropped or two swapped) away from a
    chatter word with the same first letter ("wat", "teh", "thnks"), not two ("dog" is no "doing")."""
    if typo_cutoff(word) is None or len(word) > CHATTER_TYPO_MAX_LEN:
        return False
    hits = process.extract(word, _CHATTER_CHOICES, scorer=OSA.distance, processor=None, score_cutoff=1,
                           limit=None)
    if not hits:
        return False
    best = min(distance for _, distance, _ in hits)
    # Among equally close chatter words, one with the same first letter makes it a slip of chatter.
    return any(choice[0] == word[0] for choice, distance, _ in hits if distance == best)
