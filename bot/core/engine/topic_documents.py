"""What the matcher knows about one topic: the evidence each word gives for it, and its names.

Each field of a record carries a weight saying how much a word found there says about the topic:
a word of the title or of an alias names it (1.0); the description is a one-paragraph definition
(0.6); attribute names say what people ask about it (0.5); background headings and web result titles
are short and on-topic (0.4, 0.35); attribute values, the summary and timeline texts mention many
neighbouring things (0.35, 0.3, 0.3).
A word found in several fields gets the noisy-or of their weights, so a term the record keeps
returning to (a product name in the description, an attribute, an event and a web title) counts
for more than one passing mention.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Final, Protocol, TypeVar

from bot.core.engine.lexicon import FUNCTION_WORDS
from bot.core.engine.tokens import prefix_key, stem, words
from bot.core.model import Topic

FIELD_WEIGHTS: Final = {
    "title": 1.0,
    "alias": 1.0,
    "description": 0.6,
    "background": 0.4,
    "web": 0.35,
    "attribute_name": 0.5,
    "attribute": 0.35,
    "summary": 0.3,
    "timeline": 0.3,
}
#: What one topic contributes to the index, whatever its record holds. Per field: at most
#: ``MAX_INDEXED_ITEMS`` texts (timeline events from both ends: the first and the latest), each cut
#: at ``MAX_INDEXED_CHARS`` characters, and ``MAX_FIELD_CHARS`` in all. A record far past these (a
#: timeline of 278,000 events) is matched by its names, definition, attributes and the part of its
#: texts within them, so one huge topic costs questions about other topics no more than a large
#: ordinary one does. The record itself is stored and answered from whole; every record the project
#: ships or tests with is well within them.
MAX_INDEXED_ITEMS: Final = 200
MAX_INDEXED_CHARS: Final = 8_000
MAX_FIELD_CHARS: Final = 60_000
#: What the decision step weighs of each candidate beside its names (``ranking.TopicHead``): the names
#: of at most this many attributes, the first ones. Every candidate's attribute names are matched
#: against the question (``attributes.asks_attribute``), so a record of 499 attributes that shares
#: words with every topic cost each question it was a candidate for 499 name matches (the most of
#: the 8 % it added to other topics' replies); the topic answered about is still read whole.
MAX_HEAD_ATTRIBUTES: Final = 50
#: Weight of a bigram found in the title, an alias or the description ("satellite internet").
PHRASE_WEIGHT: Final = 0.9
MIN_ACRONYM_LETTERS: Final = 3
#: Acronyms of up to this many letters are matched exactly: one letter more or less, or a stripped
#: ending, makes another word ("RIE" / "rice", "DOGE" / "dog").
MAX_EXACT_ACRONYM: Final = 4
T = TypeVar("T")
_RAW_WORD_RE: Final = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_SENTENCE_END: Final = (".", "!", "?", ":", ";", "\"", "“", "(")


@dataclass(frozen=True, slots=True)
class NameWords:
    """One name of a topic (its title or an alias): the display text and its content words."""

    text: str
    words: tuple[str, ...]
    is_title: bool
    exact: bool = False  # a short acronym: matched letter for letter, never by stem or as a typo
    keys: tuple[str, ...] = ()  # the index key of each word (see ``word_key``)

    @classmethod
    def of(cls, text: str, *, is_title: bool) -> NameWords:
        name_words = tuple(w for w in words(text) if w not in FUNCTION_WORDS)
        exact = is_short_acronym(text)
        return cls(text, name_words, is_title, exact, tuple(word_key(w, exact=exact) for w in name_words))

    def key(self, word: str) -> str:
        for w, k in zip(self.words, self.keys, strict=True):
            if w == word:
                return k
        return word_key(word, exact=self.exact)


@dataclass(frozen=True)
class TopicDocument:
    """The matcher's view of one topic; rebuilt whenever the topic changes."""

    evidence: dict[str, tuple[float, str]]  # stem -> (weight, best field)
    text_evidence: dict[str, float]  # stem -> weight from the fields other than the names
    prefix_evidence: dict[str, tuple[tuple[str, float], ...]]  # prefix key -> ((stem, weight), ...)
    phrases: frozenset[tuple[str, str]]  # stem bigrams of title, aliases, description
    names: tuple[NameWords, ...]
    proper: frozenset[str] = frozenset()  # words (as written, normalised) the record capitalises mid-sentence
    defining: frozenset[str] = frozenset()  # stems of the title, aliases and description
    acronyms: frozenset[str] = frozenset()  # stems of words written in capitals ("PAFACA", "CFTC")
    exact: frozenset[str] = frozenset()  # short acronyms indexed as written, not by stem ("doge")
    lowercase: frozenset[str] = frozenset()  # stems the record writes in lower case somewhere

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(self.evidence)

    # --- DocumentView ------------------------------------------------------------------------------

    def evidence_of(self, key: str) -> tuple[float, str | None]:
        return self.evidence.get(key, (0.0, None))

    def text_evidence_of(self, key: str) -> float:
        return self.text_evidence.get(key, 0.0)

    def prefix_evidence_of(self, pkey: str) -> list[tuple[str, float]]:
        return list(self.prefix_evidence.get(pkey, ()))

    def has_phrase(self, first: str, second: str) -> bool:
        return (first, second) in self.phrases

    def is_proper(self, word: str) -> bool:
        return word in self.proper

    def is_acronym(self, key: str) -> bool:
        return key in self.acronyms

    def is_defining(self, key: str) -> bool:
        return key in self.defining

    def has_lowercase(self, key: str) -> bool:
        return key in self.lowercase


class DocumentView(Protocol):
    """What the ranker asks of a topic's document (``TopicDocument`` or the index's packed form)."""

    @property
    def names(self) -> tuple[NameWords, ...]: ...

    def evidence_of(self, key: str) -> tuple[float, str | None]: ...

    def text_evidence_of(self, key: str) -> float: ...

    def prefix_evidence_of(self, pkey: str) -> list[tuple[str, float]]: ...

    def has_phrase(self, first: str, second: str) -> bool: ...

    def is_proper(self, word: str) -> bool: ...

    def is_acronym(self, key: str) -> bool: ...

    def is_defining(self, key: str) -> bool: ...

    def has_lowercase(self, key: str) -> bool: ...


def is_short_acronym(text: str) -> bool:
    """One word of at most ``MAX_EXACT_ACRONYM`` letters, all capitals ("DOGE", "RIE")."""
    letters = [ch for ch in text if ch.isalpha()]
    return 0 < len(letters) <= MAX_EXACT_ACRONYM and "".join(letters).isupper() and " " not in text.strip()


def word_key(word: str, *, exact: bool = False) -> str:
    """The key a normalised word is indexed under: its stem, or the word itself for a short acronym
    (stemming "DOGE" would make it "dog")."""
    return word if exact else stem(word)


@dataclass(frozen=True, slots=True)
class RawWord:
    """What indexing needs of one word as written: its normalised words, their index keys (function
    words left out) and whether it is a short acronym. Computed once per distinct spelling."""

    words: tuple[str, ...]
    keys: tuple[str, ...]
    short_acronym: bool
    acronym: bool  # three letters or more, all capitals ("PAFACA")


_RAW_CACHE: dict[str, RawWord] = {}
_RAW_CACHE_SIZE: Final = 200_000


def raw_word(raw: str) -> RawWord:
    """The analysis of one raw word, memoised: a corpus repeats its vocabulary, and normalising and
    stemming every occurrence again was most of the cost of indexing a topic."""
    found = _RAW_CACHE.get(raw)
    if found is None:
        exact = is_short_acronym(raw)
        normal = tuple(words(raw))
        keys = tuple(word_key(w, exact=exact) for w in normal if w not in FUNCTION_WORDS)
        acronym = sum(ch.isalpha() for ch in raw) >= MIN_ACRONYM_LETTERS and raw.isupper()
        found = RawWord(normal, keys, exact, acronym)
        if len(_RAW_CACHE) >= _RAW_CACHE_SIZE:
            _RAW_CACHE.clear()
        _RAW_CACHE[raw] = found
    return found


def _content_stems(text: str) -> list[str]:
    out: list[str] = []
    for raw in _RAW_WORD_RE.findall(text):
        out.extend(raw_word(raw).keys)
    return out


def build_document(topic: Topic) -> TopicDocument:
    """Index ``topic``'s fields into per-word evidence, name words and description phrases."""
    background, attributes = _bounded(topic.background), _bounded(topic.attributes)
    events = _bounded(topic.timeline, both_ends=True)
    per_field: dict[str, list[str]] = {
        "title": [topic.title],
        "alias": list(topic.all_aliases),
        "description": _texts([topic.description]),
        "background": _texts([section.heading for section in background]),
        "web": _texts([result.title for result in _bounded(topic.web_results)]),
        "attribute_name": _texts([a.name for a in attributes]),
        "attribute": _texts([a.value for a in attributes]),
        "summary": _texts([topic.summary]),
        "timeline": _texts([event.text for event in events]),
    }
    miss: dict[str, float] = {}
    text_miss: dict[str, float] = {}
    best: dict[str, tuple[float, str]] = {}
    for field_name, texts in per_field.items():
        weight = FIELD_WEIGHTS[field_name]
        seen = {s for text in texts for s in _content_stems(text)}
        for s in seen:
            miss[s] = miss.get(s, 1.0) * (1.0 - weight)
            if field_name not in ("title", "alias"):
                text_miss[s] = text_miss.get(s, 1.0) * (1.0 - weight)
            if s not in best or best[s][0] < weight:
                best[s] = (weight, field_name)
    evidence = {s: (1.0 - miss[s], best[s][1]) for s in miss}
    text_evidence = {s: 1.0 - m for s, m in text_miss.items()}
    by_prefix: dict[str, list[tuple[str, float]]] = {}
    for s, (weight, _) in evidence.items():
        key = prefix_key(s)
        if key is not None:
            by_prefix.setdefault(key, []).append((s, weight))
    prefix_evidence = {key: tuple(items) for key, items in by_prefix.items()}
    phrases: set[tuple[str, str]] = set()
    defining: set[str] = set()
    for text in (topic.title, *topic.all_aliases, topic.description):
        seq = _content_stems(text)
        phrases.update(pairwise(seq))
        defining.update(seq)
    names = [NameWords.of(topic.title, is_title=True)]
    names.extend(NameWords.of(alias, is_title=False) for alias in topic.all_aliases)
    named = tuple(n for n in names if n.words)
    free_text = [*per_field["description"], *per_field["summary"], *per_field["attribute"],
                 *per_field["timeline"], *_texts([b.paragraph for b in background])]
    return TopicDocument(evidence, text_evidence, prefix_evidence, frozenset(phrases), named,
                         proper_words(free_text), frozenset(defining), acronym_stems(free_text),
                         exact_keys([t for texts in per_field.values() for t in texts]),
                         lowercase_keys([t for texts in per_field.values() for t in texts]))


def _bounded(items: Sequence[T], *, both_ends: bool = False) -> Sequence[T]:
    """At most ``MAX_INDEXED_ITEMS`` of ``items``: the first ones, or half from each end."""
    if len(items) <= MAX_INDEXED_ITEMS:
        return items
    if not both_ends:
        return items[:MAX_INDEXED_ITEMS]
    half = MAX_INDEXED_ITEMS // 2
    return [*items[:half], *items[-half:]]


def _texts(texts: Sequence[str]) -> list[str]:
    """``texts`` each cut at ``MAX_INDEXED_CHARS``, until ``MAX_FIELD_CHARS`` in all."""
    kept: list[str] = []
    left = MAX_FIELD_CHARS
    for text in texts:
        if left <= 0:
            break
        cut = text[: min(MAX_INDEXED_CHARS, left)]
        kept.append(cut)
        left -= len(cut)
    return kept


def lowercase_keys(texts: list[str]) -> frozenset[str]:
    """Keys of the words ``texts`` write in lower case: those the record uses as ordinary words."""
    return frozenset(k for text in texts for raw in _RAW_WORD_RE.findall(text) if raw[0].islower()
                     for k in raw_word(raw).keys)


def exact_keys(texts: list[str]) -> frozenset[str]:
    """Short acronyms of ``texts`` that their stem would change ("DOGE" → "doge", not "dog")."""
    found: set[str] = set()
    for text in texts:
        for raw in _RAW_WORD_RE.findall(text):
            analysed = raw_word(raw)
            if analysed.short_acronym:
                found.update(w for w in analysed.words if stem(w) != w)
    return frozenset(found)


def acronym_stems(texts: list[str]) -> frozenset[str]:
    """Stems of the words ``texts`` write in capitals, three letters or more ("PAFACA", "CFTC"):
    acronyms name one law, agency or product, wherever in a sentence they stand."""
    found: set[str] = set()
    for text in texts:
        for raw in _RAW_WORD_RE.findall(text):
            analysed = raw_word(raw)
            if analysed.acronym:
                found.update(word_key(w, exact=analysed.short_acronym) for w in analysed.words)
    return frozenset(found)


def proper_words(texts: list[str]) -> frozenset[str]:
    """The words (normalised, not stemmed) that ``texts`` mostly write capitalised where a sentence
    does not start. Surface forms, not stems: "Sam" is a name, "same" (stemmed alike) is not.

    Product names, places and acronyms ("Casgevy", "ITER", "Austin") are written that way; common
    words ("day", "same") are not. A lone common word shared with a record is weak evidence that
    the record is what a question is about; a lone name is strong evidence.
    """
    upper: dict[str, int] = {}
    lower: dict[str, int] = {}
    for text in texts:
        first = True
        for match in _RAW_WORD_RE.finditer(text):
            raw = match.group(0)
            initial = raw[0]
            if initial.islower():
                for word in raw_word(raw).words:
                    lower[word] = lower.get(word, 0) + 1
            elif initial.isupper():
                start = match.start()
                gap = text[max(0, start - 3):start].strip()
                if not first and not (gap != "" and gap[-1] in _SENTENCE_END):
                    analysed = raw_word(raw)
                    for word in analysed.words:
                        key = raw.lower() if analysed.short_acronym else word
                        upper[key] = upper.get(key, 0) + 1
            first = False
    return frozenset(key for key, count in upper.items() if count > lower.get(key, 0))
