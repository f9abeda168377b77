"""Which question words say what kind of answer is wanted, learned from labelled questions.

"catch me up on waymo" wants the timeline, "where did you read that about starlink" the sources,
"who runs nvidia" an attribute, "so what is the chips act" the summary. Beside the wording cues of
``words/intent_cues.toml`` (phrases written by hand), the intent model weighs what the project's
labelled questions say about each word: among the questions about a topic that say a word (beside
the topic's names, by its stem), how much more often than usual each intent is asked. The counts are
made by ``python -m benchmarks.train_decisions`` and shipped with the decision weights.

For a word and an intent the lift is the share of the word's questions asking for the intent, shrunk
towards the base rate by ``PRIOR`` imagined questions, minus the base rate: positive when the word
is said more often for that intent, negative when less. Words said by fewer than ``MIN_QUESTIONS``
questions are dropped, and so are lifts smaller than ``MIN_LIFT``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from bot.core.engine.tokens import stem

#: A word must be said by at least this many labelled questions ...
MIN_QUESTIONS: Final = 3
#: ... and move an intent's chance at least this much (either way).
MIN_LIFT: Final = 0.05
#: Imagined questions at the base rates added to every word's count (shrinks rare words).
PRIOR: Final = 2.0


@dataclass(frozen=True)
class IntentExample:
    """One labelled question about a topic: its words beside the topic's names and the intent asked."""

    question_words: Sequence[str]
    intent: str


@dataclass(frozen=True, eq=False)
class IntentWords:
    """Word stem → intent → lift (-1 .. 1)."""

    lifts: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def evidence(self, question_words: Iterable[str], intents: Sequence[str]) -> list[float]:
        """Per intent (in the order of ``intents``), the sum of the lifts of the question's words
        (each stem counted once)."""
        said = {stem(w) for w in question_words}
        found = [self.lifts[s] for s in said if s in self.lifts]
        return [sum(lifts.get(intent, 0.0) for lifts in found) for intent in intents]

    def to_json(self) -> dict[str, dict[str, float]]:
        return {word: {intent: round(lift, 4) for intent, lift in sorted(lifts.items())}
                for word, lifts in sorted(self.lifts.items())}

    @classmethod
    def from_json(cls, data: Mapping[str, Mapping[str, float]]) -> IntentWords:
        return cls({str(word): {str(intent): float(lift) for intent, lift in lifts.items()}
                    for word, lifts in data.items()})


NO_INTENT_WORDS: Final = IntentWords()


def learn_intent_words(examples: Iterable[IntentExample]) -> IntentWords:
    """Count how much each word raises or lowers each intent (see the module's note)."""
    per_intent: Counter[str] = Counter()
    said: Counter[str] = Counter()
    said_for: Counter[tuple[str, str]] = Counter()
    total = 0
    for example in examples:
        total += 1
        per_intent[example.intent] += 1
        for word in {stem(w) for w in example.question_words}:
            said[word] += 1
            said_for[word, example.intent] += 1
    if not total:
        return NO_INTENT_WORDS
    base = {intent: count / total for intent, count in per_intent.items()}
    lifts: dict[str, dict[str, float]] = {}
    for word, count in said.items():
        if count < MIN_QUESTIONS:
            continue
        for intent, rate in base.items():
            lift = (said_for[word, intent] + PRIOR * rate) / (count + PRIOR) - rate
            if abs(lift) >= MIN_LIFT:
                lifts.setdefault(word, {})[intent] = lift
    return IntentWords(lifts)
