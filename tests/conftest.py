"""Shared fixtures: topics built in code, and a topic store on SQLite and on PostgreSQL.

``session_factory`` is parametrised over both backends. The schema is created by running the Alembic
migrations once per test session and backend; each test then starts from empty tables (they are
emptied after every test). PostgreSQL tests run in a schema private to this test session, so several
test runs can share the server; they are skipped when the server is unreachable, unless ``CI=true``,
in which case they fail.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.core.model import Attribute, BackgroundSection, TimelineEvent, Topic, WebResult
from bot.core.storage import TopicRepository, make_engine, make_session_factory, migrate
from bot.core.storage.tables import Base

POSTGRES_URL = os.environ.get("TOPICBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def build_topic(title: str = "Fusion Power", **changes: Any) -> Topic:
    """A small valid topic of the project's own; keyword arguments override fields."""
    values: dict[str, Any] = {
        "title": title,
        "description": f"{title} is a topic the tests track (TT) for storage checks.",
        "first_mentioned": datetime(2025, 3, 1, 9, 30, 5, tzinfo=UTC),
        "last_updated": datetime(2025, 6, 2, 14, 0, 0, tzinfo=UTC),
        "research_retrieved": datetime(2025, 6, 3, 23, 59, 59, tzinfo=UTC),
        "summary": f"A short summary of {title}, written for the storage tests.",
        "attributes": (Attribute("Status", "Experimental"), Attribute("Lead Lab", "Test Lab One")),
        "timeline": (
            TimelineEvent("First test result published.", date(2024, 1, 15), "Wikipedia"),
            TimelineEvent("A follow-up without a named source.", date(2024, 7, 1)),
        ),
        "background": (BackgroundSection("Context", f"Background paragraph about {title}."),),
        "web_results": (
            WebResult("An overview page", "Overview text [...] more text.", "https://example.org/overview"),
            WebResult("A news item", "News text; see https://example.com/news for details."),
        ),
    }
    values.update(changes)
    return Topic(**values)


@pytest.fixture
def make_topic() -> Callable[..., Topic]:
    return build_topic


@dataclass
class StoreBackend:
    name: str
    url: str
    connect_args: dict[str, Any] = field(default_factory=dict)

    def engine(self) -> AsyncEngine:
        return make_engine(self.url, connect_args=self.connect_args)


async def _postgres_reachable() -> str | None:
    engine = make_engine(POSTGRES_URL)
    try:
        async with asyncio.timeout(5), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    finally:
        await engine.dispose()
    return None


async def _create_schema(backend: StoreBackend, schema: str | None) -> None:
    if schema is not None:
        admin = make_engine(POSTGRES_URL)
        try:
            async with admin.begin() as connection:
                await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        finally:
            await admin.dispose()
    engine = backend.engine()
    try:
        await migrate(engine)
    finally:
        await engine.dispose()


async def _drop_schema(schema: str) -> None:
    admin = make_engine(POSTGRES_URL)
    try:
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await admin.dispose()


@pytest.fixture(scope="session")
def sqlite_backend(tmp_path_factory: pytest.TempPathFactory) -> StoreBackend:
    backend = StoreBackend("sqlite", f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('store') / 'topics.db'}")
    asyncio.run(_create_schema(backend, None))
    return backend


@pytest.fixture(scope="session")
def postgresql_backend() -> Iterator[StoreBackend]:
    problem = asyncio.run(_postgres_reachable())
    if problem is not None:
        reason = f"PostgreSQL at {POSTGRES_URL} is unreachable ({problem})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI=true requires it", pytrace=False)
        pytest.skip(f"{reason}; set CI=true to make this a failure")
    schema = f"topicbot_test_{os.getpid()}"
    backend = StoreBackend("postgresql", POSTGRES_URL, {"server_settings": {"search_path": schema}})
    asyncio.run(_create_schema(backend, schema))
    yield backend
    asyncio.run(_drop_schema(schema))


@pytest.fixture(params=[pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_backend(request: pytest.FixtureRequest) -> StoreBackend:
    """The backend of this test run: schema migrated, tables empty."""
    backend: StoreBackend = request.getfixturevalue(f"{request.param}_backend")
    return backend


async def empty_tables(engine: AsyncEngine) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                await connection.execute(text(f"DELETE FROM {name}"))  # noqa: S608 - our own table names


@pytest.fixture
async def store_engine(store_backend: StoreBackend) -> AsyncIterator[AsyncEngine]:
    engine = store_backend.engine()
    try:
        yield engine
    finally:
        await empty_tables(engine)
        await engine.dispose()


@pytest.fixture
def session_factory(store_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(store_engine)


@pytest.fixture
def repo(session_factory: async_sessionmaker[AsyncSession]) -> TopicRepository:
    return TopicRepository(session_factory)


@pytest.fixture
def records_dir(tmp_path: Path) -> Callable[..., Path]:
    """Write topics as record files into a fresh folder: ``records_dir(topic, ...)``."""
    from bot.core.record_format import format_record

    def write(*topics: Topic, name: str = "records") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for number, topic in enumerate(topics):
            (folder / f"{number:03d}.txt").write_bytes(format_record(topic).encode("utf-8"))
        return folder

    return write


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Callable[..., int]]:
    """``topicbot`` in-process against a fresh SQLite store: ``cli("list")`` returns the exit code.

    The store starts empty: its config points ``knowledge_dir`` at an empty folder (the shipped
    topics are tested on their own).
    """
    from bot.cli import main

    url = f"sqlite+aiosqlite:///{tmp_path / 'cli' / 'topics.db'}"
    (tmp_path / "no-knowledge").mkdir()
    config = tmp_path / "cli.toml"
    config.write_text(f'[topicbot]\nknowledge_dir = "{(tmp_path / "no-knowledge").as_posix()}"\n', encoding="utf-8")
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level

    def run(*args: str) -> int:
        return main(["--config", str(config), "--database-url", url, *args])

    yield run
    # main() configures logging for a process; give the test session its own back.
    root.handlers[:] = handlers
    root.setLevel(level)
