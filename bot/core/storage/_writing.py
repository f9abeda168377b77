"""Writing topics into the tables with bulk Core statements (executemany), inside the caller's session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import DuplicateTopicError, StaleVersionError, TopicNotFoundError
from bot.core.model import Topic
from bot.core.storage._change_log import PendingChanges
from bot.core.storage.stored import RevisionAction, StoredTopic
from bot.core.storage.tables import (
    AliasRow,
    AttributeRow,
    BackgroundSectionRow,
    RevisionRow,
    TimelineEventRow,
    TopicRow,
    WebResultRow,
    scope_key,
    title_key,
)

TOPICS: Final[Table] = TopicRow.__table__  # type: ignore[assignment]
REVISIONS: Final[Table] = RevisionRow.__table__  # type: ignore[assignment]
ATTRIBUTES: Final[Table] = AttributeRow.__table__  # type: ignore[assignment]
EVENTS: Final[Table] = TimelineEventRow.__table__  # type: ignore[assignment]
SECTIONS: Final[Table] = BackgroundSectionRow.__table__  # type: ignore[assignment]
RESULTS: Final[Table] = WebResultRow.__table__  # type: ignore[assignment]
ALIASES: Final[Table] = AliasRow.__table__  # type: ignore[assignment]
CHILD_TABLES: Final = (ATTRIBUTES, EVENTS, SECTIONS, RESULTS, ALIASES)


@dataclass(frozen=True)
class TopicWrite:
    """A topic to store and its record text (kept in the revision)."""

    topic: Topic
    text: str


def _topic_values(topic: Topic, guild_id: int | None, author: str, now: datetime) -> dict[str, Any]:
    return {
        "guild_id": guild_id,
        "scope_key": scope_key(guild_id),
        "title": topic.title,
        "title_key": title_key(topic.title),
        "description": topic.description,
        "first_mentioned": topic.first_mentioned,
        "last_updated": topic.last_updated,
        "research_retrieved": topic.research_retrieved,
        "summary": topic.summary,
        "updated_at": now,
        "updated_by": author,
    }


def _child_rows(topic_id: int, topic: Topic, into: dict[Table, list[dict[str, Any]]]) -> None:
    into[ATTRIBUTES].extend(
        {"topic_id": topic_id, "position": i, "name": a.name, "value": a.value} for i, a in enumerate(topic.attributes)
    )
    into[EVENTS].extend(
        {"topic_id": topic_id, "position": i, "text": e.text, "date": e.date, "source": e.source}
        for i, e in enumerate(topic.timeline)
    )
    into[SECTIONS].extend(
        {"topic_id": topic_id, "position": i, "heading": s.heading, "paragraph": s.paragraph}
        for i, s in enumerate(topic.background)
    )
    into[RESULTS].extend(
        {"topic_id": topic_id, "position": i, "title": r.title, "url": r.url, "snippet": r.snippet}
        for i, r in enumerate(topic.web_results)
    )
    for kind, names in (("moderator", topic.aliases), ("derived", topic.derived_aliases)):
        into[ALIASES].extend(
            {"topic_id": topic_id, "kind": kind, "position": i, "alias": name} for i, name in enumerate(names)
        )


async def _insert_children(session: AsyncSession, rows: dict[Table, list[dict[str, Any]]]) -> None:
    for table in CHILD_TABLES:
        if rows[table]:
            await session.execute(insert(table), rows[table])


def _revision_values(
    stored: StoredTopic, action: RevisionAction, text: str, author: str, now: datetime
) -> dict[str, Any]:
    return {
        "topic_id": stored.id,
        "guild_id": stored.guild_id,
        "scope_key": scope_key(stored.guild_id),
        "title": stored.topic.title,
        "title_key": title_key(stored.topic.title),
        "version": stored.version,
        "action": action,
        "author": author,
        "created_at": now,
        "record_text": text,
        "aliases": list(stored.topic.aliases),
    }


async def insert_topics(
    session: AsyncSession,
    writes: Sequence[TopicWrite],
    *,
    guild_id: int | None,
    changes: PendingChanges,
    action: RevisionAction = "add",
    restore: tuple[int, int] | None = None,
) -> list[StoredTopic]:
    """Insert new topics (version 1) with their parts, an ``add`` revision and a change event each.

    ``restore`` = (id, version) re-inserts one removed topic under its old id (used by revert).
    Raises ``DuplicateTopicError`` when a title is taken in the scope.
    """
    if not writes:
        return []
    author, now = changes.author.label, changes.now
    params = [_topic_values(w.topic, guild_id, author, now) for w in writes]
    version = 1 if restore is None else restore[1]
    for values in params:
        values["version"] = version
        if restore is not None:
            values["id"] = restore[0]
    try:
        # Matched back by title key (unique in the scope): asking for rows in parameter order would
        # make SQLite fall back to one INSERT per row.
        result = await session.execute(insert(TOPICS).returning(TOPICS.c.id, TOPICS.c.title_key), params)
    except IntegrityError as error:
        # The transaction is unusable now (PostgreSQL aborts it); the caller rolls it back.
        raise DuplicateTopicError(_repeated_title(writes) or writes[0].topic.title) from error
    id_by_key = {key: topic_id for topic_id, key in result}
    ids = [id_by_key[values["title_key"]] for values in params]
    children: dict[Table, list[dict[str, Any]]] = {table: [] for table in CHILD_TABLES}
    stored: list[StoredTopic] = []
    for topic_id, write in zip(ids, writes, strict=True):
        _child_rows(topic_id, write.topic, children)
        stored.append(StoredTopic(write.topic, topic_id, guild_id, version, now, author))
    await _insert_children(session, children)
    await session.execute(
        insert(REVISIONS),
        [_revision_values(s, action, w.text, author, now) for s, w in zip(stored, writes, strict=True)],
    )
    changes.topics(action, stored)
    return stored


def _repeated_title(writes: Sequence[TopicWrite]) -> str | None:
    seen: set[str] = set()
    for write in writes:
        key = title_key(write.topic.title)
        if key in seen:
            return write.topic.title
        seen.add(key)
    return None


async def stale_or_missing(
    session: AsyncSession, title: str, guild_id: int | None, expected_version: int
) -> StaleVersionError | TopicNotFoundError:
    """The error to raise when a versioned write matched no row."""
    row = (
        await session.execute(
            select(TOPICS.c.version, TOPICS.c.updated_by, TOPICS.c.updated_at).where(
                TOPICS.c.scope_key == scope_key(guild_id), TOPICS.c.title_key == title_key(title)
            )
        )
    ).first()
    if row is None:
        return TopicNotFoundError(title)
    version, updated_by, updated_at = row
    return StaleVersionError(title, expected_version, version, updated_by, updated_at.isoformat(timespec="seconds"))


async def replace_topic(
    session: AsyncSession,
    write: TopicWrite,
    *,
    original_title: str,
    expected_version: int,
    guild_id: int | None,
    changes: PendingChanges,
    action: RevisionAction = "edit",
) -> StoredTopic:
    """Overwrite a stored topic if it is still at ``expected_version``; write a revision and a change event.

    The version check is part of the UPDATE's WHERE clause, so of two concurrent edits made from
    the same version exactly one matches a row; the other gets ``StaleVersionError``.
    """
    author, now = changes.author.label, changes.now
    values = _topic_values(write.topic, guild_id, author, now)
    values["version"] = TOPICS.c.version + 1
    statement = (
        update(TOPICS)
        .where(
            TOPICS.c.scope_key == scope_key(guild_id),
            TOPICS.c.title_key == title_key(original_title),
            TOPICS.c.version == expected_version,
        )
        .values(values)
        .returning(TOPICS.c.id, TOPICS.c.version)
    )
    try:
        row = (await session.execute(statement)).first()
    except IntegrityError as error:
        raise DuplicateTopicError(write.topic.title) from error
    if row is None:
        raise await stale_or_missing(session, original_title, guild_id, expected_version)
    topic_id, version = row
    for table in CHILD_TABLES:
        await session.execute(delete(table).where(table.c.topic_id == topic_id))
    children: dict[Table, list[dict[str, Any]]] = {table: [] for table in CHILD_TABLES}
    _child_rows(topic_id, write.topic, children)
    await _insert_children(session, children)
    stored = StoredTopic(write.topic, topic_id, guild_id, version, now, author)
    await session.execute(insert(REVISIONS), [_revision_values(stored, action, write.text, author, now)])
    changes.topic(action, stored, previous_title=original_title)
    return stored


async def delete_topic(session: AsyncSession, stored: StoredTopic, text: str, *, changes: PendingChanges) -> None:
    """Remove ``stored`` if it is still at its version; the ``remove`` revision keeps its text."""
    result = await session.execute(
        delete(TOPICS).where(TOPICS.c.id == stored.id, TOPICS.c.version == stored.version).returning(TOPICS.c.id)
    )
    if result.first() is None:
        raise await stale_or_missing(session, stored.topic.title, stored.guild_id, stored.version)
    author, now = changes.author.label, changes.now
    removed = StoredTopic(stored.topic, stored.id, stored.guild_id, stored.version + 1, now, author)
    await session.execute(insert(REVISIONS), [_revision_values(removed, "remove", text, author, now)])
    changes.topic("remove", removed)
