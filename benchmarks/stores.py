"""The stores and record folders benchmarks work on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.core.storage import make_engine


def records_dir(folder: Path) -> Path:
    """The records of a ``gen_corpus.py`` corpus (``DIR/topics``), or ``folder`` itself."""
    return folder / "topics" if (folder / "topics").is_dir() else folder


async def fresh_postgres(url: str) -> None:
    """Drop and recreate the database ``url`` names (a benchmark's own, never a shared one)."""
    target = make_url(url)
    admin = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    try:
        async with admin.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}"'))
            await connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        await admin.dispose()
