"""Related topics ("see also") for an answer: topics that share names or meaning with its topic.

A topic's *definition* is its title, aliases and description. ``TopicIndex.rank`` of one definition
scores the other topics (0..100: how much of it they explain), and two topics are related when each
definition explains at least ``MIN_MUTUAL_SCORE`` of the other's, or, with any score, when one
definition names the other topic (``TopicScore.named``: "Waymo ... robotaxi operator" names
Robotaxis). Requiring both directions drops pairs held together by one long description's everyday
words ("first", "widely used", "1"), which a single direction lets through; both are bounded
``rank`` calls.

Each is as related as the lesser of the two scores; of those, the ones within ``RELATIVE_CUTOFF`` of
the best are kept, at most ``MAX_RELATED``. When
the optional semantic signal is present, topics whose definition is at least ``MIN_COSINE`` close in meaning
are merged in after them.

Results are cached per (guild, title) in a bounded LRU. An entry is reused while the index holds the
same number of topics and the topic itself is unchanged; a topic hidden or removed since is dropped
when read. An edit to *another* topic may leave an entry slightly stale until the next change in
the number of topics or the LRU evicts it: acceptable for suggestions.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol, TypeVar

from bot.core.engine.index import TopicIndex
from bot.core.engine.topic_scores import TopicScore
from bot.core.model import Topic

MAX_RELATED: Final = 3
#: Share (0..100) of each other's definition two topics must explain to be related without a name.
MIN_MUTUAL_SCORE: Final = 6.0
#: Related topics score at least this fraction of the most related one.
RELATIVE_CUTOFF: Final = 0.5
#: Cosine a topic needs to be related by meaning alone (bundled model: unrelated records of the
#: project reach 0.60, Bitcoin and OpenAI; related ones 0.65 to 0.80).
MIN_COSINE: Final = 0.65
#: How many topics ``rank`` returns per definition (bounded work per topic).
RANK_LIMIT: Final = 10
#: How many of the best-scoring others are checked the other way round (one ``rank`` each, cached).
MAX_CHECKED: Final = 5
CACHE_SIZE: Final = 4096

Key = tuple[int | None, str]
V = TypeVar("V")


class NearestByMeaning(Protocol):
    """The part of ``MeaningSearch`` used here."""

    def search(self, text: str, k: int = 5, allowed: Callable[[tuple[int | None, str]], bool] | None = None
               ) -> list[tuple[tuple[int | None, str], float]]: ...


def definition(topic: Topic) -> str:
    """The text a topic is defined by: title, aliases and description."""
    return " ".join((topic.title, *topic.all_aliases, topic.description))


@dataclass(frozen=True)
class _Entry:
    size: int
    topic: Topic
    value: tuple[str, ...]


class RelatedTopics:
    """Related titles per topic, computed from a ``TopicIndex`` (and a meaning search when given)."""

    def __init__(self, index: TopicIndex, meaning: NearestByMeaning | None = None,
                 cache_size: int = CACHE_SIZE) -> None:
        self.index = index
        self.meaning = meaning
        self.cache_size = cache_size
        self._related: OrderedDict[Key, _Entry] = OrderedDict()
        self._rankings: OrderedDict[Key, tuple[int, Topic, dict[str, TopicScore]]] = OrderedDict()

    def of(self, topic: Topic, guild_id: int | None = None) -> tuple[str, ...]:
        """Up to ``MAX_RELATED`` titles related to ``topic``, visible in ``guild_id``."""
        key = (guild_id, topic.title.casefold())
        size = len(self.index)
        entry = self._related.get(key)
        if entry is None or entry.size != size or entry.topic != topic:
            entry = _Entry(size, topic, self._compute(topic, guild_id))
            _remember(self._related, key, entry, self.cache_size)
        else:
            self._related.move_to_end(key)
        return tuple(t for t in entry.value if self.index.get(t, guild_id) is not None)

    def _ranking(self, topic: Topic, guild_id: int | None) -> dict[str, TopicScore]:
        """Other topics scored against ``topic``'s definition, by case-folded title (cached)."""
        key = (guild_id, topic.title.casefold())
        size = len(self.index)
        cached = self._rankings.get(key)
        if cached is not None and cached[0] == size and cached[1] == topic:
            self._rankings.move_to_end(key)
            return cached[2]
        folded = topic.title.casefold()
        scores = {s.title.casefold(): s for s in self.index.rank(definition(topic), guild_id, limit=RANK_LIMIT)
                  if s.title.casefold() != folded}
        _remember(self._rankings, key, (size, topic, scores), self.cache_size)
        return scores

    def _compute(self, topic: Topic, guild_id: int | None) -> tuple[str, ...]:
        folded = topic.title.casefold()
        strengths: list[tuple[float, str]] = []
        ranking = self._ranking(topic, guild_id)
        worth_checking = [s for s in ranking.values() if s.score >= MIN_MUTUAL_SCORE or s.named][:MAX_CHECKED]
        for score in worth_checking:
            other = self.index.get(score.title, guild_id)
            if other is None:
                continue
            back = self._ranking(other, guild_id).get(folded)
            named = score.named or (back is not None and back.named)
            mutual = min(score.score, back.score if back is not None else 0.0)
            if named or mutual >= MIN_MUTUAL_SCORE:
                strengths.append((mutual, other.title))
        strengths.sort(key=lambda p: (-p[0], p[1].casefold()))
        best = strengths[0][0] if strengths else 0.0
        related = [title for strength, title in strengths if strength >= RELATIVE_CUTOFF * best]
        return tuple(_merge(related, self._by_meaning(topic, guild_id))[:MAX_RELATED])

    def _by_meaning(self, topic: Topic, guild_id: int | None) -> list[str]:
        if self.meaning is None:
            return []
        folded = topic.title.casefold()

        def allowed(key: tuple[int | None, str]) -> bool:
            owner, title = key
            return title != folded and (owner is None or owner == guild_id) \
                and self.index.get(title, guild_id) is not None

        hits = self.meaning.search(definition(topic), k=MAX_RELATED, allowed=allowed)
        return [found.title for (_, title), cosine in hits
                if cosine >= MIN_COSINE and (found := self.index.get(title, guild_id)) is not None]


def _merge(first: Sequence[str], then: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    merged: list[str] = []
    for title in (*first, *then):
        if title.casefold() not in seen:
            seen.add(title.casefold())
            merged.append(title)
    return merged


def _remember(cache: OrderedDict[Key, V], key: Key, value: V, size: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)
