"""What a question's words say for each attribute of a topic: evidence the attribute model weighs.

The question's words, minus the topic's own name words, are matched against each attribute name:
a word equal to a name word (same stem, a shared prefix, or a typo at ``fuzz.ratio`` ≥ 80) counts
1.0; a question word that points at a name word ("who runs" → CEO) counts its weight in the cues
learned from the labelled questions (``attribute_cues``, shipped with the decision weights).
Generic name words ("key", "main", "other") count a third. The
share of the question's distinctive words found in each value is evidence too ("how much coolant do
the reactors need" → Cooling). Which attribute is asked, if any, the learned attribute and intent
models decide (``learned_deciding``), with the meaning of each "name: value" line when the semantic
signal is on.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from rapidfuzz import fuzz

from bot.core.engine.attribute_cues import AttributeCues
from bot.core.engine.lexicon import FUNCTION_WORDS, GENERIC_NAME_WORDS, INTENT_WORDS
from bot.core.engine.tokens import prefix_related, stem, stems, words
from bot.core.model import Attribute, Topic

DIRECT_WEIGHT: Final = 1.0
GENERIC_FACTOR: Final = 1 / 3
TYPO_CUTOFF: Final = 80.0


@lru_cache(maxsize=65536)
def _word_matches(word: str, name_word: str) -> bool:
    a, b = stem(word), stem(name_word)
    if a == b or prefix_related(a, b):  # related stems are longer than the prefix key
        return True
    return len(word) >= 4 and fuzz.ratio(word, name_word) >= TYPO_CUTOFF


@dataclass(frozen=True)
class AttributeEvidence:
    """What a question's words say for one attribute: ``direct`` mass of words naming it, ``cue``
    mass of words pointing at its name (the learned ``attribute_cues``), ``value`` share of the
    question's distinctive words found in its value; ``specific`` the part of ``direct`` from words
    that do not also say what the topic is (``defining_stems``: "law" names "Signed Into Law" but
    also says what the CHIPS Act is)."""

    attribute: Attribute
    direct: float
    cue: float
    value: float
    specific: float = 0.0


def attribute_evidence(question_words: Sequence[str], topic: Topic, cues: AttributeCues,
                       values: bool = True) -> list[AttributeEvidence]:
    """The evidence for each attribute of ``topic`` (in order), the topic's own name words left out.

    ``values=False`` leaves out what needs the stems of the topic's prose (``value`` is 0 and
    ``specific`` equals ``direct``): the names' evidence alone, cheap for every candidate of a question.
    """
    q_words = beside_names(question_words, topic)
    if not q_words or not topic.attributes:
        return [AttributeEvidence(a, 0.0, 0.0, 0.0, 0.0) for a in topic.attributes]
    content = [w for w in q_words if w not in FUNCTION_WORDS and w not in INTENT_WORDS]
    askable = {w for w in q_words if w not in FUNCTION_WORDS}
    defining = defining_stems(topic) if values else frozenset()
    wanted = {stem(w) for w in content} - general_stems(topic) if values else set()
    found: list[AttributeEvidence] = []
    for attribute in topic.attributes:
        direct, cue, specific = _name_evidence(q_words, askable, attribute.name, defining, cues)
        value = len(wanted & _stems_of(attribute.value)) / len(wanted) if wanted else 0.0
        found.append(AttributeEvidence(attribute, direct, cue, value, specific))
    return found


def asks_attribute(question_words: Sequence[str], title: str, aliases: tuple[str, ...],
                   attribute_names: Sequence[str], cues: AttributeCues) -> float:
    """The most the question's words say for one attribute of a topic with these names and attribute
    names: the largest ``direct + cue`` of ``attribute_evidence(..., values=False)``, from the names alone."""
    q_words = tuple(_beside(question_words, title, aliases))
    if not q_words:
        return 0.0
    return max((_name_mass(q_words, name, cues) for name in attribute_names), default=0.0)


@lru_cache(maxsize=8192)
def _name_mass(q_words: tuple[str, ...], name: str, cues: AttributeCues) -> float:
    """``direct + cue`` of one attribute name for these question words (remembered: the candidates of a
    question share most attribute names, "CEO", "Founded" ...)."""
    direct, cue, _ = _name_evidence(q_words, {w for w in q_words if w not in FUNCTION_WORDS}, name, frozenset(),
                                    cues)
    return direct + cue


def _name_evidence(q_words: Sequence[str], askable: Set[str], name: str,
                   defining: Set[str], cues: AttributeCues) -> tuple[float, float, float]:
    """``direct``, ``cue`` and ``specific`` of one attribute name (see ``AttributeEvidence``)."""
    direct = cue = specific = 0.0
    for word in q_words:
        best_direct = best_cue = 0.0
        pointed = cues.of(word)
        for name_word, name_stem, factor in _name_parts(name):
            if word in askable and _word_matches(word, name_word):
                best_direct = max(best_direct, DIRECT_WEIGHT * factor)
            elif name_stem in pointed:
                best_cue = max(best_cue, pointed[name_stem] * factor)
        if best_direct:
            direct += best_direct
            specific += 0.0 if stem(word) in defining else best_direct
        else:
            cue += best_cue
    return direct, cue, specific


@lru_cache(maxsize=4096)
def _name_parts(name: str) -> tuple[tuple[str, str, float], ...]:
    """An attribute name's words (function words left out), each with its stem and weight factor."""
    return tuple((w, stem(w), GENERIC_FACTOR if w in GENERIC_NAME_WORDS else 1.0)
                 for w in words(name) if w not in FUNCTION_WORDS)


def beside_names(question_words: Sequence[str], topic: Topic) -> list[str]:
    """The question's words that are none of the topic's name words (by stem, or a typo of one)."""
    return _beside(question_words, topic.title, topic.all_aliases)


def _beside(question_words: Sequence[str], title: str, aliases: tuple[str, ...]) -> list[str]:
    name_words, name_stems = _topic_names(title, aliases)
    return [w for w in question_words
            if w not in name_words and stem(w) not in name_stems and not _typo_of_any(w, name_words)]


@lru_cache(maxsize=4096)
def _topic_names(title: str, aliases: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    name_words = frozenset(w for name in (title, *aliases) for w in words(name))
    return name_words, frozenset(stem(w) for w in name_words)


def rest_shares(question_words: Sequence[str], topic: Topic) -> tuple[float, float, float, float, float]:
    """The question's content words beside the topic's names: (none left, share defining the
    topic (``defining_stems``), share found only in an attribute's value, share found only in its
    timeline's events (not in an attribute's name either), share of other words)."""
    content = [w for w in beside_names(question_words, topic) if w not in FUNCTION_WORDS and w not in INTENT_WORDS]
    if not content:
        return 1.0, 0.0, 0.0, 0.0, 0.0
    general = defining_stems(topic)
    valued = _value_stems(topic) - general
    timed = _event_stems(topic) - general - valued - _attribute_name_stems(topic)
    said = [stem(w) for w in content]
    describes = sum(s in general for s in said) / len(said)
    in_value = sum(s in valued for s in said) / len(said)
    in_event = sum(s in timed for s in said) / len(said)
    return 0.0, describes, in_value, in_event, 1.0 - describes - in_value - in_event


def _value_stems(topic: Topic) -> frozenset[str]:
    return _stems_of(" ".join(a.value for a in topic.attributes))


def _attribute_name_stems(topic: Topic) -> frozenset[str]:
    return _stems_of(" ".join(a.name for a in topic.attributes))


def _event_stems(topic: Topic) -> frozenset[str]:
    return _stems_of(" ".join(e.text for e in topic.timeline))


@lru_cache(maxsize=4096)
def _stems_of(text: str) -> frozenset[str]:
    return frozenset(stems(text))


def defining_stems(topic: Topic) -> frozenset[str]:
    """The stems of the words that say what ``topic`` is: its title and description (the summary
    also tells its attributes' values)."""
    return _stems_of(f"{topic.title} {topic.description}")


def general_stems(topic: Topic) -> frozenset[str]:
    """The stems of the words that describe ``topic`` as a whole: its title, description and summary."""
    return _general_stems(topic.title, topic.description, topic.summary)


@lru_cache(maxsize=4096)
def _general_stems(title: str, description: str, summary: str) -> frozenset[str]:
    return frozenset(stems(f"{title} {description} {summary}"))


def _typo_of_any(word: str, name_words: Set[str]) -> bool:
    return len(word) >= 4 and any(fuzz.ratio(word, n) >= TYPO_CUTOFF for n in name_words)

