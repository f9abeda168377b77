"""The engine's third step, **decide**: decisions learned from the project's labelled data.

No hand-written acceptance rule or threshold is left: what the models below do not decide, the
ranker's features (``features``) describe and the models weigh (see the README's section on
learned decisions for the figures).

1. The listing model (``features.list_features``: whom the message addresses, words of holding,
   of a collection, what is left beside them, how well the best-ranked topic explains it) finds a
   request for the list of topics ("what subjects have you got", "do you have anything on crypto"):
   a ``Listing``, filtered by what it names after "about" / "on" ..., else loosely by the words it
   leaves (nothing matching them: every topic). A message with nothing to look up is ``Chatter``.
2. The candidates are the ranker's best few, and with the semantic signal on, the topics closest in
   meaning too. ``features`` describes each; the topic model (``decision_model``) gives each the
   probability that it is the topic asked about.
3. The best candidate reaches the answer threshold, the choice model finds the question fits the
   best two alike and the member model finds two or more candidates belong in a choice: a
   ``Choice``. "X vs Y" naming two topics is a choice too. No candidate reaches the answer
   threshold: a ``Miss`` (the nearest named as suggestions).
4. For a pick, the attribute model ranks the topic's attributes by name evidence and meaning, and
   the intent model says whether the summary, an attribute, the timeline or the sources are asked,
   weighing among its features what the question's words beside the topic's names say for each
   intent (``intent_words``, learned with the weights).

Every threshold comes with the weights (``Thresholds``), fitted by ``python -m
benchmarks.train_decisions``; none is written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np
from rapidfuzz.distance import Levenshtein

from bot.core.answers import Intent
from bot.core.engine.attribute_cues import AttributeCues
from bot.core.engine.attributes import (
    AttributeEvidence,
    asks_attribute,
    attribute_evidence,
    beside_names,
    rest_shares,
)
from bot.core.engine.decision_model import DecisionModel, shipped_model
from bot.core.engine.features import (
    INTENTS,
    Meaning,
    Rest,
    addressed_imperative,
    attribute_features,
    candidate_features,
    choice_features,
    evidence_features,
    intent_features,
    list_features,
    list_subject,
    query_features,
)
from bot.core.engine.intent_words import IntentWords
from bot.core.engine.outcomes import Chatter, Choice, ChoiceReason, Listing, Miss, Outcome, Pick
from bot.core.engine.ranking import Ranked, Ranking, TopicHead
from bot.core.engine.reading import Query, content_words
from bot.core.engine.tokens import normalize, stem
from bot.core.engine.topic_scores import TopicScore
from bot.core.model import Topic

#: At most this many topics in a choice, and named as suggestions by a miss.
MAX_CANDIDATES = 5
SUGGESTIONS = 3
#: Candidates weighed per question: the ranker's best and, with the semantic signal, the closest in meaning.
LEXICAL_CANDIDATES = 5
MEANING_CANDIDATES = 3


class LearnedMeaningSignal(Protocol):
    """The semantic signal for one question, asked by ``decide`` for its features."""

    def topics(self, k: int) -> list[tuple[Topic, float]]:
        """The ``k`` visible topics closest in meaning to the question, with their cosines, best first."""
        ...

    def closeness(self, topics: Sequence[Topic]) -> list[Meaning]:
        """For each topic, the question's cosines with the topic, its name and its closest attribute or
        timeline line, of its first attributes and latest events (``topic_lines.candidate_lines``; asked
        for all the candidates at once: their lines are embedded together)."""
        ...

    def attribute_cosines(self, topic: Topic, rest: str) -> list[tuple[float, float, float, float]]:
        """Per attribute: the question's cosine with "name: value" and with the name, then the cosines of
        ``rest`` (the question beside the topic's names) with "name: value" and with the value."""
        ...

    def intent_cosines(self, topic: Topic, rest: str) -> tuple[float, ...]:
        """The question's cosines with the closest attribute line, the closest timeline line and the
        summary, then those of ``rest`` (the question beside the topic's names) with the same and the
        description."""
        ...


@dataclass(frozen=True)
class Candidate:
    head: TopicHead  # its names and attribute names: all the features read of a candidate
    score: TopicScore | None  # ``None``: found by meaning alone
    source: Ranked | Topic  # the ranker's candidate (its topic unpacked when first asked for), or the topic

    @property
    def topic(self) -> Topic:
        return self.source.topic if isinstance(self.source, Ranked) else self.source


@dataclass(frozen=True)
class LearnedDecider:
    """``decide`` with its two models: one fitted with the semantic features, one without."""

    with_meaning: DecisionModel | None
    lexical: DecisionModel

    def model_for(self, meaning: LearnedMeaningSignal | None) -> DecisionModel:
        """The model fitted with the semantic features when the signal is on and that model is shipped."""
        return self.with_meaning if meaning is not None and self.with_meaning is not None else self.lexical

    def decide(self, ranking: Ranking, meaning: LearnedMeaningSignal | None = None) -> Outcome:
        query = ranking.query
        model = self.model_for(meaning)
        if model is self.lexical:
            meaning = None
        listing = self._listing(ranking, model)
        if listing is not None:
            return listing
        if query.is_empty:
            return Chatter()
        versus = self._versus(ranking)
        if versus is not None:
            return versus
        candidates = candidates_of(ranking, meaning)
        if not candidates:
            return Miss(None, None, (), 1.0)
        rows = candidate_rows(query, candidates, meaning, model.cues)
        probabilities = model.topic.probabilities(np.array(rows, dtype=np.float64))
        order = sorted(range(len(candidates)), key=lambda i: (-probabilities[i], i))
        ranked = [candidates[i] for i in order]
        chances = [float(probabilities[i]) for i in order]
        scores = [_as_score(c, p) for c, p in zip(ranked, chances, strict=True)]
        runner_up = scores[1] if len(scores) > 1 else None
        limits = model.thresholds
        if len(ranked) >= 2 and chances[0] >= limits.answer:  # a choice is an answer: the chat budget holds
            pair = choice_features(query_features(query), [rows[i] for i in order], [c.score for c in ranked], chances)
            chance = float(model.choice.probabilities(np.array([pair], dtype=np.float64))[0])
            if chance >= limits.choice:
                belongs = model.member.probabilities(np.array([rows[i] for i in order], dtype=np.float64))
                close = [s for s, p in zip(scores, belongs, strict=True) if p >= limits.member]
                if len(close) >= 2:
                    return _choice(query, close, runner_up, "close scores", chances[0])
        if chances[0] < limits.answer:
            suggested = tuple(c.head.title for c, p in zip(ranked, chances, strict=True)
                              if p >= limits.answer / 2)[:SUGGESTIONS]
            return Miss(scores[0], runner_up, suggested, round(1.0 - chances[0], 3))
        return self._pick(query, ranked[0].topic, scores[0], runner_up, chances, meaning, model)

    def candidate_rows_of(self, ranking: Ranking, meaning: LearnedMeaningSignal | None) -> list[list[float]]:
        """The topic model's feature rows for a ranking's candidates (for measuring the features)."""
        return candidate_rows(ranking.query, candidates_of(ranking, meaning), meaning, self.model_for(meaning).cues)

    def probabilities(self, query: Query, candidates: list[Candidate], meaning: LearnedMeaningSignal | None,
                      model: DecisionModel) -> np.ndarray:
        """The topic model's probability for each candidate."""
        rows = np.array(candidate_rows(query, candidates, meaning, model.cues), dtype=np.float64)
        return model.topic.probabilities(rows)

    @staticmethod
    def _listing(ranking: Ranking, model: DecisionModel) -> Listing | None:
        """A request for the list of topics, by the listing model: filtered by the words it names after
        "about" / "on" ..., else by the words it leaves beside asking for a list (loosely)."""
        query = ranking.query
        best = ranking.ranked[0].score if ranking.ranked else None
        row = np.array([list_features(query, best)], dtype=np.float64)
        if float(model.listing.probabilities(row)[0]) < model.thresholds.listing:
            return None
        if query.list_filter:
            return Listing(query.list_filter)
        return Listing(tuple(list_subject(query)), loose=True)

    def _versus(self, ranking: Ranking) -> Choice | None:
        """"X vs Y": a choice when each part on its own would be answered with a different topic."""
        picks: list[TopicScore] = []
        for part in ranking.versus:
            candidates = candidates_of(part, None)
            if not candidates:
                continue
            chances = self.probabilities(part.query, candidates, None, self.lexical)
            best = int(np.argmax(chances))
            score = candidates[best].score
            if score is not None and chances[best] >= self.lexical.thresholds.answer \
                    and score.title not in {p.title for p in picks}:
                picks.append(score)
        if len(picks) < 2:
            return None
        return _choice(ranking.query, picks, picks[1], "named several", 1.0)

    def _pick(self, query: Query, topic: Topic, best: TopicScore, runner_up: TopicScore | None,
              chances: list[float], meaning: LearnedMeaningSignal | None, model: DecisionModel) -> Pick:
        asked = query.without_words(_own_words(topic))
        attribute, attribute_chance = best_attribute(query, topic, meaning, model)
        row = intent_row(asked, best.named, attribute, attribute_chance, topic, meaning, model.intent_words)
        intent: Intent = INTENTS[int(np.argmax(model.intent.softmax(row)))]
        chosen = None
        if intent == "attribute":
            if attribute is None or attribute_chance < model.thresholds.attribute:
                intent = "summary"
            else:
                chosen = attribute[1].attribute
        second = chances[1] if len(chances) > 1 else 0.0
        confidence = round(chances[0] * (1.0 - 0.5 * second), 3)
        return Pick(topic, intent, chosen, asked.date_range, best, runner_up, confidence)


def candidate_rows(query: Query, candidates: list[Candidate], meaning: LearnedMeaningSignal | None,
                   cues: AttributeCues) -> list[list[float]]:
    """``features.candidate_features`` of each candidate."""
    asked = query_features(query)
    scores = [c.score for c in candidates]
    meanings = None if meaning is None else meaning.closeness([c.topic for c in candidates])
    spoken = " ".join(query.content_words)
    content = [(w, stem(w)) for w in query.content_words]
    spelled = [_spelled(spoken, c.head) for c in candidates]
    best_spelled = max(spelled, default=0.0)
    imperative = addressed_imperative(query.words)
    return [candidate_features(asked, scores, i, meanings, spelled[i], _asks_attribute(query, c.head, cues),
                               evidence_features(content, c.score), best_spelled - spelled[i], imperative)
            for i, c in enumerate(candidates)]


def _asks_attribute(query: Query, head: TopicHead, cues: AttributeCues) -> float:
    """The most the question's words (beside the topic's names) say for one of its attributes."""
    return asks_attribute(query.words, head.title, head.aliases, head.attribute_names, cues)


def intent_row(asked: Query, named: bool, attribute: tuple[int, AttributeEvidence] | None, attribute_chance: float,
               topic: Topic, meaning: LearnedMeaningSignal | None, said: IntentWords) -> np.ndarray:
    """``features.intent_features`` of a picked topic (``asked``: the question without its name;
    ``said``: what question words say for each intent)."""
    cosines = None if meaning is None else meaning.intent_cosines(topic, " ".join(asked.words))
    evidence = attribute[1] if attribute else None
    rest = Rest(*rest_shares(asked.words, topic))
    return np.array(intent_features(query_features(asked), asked, named, evidence, attribute_chance, rest, cosines,
                                    said.evidence(asked.words, INTENTS)), dtype=np.float64)


def own_words(topic: Topic) -> set[str]:
    """The normalised words of a topic's names (not cues of what is asked of it)."""
    return _own_words(topic)


def best_attribute(query: Query, topic: Topic, meaning: LearnedMeaningSignal | None, model: DecisionModel
                   ) -> tuple[tuple[int, AttributeEvidence] | None, float]:
    """The attribute the attribute model finds likeliest, with its probability."""
    if not topic.attributes:
        return None, 0.0
    evidence = attribute_evidence(query.words, topic, model.cues)
    cosines = None if meaning is None else meaning.attribute_cosines(topic, beside(query, topic))
    rows = np.array([attribute_features(evidence, i, cosines) for i in range(len(evidence))], dtype=np.float64)
    chances = model.attribute.probabilities(rows)
    best = int(np.argmax(chances))
    return (best, evidence[best]), float(chances[best])


def beside(query: Query, topic: Topic) -> str:
    """The question's words beside the topic's names (what it asks of the topic), as text."""
    return " ".join(beside_names(query.words, topic))


def candidates_of(ranking: Ranking, meaning: LearnedMeaningSignal | None) -> list[Candidate]:
    """The candidates weighed for a question: the ranker's best and, with meaning, the closest in meaning."""
    found = [Candidate(r.head, r.score, r) for r in ranking.ranked[:LEXICAL_CANDIDATES]]
    if meaning is not None:
        titles = {c.head.title for c in found}
        found += [Candidate(TopicHead.of(topic), None, topic) for topic, _ in meaning.topics(MEANING_CANDIDATES)
                  if topic.title not in titles]
    return found


def _as_score(candidate: Candidate, chance: float) -> TopicScore:
    """The ranker's score of a candidate, or for one found by meaning alone, its probability as one."""
    if candidate.score is not None:
        return candidate.score
    return TopicScore(candidate.head.title, round(100.0 * chance, 2), 0.0, 0.0, "meaning", None)


def _choice(query: Query, close: list[TopicScore], runner_up: TopicScore | None, reason: ChoiceReason,
            chance: float) -> Choice:
    intent: Intent = query.intent_cue if query.intent_cue in ("summary", "timeline", "sources") else "summary"
    return Choice(tuple(close[:MAX_CANDIDATES]), intent, query.date_range, runner_up, round(0.5 * chance, 3), reason)


def _spelled(spoken: str, head: TopicHead) -> float:
    """How nearly the question's content words spell one of the topic's names (1: exactly)."""
    if not spoken:
        return 0.0
    edits = min(Levenshtein.distance(spoken, _spelling(name)) for name in (head.title, *head.aliases))
    return max(0.0, 1.0 - edits / len(spoken))


@lru_cache(maxsize=65536)
def _spelling(name: str) -> str:
    """A name's content words, as a question that spells it would have them."""
    return " ".join(content_words(name))


def _own_words(topic: Topic) -> set[str]:
    return {w for name in (topic.title, *topic.all_aliases) for w in normalize(name).split()}


def shipped_decider() -> LearnedDecider:
    """The learned decider with the shipped weights (both models: with and without the semantic features)."""
    return LearnedDecider(shipped_model(True), shipped_model(False))
