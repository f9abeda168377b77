"""Read-only questions about usage, for every front end (Discord, the CLI, the web dashboard).

``UsageQueries`` answers with frozen dataclasses from ``bot.core.usage``; it never writes and
knows no front end. Periods are ``days`` back from now; ``guild_id`` ``None`` means asks made
outside any guild (the CLI, direct messages).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.core.storage.usage import Follow, UsageStore
from bot.core.usage.misses import AliasSuggestion, MissGroup, group_misses
from bot.core.usage.stats import UsageStats, compute_stats

DEFAULT_DAYS = 7


def _utc_now() -> datetime:
    return datetime.now(UTC)


class UsageQueries:
    """Misses, suggestions, statistics and follows of one store."""

    def __init__(self, store: UsageStore, clock: Callable[[], datetime] = _utc_now) -> None:
        self.store = store
        self._clock = clock

    def _since(self, days: int) -> datetime:
        return self._clock() - timedelta(days=max(1, days))

    async def misses(self, guild_id: int | None, *, days: int = DEFAULT_DAYS,
                     limit: int | None = None) -> list[MissGroup]:
        """Missed questions of the period grouped by normalised text, most frequent first."""
        records = await self.store.asks(guild_id, self._since(days), misses_only=True)
        return group_misses(records, limit=limit)

    async def suggestions(self, guild_id: int | None) -> list[AliasSuggestion]:
        """Pending alias suggestions, most often seen first."""
        return await self.store.suggestions(guild_id)

    async def stats(self, guild_id: int | None, *, days: int = DEFAULT_DAYS) -> UsageStats:
        """Top topics, intents, answer rate and misses per day over the period."""
        now = self._clock()
        since = self._since(days)
        return compute_stats(await self.store.asks(guild_id, since), since, now)

    async def follows(self, guild_id: int) -> list[Follow]:
        return await self.store.follows(guild_id)
