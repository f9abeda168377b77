"""The Alembic migrations build exactly the schema the models describe; unreachable stores fail clearly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.errors import StorageUnavailableError
from bot.core.storage import TopicRepository, make_engine, make_session_factory, migrate
from bot.core.storage.tables import Base


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(store_engine: AsyncEngine) -> None:
    async with store_engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []


async def test_migrate_is_idempotent(store_engine: AsyncEngine) -> None:
    await migrate(store_engine)
    async with store_engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_migrate_creates_the_sqlite_parent_directory(tmp_path: Path) -> None:
    database = tmp_path / "deep" / "er" / "topics.db"
    await migrate(f"sqlite+aiosqlite:///{database}")
    assert database.exists()


async def test_unreachable_postgres_raises_storage_unavailable() -> None:
    with pytest.raises(StorageUnavailableError, match=r"127\.0\.0\.1:1"):
        await migrate("postgresql+asyncpg://postgres@127.0.0.1:1/test")


async def test_repository_on_unreachable_postgres_raises_storage_unavailable() -> None:
    engine = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/test")
    try:
        with pytest.raises(StorageUnavailableError, match="unavailable"):
            await TopicRepository(make_session_factory(engine)).list()
    finally:
        await engine.dispose()


async def test_unopenable_sqlite_file_raises_storage_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(StorageUnavailableError):
        await migrate(f"sqlite+aiosqlite:///{blocker / 'topics.db'}")


def test_schema_head_is_alembic_s_head() -> None:
    """``migrate`` skips Alembic for a store at ``SCHEMA_HEAD``: it must name the newest migration."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from bot.core.storage.engine import MIGRATIONS_DIR, SCHEMA_HEAD

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_heads() == [SCHEMA_HEAD]
