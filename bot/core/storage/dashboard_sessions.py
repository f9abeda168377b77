"""Dashboard sessions in the store: started at sign-in, looked up on every request, ended at sign-out.

The cookie carries a random session id and nothing else; the store keeps its sha256, so a copy of
the table signs nobody in. Ending a session (sign-out, or a moderator who lost the role) removes the
row, so the cookie stops working at once in every process.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.storage.engine import describe_bind, storage_errors
from bot.core.storage.tables import DashboardSessionRow


@dataclass(frozen=True)
class DashboardSession:
    guild_id: int
    user_id: int
    user_name: str
    owner: bool
    csrf: str


def _hashed(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class DashboardSessionStore:
    """Start, find and end dashboard sessions."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, storage_errors(describe_bind(session.bind)):
            yield session

    async def start(self, who: DashboardSession, *, now: datetime, lasts: timedelta) -> str:
        """A new session for ``who``; returns its id (for the cookie). Forgets sessions long expired."""
        session_id = secrets.token_urlsafe(32)
        async with self._session() as session, session.begin():
            await session.execute(delete(DashboardSessionRow).where(DashboardSessionRow.expires_at < now))
            await session.execute(insert(DashboardSessionRow).values(
                id_hash=_hashed(session_id), guild_id=who.guild_id, user_id=who.user_id, user_name=who.user_name,
                owner=who.owner, csrf=who.csrf, expires_at=now + lasts))
        return session_id

    async def find(self, session_id: str, *, now: datetime) -> DashboardSession | None:
        """The live session with this id, or ``None`` (unknown, ended or expired)."""
        async with self._session() as session:
            row = await session.scalar(select(DashboardSessionRow).where(
                DashboardSessionRow.id_hash == _hashed(session_id), DashboardSessionRow.expires_at >= now))
            if row is None:
                return None
            return DashboardSession(row.guild_id, row.user_id, row.user_name, row.owner, row.csrf)

    async def end(self, session_id: str) -> None:
        async with self._session() as session, session.begin():
            await session.execute(delete(DashboardSessionRow).where(DashboardSessionRow.id_hash == _hashed(session_id)))

    async def end_all(self, guild_id: int, user_id: int) -> int:
        """End every session of one moderator in one guild (their role was removed); how many."""
        async with self._session() as session, session.begin():
            result = await session.execute(delete(DashboardSessionRow).where(
                DashboardSessionRow.guild_id == guild_id, DashboardSessionRow.user_id == user_id))
        return int(getattr(result, "rowcount", 0) or 0)
