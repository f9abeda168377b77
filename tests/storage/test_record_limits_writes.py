"""Issue 22: the ``[limits]`` are enforced on every write path, with one line naming the record, the limit
and the size, and a refused write loses and changes nothing. The store on SQLite and PostgreSQL; the
command line (import, sync, edit) on SQLite."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import editing
from bot.core.changes import Author
from bot.core.errors import RecordTooLargeError
from bot.core.importing import import_folder
from bot.core.model import TimelineEvent, Topic
from bot.core.moderation import TopicEditor
from bot.core.record_format import format_record
from bot.core.record_limits import RecordLimits
from bot.core.research_sync import sync_folder
from bot.core.storage import TopicRepository, TopicWrite
from bot.core.storage.sync_state import SyncStateStore
from tests.conftest import build_topic

ALICE = Author("alice", "cli")
#: Three timeline events at most: ``build_topic`` has two.
TIGHT = RecordLimits(timeline_events=3)
OVER = "4 timeline events, the limit is 3 ([limits] timeline_events)"


def _events(count: int) -> tuple[TimelineEvent, ...]:
    return tuple(TimelineEvent(f"Event number {i} of the record.", date(2024, 1, 1), "Wire") for i in range(count))


def _over(title: str = "Fusion Power") -> Topic:
    return build_topic(title, timeline=_events(4))


@pytest.fixture
def tight(session_factory: async_sessionmaker[AsyncSession]) -> TopicRepository:
    return TopicRepository(session_factory, limits=TIGHT)


# --- the store: every write of the repository ---------------------------------------------------


async def test_the_store_refuses_an_added_topic_over_a_limit(tight: TopicRepository) -> None:
    with pytest.raises(RecordTooLargeError) as refused:
        await tight.add(_over(), author=ALICE)
    assert str(refused.value) == f"Fusion Power: {OVER}"
    assert await tight.list() == [] and await tight.last_change_id() == 0


async def test_the_store_refuses_an_update_over_a_limit_and_keeps_the_topic(tight: TopicRepository) -> None:
    await tight.add(build_topic(), author=ALICE)
    with pytest.raises(RecordTooLargeError, match=re.escape(OVER)):
        await tight.update(_over(), expected_version=1, author=ALICE)
    stored = await tight.get("Fusion Power")
    assert stored.version == 1 and stored.topic == build_topic()
    assert len(await tight.history("Fusion Power")) == 1


async def test_the_store_refuses_a_revert_to_a_version_now_over_the_limits(
        session_factory: async_sessionmaker[AsyncSession], tight: TopicRepository) -> None:
    loose = TopicRepository(session_factory)
    await loose.add(_over(), author=ALICE)
    await loose.update(build_topic(), expected_version=1, author=ALICE)
    with pytest.raises(RecordTooLargeError, match=re.escape(OVER)):
        await tight.revert("Fusion Power", 1, author=ALICE)
    stored = await tight.get("Fusion Power")
    assert stored.version == 2 and len(stored.topic.timeline) == 2


async def test_a_batch_refuses_over_the_limits_and_writes_nothing(tight: TopicRepository) -> None:
    with pytest.raises(RecordTooLargeError, match=re.escape(f"Big: {OVER}")):
        async with tight.batch(author=ALICE) as batch:
            small = build_topic("Small")
            await batch.add_many([TopicWrite(small, format_record(small))])
            big = _over("Big")
            await batch.add_many([TopicWrite(big, format_record(big))])
    assert await tight.list() == []


async def test_a_folder_import_leaves_out_the_record_over_the_limits_and_imports_the_rest(
        tight: TopicRepository, records_dir: Callable[..., Path]) -> None:
    await tight.add(build_topic("Kept"), author=ALICE)
    folder = records_dir(build_topic("Solar Panels"), _over("Kept"), _over("Wind Farms"), build_topic("Tidal"))
    diff = await import_folder(tight, folder, author=ALICE)
    assert diff.added == ("Solar Panels", "Tidal") and diff.changed == ()
    assert [(r.source, r.reason) for r in diff.refused] == [("001.txt", OVER), ("002.txt", OVER)]
    assert sorted(s.title for s in await tight.list()) == ["Kept", "Solar Panels", "Tidal"]
    kept = await tight.get("Kept")
    assert kept.version == 1 and kept.topic == build_topic("Kept")


async def test_sync_refuses_the_file_over_the_limits_and_its_topic_keeps_its_last_good_version(
        tight: TopicRepository, session_factory: async_sessionmaker[AsyncSession], tmp_path: Path) -> None:
    editor, state = TopicEditor(tight), SyncStateStore(session_factory)
    folder = tmp_path / "research"
    folder.mkdir()
    (folder / "a.txt").write_text(format_record(build_topic("Alpha")), encoding="utf-8")
    (folder / "b.txt").write_text(format_record(build_topic("Beta")), encoding="utf-8")
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert sorted((await sync_folder(editor, state, folder, author=ALICE, now=now)).added) == ["Alpha", "Beta"]
    (folder / "a.txt").write_text(format_record(_over("Alpha")), encoding="utf-8")
    (folder / "b.txt").write_text(format_record(replace(build_topic("Beta"), summary="New.")), encoding="utf-8")
    report = await sync_folder(editor, state, folder, author=ALICE, now=now)
    assert report.refused == [("a.txt", f"a.txt: {OVER}")] and report.changed == ["Beta"]
    alpha = await tight.get("Alpha")
    assert alpha.version == 1 and alpha.topic == build_topic("Alpha")


async def test_an_edit_through_the_one_write_path_is_refused_at_the_limit(tight: TopicRepository) -> None:
    editor = TopicEditor(tight)
    await editor.add(build_topic(), author=ALICE)
    await editor.edit("Fusion Power", lambda t: editing.add_event(t, "Third.", date(2025, 1, 1)), author=ALICE)
    with pytest.raises(RecordTooLargeError, match=re.escape(f"Fusion Power: {OVER}")):
        await editor.edit("Fusion Power", lambda t: editing.add_event(t, "Fourth.", date(2025, 2, 1)), author=ALICE)
    assert (await editor.open("Fusion Power")).version == 2


# --- the command line ---------------------------------------------------------------------------


def _said(err: str, prefix: str) -> list[str]:
    """The lines of ``err`` the command wrote itself (not its log, which goes to stderr too)."""
    return [line for line in err.splitlines() if line.startswith(prefix)]


def _huge_record(path: Path, megabytes: int) -> int:
    """A valid record of at least ``megabytes`` MB, nearly all timeline events; its number of events."""
    base = build_topic("Huge Topic")
    event = TimelineEvent("A long, dull event that happened again and again, reported by every wire service. " * 2,
                          date(2020, 1, 1), "Wire")
    size_of_one = len(format_record(replace(base, timeline=(event, event))).encode()) - len(
        format_record(replace(base, timeline=(event,))).encode())
    count = megabytes * 1_000_000 // size_of_one + 1
    path.write_bytes(format_record(replace(base, timeline=(event,) * count)).encode("utf-8"))
    return count


def test_import_refuses_a_53_mb_record_in_one_line_and_imports_the_rest(
    cli: Callable[..., int], records_dir: Callable[..., Path], capsys: pytest.CaptureFixture[str],
) -> None:
    folder = records_dir(build_topic("Fusion Power"), build_topic("Solar Panels"))
    huge = folder / "big.txt"
    _huge_record(huge, 53)
    size = huge.stat().st_size
    assert size >= 53_000_000
    assert cli("import", str(folder)) == 1  # partial: the rest is imported, the exit code says not everything
    captured = capsys.readouterr()
    assert _said(captured.err, "topicbot import:") == [
        f"topicbot import: {huge}: {size:,} bytes, the limit is 2,000,000 ([limits] record_bytes)"]
    assert captured.out.strip().splitlines() == [
        "added 2 topics, changed 0 topics; 0 unchanged, 1 refused (over the [limits], listed on stderr)"]
    assert cli("list") == 0
    assert capsys.readouterr().out.splitlines() == ["Fusion Power", "Solar Panels"]
    assert cli("check", str(huge)) == 1
    assert f"{size:,} bytes, the limit is 2,000,000" in capsys.readouterr().err


def _limit_config(tmp_path: Path, text: str) -> None:
    """Add a ``[limits]`` section to the ``cli`` fixture's config."""
    config = tmp_path / "cli.toml"
    config.write_text(config.read_text(encoding="utf-8") + f"\n[limits]\n{text}\n", encoding="utf-8")


def test_import_with_configured_limits_refuses_by_count_and_keeps_the_stored_topic(
    cli: Callable[..., int], records_dir: Callable[..., Path], capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    _limit_config(tmp_path, "timeline_events = 3")
    assert cli("import", str(records_dir(build_topic("Fusion Power"), name="first"))) == 0
    shown = capsys.readouterr()
    folder = records_dir(_over("Fusion Power"), build_topic("Solar Panels"), name="second")
    assert cli("import", str(folder)) == 1
    captured = capsys.readouterr()
    assert _said(captured.err, "topicbot import:") == [f"topicbot import: {folder / '000.txt'}: {OVER}"]
    assert "added 1 topic, changed 0 topics; 0 unchanged, 1 refused" in captured.out
    assert cli("show", "Fusion Power") == 0
    assert capsys.readouterr().out == format_record(build_topic("Fusion Power"))
    assert _said(shown.err, "topicbot") == []


def test_edit_from_the_command_line_is_refused_at_the_limit_and_changes_nothing(
    cli: Callable[..., int], records_dir: Callable[..., Path], capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    _limit_config(tmp_path, "timeline_events = 2")
    assert cli("import", str(records_dir(build_topic("Fusion Power")))) == 0
    capsys.readouterr()
    assert cli("edit", "Fusion Power", "--add-event", "2025-01-31|Wire|A third event.") == 1
    err = capsys.readouterr().err
    assert _said(err, "topicbot") == [
        "topicbot: Fusion Power: 3 timeline events, the limit is 2 ([limits] timeline_events)"]
    assert cli("history", "Fusion Power") == 0
    assert "version 2" not in capsys.readouterr().out


def test_sync_from_the_command_line_refuses_the_file_over_the_limits(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    _limit_config(tmp_path, "timeline_events = 3")
    folder = tmp_path / "research"
    folder.mkdir()
    (folder / "a.txt").write_text(format_record(_over("Alpha")), encoding="utf-8")
    (folder / "b.txt").write_text(format_record(build_topic("Beta")), encoding="utf-8")
    for path in folder.iterdir():
        os.utime(path, (0, 0))  # written long ago: settled
    assert cli("sync", str(folder)) == 1
    captured = capsys.readouterr()
    assert f"topicbot sync: a.txt: {OVER} (its topic keeps its last good version)" in captured.err.splitlines()
    assert "1 added" in captured.out and "1 refused" in captured.out
    assert cli("list") == 0
    assert capsys.readouterr().out.splitlines() == ["Beta"]
