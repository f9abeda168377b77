"""Which question words point at which attribute names, learned from labelled questions.

"who runs nvidia" asks for the CEO, "where is waymo based" for the headquarters, "how many bitcoins
can there be" for the supply cap: the question does not say the attribute's name, it says a word
that people use when they want it. Those links are counted from the project's labelled attribute
questions (``python -m benchmarks.train_decisions``) and shipped with the decision weights, not
written by hand.

For a question word (by its stem) and a word of an attribute's name (by its stem), among the
labelled questions that say the word about a topic holding an attribute with that name word
(questions for its summary, timeline or sources included): how much more often than usual an
attribute with that name word is the one asked for. The weight is the lift over
the name word's base rate, scaled to 0 .. 1 (1: whenever the word is said, that attribute is
asked), the rate shrunk towards the base rate by ``PRIOR`` imagined questions (so a word seen
twice says little). Links said by fewer than ``MIN_HITS`` questions, or weaker than
``MIN_WEIGHT``, are dropped. Grammar words (``lexicon.FUNCTION_WORDS``) are neither question
words that point nor name words pointed at, except the question words that ask for a kind of
fact ("who", "where", "how many" ...).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from bot.core.engine.lexicon import FUNCTION_WORDS
from bot.core.engine.tokens import stem, words

#: A link must be said by at least this many labelled questions ...
MIN_HITS: Final = 2
#: ... and raise the chance of its attribute at least this much (0 .. 1).
MIN_WEIGHT: Final = 0.1
#: Imagined questions at the base rate added to every link's count (shrinks rare links).
PRIOR: Final = 1.0
#: Grammar words that still say what kind of fact is asked for.
QUESTION_WORDS: Final = frozenset({"who", "where", "when", "which", "how", "many", "much", "why"})


@dataclass(frozen=True)
class CueExample:
    """One labelled question about a topic: its words beside the topic's names, the names of the
    topic's attributes and the one asked for (``None``: it asks for no attribute)."""

    question_words: Sequence[str]
    attribute_names: Sequence[str]
    asked: str | None


@dataclass(frozen=True, eq=False)
class AttributeCues:
    """Question-word stem → attribute-name-word stem → weight (0 .. 1]."""

    links: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def of(self, word: str) -> Mapping[str, float]:
        """The attribute-name stems ``word`` (any inflection) points at, with their weights."""
        return self.links.get(stem(word), _NOTHING)

    def to_json(self) -> dict[str, dict[str, float]]:
        return {said: {name: round(weight, 4) for name, weight in sorted(names.items())}
                for said, names in sorted(self.links.items())}

    @classmethod
    def from_json(cls, data: Mapping[str, Mapping[str, float]]) -> AttributeCues:
        return cls({str(said): {str(name): float(weight) for name, weight in names.items()}
                    for said, names in data.items()})


_NOTHING: Final[Mapping[str, float]] = {}
NO_CUES: Final = AttributeCues()


def name_stems(name: str) -> frozenset[str]:
    """The stems of an attribute name's words (grammar words left out)."""
    return frozenset(stem(w) for w in words(name) if w not in FUNCTION_WORDS)


def pointing(question_words: Iterable[str]) -> set[str]:
    """The stems of the question words that may point at an attribute."""
    return {stem(w) for w in question_words if w not in FUNCTION_WORDS or w in QUESTION_WORDS}


def learn_cues(examples: Iterable[CueExample]) -> AttributeCues:
    """Count the links between question words and attribute-name words (see the module's note)."""
    seen: Counter[tuple[str, str]] = Counter()  # the word said about a topic holding the name word
    hits: Counter[tuple[str, str]] = Counter()  # ... and an attribute with that name word asked for
    held: Counter[str] = Counter()  # questions about a topic holding the name word
    asked: Counter[str] = Counter()  # ... that ask for an attribute with it
    for example in examples:
        said = pointing(example.question_words)
        held_stems = frozenset().union(*(name_stems(n) for n in example.attribute_names))
        wanted = name_stems(example.asked) if example.asked else frozenset()
        for name in held_stems:
            held[name] += 1
            asked[name] += name in wanted
            for word in said:
                seen[word, name] += 1
                hits[word, name] += name in wanted
    links: dict[str, dict[str, float]] = {}
    for (word, name), hit in hits.items():
        if hit < MIN_HITS:
            continue
        base = asked[name] / held[name]
        if base >= 1.0:
            continue
        rate = (hit + PRIOR * base) / (seen[word, name] + PRIOR)
        weight = (rate - base) / (1.0 - base)
        if weight >= MIN_WEIGHT:
            links.setdefault(word, {})[name] = min(1.0, weight)
    return AttributeCues(links)
