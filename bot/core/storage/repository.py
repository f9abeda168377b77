"""The topic repository: the one place that turns rows into topics and topics into rows.

The session factory is injected; every public method is one unit of work (one session, one
transaction). Every add, update and removal writes a revision, and every change (hiding a shared
topic and saving a guild's settings too) a change event, in the same transaction.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, tzinfo
from typing import Final

from rapidfuzz import fuzz, process, utils
from sqlalchemy import ColumnElement, case, delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.changes import CLI_AUTHOR, Author, ChangeEvent
from bot.core.errors import DuplicateTopicError, StaleVersionError, TopicNotFoundError
from bot.core.model import Topic
from bot.core.record_format import format_record
from bot.core.record_limits import DEFAULT_LIMITS, RecordLimits, enforce_record_limits
from bot.core.storage._change_log import PendingChanges, claim_for_mod_log, events_after, last_event_id
from bot.core.storage._loading import in_scope, load_topics, revision_from_row, titled, visible_in
from bot.core.storage._writing import TopicWrite, delete_topic, insert_topics, insert_topics_bulk, replace_topic
from bot.core.storage.engine import describe_bind, storage_errors
from bot.core.storage.listing import TopicFilter, TopicListPage, topic_list_page
from bot.core.storage.stored import GuildSettings, Revision, StoredTopic
from bot.core.storage.tables import (
    GuildSettingsRow,
    HiddenTopicRow,
    RevisionRow,
    TopicRow,
    scope_key,
    title_key,
)

log = logging.getLogger(__name__)

#: Topics read at a time by ``topic_batches`` (under SQLite's 999 bound parameters).
BATCH_SIZE: Final = 900

_SUGGESTIONS: Final = 3
_ANALYZE_FROM: Final = 2000
#: WRatio score (0-100) a title needs to be offered as "did you mean".
_SUGGESTION_CUTOFF: Final = 80.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _within_limits(write: TopicWrite, limits: RecordLimits) -> None:
    """Raise ``RecordTooLargeError`` (naming the topic) if the record goes over ``limits``."""
    enforce_record_limits(write.topic.title, write.topic, limits, size=len(write.text.encode("utf-8")))


class TopicBatch:
    """Several writes in one transaction (see ``TopicRepository.batch``); used by imports."""

    def __init__(self, session: AsyncSession, *, guild_id: int | None, changes: PendingChanges,
                 limits: RecordLimits = DEFAULT_LIMITS) -> None:
        self._session = session
        self.guild_id = guild_id
        self._changes = changes
        self.limits = limits
        self._added = 0
        self._analyzed_at = 0

    async def find(self, titles: Sequence[str]) -> dict[str, StoredTopic]:
        """The stored topics (in this batch's scope) with these titles, keyed by casefolded title."""
        if not titles:
            return {}
        found = await load_topics(self._session, in_scope(self.guild_id) & titled(titles))
        return {title_key(s.topic.title): s for s in found}

    async def add_many(self, writes: Sequence[TopicWrite]) -> list[StoredTopic]:
        for write in writes:
            _within_limits(write, self.limits)
        stored = await insert_topics_bulk(self._session, writes, guild_id=self.guild_id, changes=self._changes)
        self._added += len(stored)
        await self._refresh_statistics()
        return stored

    async def _refresh_statistics(self) -> None:
        """Let PostgreSQL's planner see the rows this transaction added.

        Autovacuum never sees uncommitted rows, so during a large first import the planner believes
        the topics table is empty and ``find`` turns into a sequential scan per chunk (quadratic).
        ANALYZE inside the transaction counts its own rows; it runs whenever the table has doubled.
        """
        if self._session.bind is None or self._session.bind.dialect.name != "postgresql":
            return
        if self._added >= _ANALYZE_FROM and self._added >= 2 * self._analyzed_at:
            await self._session.execute(text(f"ANALYZE {TopicRow.__tablename__}"))
            self._analyzed_at = self._added

    async def replace(self, stored: StoredTopic, write: TopicWrite) -> StoredTopic:
        """Overwrite ``stored`` (keeping its moderator aliases unless ``write`` has some)."""
        _within_limits(write, self.limits)
        return await replace_topic(
            self._session,
            write,
            original_title=stored.topic.title,
            expected_version=stored.version,
            guild_id=self.guild_id,
            changes=self._changes,
        )


class TopicRepository:
    """Add, get, update, remove, list and search topics; read their revisions.

    ``tz`` is the timezone revision texts are written in (the configured record timezone). Every write
    (add, update, revert, and a batch's) is refused with ``RecordTooLargeError`` when the record goes
    over ``limits`` (the ``[limits]`` section); nothing is written then.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        tz: tzinfo = UTC,
        clock: Callable[[], datetime] = _utc_now,
        limits: RecordLimits = DEFAULT_LIMITS,
    ) -> None:
        self._sessions = session_factory
        self.tz = tz
        self._clock = clock
        self.limits = limits

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, storage_errors(describe_bind(session.bind)):
            yield session

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, storage_errors(describe_bind(session.bind)), session.begin():
            yield session

    @asynccontextmanager
    async def _change(self, author: Author) -> AsyncIterator[tuple[AsyncSession, PendingChanges]]:
        """A write transaction whose change events are appended to the change log just before the commit."""
        changes = PendingChanges(author, self._clock())
        async with self._write() as session:
            yield session, changes
            await changes.write(session)

    @asynccontextmanager
    async def batch(self, *, guild_id: int | None = None,
                    author: Author = CLI_AUTHOR) -> AsyncIterator[TopicBatch]:
        """One transaction for many writes: committed when the block ends, rolled back on any error."""
        async with self._change(author) as (session, changes):
            yield TopicBatch(session, guild_id=guild_id, changes=changes, limits=self.limits)

    def _text(self, topic: Topic) -> str:
        return format_record(topic, self.tz)

    # --- topics -------------------------------------------------------------------------------

    async def add(self, topic: Topic, *, guild_id: int | None = None, author: Author = CLI_AUTHOR) -> StoredTopic:
        """Store a new topic at version 1. Raises ``DuplicateTopicError`` if the title is taken."""
        topic.validate()
        async with self._change(author) as (session, changes):
            exists = await session.scalar(select(TopicRow.id).where(in_scope(guild_id) & titled([topic.title])))
            if exists is not None:
                raise DuplicateTopicError(topic.title)
            write = TopicWrite(topic, self._text(topic))
            _within_limits(write, self.limits)
            [stored] = await insert_topics(session, [write], guild_id=guild_id, changes=changes)
        log.info("added topic %r (guild %s) by %s", topic.title, guild_id, author)
        return stored

    async def get(self, title: str, *, guild_id: int | None = None) -> StoredTopic:
        """The topic with this title (any case) visible in the guild; the guild's own wins over a global one.

        Raises ``TopicNotFoundError`` carrying up to three close titles.
        """
        async with self._read() as session:
            found = await load_topics(session, visible_in(guild_id) & titled([title]))
            if found:
                return max(found, key=lambda s: s.guild_id is not None)
            titles = (await session.scalars(select(TopicRow.title).where(visible_in(guild_id)))).all()
        raise TopicNotFoundError(title, self._closest(title, titles))

    @staticmethod
    def _closest(title: str, titles: Sequence[str]) -> tuple[str, ...]:
        matches = process.extract(
            title,
            titles,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=_SUGGESTIONS,
            score_cutoff=_SUGGESTION_CUTOFF,
        )
        return tuple(match[0] for match in matches)

    async def update(
        self,
        topic: Topic,
        *,
        expected_version: int,
        guild_id: int | None = None,
        author: Author,
        original_title: str | None = None,
    ) -> StoredTopic:
        """Replace the topic titled ``original_title`` (default ``topic.title``) with ``topic``.

        Raises ``StaleVersionError`` if it is no longer at ``expected_version``, ``TopicNotFoundError``
        if it does not exist, ``DuplicateTopicError`` if a rename hits a taken title.
        """
        topic.validate()
        write = TopicWrite(topic, self._text(topic))
        _within_limits(write, self.limits)
        async with self._change(author) as (session, changes):
            stored = await replace_topic(
                session,
                write,
                original_title=original_title or topic.title,
                expected_version=expected_version,
                guild_id=guild_id,
                changes=changes,
            )
        log.info("updated topic %r to version %d by %s", topic.title, stored.version, author)
        return stored

    async def remove(
        self, title: str, *, guild_id: int | None = None, author: Author, expected_version: int | None = None
    ) -> None:
        """Delete a topic; its ``remove`` revision keeps the text so it can be reverted."""
        async with self._change(author) as (session, changes):
            found = await load_topics(session, in_scope(guild_id) & titled([title]))
            if not found:
                raise TopicNotFoundError(title)
            stored = found[0]
            if expected_version is not None and expected_version != stored.version:
                raise StaleVersionError(stored.topic.title, expected_version, stored.version, stored.updated_by,
                                        stored.updated_at.isoformat(timespec="seconds"))
            await delete_topic(session, stored, self._text(stored.topic), changes=changes)
        log.info("removed topic %r (guild %s) by %s", title, guild_id, author)

    async def list(self, *, guild_id: int | None = None, include_global: bool = True) -> list[StoredTopic]:
        """All topics visible in the scope, ordered by title; six queries whatever their number."""
        async with self._read() as session:
            return await load_topics(session, visible_in(guild_id, include_global=include_global))

    async def list_page(self, guild_id: int, wanted: TopicFilter, *, offset: int = 0, limit: int = 50,
                        ) -> TopicListPage:
        """One page of the guild's topic list (its own and the shared topics), filtered and counted in SQL."""
        async with self._read() as session:
            return await topic_list_page(session, guild_id, wanted, offset=max(0, offset), limit=max(1, limit))

    async def search_titles(self, text: str, *, guild_id: int | None = None, limit: int = 10) -> builtins.list[str]:
        """Titles containing ``text`` (case-insensitive), those starting with it first."""
        key = title_key(text.strip())
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        condition: ColumnElement[bool] = visible_in(guild_id)
        if escaped:
            condition = condition & TopicRow.title_key.like(f"%{escaped}%", escape="\\")
        prefix_first = case((TopicRow.title_key.like(f"{escaped}%", escape="\\"), 0), else_=1)
        statement = select(TopicRow.title).where(condition).order_by(prefix_first, TopicRow.title_key).limit(limit)
        async with self._read() as session:
            return list((await session.scalars(statement)).all())

    # --- revisions ----------------------------------------------------------------------------

    async def _topic_id(self, session: AsyncSession, title: str, guild_id: int | None) -> int:
        """The id of the topic with this title in the scope, or of the last removed one."""
        current = await session.scalar(select(TopicRow.id).where(in_scope(guild_id) & titled([title])))
        if current is not None:
            return current
        latest = await session.scalar(
            select(RevisionRow.topic_id)
            .where(RevisionRow.scope_key == scope_key(guild_id), RevisionRow.title_key == title_key(title))
            .order_by(RevisionRow.created_at.desc(), RevisionRow.id.desc())
            .limit(1)
        )
        if latest is None:
            raise TopicNotFoundError(title)
        return latest

    async def history(self, title: str, *, guild_id: int | None = None) -> builtins.list[Revision]:
        """Every revision of the topic, oldest first (it follows the topic through renames and removal)."""
        async with self._read() as session:
            topic_id = await self._topic_id(session, title, guild_id)
            rows = await session.scalars(
                select(RevisionRow).where(RevisionRow.topic_id == topic_id).order_by(RevisionRow.version)
            )
            return [revision_from_row(row) for row in rows]

    async def revision(self, title: str, version: int, *, guild_id: int | None = None) -> Revision:
        async with self._read() as session:
            topic_id = await self._topic_id(session, title, guild_id)
            row = await session.scalar(
                select(RevisionRow).where(RevisionRow.topic_id == topic_id, RevisionRow.version == version)
            )
        if row is None:
            raise TopicNotFoundError(f"{title} (version {version})")
        return revision_from_row(row)

    async def revision_of(self, topic_id: int, version: int) -> Revision | None:
        """The revision ``version`` of the topic with this id (``None`` if there is none)."""
        async with self._read() as session:
            row = await session.scalar(
                select(RevisionRow).where(RevisionRow.topic_id == topic_id, RevisionRow.version == version)
            )
        return None if row is None else revision_from_row(row)

    async def revert(
        self,
        title: str,
        version: int,
        *,
        guild_id: int | None = None,
        author: Author,
        expected_version: int | None = None,
    ) -> StoredTopic:
        """Make the topic what it was at ``version`` (restoring it if it was removed), as a new revision."""
        target = await self.revision(title, version, guild_id=guild_id)
        topic = target.topic(self.tz)
        _within_limits(TopicWrite(topic, target.text), self.limits)
        async with self._change(author) as (session, changes):
            current = await load_topics(session, TopicRow.id == target.topic_id)
            if current:
                stored = current[0]
                return await replace_topic(
                    session,
                    TopicWrite(topic, target.text),
                    original_title=stored.topic.title,
                    expected_version=stored.version if expected_version is None else expected_version,
                    guild_id=guild_id,
                    changes=changes,
                    action="revert",
                )
            last = await session.scalar(
                select(func.max(RevisionRow.version)).where(RevisionRow.topic_id == target.topic_id)
            )
            if expected_version is not None and expected_version != last:
                raise StaleVersionError(topic.title, expected_version, last or 0)
            exists = await session.scalar(select(TopicRow.id).where(in_scope(guild_id) & titled([topic.title])))
            if exists is not None:
                raise DuplicateTopicError(topic.title)
            [stored] = await insert_topics(
                session,
                [TopicWrite(topic, target.text)],
                guild_id=guild_id,
                changes=changes,
                action="revert",
                restore=(target.topic_id, (last or 0) + 1),
            )
            return stored

    # --- guilds -------------------------------------------------------------------------------

    async def hide(self, title: str, *, guild_id: int, author: Author = CLI_AUTHOR) -> None:
        """Hide a global topic from one guild."""
        async with self._change(author) as (session, changes):
            row = (await session.execute(
                select(TopicRow.id, TopicRow.title).where(in_scope(None) & titled([title])))).first()
            if row is None:
                raise TopicNotFoundError(title)
            topic_id, stored_title = row
            hidden = await session.get(HiddenTopicRow, (guild_id, topic_id))
            if hidden is None:
                await session.execute(insert(HiddenTopicRow).values(guild_id=guild_id, topic_id=topic_id))
            changes.guild("hide", guild_id, title=stored_title, topic_id=topic_id)

    async def unhide(self, title: str, *, guild_id: int, author: Author = CLI_AUTHOR) -> None:
        async with self._change(author) as (session, changes):
            row = (await session.execute(
                select(TopicRow.id, TopicRow.title).where(in_scope(None) & titled([title])))).first()
            if row is None:
                raise TopicNotFoundError(title)
            topic_id, stored_title = row
            await session.execute(
                delete(HiddenTopicRow).where(HiddenTopicRow.guild_id == guild_id, HiddenTopicRow.topic_id == topic_id)
            )
            changes.guild("unhide", guild_id, title=stored_title, topic_id=topic_id)

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        async with self._read() as session:
            row = await session.get(GuildSettingsRow, guild_id)
        if row is None:
            return GuildSettings(guild_id)
        return GuildSettings(guild_id, row.moderator_role_id, row.mod_log_channel_id)

    async def save_guild_settings(self, settings: GuildSettings, *, author: Author = CLI_AUTHOR) -> None:
        async with self._change(author) as (session, changes):
            row = await session.get(GuildSettingsRow, settings.guild_id)
            if row is None:
                row = GuildSettingsRow(guild_id=settings.guild_id)
                session.add(row)
            row.moderator_role_id = settings.moderator_role_id
            row.mod_log_channel_id = settings.mod_log_channel_id
            await session.flush()
            changes.guild("settings", settings.guild_id)

    # --- the change log -------------------------------------------------------------------------

    async def last_change_id(self) -> int:
        """The id of the newest change event (0 when nothing has changed yet)."""
        async with self._read() as session:
            return await last_event_id(session)

    async def changes_after(self, after: int, *, limit: int = 1000) -> builtins.list[ChangeEvent]:
        """Up to ``limit`` change events with ids above ``after``, oldest first."""
        async with self._read() as session:
            return await events_after(session, after, limit)

    async def claim_for_mod_log(self, event_ids: Sequence[int], claimant: str) -> set[int]:
        """Of these events, the ones no process had claimed for the mod log; they are now ``claimant``'s."""
        async with self._write() as session:
            return await claim_for_mod_log(session, event_ids, claimant)

    # --- every scope at once (for the in-memory index) ------------------------------------------

    async def list_all(self) -> builtins.list[StoredTopic]:
        """Every topic of every scope (the global ones and each guild's own), ordered by title."""
        async with self._read() as session:
            return await load_topics(session, TopicRow.id.is_not(None))

    async def topic_batches(self, size: int = BATCH_SIZE) -> AsyncIterator[builtins.list[StoredTopic]]:
        """Every topic of every scope, ``size`` at a time in id order: what building the index reads, so
        that only one batch of the store is in memory beside the index, however large the store."""
        async with self._read() as session:
            ids = builtins.list((await session.scalars(select(TopicRow.id).order_by(TopicRow.id))).all())
        for start in range(0, len(ids), size):
            async with self._read() as session:
                yield await load_topics(session, TopicRow.id.in_(ids[start:start + size]))

    async def hidden_pairs(self) -> builtins.list[tuple[int, str]]:
        """``(guild id, title)`` of every global topic a guild has hidden."""
        statement = (
            select(HiddenTopicRow.guild_id, TopicRow.title)
            .join(TopicRow, TopicRow.id == HiddenTopicRow.topic_id)
            .order_by(HiddenTopicRow.guild_id, TopicRow.title_key)
        )
        async with self._read() as session:
            return [(guild_id, title) for guild_id, title in await session.execute(statement)]
