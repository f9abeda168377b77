"""Text the record format refuses is refused the same way by the parser and by both stores, and
titles that look the same are one title (NFKC, invisible characters ignored, case-folded)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.core.errors import (
    DuplicateTopicError,
    FieldTooLongError,
    ImportAbortedError,
    RecordFormatError,
    UnrepresentableTopicError,
)
from bot.core.importing import import_folder
from bot.core.model import Topic
from bot.core.record_format import format_record, parse_record
from bot.core.storage import TopicRepository, make_engine, migrate

#: 150 characters, each of which NFKC turns into three ("ﬃ" → "ffi"): 450 > the key column's 400.
LIGATURE_TITLE = "\ufb03" * 150


@pytest.mark.parametrize("field", ["title", "description", "summary"])
def test_a_nul_character_is_refused_by_the_parser_with_its_line(make_topic: Callable[..., Topic], field: str) -> None:
    record = format_record(make_topic())
    topic = parse_record(record)
    value = getattr(topic, field)
    line = record.split("\n").index(value) + 1
    with pytest.raises(RecordFormatError) as caught:
        parse_record(record.replace(value, value[:3] + "\x00" + value[3:], 1))
    assert caught.value.line == line
    assert caught.value.found == "U+0000"


async def test_both_stores_refuse_a_nul_character(repo: TopicRepository, make_topic: Callable[..., Topic]) -> None:
    with pytest.raises(UnrepresentableTopicError, match="control characters"):
        await repo.add(make_topic(summary="A summary with a \x00 in it."))
    with pytest.raises(UnrepresentableTopicError, match="control characters"):
        await repo.add(make_topic(aliases=("nul\x00alias",)))
    assert await repo.list() == []


def test_a_title_too_long_once_case_folded_is_refused_by_the_parser_on_line_1(
    make_topic: Callable[..., Topic],
) -> None:
    record = format_record(make_topic()).replace("Fusion Power", LIGATURE_TITLE, 1)
    with pytest.raises(FieldTooLongError) as caught:
        parse_record(record)
    assert caught.value.line == 1
    assert caught.value.length == 450
    assert "case-folded" in str(caught.value)


async def test_both_stores_refuse_a_title_too_long_once_case_folded(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    with pytest.raises(FieldTooLongError):
        await repo.add(make_topic(LIGATURE_TITLE))
    assert await repo.list() == []


@pytest.mark.parametrize("lookalike", ["Way\u200bmo", "WAYMO", "\uff37\uff41\uff59\uff4d\uff4f", "Way\u202emo"])
async def test_lookalike_titles_are_one_title_in_both_stores(
    repo: TopicRepository, make_topic: Callable[..., Topic], lookalike: str
) -> None:
    await repo.add(make_topic("Waymo"))
    with pytest.raises(DuplicateTopicError):
        await repo.add(make_topic(lookalike))
    assert (await repo.get(lookalike)).topic.title == "Waymo"


async def test_an_import_with_lookalike_titles_is_refused(
    repo: TopicRepository, make_topic: Callable[..., Topic], records_dir: Callable[..., Path]
) -> None:
    folder = records_dir(make_topic("Waymo"), make_topic("Way\u200bmo"))
    with pytest.raises(ImportAbortedError, match=r"also used by 000\.txt"):
        await import_folder(repo, folder)


BERLIN = ZoneInfo("Europe/Berlin")


def test_a_time_the_clocks_skip_is_refused_with_its_line(make_topic: Callable[..., Topic]) -> None:
    record = format_record(make_topic(), BERLIN)
    stamp = record.split("\n")[9]
    with pytest.raises(RecordFormatError) as caught:
        parse_record(record.replace(stamp, "3/30/2025, 2:30:00 AM", 1), BERLIN)
    assert caught.value.line == 10
    assert "the clocks skip" in caught.value.found


async def test_a_time_that_happens_twice_is_stored_unambiguously_and_reimports_unchanged(
    repo: TopicRepository, make_topic: Callable[..., Topic], tmp_path: Path
) -> None:
    repo.tz = BERLIN
    record = format_record(make_topic(), BERLIN)
    stamp = record.split("\n")[9]
    folder = tmp_path / "dst"
    folder.mkdir()
    (folder / "a.txt").write_text(record.replace(stamp, "10/26/2025, 2:30:00 AM", 1), encoding="utf-8")
    first = await import_folder(repo, folder, tz=BERLIN)
    assert first.added == ("Fusion Power",)
    stored = await repo.get("Fusion Power")
    assert stored.topic.first_mentioned == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # the first 2:30, CEST
    again = await import_folder(repo, folder, tz=BERLIN)
    assert again.unchanged == ("Fusion Power",)


async def test_migration_0003_rekeys_titles_stored_before_it(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await migrate(engine, "0002")
        async with engine.begin() as connection:
            await connection.execute(text(
                "INSERT INTO topics (guild_id, scope_key, title, title_key, description, first_mentioned, "
                "last_updated, research_retrieved, summary, version, updated_at, updated_by) VALUES "
                "(NULL, 0, :title, :key, 'd', '2025-01-01', '2025-01-01', '2025-01-01', 's', 1, '2025-01-01', 'x')"
            ), {"title": "Way\u200bmo", "key": "way\u200bmo"})
        await migrate(engine)
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT title_key FROM topics"))).scalar_one() == "waymo"
    finally:
        await engine.dispose()
