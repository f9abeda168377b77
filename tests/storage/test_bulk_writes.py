"""Imports write in bulk (driver-level executemany / COPY); the stored values must be the ORM's, exactly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.core.changes import CLI_AUTHOR
from bot.core.importing import export_topics, import_folder
from bot.core.model import Attribute, BackgroundSection, TimelineEvent, Topic, WebResult
from bot.core.storage import TopicRepository
from bot.core.storage.tables import Base
from tests.conftest import build_topic, empty_tables

NOW = datetime(2026, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
#: Per table, the columns that hold a database-assigned id (compared through the topic they name).
_ID_COLUMNS = {"id", "topic_id"}


def _topics() -> list[Topic]:
    """Topics covering every column: optional sources and links, unicode, parentheticals (derived aliases)."""
    plus_two = timezone(timedelta(hours=2))
    return [
        build_topic("Fusion Power"),
        build_topic(
            "Ünïcode Tîtle (UT)",
            description="Small modular reactors (SMRs or Mini Reactors) are a topic.",
            first_mentioned=datetime(2024, 12, 31, 23, 59, 59, tzinfo=plus_two).astimezone(UTC),
            attributes=(),
            timeline=(TimelineEvent("Only event.", date(2000, 2, 29)),),
            background=(),
            web_results=(WebResult("Lone result", "First paragraph.\n\nSecond paragraph."),),
        ),
        build_topic(
            "Tidal Energy",
            attributes=(Attribute("Name", "Value with 'quotes' and \"double\" ones"),),
            background=(BackgroundSection("One", "First."), BackgroundSection("Two", "Second.")),
        ),
    ]


async def _raw_rows(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every topic table as the driver returns it, ids replaced by the topic's title key."""
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    async with engine.connect() as connection:
        topic_keys = dict((await connection.exec_driver_sql("SELECT id, title_key FROM topics")).all())
        for table in Base.metadata.sorted_tables:
            if table.name not in {"topics", "topic_attributes", "topic_timeline_events", "topic_background_sections",
                                  "topic_web_results", "topic_aliases", "topic_revisions", "change_events"}:
                continue
            names = [c.name for c in table.columns]
            order = "id" if "id" in names and table.name != "topics" else ", ".join(
                n for n in names if n in {"topic_id", "title_key", "kind", "position"})
            result = await connection.exec_driver_sql(
                f"SELECT {', '.join(names)} FROM {table.name} ORDER BY {order}"  # noqa: S608 - our tables
            )
            rows = []
            for row in result:
                values = dict(zip(names, row, strict=True))
                if table.name == "topics":
                    values["id"] = values["title_key"]
                else:
                    values.pop("id", None)
                    if values.get("topic_id") is not None:
                        values["topic_id"] = topic_keys.get(values["topic_id"], values["topic_id"])
                rows.append(tuple(sorted(values.items())))
            snapshot[table.name] = sorted(rows) if table.name != "change_events" else rows
    return snapshot


async def test_a_bulk_import_stores_exactly_what_adding_one_by_one_stores(
    store_engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
    records_dir: Callable[..., Path],
    tmp_path: Path,
) -> None:
    repo = TopicRepository(session_factory, clock=lambda: NOW)
    topics = _topics()
    folder = records_dir(*topics)

    diff = await import_folder(repo, folder, chunk_size=2)
    assert len(diff.added) == len(topics)
    bulk_rows = await _raw_rows(store_engine)
    bulk_topics = await repo.list()
    bulk_events = await repo.changes_after(0)
    exported = await export_topics(repo, tmp_path / "export")
    assert sorted(p.read_bytes() for p in exported) == sorted(p.read_bytes() for p in folder.iterdir())

    await empty_tables(store_engine)
    for topic in topics:
        await repo.add(topic)
    single_rows = await _raw_rows(store_engine)

    assert bulk_rows == single_rows
    assert [r for r in bulk_rows["topic_aliases"] if ("kind", "derived") in r]  # derived aliases were written
    assert [(s.topic, s.version, s.updated_at, s.updated_by) for s in bulk_topics] == [
        (s.topic, s.version, s.updated_at, s.updated_by) for s in await repo.list()
    ]
    single_events = await repo.changes_after(0)
    assert [(e.action, e.title, e.version, e.author, e.created_at, e.text) for e in bulk_events] == [
        (e.action, e.title, e.version, e.author, e.created_at, e.text) for e in single_events
    ]
    assert [e.title for e in bulk_events] == [t.title for t in topics]


async def test_a_bulk_import_after_removals_never_reuses_a_topic_id(
    session_factory: async_sessionmaker[AsyncSession], records_dir: Callable[..., Path]
) -> None:
    repo = TopicRepository(session_factory)
    removed = await repo.add(build_topic("Removed Topic"))
    await repo.remove("Removed Topic", author=CLI_AUTHOR)
    await import_folder(repo, records_dir(build_topic("Alpha"), build_topic("Beta")))
    ids = [s.id for s in await repo.list()]
    assert all(topic_id > removed.id for topic_id in ids)
    assert len(set(ids)) == 2
    history = await repo.history("Removed Topic")
    assert [r.action for r in history] == ["add", "remove"]
