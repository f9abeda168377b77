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

The lists are kept with the index (``TopicIndex.related_lists``, saved in its snapshot): a reply
reads its topic's list in O(1). They are computed when topics change, not when asked: ``warm``
fills the lists still missing (the bot runs it in the background after start-up and after a bulk
change; ``topicbot import`` and a rebuild save them with the snapshot), and a change to one topic
drops only its own list, the lists that name it and the lists of the few topics its definition
now explains (``settle``, one ranking per changed topic). A list asked for before ``warm`` reached
it is computed then and kept.

Lists are made per scope: the global topics' lists hold global topics and serve every guild
(topics a guild hid are left out when read); a guild with topics of its own gets lists of its own.
A change to a global topic settles the global lists; a guild's own lists that it makes stale stay
until that guild's topics change or a topic is hidden or shown there: acceptable for suggestions.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Final, Protocol, TypeVar

from bot.core.engine.index import TopicIndex
from bot.core.model import Topic

MAX_RELATED: Final = 3
#: Share (0..100) of each other's definition two topics must explain to be related without a name.
MIN_MUTUAL_SCORE: Final = 6.0
#: Related topics score at least this fraction of the most related one.
RELATIVE_CUTOFF: Final = 0.5
#: Cosine a topic needs to be related by meaning alone (bundled model: unrelated records of the
#: project reach 0.60, Bitcoin and OpenAI; related ones 0.65 to 0.80).
MIN_COSINE: Final = 0.65
#: How many topics ``rank`` returns per definition, of how many scored in full (bounded work per
#: topic; more than a question's ``MatchParams.max_scored``: a definition names several topics).
RANK_LIMIT: Final = 10
RANK_SCORED: Final = 8
#: How many of the best-scoring others are checked the other way round (one ``rank`` each, cached).
MAX_CHECKED: Final = 5
CACHE_SIZE: Final = 4096
#: Rankings a ``warm`` pass keeps (most recently used): each definition is ranked about once per pass
#: while bounding its memory (about 1.5 KB a ranking) at 100,000 topics.
PASS_CACHE_SIZE: Final = 25_000

Key = tuple[int | None, str]
#: Other topics scored against one definition: case-folded title → (score, whether it names them).
Scores = dict[str, tuple[float, bool]]
V = TypeVar("V")


class NearestByMeaning(Protocol):
    """The part of ``MeaningSearch`` used here."""

    def search(self, text: str, k: int = 5, allowed: Callable[[tuple[int | None, str]], bool] | None = None
               ) -> list[tuple[tuple[int | None, str], float]]: ...


def definition(topic: Topic) -> str:
    """The text a topic is defined by: title, aliases and description."""
    return " ".join((topic.title, *topic.all_aliases, topic.description))


class RelatedTopics:
    """Related titles per topic, computed from a ``TopicIndex`` (and a meaning search when given) and
    kept in the index's ``related_lists``."""

    def __init__(self, index: TopicIndex, meaning: NearestByMeaning | None = None,
                 cache_size: int = CACHE_SIZE) -> None:
        self.index = index
        self.meaning = meaning
        self.cache_size = cache_size
        self._rankings: OrderedDict[Key, Scores] = OrderedDict()
        self._warm_queue: list[Key] = []
        #: A ``warm`` pass's rankings: each topic's definition is ranked once in the pass.
        self._pass: OrderedDict[Key, Scores] | None = None

    def of(self, topic: Topic, guild_id: int | None = None) -> tuple[str, ...]:
        """Up to ``MAX_RELATED`` titles related to ``topic``, visible in ``guild_id``."""
        self.settle()
        scope = guild_id if guild_id is not None and self.index.has_own_topics(guild_id) else None
        key = (scope, topic.title.casefold())
        lists = self.index.related_lists
        found = lists.get(key)
        if found is None:
            found = self._compute(topic, scope)
            lists.put(key, found)
        return tuple(t for t in found if self.index.is_visible(t, guild_id))

    def settle(self) -> None:
        """Drop the lists that the topics changed since may now belong in (see ``RelatedLists``)."""
        lists = self.index.related_lists
        pending = lists.pending()
        if not pending:
            return
        if len(lists) == 0:  # nothing computed yet (a fresh build): nothing to drop
            self._rankings.clear()
            return
        self._pass = None  # rankings from before the change
        self._warm_queue.clear()
        for key in pending:
            self._rankings.pop(key, None)
        for key in pending:
            topic = self.index.get_by_key(key)
            if topic is None:
                continue
            for title, (score, named) in self._ranking(topic, key[0]).items():
                if score >= MIN_MUTUAL_SCORE or named:
                    other = (key[0], title)
                    lists.drop(other)
                    self._rankings.pop(other, None)

    def warm(self, limit: int) -> int:
        """Compute up to ``limit`` of the global topics' missing lists; returns how many were missing
        and are now computed (0: all are there)."""
        self.settle()
        lists = self.index.related_lists
        if not self._warm_queue:
            self._warm_queue = lists.missing([k for k in self.index.topic_keys() if k[0] is None])
            self._warm_queue.reverse()
            self._pass = OrderedDict() if self._warm_queue else None
        done = 0
        while self._warm_queue and done < limit:
            key = self._warm_queue.pop()
            topic = self.index.get_by_key(key)
            if topic is None or lists.get(key) is not None:
                continue
            lists.put(key, self._compute(topic, None))
            done += 1
        if not self._warm_queue:
            self._pass = None
        return done

    def _ranking(self, topic: Topic, guild_id: int | None) -> Scores:
        """Other topics scored against ``topic``'s definition: case-folded title → (score, named),
        best first (cached: in the LRU, or during a ``warm`` pass in the pass's own, larger one)."""
        key = (guild_id, topic.title.casefold())
        cached = self._pass.get(key) if self._pass is not None else None
        if cached is not None and self._pass is not None:
            self._pass.move_to_end(key)
        if cached is None:
            cached = self._rankings.get(key)
            if cached is not None:
                self._rankings.move_to_end(key)
        if cached is not None:
            return cached
        folded = topic.title.casefold()
        scores = {s.title.casefold(): (s.score, s.named)
                  for s in self.index.rank(definition(topic), guild_id, limit=RANK_LIMIT, breadth=RANK_SCORED)
                  if s.title.casefold() != folded}
        if self._pass is not None:
            _remember(self._pass, key, scores, PASS_CACHE_SIZE)
        else:
            _remember(self._rankings, key, scores, self.cache_size)
        return scores

    def _compute(self, topic: Topic, guild_id: int | None) -> tuple[str, ...]:
        folded = topic.title.casefold()
        strengths: list[tuple[float, str]] = []
        ranking = self._ranking(topic, guild_id)
        worth_checking = [(title, score, named) for title, (score, named) in ranking.items()
                          if score >= MIN_MUTUAL_SCORE or named][:MAX_CHECKED]
        for title, score, named in worth_checking:
            other = self.index.get(title, guild_id)
            if other is None:
                continue
            back = self._ranking(other, guild_id).get(folded)
            either_named = named or (back is not None and back[1])
            mutual = min(score, back[0] if back is not None else 0.0)
            if either_named or mutual >= MIN_MUTUAL_SCORE:
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
