"""Wiring: build the store, the in-memory index, the answerer and the renderer from settings.

Entry points (the CLI, ``topicbot run``) call ``build_services`` once and pass the result down;
nothing here is a module-level singleton.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.core.answering import Answerer
from bot.core.importing import import_folder, record_files
from bot.core.matching import TopicIndex
from bot.core.model import Topic
from bot.core.rendering import Renderer
from bot.core.storage.engine import make_engine, make_session_factory, migrate
from bot.core.storage.repository import TopicRepository

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything a front end needs, built once per process."""

    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    repository: TopicRepository
    index: TopicIndex
    answerer: Answerer
    renderer: Renderer

    async def reload_index(self) -> None:
        """Rebuild the in-memory index from the store (after a bulk change)."""
        entries = await _index_entries(self.repository)
        self.index = TopicIndex(entries)
        self.answerer = Answerer(self.index)
        log.info("index reloaded: %d topics", len(entries))

    async def close(self) -> None:
        await self.engine.dispose()


async def _index_entries(repository: TopicRepository) -> list[tuple[Topic, int | None]]:
    return [(stored.topic, stored.guild_id) for stored in await repository.list()]


async def build_services(settings: Settings, *, seed_knowledge: bool = True) -> Services:
    """Migrate the store, import ``settings.knowledge_dir`` into an empty store, and load the index."""
    engine = make_engine(settings.database_url)
    try:
        await migrate(engine)
        session_factory = make_session_factory(engine)
        repository = TopicRepository(session_factory, tz=settings.tz)
        if seed_knowledge and not await repository.list() and settings.knowledge_dir.is_dir() \
                and record_files(settings.knowledge_dir):
            started = time.perf_counter()
            diff = await import_folder(repository, settings.knowledge_dir, tz=settings.tz, author="knowledge")
            log.info("first use: imported %d topics from %s in %.2f s", len(diff.added), settings.knowledge_dir,
                     time.perf_counter() - started)
        entries = await _index_entries(repository)
    except BaseException:
        await engine.dispose()
        raise
    index = TopicIndex(entries)
    return Services(settings, engine, session_factory, repository, index, Answerer(index), Renderer())
