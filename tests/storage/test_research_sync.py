"""``topicbot sync``: the store follows a folder of records, on SQLite and PostgreSQL, and ``--watch`` keeps
it following while another process edits the folder."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.changes import Author
from bot.core.errors import StorageUnavailableError
from bot.core.moderation import TopicEditor
from bot.core.research_sync import sync_folder
from bot.core.storage import TopicRepository
from bot.core.storage.sync_state import SyncStateStore

RECORDS = Path(__file__).resolve().parents[1] / "data" / "records"
SYNC = Author("sync", "cli")
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _record(title: str, summary: str = "A summary.") -> str:
    text = (RECORDS / "001_waymo.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[0] = title
    text = "\n".join(lines)
    return text.replace(text.split("\nSummary\n\n", 1)[1].split("\n\n", 1)[0], summary, 1)


@pytest.fixture
def editor(session_factory: async_sessionmaker[AsyncSession]) -> TopicEditor:
    return TopicEditor(TopicRepository(session_factory))


@pytest.fixture
def state(session_factory: async_sessionmaker[AsyncSession]) -> SyncStateStore:
    return SyncStateStore(session_factory)


async def _titles(editor: TopicEditor, guild_id: int | None = None) -> list[str]:
    return sorted(s.title for s in await editor.repository.list(guild_id=guild_id, include_global=guild_id is None))


async def test_a_folder_is_followed_through_adds_changes_renames_bad_files_and_removals(
        editor: TopicEditor, state: SyncStateStore, tmp_path: Path) -> None:
    folder = tmp_path / "research"
    folder.mkdir()
    (folder / "a.txt").write_text(_record("Alpha"), encoding="utf-8")
    (folder / "b.txt").write_text(_record("Beta"), encoding="utf-8")
    (folder / "c.txt").write_text(_record("Gamma"), encoding="utf-8")
    report = await sync_folder(editor, state, folder, author=SYNC, now=NOW)
    assert sorted(report.added) == ["Alpha", "Beta", "Gamma"] and await _titles(editor) == ["Alpha", "Beta", "Gamma"]

    (folder / "a.txt").write_text(_record("Alpha", "Changed by the pipeline."), encoding="utf-8")
    (folder / "b.txt").write_text(_record("Beta Renamed"), encoding="utf-8")
    (folder / "c.txt").write_text("Gamma\n\nnot a record", encoding="utf-8")  # malformed
    report = await sync_folder(editor, state, folder, author=SYNC, now=NOW)
    assert report.changed == ["Alpha", "Beta Renamed"] and [n for n, _ in report.refused] == ["c.txt"]
    assert "c.txt: line" in report.refused[0][1]
    assert await _titles(editor) == ["Alpha", "Beta Renamed", "Gamma"]  # Gamma keeps its last good version
    assert (await editor.open("Alpha")).topic.summary == "Changed by the pipeline."

    (folder / "c.txt").write_text(_record("Gamma", "Fixed."), encoding="utf-8")  # the next good write is taken
    (folder / "a.txt").unlink()
    report = await sync_folder(editor, state, folder, author=SYNC, now=NOW)
    assert report.removed == ["Alpha"] and report.changed == ["Gamma"]
    assert await _titles(editor) == ["Beta Renamed", "Gamma"]
    (folder / "a.txt").write_text(_record("Alpha", "Back."), encoding="utf-8")  # a hidden topic comes back
    report = await sync_folder(editor, state, folder, author=SYNC, now=NOW)
    assert report.added == ["Alpha"] and await _titles(editor) == ["Alpha", "Beta Renamed", "Gamma"]


async def test_an_emptied_folder_removes_nothing_and_says_why(editor: TopicEditor, state: SyncStateStore,
                                                            tmp_path: Path) -> None:
    folder = tmp_path / "research"
    folder.mkdir()
    for n in range(4):
        (folder / f"{n}.txt").write_text(_record(f"Topic {n}"), encoding="utf-8")
    await sync_folder(editor, state, folder, author=SYNC, now=NOW)
    for n in range(4):
        (folder / f"{n}.txt").unlink()
    report = await sync_folder(editor, state, folder, author=SYNC, now=NOW)
    assert report.removed == [] and report.stopped is not None and "4 of the folder's 4 topics" in report.stopped
    assert len(await _titles(editor)) == 4
    report = await sync_folder(editor, state, folder, author=SYNC, now=NOW, max_removed_share=1.0)
    assert len(report.removed) == 4 and await _titles(editor) == []


@pytest.mark.parametrize("policy", ["remove", "keep"])
async def test_the_deletion_policy(editor: TopicEditor, state: SyncStateStore, tmp_path: Path, policy: str) -> None:
    folder = tmp_path / "research"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(_record(f"Topic {n}"), encoding="utf-8")
    await sync_folder(editor, state, folder, author=SYNC, now=NOW)
    (folder / "0.txt").unlink()
    await sync_folder(editor, state, folder, author=SYNC, now=NOW, on_delete=policy)  # type: ignore[arg-type]
    assert ("Topic 0" in await _titles(editor)) is (policy == "keep")


async def test_a_guild_sync_writes_the_guilds_own_topics(editor: TopicEditor, state: SyncStateStore,
                                                         tmp_path: Path) -> None:
    folder = tmp_path / "research"
    folder.mkdir()
    (folder / "a.txt").write_text(_record("Alpha"), encoding="utf-8")
    await sync_folder(editor, state, folder, author=SYNC, now=NOW, guild_id=42)
    assert await _titles(editor) == [] and await _titles(editor, 42) == ["Alpha"]


def _topicbot() -> list[str]:
    script = Path(sys.executable).with_name("topicbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


@pytest.mark.timeout(240)
async def test_watch_follows_another_process_editing_the_folder(tmp_path: Path) -> None:
    """Create, change, rename, delete, a half-written file, a malformed file and a burst of 1,000 files,
    written by this process while ``topicbot sync --watch`` runs in another: the store ends matching."""
    folder = tmp_path / "research"
    folder.mkdir()
    database = tmp_path / "watch.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOPICBOT_")}
    env["TOPICBOT_DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    empty = tmp_path / "no-knowledge"
    empty.mkdir()
    config = tmp_path / "c.toml"
    config.write_text(f'[topicbot]\nknowledge_dir = "{empty.as_posix()}"\n', encoding="utf-8")
    watcher = await asyncio.create_subprocess_exec(
        *_topicbot(), "--config", str(config), "sync", str(folder), "--watch", env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    engine_url = env["TOPICBOT_DATABASE_URL"]

    async def titles() -> list[str]:
        from bot.core.storage import make_engine, make_session_factory

        engine = make_engine(engine_url)
        try:
            return sorted(s.title for s in await TopicRepository(make_session_factory(engine)).list())
        except StorageUnavailableError:  # the watcher has not made the store's tables yet
            return []
        finally:
            await engine.dispose()

    async def until(expected: Callable[[list[str]], bool], timeout: float = 60.0) -> list[str]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            with_store = database.exists()
            found = await titles() if with_store else []
            if expected(found) or asyncio.get_running_loop().time() > deadline:
                return found
            await asyncio.sleep(0.3)

    try:
        (folder / "a.txt").write_text(_record("Alpha"), encoding="utf-8")
        (folder / "b.txt").write_text(_record("Beta"), encoding="utf-8")
        assert await until(lambda t: t == ["Alpha", "Beta"]) == ["Alpha", "Beta"]
        (folder / "a.txt").write_text(_record("Alpha", "Changed."), encoding="utf-8")
        (folder / "b.txt").rename(folder / "b2.txt")  # a rename: the same topic, under another file name
        (folder / "bad.txt").write_text("Broken\n\nnot a record", encoding="utf-8")
        with (folder / "slow.txt").open("w", encoding="utf-8") as half:  # written in two goes
            text = _record("Slowly Written")
            half.write(text[: len(text) // 2])
            half.flush()
            await asyncio.sleep(0.5)
            half.write(text[len(text) // 2:])
        assert await until(lambda t: t == ["Alpha", "Beta", "Slowly Written"]) == ["Alpha", "Beta", "Slowly Written"]
        (folder / "a.txt").unlink()
        burst = tmp_path / "burst"
        burst.mkdir()
        for n in range(1000):
            (burst / f"t{n:04d}.txt").write_text(_record(f"Burst Topic {n:04d}"), encoding="utf-8")
        for path in sorted(burst.iterdir()):  # written elsewhere, moved in: each appears whole
            path.rename(folder / path.name)
        expected = sorted(["Beta", "Slowly Written", *(f"Burst Topic {n:04d}" for n in range(1000))])
        assert await until(lambda t: t == expected, timeout=150) == expected
    finally:
        watcher.terminate()
        assert await asyncio.wait_for(watcher.wait(), 30) == 0
    shutil.rmtree(burst, ignore_errors=True)
