"""Driver-level bulk inserts: ``executemany`` with prepared tuples on SQLite, binary ``COPY`` on PostgreSQL.

SQLAlchemy's per-row parameter handling costs more than the database's own work when an import
writes hundreds of thousands of rows. Here each value still goes through the bind processor
SQLAlchemy would apply to its column (timestamps converted to UTC, SQLite's date and timestamp
strings, JSON text), so the stored values are exactly those an ORM insert stores; only the per-row
bookkeeping is skipped. Rows are written on the session's connection, inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from sqlalchemy import Table, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

Row = tuple[Any, ...]
_Converter = Callable[[Any], Any]
#: SQLSTATE class of integrity constraint violations (unique, foreign key, check).
_INTEGRITY_CLASS: Final = "23"


def _converters(table: Table, columns: Sequence[str], dialect: Dialect) -> list[tuple[int, _Converter]]:
    """(position, bind processor) of the columns whose values SQLAlchemy converts before binding."""
    found: list[tuple[int, _Converter]] = []
    for position, name in enumerate(columns):
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            found.append((position, processor))
    return found


def _converted(rows: Sequence[Row], converters: Sequence[tuple[int, _Converter]]) -> list[Row]:
    if not converters:
        return list(rows)
    out: list[Row] = []
    for row in rows:
        values = list(row)
        for position, convert in converters:
            value = values[position]
            if value is not None:
                values[position] = convert(value)
        out.append(tuple(values))
    return out


async def bulk_insert(session: AsyncSession, table: Table, columns: Sequence[str], rows: Sequence[Row]) -> None:
    """Insert ``rows`` (tuples of values in ``columns`` order) into ``table`` in the session's transaction.

    A violated constraint raises SQLAlchemy's ``IntegrityError`` on both backends.
    """
    if not rows:
        return
    connection = await session.connection()
    dialect = connection.dialect
    prepared = _converted(rows, _converters(table, columns, dialect))
    if dialect.name != "postgresql":
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        await connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", prepared)  # noqa: S608 - our tables
        return
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    if not driver.is_in_transaction():
        # The adapter begins its transaction with the first statement; COPY must not run outside it.
        await connection.execute(text("SELECT 1"))
    try:
        await driver.copy_records_to_table(table.name, records=prepared, columns=list(columns))
    except Exception as error:
        if str(getattr(error, "sqlstate", "")).startswith(_INTEGRITY_CLASS):
            raise IntegrityError(f"COPY {table.name}", None, error) from error
        raise
