"""The engine's second step, **rank**: the topics that explain a ``Query``, best first, as data.

``rank`` hands ``decide`` a ``Ranking``: each candidate's topic itself (read from the index slot the
ranker scored, never looked up again by title) with its ``TopicScore`` (the score and the
per-field evidence as numbers), and, for an "X vs Y" question, a ranking of each named part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.engine.reading import Query
from bot.core.engine.topic_documents import MAX_HEAD_ATTRIBUTES
from bot.core.engine.topic_scores import TopicScore
from bot.core.model import Topic

if TYPE_CHECKING:
    from bot.core.engine.index import TopicIndex

#: Candidates kept per question (the best and the few that may rival it) and per "X vs Y" part.
RANKED: int = 10
VERSUS_RANKED: int = 2


@dataclass(frozen=True, slots=True)
class TopicHead:
    """What the decision step reads of every candidate it weighs: the topic's names and its attributes'
    names (at most ``MAX_HEAD_ATTRIBUTES``, the first ones), kept by the index beside each topic so that
    only the topic answered about is unpacked whole."""

    title: str
    aliases: tuple[str, ...]  # ``Topic.all_aliases``
    attribute_names: tuple[str, ...]

    @classmethod
    def of(cls, topic: Topic) -> TopicHead:
        return cls(topic.title, topic.all_aliases,
                   tuple(a.name for a in topic.attributes[:MAX_HEAD_ATTRIBUTES]))


class Ranked:
    """One candidate: its score, its ``TopicHead`` and its topic (each read from the index on first use)."""

    __slots__ = ("_head", "_index", "_slot", "_topic", "score")

    def __init__(self, score: TopicScore, index: TopicIndex, slot: int) -> None:
        self.score = score
        self._index = index
        self._slot = slot
        self._topic: Topic | None = None
        self._head: TopicHead | None = None

    @property
    def title(self) -> str:
        return self.score.title

    @property
    def topic(self) -> Topic:
        if self._topic is None:
            self._topic = self._index.topic_at(self._slot)
        return self._topic

    @property
    def head(self) -> TopicHead:
        if self._head is None:
            self._head = self._index.head_at(self._slot)
        return self._head


@dataclass(frozen=True)
class Ranking:
    """The question and its candidates, best first; ``versus`` ranks each part of "X vs Y"."""

    query: Query
    ranked: tuple[Ranked, ...]
    versus: tuple[Ranking, ...] = ()

    @property
    def scores(self) -> list[TopicScore]:
        return [r.score for r in self.ranked]

    def ranked_as(self, score: TopicScore) -> Ranked:
        """The candidate ``score`` belongs to."""
        return next(r for r in self.ranked if r.score is score)


def rank(index: TopicIndex, query: Query, guild_id: int | None) -> Ranking:
    """The ranking of ``query`` among the topics visible in ``guild_id``."""
    versus = tuple(Ranking(part, tuple(index.rank_slots(part, guild_id, VERSUS_RANKED))) for part in query.versus)
    return Ranking(query, tuple(index.rank_slots(query, guild_id, RANKED)), versus)
