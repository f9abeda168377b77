"""Dashboard fixtures: the app over a real SQLite store, an HTTP client, and signing in through a link."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bot.config import DashboardSettings
from bot.core.change_feed import ChangeFeed
from bot.core.changes import ChangeEvent
from bot.core.moderation import TopicEditor
from bot.core.sign_in import sign_in_link
from bot.core.storage import TopicRepository, make_session_factory
from bot.core.storage.api_tokens import ApiTokenStore
from bot.core.storage.dashboard_sessions import DashboardSessionStore
from bot.core.storage.sign_ins import SignInStore
from bot.core.storage.usage import UsageStore
from bot.core.usage.queries import UsageQueries
from bot.dashboard import build_app
from tests.conftest import StoreBackend, empty_tables

GUILD = 1
OTHER_GUILD = 2
MODERATOR = 100


class Clock:
    """The dashboard's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Roles:
    """Who the (stand-in) bot sees as a moderator: everyone, until a test removes someone's role."""

    removed: set[tuple[int, int]] = field(default_factory=set)
    asked: int = 0

    async def check(self, guild_id: int, user_id: int) -> bool | None:
        self.asked += 1
        return (guild_id, user_id) not in self.removed


@dataclass
class Site:
    """The dashboard app over a store, with a client that keeps its cookies."""

    client: httpx.AsyncClient
    editor: TopicEditor
    repository: TopicRepository
    links: SignInStore
    clock: Clock
    settings: DashboardSettings
    usage: UsageQueries
    events: list[ChangeEvent] = field(default_factory=list)
    roles: Roles = field(default_factory=lambda: Roles())

    async def link(self, *, guild_id: int = GUILD, user_id: int = MODERATOR, name: str = "mod",
                   owner: bool = False) -> str:
        return await sign_in_link(self.links, self.settings.public_url, guild_id=guild_id, user_id=user_id,
                                  user_name=name, now=self.clock(), owner=owner)

    async def sign_in(self, **who: Any) -> None:
        link = await self.link(**who)
        token = link.split("token=", 1)[1]
        page = await self.client.get(link)
        assert page.status_code == 200, page.text
        signed = await self.client.post(f"{self.settings.public_url}/sign-in", data={"token": _unquote(token)})
        assert signed.status_code == 303, signed.text

    async def csrf(self) -> str:
        page = await self.client.get("/topics")
        assert page.status_code == 200, page.text
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found is not None
        return found.group(1)


def _unquote(text: str) -> str:
    from urllib.parse import unquote

    return unquote(text)


async def make_site(backend: StoreBackend, settings: DashboardSettings) -> AsyncIterator[Site]:
    engine = backend.engine()
    factory = make_session_factory(engine)
    repository = TopicRepository(factory)
    feed = ChangeFeed(repository, position=await repository.last_change_id())
    events: list[ChangeEvent] = []

    async def record(batch: Any) -> None:
        events.extend(batch)

    feed.subscribe(record)
    editor = TopicEditor(repository, feed)
    links = SignInStore(factory)
    clock = Clock()
    usage = UsageQueries(UsageStore(factory), clock)
    roles = Roles()
    app = await build_app(editor, repository, links, settings, sessions=DashboardSessionStore(factory), clock=clock,
                          usage=usage, still_moderator=roles.check, api_tokens=ApiTokenStore(factory))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url=settings.public_url) as client:
            yield Site(client, editor, repository, links, clock, settings, usage, events, roles)
    finally:
        await empty_tables(engine)
        await engine.dispose()


@pytest.fixture
async def site(sqlite_backend: StoreBackend) -> AsyncIterator[Site]:
    async for built in make_site(sqlite_backend, DashboardSettings()):
        yield built
