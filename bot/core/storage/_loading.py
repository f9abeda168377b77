"""Reading topics out of the tables in bulk: one query per table, whatever the number of topics."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.model import Attribute, BackgroundSection, TimelineEvent, Topic, WebResult
from bot.core.storage.stored import Revision, RevisionAction, StoredTopic
from bot.core.storage.tables import (
    GLOBAL_SCOPE,
    AliasRow,
    AttributeRow,
    BackgroundSectionRow,
    HiddenTopicRow,
    RevisionRow,
    TimelineEventRow,
    TopicRow,
    WebResultRow,
    scope_key,
    title_key,
)


def in_scope(guild_id: int | None) -> ColumnElement[bool]:
    """Topics stored in exactly this scope (a guild's own, or the global ones)."""
    return TopicRow.scope_key == scope_key(guild_id)


def visible_in(guild_id: int | None, *, include_global: bool = True) -> ColumnElement[bool]:
    """Topics a guild sees: its own plus the global ones it has not hidden."""
    own = in_scope(guild_id)
    if guild_id is None or not include_global:
        return own
    hidden = select(HiddenTopicRow.topic_id).where(HiddenTopicRow.guild_id == guild_id)
    return or_(own, and_(TopicRow.scope_key == GLOBAL_SCOPE, TopicRow.id.not_in(hidden)))


def titled(titles: Sequence[str]) -> ColumnElement[bool]:
    return TopicRow.title_key.in_(sorted({title_key(t) for t in titles}))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic objects.

    Loading 100k topics allocates millions of tuples and dataclasses, none of them in cycles; the
    collector's repeated passes over them cost about as much as the load itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def load_topics(session: AsyncSession, where: ColumnElement[bool]) -> list[StoredTopic]:
    """Every topic matching ``where`` with all its parts, ordered by title (case-insensitive)."""
    with _collector_paused():
        return await _load_topics(session, where)


async def _load_topics(session: AsyncSession, where: ColumnElement[bool]) -> list[StoredTopic]:
    # Executed on the connection: plain Core rows, without the ORM's per-row loading machinery.
    connection = await session.connection()
    topic_rows = (
        await connection.execute(
            select(
                TopicRow.id,
                TopicRow.guild_id,
                TopicRow.title,
                TopicRow.description,
                TopicRow.first_mentioned,
                TopicRow.last_updated,
                TopicRow.research_retrieved,
                TopicRow.summary,
                TopicRow.version,
                TopicRow.updated_at,
                TopicRow.updated_by,
            )
            .where(where)
            .order_by(TopicRow.title_key, TopicRow.scope_key)
        )
    ).all()
    if not topic_rows:
        return []
    ids = select(TopicRow.id).where(where).scalar_subquery()

    async def children(*columns: Any, table: Any) -> dict[int, list[Any]]:  # noqa: ANN401
        grouped: dict[int, list[Any]] = defaultdict(list)
        statement = select(table.topic_id, *columns).where(table.topic_id.in_(ids))
        result = await connection.execute(statement.order_by(table.topic_id, table.position))
        for row in result:
            grouped[row[0]].append(row[1:])
        return grouped

    attributes = await children(AttributeRow.name, AttributeRow.value, table=AttributeRow)
    events = await children(TimelineEventRow.text, TimelineEventRow.date, TimelineEventRow.source,
                            table=TimelineEventRow)
    sections = await children(BackgroundSectionRow.heading, BackgroundSectionRow.paragraph,
                              table=BackgroundSectionRow)
    results = await children(WebResultRow.title, WebResultRow.snippet, WebResultRow.url, table=WebResultRow)
    alias_rows = await children(AliasRow.kind, AliasRow.alias, table=AliasRow)

    stored: list[StoredTopic] = []
    # Rows are popped as their topic is built, so they are freed while the topics are made.
    for row in topic_rows:
        (topic_id, guild_id, title, description, first, last, retrieved, summary, version, updated_at,
         updated_by) = row
        aliases = alias_rows.pop(topic_id, ())
        topic = Topic(
            title=title,
            description=description,
            first_mentioned=first,
            last_updated=last,
            research_retrieved=retrieved,
            summary=summary,
            attributes=tuple(Attribute(name, value) for name, value in attributes.pop(topic_id, ())),
            timeline=tuple(TimelineEvent(text, day, source) for text, day, source in events.pop(topic_id, ())),
            background=tuple(BackgroundSection(h, p) for h, p in sections.pop(topic_id, ())),
            web_results=tuple(WebResult(t, s, u) for t, s, u in results.pop(topic_id, ())),
            aliases=tuple(alias for kind, alias in aliases if kind == "moderator"),
            derived_aliases=tuple(alias for kind, alias in aliases if kind == "derived"),
        )
        stored.append(StoredTopic(topic, topic_id, guild_id, version, updated_at, updated_by))
    return stored


def revision_from_row(row: RevisionRow) -> Revision:
    action: RevisionAction = row.action  # type: ignore[assignment]  # the check constraint guarantees it
    return Revision(
        topic_id=row.topic_id,
        guild_id=row.guild_id,
        title=row.title,
        version=row.version,
        action=action,
        author=row.author,
        created_at=row.created_at,
        text=row.record_text,
        aliases=tuple(row.aliases),
    )
