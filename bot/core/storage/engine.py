"""Engines, session factories and schema migrations for the topic store.

SQLite (through aiosqlite) is the embedded default; PostgreSQL (through asyncpg) is for production.
The schema is only ever created by the Alembic migrations in ``migrations/``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

from sqlalchemy import event, exc, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.core.errors import StorageUnavailableError

log = logging.getLogger(__name__)

MIGRATIONS_DIR: Final = Path(__file__).resolve().parent / "migrations"
_SQLITE_BUSY_TIMEOUT_S: Final = 30.0


def _is_memory(database: str | None) -> bool:
    return database in (None, "", ":memory:") or (database or "").startswith("file::memory:")


def make_engine(url: str, *, echo: bool = False, connect_args: Mapping[str, Any] | None = None) -> AsyncEngine:
    """An async engine for ``url``.

    For SQLite files the parent directory is created; in-memory SQLite uses one shared connection so
    every session sees the same database. SQLite connections enforce foreign keys and, for files,
    use write-ahead logging so readers are not blocked by an import. ``connect_args`` go to the
    driver (e.g. asyncpg ``server_settings``).
    """
    sa_url = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "connect_args": dict(connect_args or {})}
    is_sqlite = sa_url.get_backend_name() == "sqlite"
    memory = False
    if is_sqlite:
        memory = _is_memory(sa_url.database)
        kwargs["connect_args"].setdefault("timeout", _SQLITE_BUSY_TIMEOUT_S)
        if memory:
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"]["check_same_thread"] = False
        elif sa_url.database:
            try:
                Path(sa_url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StorageUnavailableError(f"cannot create the directory for {sa_url.database}: {error}") from error
    else:
        # A long-running bot outlives server restarts: test pooled connections before use.
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(sa_url, **kwargs)
    if is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect(wal=not memory))
    return engine


def _sqlite_on_connect(*, wal: bool) -> Any:  # noqa: ANN401 - an event listener
    def on_connect(dbapi_connection: Any, _record: Any) -> None:  # noqa: ANN401
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    return on_connect


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The session factory every unit of work takes its session from (``expire_on_commit=False``)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def _unavailable(where: str, error: BaseException) -> StorageUnavailableError:
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip()
    reason = text.splitlines()[0] if text else type(cause).__name__
    return StorageUnavailableError(f"the topic store at {where} is unavailable: {reason}")


def _connection_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError, exc.OperationalError, exc.InterfaceError, TimeoutError]
    try:
        import asyncpg  # type: ignore[import-untyped]

        errors.append(asyncpg.PostgresConnectionError)
        errors.append(asyncpg.InvalidCatalogNameError)
        errors.append(asyncpg.InvalidAuthorizationSpecificationError)
    except ImportError:  # pragma: no cover - asyncpg is optional
        pass
    return tuple(errors)


def _not_a_database(error: exc.DBAPIError) -> bool:
    """SQLite's own words for a file that is not a database, or a damaged one."""
    text = str(getattr(error, "orig", error)).casefold()
    return isinstance(error, exc.DatabaseError) and ("file is not a database" in text or "malformed" in text)


def describe_bind(bind: AsyncEngine | AsyncConnection | None) -> str:
    """The URL (without password) a session is bound to, for messages."""
    if bind is None:
        return "(unbound session)"
    return bind.engine.url.render_as_string(hide_password=True)


@asynccontextmanager
async def storage_errors(where: str) -> AsyncIterator[None]:
    """Turn connection failures inside the block into ``StorageUnavailableError`` naming ``where``."""
    try:
        yield
    except exc.DBAPIError as error:
        if isinstance(error, exc.OperationalError | exc.InterfaceError) or error.connection_invalidated:
            raise _unavailable(where, error) from error
        if _not_a_database(error):
            raise StorageUnavailableError(
                f"the topic store at {where} is not an SQLite database, or it is damaged "
                f"({str(getattr(error, 'orig', error)).strip()}); point --database-url at the store's file") from error
        raise
    except _connection_errors() as error:
        raise _unavailable(where, error) from error


#: The newest migration in ``migrations/versions`` (a test checks it is Alembic's head). A store already
#: at it is not handed to Alembic, whose import and start-up cost about 0.2 s on every CLI command.
SCHEMA_HEAD: Final = "0008"


def _at_head(connection: Connection) -> bool:
    if not inspect(connection).has_table("alembic_version"):
        return False
    versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return versions == [SCHEMA_HEAD]


def _upgrade(connection: Connection, revision: str) -> None:
    if revision in ("head", SCHEMA_HEAD) and _at_head(connection):
        return
    alembic_log = logging.getLogger("alembic")
    if alembic_log.level == logging.NOTSET:
        # Alembic reports every step at INFO; that is noise in a CLI that migrates on each run.
        alembic_log.setLevel(logging.WARNING)
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def migrate(engine_or_url: AsyncEngine | str, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (Alembic ``upgrade head`` by default).

    Raises ``StorageUnavailableError`` when the database cannot be reached.
    """
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        async with storage_errors(describe_bind(engine)), engine.begin() as connection:
            await connection.run_sync(_upgrade, revision)
        log.debug("schema of %s is at %s", engine.url.render_as_string(hide_password=True), revision)
    finally:
        if isinstance(engine_or_url, str):
            await engine.dispose()
