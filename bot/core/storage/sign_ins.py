"""What dashboard sign-in links need from the store: the shared signing key and the links already used.

Every process (the bot that hands out links, the dashboard that takes them) reads the same key, so
no configuration is needed; ``[dashboard] secret`` replaces it where an operator prefers to manage
it. A link's nonce is recorded when it is used, in one insert, so a second use is refused even when
two requests race or land on different processes.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Final

from sqlalchemy import delete, exc, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.storage.engine import describe_bind, storage_errors
from bot.core.storage.tables import SignInKeyRow, UsedSignInLinkRow

_KEY_ID: Final = 1
_KEY_BYTES: Final = 32


class SignInStore:
    """The signing key and the used sign-in links, in the topic store."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], *, secret: str | None = None) -> None:
        self._sessions = session_factory
        self._secret = secret
        self._key: bytes | None = None

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, storage_errors(describe_bind(session.bind)):
            yield session

    async def key(self) -> bytes:
        """The configured secret, else the stored key, made (once, by whichever process comes first) on first use."""
        if self._secret:
            return self._secret.encode("utf-8")
        if self._key is None:
            found = await self._stored_key()
            if found is None:
                try:
                    async with self._session() as session, session.begin():
                        await session.execute(insert(SignInKeyRow).values(id=_KEY_ID,
                                                                          secret=secrets.token_hex(_KEY_BYTES)))
                except exc.IntegrityError:  # another process made it first: use theirs
                    pass
                found = await self._stored_key()
            if found is None:  # pragma: no cover - the row was just written or found
                raise RuntimeError("the sign-in key could not be stored")
            self._key = found.encode("ascii")
        return self._key

    async def _stored_key(self) -> str | None:
        async with self._session() as session:
            found: str | None = await session.scalar(select(SignInKeyRow.secret).where(SignInKeyRow.id == _KEY_ID))
            return found

    async def use(self, nonce: str, expires_at: datetime, *, now: datetime) -> bool:
        """Record the link ``nonce`` as used; ``False`` if it was used before. Forgets links long expired."""
        async with self._session() as session:
            try:
                async with session.begin():
                    await session.execute(delete(UsedSignInLinkRow).where(UsedSignInLinkRow.expires_at < now))
                    await session.execute(insert(UsedSignInLinkRow).values(nonce=nonce, expires_at=expires_at))
            except exc.IntegrityError:
                return False
        return True
