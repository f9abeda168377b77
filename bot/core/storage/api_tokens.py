"""API tokens: a moderator makes one for their guild in the dashboard (shown once), a research pipeline
pushes records with it (``PUT /api/topics/{title}``), and a moderator can revoke it. Only the sha256 of
a token is stored; a token's short id (the start of that hash) names it in lists."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.storage.engine import describe_bind, storage_errors
from bot.core.storage.tables import ApiTokenRow

PREFIX: Final = "tbk_"
SHORT_ID: Final = 12


@dataclass(frozen=True)
class ApiToken:
    short_id: str
    guild_id: int
    label: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None


def _hashed(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiTokenStore:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, storage_errors(describe_bind(session.bind)):
            yield session

    async def create(self, guild_id: int, label: str, created_by: str, *, now: datetime) -> str:
        """A new token for ``guild_id``; the only time it is seen whole."""
        token = PREFIX + secrets.token_urlsafe(32)
        async with self._session() as session, session.begin():
            await session.execute(insert(ApiTokenRow).values(id_hash=_hashed(token), guild_id=guild_id,
                                                             label=label[:100], created_by=created_by[:200],
                                                             created_at=now))
        return token

    async def guild_of(self, token: str) -> tuple[int, str] | None:
        """The guild and label of a live (not revoked) token, or ``None``."""
        if not token.startswith(PREFIX):
            return None
        async with self._session() as session:
            row = await session.scalar(select(ApiTokenRow).where(ApiTokenRow.id_hash == _hashed(token),
                                                                 ApiTokenRow.revoked_at.is_(None)))
            return None if row is None else (row.guild_id, row.label)

    async def tokens(self, guild_id: int) -> list[ApiToken]:
        async with self._session() as session:
            rows = await session.scalars(select(ApiTokenRow).where(ApiTokenRow.guild_id == guild_id)
                                         .order_by(ApiTokenRow.created_at))
            return [ApiToken(r.id_hash[:SHORT_ID], r.guild_id, r.label, r.created_by, r.created_at, r.revoked_at)
                    for r in rows]

    async def revoke(self, guild_id: int, short_id: str, *, now: datetime) -> bool:
        """Revoke the guild's token with this short id; whether one was."""
        if len(short_id) != SHORT_ID or not short_id.isalnum():
            return False
        async with self._session() as session, session.begin():
            result = await session.execute(update(ApiTokenRow).where(
                ApiTokenRow.guild_id == guild_id, ApiTokenRow.id_hash.startswith(short_id),
                ApiTokenRow.revoked_at.is_(None)).values(revoked_at=now))
        return bool(getattr(result, "rowcount", 0))
