"""The miss log, grouped for moderators, and alias suggestions learnt from members' second tries.

``group_misses`` folds missed asks with the same normalised text into one ``MissGroup`` (most
frequent first) with the topics they came closest to. ``SecondTries`` watches the asks of each
member in memory: a miss followed within ``window`` by the same member's answered question *suggests*
the missed text as another name of the topic answered. Nothing is applied: a moderator approves it.
The member's id lives only in this memory, for at most the window; it is never stored for this.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from bot.core.usage.records import AskRecord, Candidate

#: How soon a successful ask must follow a miss for the pair to suggest an alias.
SUGGESTION_WINDOW: Final = timedelta(minutes=1)
#: Longest text suggested as an alias (a whole paragraph is not a name).
MAX_ALIAS_WORDS: Final = 8


@dataclass(frozen=True)
class MissGroup:
    """Missed asks with one normalised text: how often, when last, where, and the closest topics."""

    question: str
    count: int
    last_seen: datetime
    outcomes: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    channels: tuple[int, ...] = ()


@dataclass(frozen=True)
class AliasSuggestion:
    """``question`` might be another name of ``topic`` (seen ``count`` times); pending until decided."""

    id: int
    guild_id: int | None
    question: str
    topic: str
    count: int
    status: str
    updated_at: datetime


def group_misses(records: Iterable[AskRecord], *, limit: int | None = None) -> list[MissGroup]:
    """Misses grouped by normalised question, most frequent first (then most recent)."""
    groups: dict[str, list[AskRecord]] = {}
    for record in records:
        if record.is_miss and record.question:
            groups.setdefault(record.question, []).append(record)
    result = [_group(question, members) for question, members in groups.items()]
    result.sort(key=lambda group: (-group.count, -group.last_seen.timestamp(), group.question))
    return result[:limit] if limit is not None else result


def _group(question: str, members: list[AskRecord]) -> MissGroup:
    best: dict[str, float] = {}
    seen: dict[str, int] = {}
    for record in members:
        for candidate in record.candidates:
            best[candidate.title] = max(best.get(candidate.title, 0.0), candidate.score)
            seen[candidate.title] = seen.get(candidate.title, 0) + 1
    ranked = sorted(best, key=lambda title: (-seen[title], -best[title], title))
    outcomes = sorted({record.outcome for record in members})
    channels = sorted({record.channel_id for record in members if record.channel_id is not None})
    return MissGroup(question, len(members), max(record.created_at for record in members), tuple(outcomes),
                     tuple(Candidate(title, best[title]) for title in ranked[:5]), tuple(channels))


@dataclass(frozen=True)
class SuggestedAlias:
    """A pair just seen: in ``guild_id``, the missed ``question`` then an answer about ``topic``."""

    guild_id: int | None
    question: str
    topic: str


def suggestible(question: str, topic: str) -> bool:
    """Whether ``question`` could name ``topic``: short, and not already the title."""
    words = question.split()
    return 0 < len(words) <= MAX_ALIAS_WORDS and question != topic.casefold()


class SecondTries:
    """Pairs each member's miss with their next answered ask within ``window`` (in memory only).

    Feed it every record in time order (``see``); it returns the suggestion a record completes.
    """

    def __init__(self, window: timedelta = SUGGESTION_WINDOW) -> None:
        self.window = window
        self._last_miss: dict[tuple[int | None, int], AskRecord] = {}

    def see(self, record: AskRecord) -> SuggestedAlias | None:
        if record.user_id is None:
            return None
        key = (record.guild_id, record.user_id)
        self._forget_before(record.created_at - self.window)
        if record.outcome in {"miss", "disambiguation", "low_confidence"}:
            self._last_miss[key] = record
            return None
        if record.outcome != "answered" or record.topic is None:
            return None
        miss = self._last_miss.pop(key, None)
        if miss is None or record.created_at - miss.created_at > self.window:
            return None
        if not suggestible(miss.question, record.topic) or miss.question == record.question:
            return None
        return SuggestedAlias(record.guild_id, miss.question, record.topic)

    def _forget_before(self, moment: datetime) -> None:
        stale = [key for key, miss in self._last_miss.items() if miss.created_at < moment]
        for key in stale:
            del self._last_miss[key]
