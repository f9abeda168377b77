"""What ``topicbot sync`` remembers of a folder, in the store: each record file's topic, the digest of its
last good content, and why its last version was refused, so a bad file keeps its topic's last good
version and ``topicbot sync --status`` can say what is wrong where."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.storage.engine import describe_bind, storage_errors
from bot.core.storage.tables import SyncFileRow, scope_key

#: Rows written per statement (SQLite allows some 32,000 bound parameters; a row binds seven).
_CHUNK = 500


@dataclass(frozen=True)
class SyncedFile:
    name: str
    title: str | None  # the topic the file holds (its last good version)
    digest: str | None  # sha256 of the content last read (good or refused); ``None`` once its file is gone
    error: str | None  # why that content was refused (file, line, reason), if it was
    checked_at: datetime


class SyncStateStore:
    """The sync state of folders, by folder and scope (shared topics or one guild's)."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, storage_errors(describe_bind(session.bind)):
            yield session

    async def files(self, folder: str, guild_id: int | None) -> dict[str, SyncedFile]:
        async with self._session() as session:
            rows = await session.scalars(select(SyncFileRow).where(
                SyncFileRow.folder == folder, SyncFileRow.scope_key == scope_key(guild_id)))
            return {r.name: SyncedFile(r.name, r.title, r.digest, r.error, r.checked_at) for r in rows}

    async def save(self, folder: str, guild_id: int | None, files: Iterable[SyncedFile], *,
                   known: bool = True) -> None:
        """Record ``files`` (replacing what was known of them; ``known=False``: nothing was), in bulk."""
        rows = [{"folder": folder, "scope_key": scope_key(guild_id), "name": f.name, "title": f.title,
                 "digest": f.digest, "error": f.error, "checked_at": f.checked_at} for f in files]
        if not rows:
            return
        async with self._session() as session, session.begin():
            for start in range(0, len(rows), _CHUNK):
                chunk = rows[start:start + _CHUNK]
                if known:
                    await session.execute(delete(SyncFileRow).where(
                        SyncFileRow.folder == folder, SyncFileRow.scope_key == scope_key(guild_id),
                        SyncFileRow.name.in_([r["name"] for r in chunk])))
                await session.execute(insert(SyncFileRow), chunk)

    async def forget(self, folder: str, guild_id: int | None, names: Iterable[str]) -> None:
        wanted = list(names)
        if not wanted:
            return
        async with self._session() as session, session.begin():
            await session.execute(delete(SyncFileRow).where(
                SyncFileRow.folder == folder, SyncFileRow.scope_key == scope_key(guild_id),
                SyncFileRow.name.in_(wanted)))
