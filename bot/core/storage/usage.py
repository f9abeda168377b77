"""``UsageStore``: the ask log, alias suggestions, follows and usage options, in the topic store.

Writes come in batches from the ``UsageRecorder`` (never on an answer's path). Author ids are kept
only for guilds that opted in (``log_authors``); otherwise they are dropped before the insert.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from bot.core.names import name_key
from bot.core.storage.engine import describe_bind, storage_errors
from bot.core.storage.tables import scope_key
from bot.core.storage.usage_tables import AliasSuggestionRow, AskRow, FollowRow, UsageOptionsRow
from bot.core.usage.misses import AliasSuggestion, SuggestedAlias
from bot.core.usage.records import OUTCOMES, AskRecord, Candidate, Outcome

log = logging.getLogger(__name__)

SUGGESTION_STATUSES = ("pending", "accepted", "rejected")


@dataclass(frozen=True)
class Follow:
    """A channel that follows a topic."""

    guild_id: int
    channel_id: int
    title: str
    created_by: str
    created_at: datetime


def _record(row: AskRow) -> AskRecord:
    outcome: Outcome = row.outcome if row.outcome in OUTCOMES else "miss"  # type: ignore[assignment]
    candidates = tuple(Candidate(str(title), float(score))  # type: ignore[arg-type]
                       for title, score in row.candidates)
    return AskRecord(row.guild_id, row.channel_id, row.question, outcome, row.intent, row.topic, candidates,
                     row.confidence, row.created_at, row.latency_ms, row.user_id)


def _suggestion(row: AliasSuggestionRow) -> AliasSuggestion:
    return AliasSuggestion(row.id, row.guild_id, row.question, row.topic, row.count, row.status, row.updated_at)


def _in_guild(column: InstrumentedAttribute[int], guild_id: int | None) -> ColumnElement[bool]:
    return column == scope_key(guild_id)


class UsageStore:
    """Reads and writes of what the bot learns from use; raises ``StorageUnavailableError`` on outages."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, storage_errors(describe_bind(session.bind)):
            yield session

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, storage_errors(describe_bind(session.bind)), session.begin():
            yield session

    # --- the ask log ----------------------------------------------------------------------------

    async def add_asks(self, records: Sequence[AskRecord], *, log_authors: Collection[int] = ()) -> None:
        """Insert ``records``; author ids only for guilds in ``log_authors``."""
        if not records:
            return
        async with self._write() as session:
            session.add_all(AskRow(
                guild_id=record.guild_id, scope_key=scope_key(record.guild_id), channel_id=record.channel_id,
                user_id=record.user_id if record.guild_id in log_authors else None,
                question=record.question, outcome=record.outcome, intent=record.intent, topic=record.topic,
                candidates=[[c.title, c.score] for c in record.candidates], confidence=record.confidence,
                latency_ms=record.latency_ms, created_at=record.created_at,
            ) for record in records)

    async def asks(self, guild_id: int | None, since: datetime, *, until: datetime | None = None,
                   misses_only: bool = False, limit: int | None = None) -> list[AskRecord]:
        """The asks of one guild (``None``: outside any guild) since ``since``, oldest first."""
        query = select(AskRow).where(_in_guild(AskRow.scope_key, guild_id), AskRow.created_at >= since)
        if until is not None:
            query = query.where(AskRow.created_at < until)
        if misses_only:
            query = query.where(AskRow.outcome.in_(("miss", "disambiguation", "low_confidence", "feedback")))
        query = query.order_by(AskRow.created_at, AskRow.id)
        if limit is not None:
            query = query.limit(limit)
        async with self._read() as session:
            return [_record(row) for row in await session.scalars(query)]

    async def prune(self, before: datetime) -> int:
        """Delete asks and decided suggestions older than ``before``; how many asks went."""
        async with self._write() as session:
            result = await session.execute(delete(AskRow).where(AskRow.created_at < before))
            await session.execute(delete(AliasSuggestionRow).where(AliasSuggestionRow.updated_at < before))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def purge(self, guild_id: int) -> int:
        """Delete everything a guild's use left (asks and alias suggestions); how many asks went."""
        async with self._write() as session:
            result = await session.execute(delete(AskRow).where(_in_guild(AskRow.scope_key, guild_id)))
            await session.execute(delete(AliasSuggestionRow).where(
                _in_guild(AliasSuggestionRow.scope_key, guild_id)))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # --- alias suggestions ----------------------------------------------------------------------

    async def suggest(self, pairs: Sequence[SuggestedAlias], at: datetime) -> None:
        """Count each pair as a suggestion (a pending one grows; a decided one stays decided)."""
        async with self._write() as session:
            for pair in pairs:
                row = await session.scalar(select(AliasSuggestionRow).where(
                    _in_guild(AliasSuggestionRow.scope_key, pair.guild_id),
                    AliasSuggestionRow.question == pair.question, AliasSuggestionRow.topic == pair.topic))
                if row is None:
                    session.add(AliasSuggestionRow(guild_id=pair.guild_id, scope_key=scope_key(pair.guild_id),
                                                   question=pair.question, topic=pair.topic, count=1,
                                                   status="pending", created_at=at, updated_at=at))
                    await session.flush()
                elif row.status == "pending":
                    row.count += 1
                    row.updated_at = at

    async def suggestions(self, guild_id: int | None, *, status: str = "pending") -> list[AliasSuggestion]:
        """A guild's suggestions with ``status``, most often seen first."""
        query = (select(AliasSuggestionRow)
                 .where(_in_guild(AliasSuggestionRow.scope_key, guild_id), AliasSuggestionRow.status == status)
                 .order_by(AliasSuggestionRow.count.desc(), AliasSuggestionRow.updated_at.desc()))
        async with self._read() as session:
            return [_suggestion(row) for row in await session.scalars(query)]

    async def suggestion(self, suggestion_id: int, guild_id: int | None) -> AliasSuggestion | None:
        async with self._read() as session:
            row = await session.scalar(select(AliasSuggestionRow).where(
                AliasSuggestionRow.id == suggestion_id, _in_guild(AliasSuggestionRow.scope_key, guild_id)))
            return _suggestion(row) if row is not None else None

    async def decide(self, suggestion_id: int, guild_id: int | None, status: str, at: datetime) -> bool:
        """Mark a guild's suggestion accepted or rejected; whether it existed."""
        if status not in SUGGESTION_STATUSES:
            raise ValueError(f"unknown suggestion status {status!r}")
        async with self._write() as session:
            result = await session.execute(update(AliasSuggestionRow).where(
                AliasSuggestionRow.id == suggestion_id, _in_guild(AliasSuggestionRow.scope_key, guild_id),
            ).values(status=status, updated_at=at))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # --- options --------------------------------------------------------------------------------

    async def log_author_guilds(self) -> set[int]:
        async with self._read() as session:
            return set(await session.scalars(select(UsageOptionsRow.guild_id).where(UsageOptionsRow.log_authors)))

    async def set_log_authors(self, guild_id: int, enabled: bool) -> None:
        async with self._write() as session:
            row = await session.get(UsageOptionsRow, guild_id)
            if row is None:
                session.add(UsageOptionsRow(guild_id=guild_id, log_authors=enabled))
            else:
                row.log_authors = enabled

    # --- follows --------------------------------------------------------------------------------

    async def follow(self, guild_id: int, channel_id: int, title: str, *, by: str, at: datetime) -> bool:
        """Make ``channel_id`` follow ``title``; false if it already did."""
        key = name_key(title)
        async with self._write() as session:
            if await session.get(FollowRow, (guild_id, channel_id, key)) is not None:
                return False
            session.add(FollowRow(guild_id=guild_id, channel_id=channel_id, title_key=key, title=title,
                                  created_by=by, created_at=at))
        return True

    async def unfollow(self, guild_id: int, channel_id: int | None, title: str) -> int:
        """Stop following ``title`` in one channel (or every channel of the guild); how many follows went."""
        query = delete(FollowRow).where(FollowRow.guild_id == guild_id, FollowRow.title_key == name_key(title))
        if channel_id is not None:
            query = query.where(FollowRow.channel_id == channel_id)
        async with self._write() as session:
            result = await session.execute(query)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def followers(self, titles: Collection[str], guild_id: int | None) -> list[Follow]:
        """Follows of any of ``titles``: in ``guild_id`` for a guild's topic, in every guild for a shared one."""
        keys = {name_key(title) for title in titles}
        if not keys:
            return []
        query = select(FollowRow).where(FollowRow.title_key.in_(keys))
        if guild_id is not None:
            query = query.where(FollowRow.guild_id == guild_id)
        async with self._read() as session:
            return [Follow(row.guild_id, row.channel_id, row.title, row.created_by, row.created_at)
                    for row in await session.scalars(query.order_by(FollowRow.guild_id, FollowRow.channel_id))]

    async def follows(self, guild_id: int) -> list[Follow]:
        async with self._read() as session:
            rows = await session.scalars(select(FollowRow).where(FollowRow.guild_id == guild_id)
                                         .order_by(FollowRow.title, FollowRow.channel_id))
            return [Follow(row.guild_id, row.channel_id, row.title, row.created_by, row.created_at) for row in rows]

    async def rename_follows(self, old_title: str, new_title: str, guild_id: int | None) -> None:
        """Keep follows of a renamed topic (``guild_id`` ``None``: a shared topic, in every guild)."""
        old_key, new_key = name_key(old_title), name_key(new_title)
        if old_key == new_key:
            return
        query = update(FollowRow).where(FollowRow.title_key == old_key)
        if guild_id is not None:
            query = query.where(FollowRow.guild_id == guild_id)
        async with self._write() as session:
            await session.execute(query.values(title_key=new_key, title=new_title))
