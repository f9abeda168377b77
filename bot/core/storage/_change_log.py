"""Writing and reading the change log (``change_events``), inside the caller's session.

Writers collect the events of one transaction in a ``PendingChanges`` and write them last, just
before the commit. On PostgreSQL they first take a transaction-level advisory lock, so the ids of
concurrent transactions are handed out and committed in the same order (a reader that has seen id
N never later finds a smaller id appear), and send ``NOTIFY`` on ``CHANGES_CHANNEL`` in the same
transaction: listeners are woken when, and only if, the change is committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Table, and_, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.changes import Author, ChangeAction, ChangeEvent, FrontEnd
from bot.core.storage._bulk import bulk_insert
from bot.core.storage.stored import StoredTopic
from bot.core.storage.tables import ChangeEventRow, RevisionRow

EVENTS: Final[Table] = ChangeEventRow.__table__  # type: ignore[assignment]
#: The PostgreSQL NOTIFY channel change events are announced on; the payload is the schema name.
CHANGES_CHANNEL: Final = "topicbot_changes"
#: Key of the advisory lock that orders writers of the change log (any constant of our own).
_LOCK_KEY: Final = 0x70_1C_B0_7C
_COLUMNS: Final = ("action", "guild_id", "topic_id", "title", "previous_title", "version", "author_name",
                   "author_front_end", "author_user_id", "created_at")


class PendingChanges:
    """The change events of one transaction, written together by ``write``."""

    def __init__(self, author: Author, now: datetime) -> None:
        self.author = author
        self.now = now
        self._rows: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self._rows)

    def _row(self, action: ChangeAction, guild_id: int | None, **values: Any) -> None:  # noqa: ANN401
        row = {
            "action": action,
            "guild_id": guild_id,
            "topic_id": None,
            "title": None,
            "previous_title": None,
            "version": None,
            "author_name": self.author.name,
            "author_front_end": self.author.front_end,
            "author_user_id": self.author.user_id,
            "created_at": self.now,
        }
        row.update(values)
        self._rows.append(row)

    def topic(self, action: ChangeAction, stored: StoredTopic, *, previous_title: str | None = None) -> None:
        """A topic change; ``stored`` is the topic as written (for a removal: its removal revision's version)."""
        renamed = previous_title if previous_title is not None and previous_title != stored.title else None
        self._row(action, stored.guild_id, topic_id=stored.id, title=stored.title, previous_title=renamed,
                  version=stored.version)

    def topics(self, action: ChangeAction, stored: Sequence[StoredTopic]) -> None:
        for item in stored:
            self.topic(action, item)

    def guild(self, action: ChangeAction, guild_id: int, *, title: str | None = None,
              topic_id: int | None = None) -> None:
        """A change of a guild's view: hide/unhide of a shared topic, or its settings."""
        self._row(action, guild_id, title=title, topic_id=topic_id)

    async def write(self, session: AsyncSession) -> None:
        """Append the events to the log (ordered, and announced on PostgreSQL); call last in the transaction."""
        if not self._rows:
            return
        postgres = session.bind is not None and session.bind.dialect.name == "postgresql"
        if postgres:
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        if len(self._rows) == 1:
            await session.execute(insert(EVENTS), self._rows)
        else:  # an import: one event per topic, in order (ids are handed out in row order)
            await bulk_insert(session, EVENTS, _COLUMNS, [tuple(row[c] for c in _COLUMNS) for row in self._rows])
        if postgres:
            await session.execute(text("SELECT pg_notify(:channel, current_schema())"),
                                  {"channel": CHANGES_CHANNEL})
        self._rows = []


def _front_end(value: str) -> FrontEnd:
    return value  # type: ignore[return-value]  # the writers only store FrontEnd values


def _action(value: str) -> ChangeAction:
    return value  # type: ignore[return-value]  # the check constraint guarantees it


async def last_event_id(session: AsyncSession) -> int:
    """The id of the newest change event (0 when the log is empty)."""
    return int(await session.scalar(select(func.coalesce(func.max(EVENTS.c.id), 0))) or 0)


async def events_after(session: AsyncSession, after: int, limit: int) -> list[ChangeEvent]:
    """Up to ``limit`` change events with ids above ``after``, oldest first, with their revisions' text."""
    revisions = RevisionRow.__table__
    statement = (
        select(
            EVENTS.c.id, EVENTS.c.action, EVENTS.c.guild_id, EVENTS.c.topic_id, EVENTS.c.title,
            EVENTS.c.previous_title, EVENTS.c.version, EVENTS.c.author_name, EVENTS.c.author_front_end,
            EVENTS.c.author_user_id, EVENTS.c.created_at, revisions.c.id, revisions.c.record_text,
            revisions.c.aliases,
        )
        .select_from(EVENTS.outerjoin(revisions, and_(revisions.c.topic_id == EVENTS.c.topic_id,
                                                      revisions.c.version == EVENTS.c.version)))
        .where(EVENTS.c.id > after)
        .order_by(EVENTS.c.id)
        .limit(limit)
    )
    events: list[ChangeEvent] = []
    for row in await session.execute(statement):
        (event_id, action, guild_id, topic_id, title, previous_title, version, name, front_end, user_id,
         created_at, revision_id, record_text, aliases) = row
        events.append(ChangeEvent(
            id=event_id,
            action=_action(action),
            guild_id=guild_id,
            author=Author(name, _front_end(front_end), user_id),
            created_at=created_at,
            topic_id=topic_id,
            title=title,
            previous_title=previous_title,
            revision_id=revision_id,
            version=version,
            text=record_text or "",
            aliases=tuple(aliases or ()),
        ))
    return events


async def claim_for_mod_log(session: AsyncSession, event_ids: Sequence[int], claimant: str) -> set[int]:
    """Claim the events no process has claimed yet for posting to the mod log; the ids this call got."""
    if not event_ids:
        return set()
    result = await session.execute(
        update(EVENTS)
        .where(EVENTS.c.id.in_(sorted(set(event_ids))), EVENTS.c.mod_log_claimed_by.is_(None))
        .values(mod_log_claimed_by=claimant)
        .returning(EVENTS.c.id)
    )
    return {row[0] for row in result}
