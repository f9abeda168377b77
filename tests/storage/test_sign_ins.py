"""``SignInStore`` on SQLite and PostgreSQL: one shared key, each link used once, expired ones forgotten."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import sign_in
from bot.core.sign_in import SignInError
from bot.core.storage.sign_ins import SignInStore
from bot.core.storage.tables import UsedSignInLinkRow

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_every_process_gets_the_same_key(session_factory: async_sessionmaker[AsyncSession]) -> None:
    keys = await asyncio.gather(*(SignInStore(session_factory).key() for _ in range(4)))
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert await SignInStore(session_factory, secret="configured").key() == b"configured"


async def test_a_link_made_by_one_process_is_redeemed_once_by_another(
        session_factory: async_sessionmaker[AsyncSession]) -> None:
    bot, dashboard = SignInStore(session_factory), SignInStore(session_factory)
    link = await sign_in.sign_in_link(bot, "http://127.0.0.1:8080", guild_id=1, user_id=2, user_name="mod", now=NOW)
    token = link.split("token=", 1)[1]
    from urllib.parse import unquote

    token = unquote(token)
    grant = await sign_in.redeem(dashboard, token, now=NOW + timedelta(minutes=9))
    assert (grant.guild_id, grant.user_id, grant.user_name, grant.owner) == (1, 2, "mod", False)
    with pytest.raises(SignInError, match="used already"):
        await sign_in.redeem(bot, token, now=NOW + timedelta(minutes=9))


async def test_two_racing_uses_of_one_link_let_one_in(session_factory: async_sessionmaker[AsyncSession]) -> None:
    store = SignInStore(session_factory)
    results = await asyncio.gather(*(SignInStore(session_factory).use("nonce-1", NOW + timedelta(minutes=10), now=NOW)
                                     for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]
    assert await store.use("nonce-2", NOW + timedelta(minutes=10), now=NOW)


async def test_used_links_are_forgotten_once_they_would_have_expired(
        session_factory: async_sessionmaker[AsyncSession]) -> None:
    store = SignInStore(session_factory)
    assert await store.use("old", NOW + timedelta(minutes=10), now=NOW)
    assert await store.use("new", NOW + timedelta(minutes=30), now=NOW + timedelta(minutes=20))
    async with session_factory() as session:
        kept = await session.scalars(select(UsedSignInLinkRow.nonce))
        assert list(kept) == ["new"]
        assert await session.scalar(select(func.count()).select_from(UsedSignInLinkRow)) == 1
