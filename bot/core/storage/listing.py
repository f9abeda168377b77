"""One page of a guild's topic list, filtered, counted and cut in SQL (the dashboard's topic list).

A page reads only its own rows (title, scope, version, who changed it and when, how old its research
is, whether the guild hid it), never the topics' parts, and counts the matches with ``COUNT``; so a
request costs the same at 100,000 topics as at 100, apart from the database's own scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.storage.tables import GLOBAL_SCOPE, AliasRow, HiddenTopicRow, TopicRow, title_key

Show = Literal["all", "guild", "shared", "hidden"]
SHOW_CHOICES: Final[tuple[Show, ...]] = ("all", "guild", "shared", "hidden")


@dataclass(frozen=True)
class TopicFilter:
    """Which topics of a guild's list to show.

    ``query`` is found, case-insensitively, in the title or any other name; ``show`` picks the guild's
    own topics, the shared ones, or the shared ones it hid; ``researched_before`` keeps topics whose
    research ("last updated") is older, ``changed_since`` those changed in the store since then.
    """

    query: str = ""
    show: Show = "all"
    researched_before: datetime | None = None
    changed_since: datetime | None = None


@dataclass(frozen=True)
class ListedTopic:
    """One row of the list: enough to show and link a topic without loading its parts."""

    title: str
    guild_id: int | None
    version: int
    updated_at: datetime
    updated_by: str
    last_updated: datetime
    #: A shared topic this guild has hidden from its members.
    hidden: bool


@dataclass(frozen=True)
class TopicListPage:
    """The rows of one page, how many topics match the filter, and how many the list holds in all."""

    rows: tuple[ListedTopic, ...]
    matching: int
    total: int


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _listed(guild_id: int) -> ColumnElement[bool]:
    """The guild's own topics and every shared one (hidden ones too: the list marks them)."""
    return TopicRow.scope_key.in_((guild_id, GLOBAL_SCOPE))


def _hidden(guild_id: int) -> ColumnElement[bool]:
    return exists().where(HiddenTopicRow.guild_id == guild_id, HiddenTopicRow.topic_id == TopicRow.id)


def _conditions(guild_id: int, wanted: TopicFilter) -> ColumnElement[bool]:
    conditions = [_listed(guild_id)]
    if wanted.show == "guild":
        conditions.append(TopicRow.scope_key == guild_id)
    elif wanted.show in {"shared", "hidden"}:
        conditions.append(TopicRow.scope_key == GLOBAL_SCOPE)
    if wanted.show == "hidden":
        conditions.append(_hidden(guild_id))
    if wanted.researched_before is not None:
        conditions.append(TopicRow.last_updated < wanted.researched_before)
    if wanted.changed_since is not None:
        conditions.append(TopicRow.updated_at >= wanted.changed_since)
    text = wanted.query.strip()
    if text:
        # Titles by their comparison key; other names by lower(), which both backends index the same way.
        in_title = TopicRow.title_key.like(f"%{_escaped(title_key(text))}%", escape="\\")
        in_alias = exists().where(AliasRow.topic_id == TopicRow.id,
                                  func.lower(AliasRow.alias).like(f"%{_escaped(text.lower())}%", escape="\\"))
        conditions.append(or_(in_title, in_alias))
    return and_(*conditions)


async def topic_list_page(session: AsyncSession, guild_id: int, wanted: TopicFilter, *, offset: int,
                          limit: int) -> TopicListPage:
    """Rows ``offset`` to ``offset + limit`` of the guild's list under ``wanted``, by title (the guild's own
    topic before a shared one of the same title); three statements: the rows and two counts."""
    where = _conditions(guild_id, wanted)
    statement = (
        select(TopicRow.title, TopicRow.guild_id, TopicRow.version, TopicRow.updated_at, TopicRow.updated_by,
               TopicRow.last_updated, _hidden(guild_id).label("hidden"))
        .where(where)
        .order_by(TopicRow.title_key, TopicRow.scope_key == GLOBAL_SCOPE, TopicRow.id)
        .offset(offset)
        .limit(limit)
    )
    rows = tuple(ListedTopic(*row) for row in await session.execute(statement))
    matching = await session.scalar(select(func.count()).select_from(TopicRow).where(where))
    total = await session.scalar(select(func.count()).select_from(TopicRow).where(_listed(guild_id)))
    return TopicListPage(rows, int(matching or 0), int(total or 0))
