"""Writing topics into the tables inside the caller's session.

Single writes use Core statements; imports (``insert_topics_bulk``) give the topics their ids first
and write every table with driver-level bulk inserts (``_bulk``), storing the same values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Table, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import DuplicateTopicError, StaleVersionError, TopicNotFoundError
from bot.core.model import Topic
from bot.core.storage._bulk import Row, bulk_insert
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


_TOPIC_COLUMNS: Final = ("id", "guild_id", "scope_key", "title", "title_key", "description", "first_mentioned",
                          "last_updated", "research_retrieved", "summary", "version", "updated_at", "updated_by")
_REVISION_COLUMNS: Final = ("topic_id", "guild_id", "scope_key", "title", "title_key", "version", "action", "author",
                            "created_at", "record_text", "aliases")
_CHILD_COLUMNS: Final[dict[Table, tuple[str, ...]]] = {
    ATTRIBUTES: ("topic_id", "position", "name", "value"),
    EVENTS: ("topic_id", "position", "text", "date", "source"),
    SECTIONS: ("topic_id", "position", "heading", "paragraph"),
    RESULTS: ("topic_id", "position", "title", "url", "snippet"),
    ALIASES: ("topic_id", "kind", "position", "alias"),
}


async def _reserve_topic_ids(session: AsyncSession, count: int) -> list[int]:
    """``count`` unused topic ids, ascending, that no other transaction can take."""
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        result = await session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
            {"table": TOPICS.name, "count": count},
        )
        return sorted(int(row[0]) for row in result)
    # SQLite: take the write lock first (a statement that writes nothing still takes it), so no other
    # connection inserts between reading the highest id ever handed out and using the next ones.
    # AUTOINCREMENT ids never go back, so the high-water mark in sqlite_sequence counts too.
    await session.execute(text(f"UPDATE {TOPICS.name} SET id = id WHERE 0"))  # noqa: S608 - our table
    highest = await session.scalar(text(
        f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{TOPICS.name}'), 0), "  # noqa: S608
        f"coalesce((SELECT max(id) FROM {TOPICS.name}), 0))"
    ))
    start = int(highest or 0) + 1
    return list(range(start, start + count))


def _child_tuples(topic_id: int, topic: Topic, into: dict[Table, list[Row]]) -> None:
    into[ATTRIBUTES].extend((topic_id, i, a.name, a.value) for i, a in enumerate(topic.attributes))
    into[EVENTS].extend((topic_id, i, e.text, e.date, e.source) for i, e in enumerate(topic.timeline))
    into[SECTIONS].extend((topic_id, i, s.heading, s.paragraph) for i, s in enumerate(topic.background))
    into[RESULTS].extend((topic_id, i, r.title, r.url, r.snippet) for i, r in enumerate(topic.web_results))
    for kind, names in (("moderator", topic.aliases), ("derived", topic.derived_aliases)):
        into[ALIASES].extend((topic_id, kind, i, name) for i, name in enumerate(names))


async def insert_topics_bulk(
    session: AsyncSession,
    writes: Sequence[TopicWrite],
    *,
    guild_id: int | None,
    changes: PendingChanges,
) -> list[StoredTopic]:
    """``insert_topics`` for many new topics: the same rows, revisions and change events, written in bulk.

    The topics get their ids before they are written (reserved from the id sequence), so nothing is
    read back; each table takes one driver-level bulk insert. Raises ``DuplicateTopicError`` when a
    title is taken in the scope.
    """
    if not writes:
        return []
    author, now = changes.author.label, changes.now
    scope = scope_key(guild_id)
    ids = await _reserve_topic_ids(session, len(writes))
    topics: list[Row] = []
    revisions: list[Row] = []
    children: dict[Table, list[Row]] = {table: [] for table in CHILD_TABLES}
    stored: list[StoredTopic] = []
    for topic_id, write in zip(ids, writes, strict=True):
        topic = write.topic
        key = title_key(topic.title)
        topics.append((topic_id, guild_id, scope, topic.title, key, topic.description, topic.first_mentioned,
                       topic.last_updated, topic.research_retrieved, topic.summary, 1, now, author))
        revisions.append((topic_id, guild_id, scope, topic.title, key, 1, "add", author, now, write.text,
                          list(topic.aliases)))
        _child_tuples(topic_id, topic, children)
        stored.append(StoredTopic(topic, topic_id, guild_id, 1, now, author))
    try:
        await bulk_insert(session, TOPICS, _TOPIC_COLUMNS, topics)
    except IntegrityError as error:
        raise DuplicateTopicError(_repeated_title(writes) or writes[0].topic.title) from error
    for table in CHILD_TABLES:
        await bulk_insert(session, table, _CHILD_COLUMNS[table], children[table])
    await bulk_insert(session, REVISIONS, _REVISION_COLUMNS, revisions)
    changes.topics("add", stored)
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
