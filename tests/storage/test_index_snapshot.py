"""The index snapshot: used at start-up when it is of this store and current enough, with the changes
made since applied from the change log; anything else is rebuilt from the store (both backends)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.change_feed import ChangeFeed
from bot.core.changes import Author
from bot.core.engine import TopicIndex
from bot.core.engine.params import MatchParams
from bot.core.index_loading import build_index, open_index
from bot.core.index_updates import IndexUpdater
from bot.core.model import Topic
from bot.core.moderation import TopicEditor
from bot.core.storage import TopicRepository

PARAMS = MatchParams()

MakeTopic = Callable[..., Topic]
GUILD = 4242
STORE = "store-under-test"
AUTHOR = Author("tester")


def _same(a: TopicIndex, b: TopicIndex) -> None:
    assert a.titles() == b.titles()
    assert a.titles(GUILD) == b.titles(GUILD)
    for question in ("fusion", "harbour lanterns", "orchard copper"):
        assert [(s.title, s.score) for s in a.rank(question)] == [(s.title, s.score) for s in b.rank(question)]


async def _started(repo: TopicRepository, path: Path) -> tuple[TopicIndex, ChangeFeed]:
    """What start-up does: open the index, then apply the changes after its position."""
    index, position = await open_index(repo, await repo.last_change_id(), path, STORE, PARAMS)
    feed = ChangeFeed(repo, position=position)
    feed.subscribe(IndexUpdater(index))
    await feed.catch_up()
    return index, feed


async def test_a_snapshot_is_used_and_the_changes_since_are_applied(
        repo: TopicRepository, make_topic: MakeTopic, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    editor = TopicEditor(repo, ChangeFeed(repo))
    await editor.add(make_topic("Fusion Power"), author=AUTHOR)
    await editor.add(make_topic("Harbour Lanterns", summary="Lanterns in the old harbour."), author=AUTHOR)
    path = tmp_path / "index.snapshot"
    first, _ = await _started(repo, path)
    assert path.is_file()

    # While "the process is down", other writers change the store.
    await editor.add(make_topic("Copper Orchard", summary="An orchard of copper trees."), author=AUTHOR)
    await editor.add(make_topic("Guild Notes"), author=AUTHOR, guild_id=GUILD)
    await editor.remove("Harbour Lanterns", author=AUTHOR)
    await editor.hide("Fusion Power", guild_id=GUILD, author=AUTHOR)

    caplog.set_level(logging.INFO, logger="bot.core.index_loading")
    again, _ = await _started(repo, path)
    assert any("from" in r.getMessage() and "later changes" in r.getMessage() for r in caplog.records)
    _same(again, await build_index(repo, PARAMS))
    assert again.titles() == ["Copper Orchard", "Fusion Power"]
    assert again.titles(GUILD) == ["Copper Orchard", "Guild Notes"]
    assert first.titles() == ["Fusion Power", "Harbour Lanterns"]


async def test_a_snapshot_of_another_store_or_an_unreadable_one_is_rebuilt(
        repo: TopicRepository, make_topic: MakeTopic, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    editor = TopicEditor(repo, ChangeFeed(repo))
    await editor.add(make_topic("Fusion Power"), author=AUTHOR)
    path = tmp_path / "index.snapshot"
    await open_index(repo, await repo.last_change_id(), path, "some other store", PARAMS)
    caplog.set_level(logging.INFO, logger="bot.core")
    index, position = await open_index(repo, await repo.last_change_id(), path, STORE, PARAMS)
    assert any("another store" in r.getMessage() for r in caplog.records)
    assert index.titles() == ["Fusion Power"] and position == await repo.last_change_id()

    path.write_bytes(b"not a snapshot at all")
    caplog.clear()
    index, _ = await open_index(repo, await repo.last_change_id(), path, STORE, PARAMS)
    assert any("unreadable" in r.getMessage() for r in caplog.records)
    assert index.titles() == ["Fusion Power"]
    again, _ = await open_index(repo, await repo.last_change_id(), path, STORE, PARAMS)  # rewritten: usable again
    assert again.titles() == ["Fusion Power"]


async def test_a_snapshot_written_by_other_matching_code_is_rebuilt(
        repo: TopicRepository, make_topic: MakeTopic, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An upgrade that changes how topics are indexed (its source or its parameters) never answers
    from an index built the old way, even when the snapshot's format number is the same."""
    from bot.core.engine import snapshot

    editor = TopicEditor(repo, ChangeFeed(repo))
    await editor.add(make_topic("Fusion Power"), author=AUTHOR)
    path = tmp_path / "index.snapshot"
    monkeypatch.setattr(snapshot, "_source_digest", lambda: "the previous release")
    await open_index(repo, await repo.last_change_id(), path, STORE, PARAMS)
    monkeypatch.undo()
    caplog.set_level(logging.INFO, logger="bot.core")
    index, _ = await open_index(repo, await repo.last_change_id(), path, STORE, PARAMS)
    assert any("another version" in r.getMessage() for r in caplog.records)
    assert index.titles() == ["Fusion Power"]
    caplog.clear()
    await open_index(repo, await repo.last_change_id(), path, STORE, PARAMS)  # rewritten by this version: used
    assert not any("another version" in r.getMessage() for r in caplog.records)
    assert snapshot.code_fingerprint(PARAMS) != snapshot.code_fingerprint(replace(PARAMS, max_scored=31))


async def test_services_keep_the_snapshot_beside_a_sqlite_store(tmp_path: Path, make_topic: MakeTopic) -> None:
    from bot.config import Settings
    from bot.services import build_services

    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", knowledge_dir=tmp_path / "none")
    services = await build_services(settings)
    try:
        await services.editor.add(make_topic("Fusion Power"), author=AUTHOR)
    finally:
        await services.close()
    assert (tmp_path / "bot.db.index").is_file()
    other = await build_services(settings)  # another process edits while the first is down
    try:
        await other.editor.add(make_topic("Copper Orchard"), author=AUTHOR)
    finally:
        await other.engine.dispose()
    services = await build_services(settings)
    try:
        assert services.index.titles() == ["Copper Orchard", "Fusion Power"]
    finally:
        await services.close()
    off = Settings(database_url=settings.database_url, knowledge_dir=tmp_path / "none", index_snapshot="off")
    from bot.services import snapshot_path

    assert snapshot_path(off) is None


def test_an_import_leaves_the_index_ready_for_the_next_start(
        cli: Callable[..., int], make_topic: MakeTopic, records_dir: Callable[..., Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``topicbot import`` ends by bringing the snapshot up to date: the next process loads the index
    instead of building it from the store (issue 22), and a dry run leaves it alone."""
    import bot.core.index_loading as loading

    builds: list[int] = []
    real_build = loading.build_index

    async def counted_build(source: loading.IndexSource, params: MatchParams) -> TopicIndex:
        builds.append(1)
        return await real_build(source, params)

    monkeypatch.setattr(loading, "build_index", counted_build)
    snapshot = tmp_path / "cli" / "topics.db.index"
    folder = records_dir(make_topic("Fusion Power"), make_topic("Harbour Lanterns"))
    assert cli("import", str(folder), "--dry-run") == 0
    assert not snapshot.exists()
    assert cli("import", str(folder)) == 0
    assert snapshot.is_file() and len(builds) == 1  # built once, by the import
    assert cli("ask", "--no-record", "harbour lanterns") == 0
    assert len(builds) == 1  # the next start loaded it
    folder.joinpath("000.txt").write_text(
        folder.joinpath("000.txt").read_text(encoding="utf-8").replace("Fusion Power", "Fusion Energy"),
        encoding="utf-8")
    assert cli("import", str(folder)) == 0
    assert cli("ask", "--no-record", "fusion energy") == 0
    assert len(builds) == 1  # a small import applies its changes to the snapshot: no rebuild
