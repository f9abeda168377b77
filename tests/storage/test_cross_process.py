"""Changes written through one engine reach another engine's index (as another process's would):
woken by NOTIFY on PostgreSQL, by polling on SQLite; a listener whose connection was killed
(``pg_terminate_backend``) reconnects and catches up on what it missed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core import editing
from bot.core.change_feed import ChangeFeed, Wakeup
from bot.core.changes import Author
from bot.core.engine import TopicIndex
from bot.core.index_updates import IndexUpdater
from bot.core.model import Topic
from bot.core.moderation import TopicEditor
from bot.core.storage import TopicRepository, make_session_factory
from bot.core.storage.wakeups import NotifyWakeup, PollingWakeup
from tests.conftest import StoreBackend, empty_tables

#: How long a test waits for a change to arrive: far above the ≤ 1 s the feed is built for
#: (benchmarks/propagation.py measures the real delay), so a slow machine does not fail the test.
ARRIVAL_TIMEOUT_S = 10.0
WRITER = Author("writer", "cli")

MakeTopic = Callable[..., Topic]


@dataclass
class Follower:
    """Another "process": its own engine, repository, index and following task."""

    index: TopicIndex
    feed: ChangeFeed
    wakeup: Wakeup

    async def until(self, check: Callable[[TopicIndex], bool]) -> None:
        async def poll() -> None:
            while not check(self.index):
                await asyncio.sleep(0.02)

        await asyncio.wait_for(poll(), ARRIVAL_TIMEOUT_S)


@contextlib.asynccontextmanager
async def follower(backend: StoreBackend, *, fallback_interval: float = 60.0) -> AsyncIterator[Follower]:
    engine = backend.engine()
    repository = TopicRepository(make_session_factory(engine))
    index = TopicIndex()
    feed = ChangeFeed(repository)
    await feed.start_at_newest()
    feed.subscribe(IndexUpdater(index))
    wakeup: Wakeup = (NotifyWakeup(engine, fallback_interval=fallback_interval)
                      if backend.name == "postgresql" else PollingWakeup(0.5))
    task = asyncio.create_task(feed.follow(wakeup))
    try:
        yield Follower(index, feed, wakeup)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await wakeup.close()
        await engine.dispose()


async def test_a_change_from_another_engine_reaches_the_index(
    store_backend: StoreBackend, store_engine: AsyncEngine, make_topic: MakeTopic
) -> None:
    writer_engine = store_backend.engine()
    editor = TopicEditor(TopicRepository(make_session_factory(writer_engine)))
    try:
        async with follower(store_backend) as other:
            await editor.add(make_topic("Fusion Power"), author=WRITER)
            await other.until(lambda index: index.get("Fusion Power") is not None)
            await editor.edit("Fusion Power", lambda t: editing.set_summary(t, "Seen elsewhere."), author=WRITER)
            await other.until(lambda index: getattr(index.get("Fusion Power"), "summary", "") == "Seen elsewhere.")
            await editor.remove("Fusion Power", author=WRITER)
            await other.until(lambda index: index.get("Fusion Power") is None)
            assert other.feed.delivered == 3
    finally:
        await empty_tables(writer_engine)
        await writer_engine.dispose()


@pytest.mark.postgres
async def test_a_killed_listener_reconnects_and_catches_up_what_it_missed(
    postgresql_backend: StoreBackend, make_topic: MakeTopic
) -> None:
    writer_engine = postgresql_backend.engine()
    editor = TopicEditor(TopicRepository(make_session_factory(writer_engine)))
    try:
        # No fallback polling within the test's time: only NOTIFY or the reconnection can wake it.
        async with follower(postgresql_backend, fallback_interval=600.0) as other:
            wakeup = other.wakeup
            assert isinstance(wakeup, NotifyWakeup)
            await editor.add(make_topic("Before The Cut"), author=WRITER)
            await other.until(lambda index: index.get("Before The Cut") is not None)
            pid = wakeup.backend_pid()
            assert pid is not None and wakeup.connects == 1

            async with writer_engine.begin() as connection:
                # Cut the listener and, in the same breath, commit a change: its NOTIFY goes nowhere.
                await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            await editor.add(make_topic("During The Gap"), author=WRITER)

            await other.until(lambda index: index.get("During The Gap") is not None)
            assert wakeup.connects >= 2
            await editor.add(make_topic("After The Gap"), author=WRITER)
            await other.until(lambda index: index.get("After The Gap") is not None)
            assert other.feed.delivered == 3
    finally:
        await empty_tables(writer_engine)
        await writer_engine.dispose()
