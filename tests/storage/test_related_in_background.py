"""The bot computes the "see also" lists in the background and saves them with the index snapshot,
so a later process replies with them without computing any (issue 22)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.changes import Author
from bot.core.model import Topic
from bot.core.usage.records import AskContext
from bot.services import build_services

AUTHOR = Author("tester")


async def test_lists_are_computed_in_the_background_and_survive_a_restart(
        tmp_path: Path, make_topic: Callable[..., Topic]) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", knowledge_dir=tmp_path / "none")
    services = await build_services(settings)
    try:
        await services.editor.add(make_topic("Harbour Lanterns", summary="Paper lanterns in the harbour."),
                                  author=AUTHOR)
        await services.editor.add(make_topic("Harbour Lantern Festival", summary="The festival of harbour lanterns."),
                                  author=AUTHOR)
        await services.feed.catch_up()
        task = asyncio.create_task(services.keep_related_current(batch=1, idle_s=0.01))
        lists = services.index.related_lists
        for _ in range(200):
            if len(lists) == 2:
                break
            await asyncio.sleep(0.01)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert len(lists) == 2
        assert lists.get((None, "harbour lanterns")) == ("Harbour Lantern Festival",)
    finally:
        await services.close()
    again = await build_services(settings)
    try:
        assert again.answerer.warm_related(10) == 0  # loaded with the snapshot: nothing to compute
        answer = again.ask("harbour lanterns", AskContext(), record=False)
        assert answer.related == ("Harbour Lantern Festival",)
    finally:
        await again.close()


async def test_a_small_import_keeps_the_saved_lists_whole(tmp_path: Path, make_topic: Callable[..., Topic]) -> None:
    from bot.services import refresh_index_snapshot

    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", knowledge_dir=tmp_path / "none")
    services = await build_services(settings)
    try:
        await services.editor.add(make_topic("Harbour Lanterns", summary="Paper lanterns."), author=AUTHOR)
        await services.editor.add(make_topic("Copper Orchard", summary="Copper trees."), author=AUTHOR)
        await services.feed.catch_up()
        while services.answerer.warm_related(10):
            pass
    finally:
        await services.close()  # the snapshot now holds both lists
    writer = await build_services(settings)  # another process adds a topic (as topicbot import does)
    try:
        await writer.editor.add(make_topic("Harbour Lantern Festival", summary="Lanterns in the harbour."),
                                author=AUTHOR)
    finally:
        await writer.engine.dispose()
    assert await refresh_index_snapshot(settings) == 3
    again = await build_services(settings)
    try:
        assert again.answerer.warm_related(10) == 0  # every list is there, the new topic's too
        assert again.index.related_lists.get((None, "harbour lanterns")) == ("Harbour Lantern Festival",)
    finally:
        await again.close()


@pytest.mark.skipif(importlib.util.find_spec("model2vec") is None,
                    reason="the semantic extra is not installed (pip install -e '.[semantic]')")
async def test_with_meaning_on_the_import_embeds_so_the_next_start_embeds_nothing(
        tmp_path: Path, make_topic: Callable[..., Topic], monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import SemanticSettings
    from bot.services import refresh_index_snapshot

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # this test's own vector cache
    plain = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", knowledge_dir=tmp_path / "none")
    writer = await build_services(plain)  # the import's writes, with no meaning loaded
    try:
        await writer.editor.add(make_topic("Harbour Lanterns", summary="Paper lanterns."), author=AUTHOR)
    finally:
        await writer.engine.dispose()
    settings = plain.model_copy(update={"semantic": SemanticSettings(enabled=True)})
    assert await refresh_index_snapshot(settings) == 1
    services = await build_services(settings)
    try:
        assert services.meaning is not None and len(services.meaning) == 1
        assert services.meaning.embedded_topics == 0  # read from the cache the import filled
    finally:
        await services.close()


@pytest.mark.parametrize(("save_after", "saved"), [(2, 1), (3, 0)])
async def test_the_background_pass_saves_the_snapshot_only_after_computing_many(
        tmp_path: Path, make_topic: Callable[..., Topic], monkeypatch: pytest.MonkeyPatch, save_after: int,
        saved: int) -> None:
    """A pass after start-up saves the snapshot; the few lists an edit drops wait for the save at close
    (writing the whole index after every edit would stall a large bot)."""
    import bot.services

    monkeypatch.setattr(bot.services, "RELATED_SAVE_AFTER", save_after)
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", knowledge_dir=tmp_path / "none")
    services = await build_services(settings)
    saves: list[int] = []

    async def counted_save() -> None:
        saves.append(1)

    monkeypatch.setattr(services, "save_snapshot", counted_save)
    try:
        await services.editor.add(make_topic("Harbour Lanterns"), author=AUTHOR)
        await services.editor.add(make_topic("Copper Orchard"), author=AUTHOR)
        await services.feed.catch_up()
        task = asyncio.create_task(services.keep_related_current(batch=1, idle_s=0.01))
        for _ in range(200):
            if len(services.index.related_lists) == 2:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert len(services.index.related_lists) == 2
        assert len(saves) == saved
    finally:
        await services.close()
