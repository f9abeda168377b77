"""``Answerer``: the one path from a question to an ``Answer`` (CLI, /ask, mentions, /topic, dashboard).

A free-text question goes through four named steps, each handing typed data to the next:

1. **read** (``reading.read``): the raw text, read once into a ``Query``.
2. **rank** (``ranking.rank``): the ``Ranking`` of the topics that explain it, topics included.
3. **decide** (``learned_deciding.LearnedDecider``): one ``Outcome`` (``Pick``, ``Choice``,
   ``Listing``, ``Miss``, ``Chatter``) from small models learned from the project's labelled data,
   their weights and thresholds shipped in ``decisions/``.
4. **build**: the outcome as the ``Answer`` front ends render (``bot.core.rendering``), with its
   ``Explanation`` as a debug view made from the same numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from bot.core.answers import Answer, DateRange, Explanation, Intent
from bot.core.engine.features import Meaning
from bot.core.engine.index import TopicIndex
from bot.core.engine.learned_deciding import SUGGESTIONS, shipped_decider
from bot.core.engine.outcomes import Chatter, Choice, Listing, Miss, Outcome, Pick
from bot.core.engine.ranking import Ranking, rank
from bot.core.engine.reading import Query, read
from bot.core.engine.related import RelatedTopics
from bot.core.engine.timelines import timeline_events
from bot.core.engine.topic_lines import TopicLines, lines_of_each
from bot.core.errors import TopicNotFoundError
from bot.core.model import Topic

log = logging.getLogger(__name__)


class MeaningSearch(Protocol):
    """The optional semantic signal (``bot.core.semantic.SemanticIndex``): topics and texts by meaning."""

    def search(self, text: str, k: int = 5, allowed: Callable[[tuple[int | None, str]], bool] | None = None
               ) -> list[tuple[tuple[int | None, str], float]]: ...

    def embed_text(self, text: str) -> npt.NDArray[np.float32]: ...

    def embed_lines(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """The unit vectors of a group of texts, one row each, as ``embed_text`` gives them (``topic_lines``)."""
        ...

    def vector(self, title: str, guild_id: int | None = None) -> npt.NDArray[np.float32] | None: ...


class QuestionMeaning:
    """The semantic signal bound to one question and guild (``learned_deciding.LearnedMeaningSignal``);
    the question is embedded when the decision step first asks."""

    def __init__(self, meaning: MeaningSearch, index: TopicIndex, query: Query, guild_id: int | None) -> None:
        self._meaning = meaning
        self._index = index
        self._query = query
        self._guild_id = guild_id
        self._vector: npt.NDArray[np.float32] | None = None

    @property
    def _question(self) -> npt.NDArray[np.float32]:
        if self._vector is None:
            self._vector = self._meaning.embed_text(self._query.text)
        return self._vector

    def topics(self, k: int) -> list[tuple[Topic, float]]:
        guild_id = self._guild_id
        found: dict[str, Topic] = {}

        def visible(key: tuple[int | None, str]) -> bool:
            owner, folded = key
            if owner is not None and owner != guild_id:
                return False
            topic = self._index.get(folded, guild_id)
            if topic is not None:
                found[folded] = topic
            return topic is not None

        hits = self._meaning.search(self._query.text, k=k, allowed=visible)
        return [(found[folded], cosine) for (_, folded), cosine in hits if folded in found]

    def _asked(self, rest: str) -> npt.NDArray[np.float32] | None:
        """The vector of ``rest`` (the question without the topic's names); ``None`` when nothing is left."""
        return self._meaning.embed_text(rest) if rest.strip() else None

    def closeness(self, topics: Sequence[Topic]) -> list[Meaning]:
        lines = lines_of_each(self._meaning, topics, self._question)
        return [Meaning(self._whole(topic), found.title, max([*found.attributes, *found.events], default=0.0))
                for topic, found in zip(topics, lines, strict=True)]

    def _whole(self, topic: Topic) -> float:
        """The question's cosine with the topic's own vector (its guild's, else the shared one)."""
        vector = self._meaning.vector(topic.title, self._guild_id)
        if vector is None:
            vector = self._meaning.vector(topic.title)
        return float(vector @ self._question) if vector is not None else 0.0

    def attribute_cosines(self, topic: Topic, rest: str) -> list[tuple[float, float, float, float]]:
        texts, asked = TopicLines(topic, self._meaning), self._asked(rest)
        question, beside = texts.lines(self._question), texts.lines(asked)
        names, values = texts.details(self._question).names, texts.details(asked).values
        return list(zip(question.attributes, names, beside.attributes, values, strict=True))

    def intent_cosines(self, topic: Topic, rest: str) -> tuple[float, ...]:
        texts, asked = TopicLines(topic, self._meaning), self._asked(rest)
        question, beside = texts.lines(self._question), texts.lines(asked)
        details = texts.details(asked)
        return (max(question.attributes, default=0.0), max(question.events, default=0.0),
                texts.details(self._question).summary, max(beside.attributes, default=0.0),
                max(beside.events, default=0.0), details.summary, details.description)


class DecisionStep(Protocol):
    """The engine's third step: ``learned_deciding.LearnedDecider`` with the shipped weights, unless
    a test or benchmark passes other weights."""

    def decide(self, ranking: Ranking, meaning: QuestionMeaning | None = None) -> Outcome: ...


class Answerer:
    """Answers questions from a ``TopicIndex`` (and, when given, a ``MeaningSearch``)."""

    def __init__(self, index: TopicIndex, meaning: MeaningSearch | None = None,
                 decider: DecisionStep | None = None) -> None:
        self.index = index
        self.meaning = meaning
        self.decider = decider if decider is not None else shipped_decider()
        self.related = RelatedTopics(index, meaning)

    # --- the free-text path ----------------------------------------------------------------------

    def answer(self, question: str, *, guild_id: int | None = None) -> Answer:
        """Understand ``question`` and answer it (never raises for unknown topics: that is a miss).

        The "see also" topics are a second step (``with_related``) that front ends take after it:
        they are read from the lists kept with the index (``RelatedTopics``), computed when topics
        change; ``answer`` itself never reads them.
        """
        query = read(question)
        return self.build(query, self.outcome(query, guild_id), guild_id)

    def outcome(self, query: Query, guild_id: int | None = None) -> Outcome:
        """Rank ``query`` and decide (the engine's second and third steps)."""
        meaning = None
        if self.meaning is not None and not query.is_empty:
            meaning = QuestionMeaning(self.meaning, self.index, query, guild_id)
        return self.decider.decide(rank(self.index, query, guild_id), meaning)

    def with_related(self, answer: Answer, guild_id: int | None = None) -> Answer:
        """``answer`` with the topics related to its topic ("see also"), when it has one."""
        if answer.topic is None:
            return answer
        return replace(answer, related=self.related.of(answer.topic, guild_id))

    def warm_related(self, limit: int) -> int:
        """Compute up to ``limit`` missing "see also" lists (``RelatedTopics.warm``); 0 when none is missing."""
        return self.related.warm(limit)

    def build(self, query: Query, outcome: Outcome, guild_id: int | None) -> Answer:
        """The ``Answer`` for ``outcome`` (a miss's suggestions and a listing's titles are looked up here)."""
        if isinstance(outcome, Pick):
            best, runner_up = outcome.best, outcome.runner_up
            explanation = Explanation(
                winner=best.title, winner_score=best.score,
                runner_up=runner_up.title if runner_up else None,
                runner_up_score=runner_up.score if runner_up else 0.0,
                matched_field=best.matched_field, matched_text=best.matched_text,
            )
            return self._build(query.raw, outcome.topic, outcome.intent,
                               attribute=outcome.attribute.name if outcome.attribute else None,
                               date_range=outcome.date_range, confidence=outcome.confidence,
                               explanation=explanation)
        if isinstance(outcome, Choice):
            best, runner_up = outcome.candidates[0], outcome.runner_up
            explanation = Explanation(
                winner=best.title, winner_score=best.score,
                runner_up=runner_up.title if runner_up else None,
                runner_up_score=runner_up.score if runner_up else 0.0,
                matched_field=best.matched_field, matched_text=best.matched_text,
                notes=(f"offered: {outcome.reason}",),
            )
            return Answer(query.raw, outcome.intent, candidates=tuple(s.title for s in outcome.candidates),
                          date_range=outcome.date_range, confidence=outcome.confidence, explanation=explanation,
                          scores=_scores(explanation))
        if isinstance(outcome, Listing):
            if outcome.filter_words:
                titles = self.index.filter_by(outcome.filter_words, guild_id)
                if titles or not outcome.loose:
                    return self._listing(query.raw, " ".join(outcome.filter_words), titles)
            return self.answer_list(guild_id=guild_id, question=query.raw)
        if isinstance(outcome, Miss):
            suggestions = list(outcome.suggested)
            for title in self.index.closest_to(query.normalized, limit=SUGGESTIONS, guild_id=guild_id):
                if title not in suggestions:
                    suggestions.append(title)
            nearest, second = outcome.best, outcome.runner_up
            explanation = Explanation(
                winner=nearest.title if nearest else None, winner_score=nearest.score if nearest else 0.0,
                runner_up=second.title if second else None,
                runner_up_score=second.score if second else 0.0,
                matched_field=nearest.matched_field if nearest else None,
                matched_text=nearest.matched_text if nearest else None,
                notes=("below the acceptance score", *(f"closest: {t}" for t in suggestions[:SUGGESTIONS])),
            )
            return Answer(query.raw, "none", confidence=outcome.confidence, explanation=explanation,
                          scores=_scores(explanation), suggestions=tuple(suggestions[:SUGGESTIONS]))
        return self._chatter(query, outcome)

    @staticmethod
    def _chatter(query: Query, _: Chatter) -> Answer:
        return Answer(query.raw, "none", confidence=1.0, explanation=Explanation(notes=("no content words",)),
                      chatter=True)

    def answer_list(self, filter_text: str | None = None, *, guild_id: int | None = None,
                    question: str | None = None) -> Answer:
        """The catalogue of topics, or only those matching ``filter_text`` ("crypto", "space")."""
        if filter_text and filter_text.strip():
            return self._listing(question or f"list {filter_text}", filter_text,
                                 self.index.filter_titles(filter_text, guild_id))
        return Answer(question or "list", "list", candidates=tuple(self.index.titles(guild_id)), confidence=1.0,
                      explanation=Explanation(notes=("all topics",)))

    @staticmethod
    def _listing(question: str, filter_text: str, titles: list[str]) -> Answer:
        explanation = Explanation(matched_field="filter", matched_text=filter_text,
                                  notes=(f"filtered by {filter_text!r}",))
        return Answer(question, "list", candidates=tuple(titles), confidence=1.0 if titles else 0.5,
                      explanation=explanation, list_filter=filter_text)

    # --- the structured path -------------------------------------------------------------------

    def answer_topic(self, title: str, intent: Intent, *, attribute: str | None = None,
                     date_range: DateRange | None = None, guild_id: int | None = None) -> Answer:
        """Answer about a known title (``/topic`` commands, disambiguation buttons).

        Raises ``TopicNotFoundError`` (with the closest titles) when no visible topic has ``title``.
        """
        topic = self.index.get(title, guild_id)
        if topic is None:
            raise TopicNotFoundError(title, tuple(self.index.closest_titles(title, guild_id=guild_id)))
        explanation = Explanation(winner=topic.title, winner_score=100.0, matched_field="title",
                                  matched_text=topic.title, notes=("asked by title",))
        return self._build(f"{intent}: {topic.title}", topic, intent, attribute=attribute, date_range=date_range,
                           confidence=1.0, explanation=explanation)

    def _build(self, question: str, topic: Topic, intent: Intent, *, attribute: str | None,
               date_range: DateRange | None, confidence: float, explanation: Explanation) -> Answer:
        scores = _scores(explanation)
        if intent == "attribute":
            found = topic.attribute(attribute) if attribute else None
            if found is None:
                return Answer(question, "summary", topic=topic, confidence=confidence, explanation=explanation,
                              scores=scores)
            return Answer(question, "attribute", topic=topic, attribute=found, confidence=confidence,
                          explanation=explanation, scores=scores)
        if intent == "timeline":
            events, nearest = timeline_events(topic, date_range)
            return Answer(question, "timeline", topic=topic, events=events, nearest_events=nearest,
                          date_range=date_range, confidence=confidence, explanation=explanation, scores=scores)
        if intent == "sources":
            return Answer(question, "sources", topic=topic, sources=topic.links, confidence=confidence,
                          explanation=explanation, scores=scores)
        return Answer(question, "summary" if intent not in ("list", "none") else intent, topic=topic,
                      confidence=confidence, explanation=explanation, scores=scores)


def _scores(explanation: Explanation) -> tuple[tuple[str, float], ...]:
    return tuple((title, score) for title, score in ((explanation.winner, explanation.winner_score),
                                                     (explanation.runner_up, explanation.runner_up_score))
                 if title is not None)


def is_filtered_list(answer: Answer) -> bool:
    """A list answer narrowed by the question's words ("list the energy topics")."""
    return answer.intent == "list" and answer.list_filter is not None


def answer_to_json(answer: Answer, text: str) -> dict[str, Any]:
    """The CLI's ``--json`` shape: ``{"q","topic","intent","attribute","candidates","related","confidence","text"}``.

    ``topic`` is null for ``none``, ``list`` and disambiguations; ``candidates`` holds the titles of a
    disambiguation or of a filtered list, else ``[]`` (an unfiltered list carries every title in
    ``Answer.candidates`` for the renderer, but reports ``[]`` here). ``related`` holds the "see also"
    titles of an answer about a topic, else ``[]``.
    """
    return {
        "q": answer.question,
        "topic": answer.topic.title if answer.topic is not None else None,
        "intent": answer.intent,
        "attribute": answer.attribute.name if answer.attribute is not None else None,
        "candidates": list(answer.candidates) if answer.is_disambiguation or is_filtered_list(answer) else [],
        "related": list(answer.related),
        "confidence": answer.confidence,
        "text": text,
    }
