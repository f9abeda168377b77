"""The change log and ``ChangeFeed`` on SQLite and PostgreSQL: one event per change, delivered in order,
once; catching up from a position gives the same index as loading it afresh; mod-log claims."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import editing
from bot.core.change_feed import ChangeFeed
from bot.core.changes import Author, ChangeEvent
from bot.core.engine import TopicIndex
from bot.core.errors import DuplicateTopicError
from bot.core.index_updates import IndexUpdater
from bot.core.model import Topic
from bot.core.moderation import TopicEditor
from bot.core.record_format import format_record
from bot.core.storage import GuildSettings, TopicRepository

GUILD = 515_151_515_151
MOD = Author("mia", "discord", 77)

MakeTopic = Callable[..., Topic]


class Recorder:
    """A subscriber that keeps every event it is given."""

    def __init__(self) -> None:
        self.events: list[ChangeEvent] = []
        self.batches = 0

    async def __call__(self, events: Sequence[ChangeEvent], /) -> None:
        self.events.extend(events)
        self.batches += 1


@pytest.fixture
def repository(session_factory: async_sessionmaker[AsyncSession]) -> TopicRepository:
    return TopicRepository(session_factory)


def index_state(index: TopicIndex, guilds: Sequence[int | None]) -> dict[int | None, list[Topic]]:
    return {guild: index.topics(guild) for guild in guilds}


async def load_index(repository: TopicRepository) -> TopicIndex:
    index = TopicIndex((s.topic, s.guild_id) for s in await repository.list_all())
    for guild_id, title in await repository.hidden_pairs():
        index.hide(guild_id, title)
    return index


async def make_changes(editor: TopicEditor, make_topic: MakeTopic) -> None:
    """One of every kind of change, in both scopes."""
    await editor.add(make_topic("Shared One"), author=MOD)
    await editor.add(make_topic("Shared Two"), author=MOD)
    await editor.add(make_topic("Local One"), author=MOD, guild_id=GUILD)
    await editor.edit("Local One", lambda t: editing.set_summary(t, "Changed."), author=MOD, guild_id=GUILD)
    await editor.edit("Local One", make_topic("Local Renamed"), author=MOD, guild_id=GUILD)
    await editor.hide("Shared Two", guild_id=GUILD, author=MOD)
    await editor.remove("Shared One", author=MOD)
    await editor.revert("Shared One", 1, author=MOD)
    await editor.edit("Shared One", lambda t: editing.add_alias(t, "S1"), author=MOD)
    await editor.remove("Shared Two", author=Author("cli"))


async def test_each_change_writes_exactly_one_event_in_order(
    repository: TopicRepository, make_topic: MakeTopic, tmp_path: Path
) -> None:
    feed = ChangeFeed(repository)
    recorder = Recorder()
    feed.subscribe(recorder)
    editor = TopicEditor(repository, feed)

    await editor.add(make_topic("Fusion Power"), author=MOD)
    unchanged = await editor.edit("Fusion Power", make_topic("Fusion Power"), author=MOD)
    assert not unchanged.changed
    await editor.edit("Fusion Power", lambda t: editing.set_summary(t, "New."), author=MOD)
    await editor.edit("Fusion Power", make_topic("Fusion Energy"), author=MOD)
    await editor.remove("Fusion Energy", author=MOD)
    await editor.revert("Fusion Energy", 3, author=Author("cli"))
    await editor.add(make_topic("Shared"), author=MOD)
    await editor.hide("Shared", guild_id=GUILD, author=MOD)
    await editor.unhide("Shared", guild_id=GUILD, author=MOD)
    await editor.save_guild_settings(GuildSettings(GUILD, 5, 6), author=MOD)
    folder = tmp_path / "records"
    folder.mkdir()
    for number, topic in enumerate([make_topic("Imported A"), make_topic("Shared", summary="Imported.")]):
        (folder / f"{number}.txt").write_text(format_record(topic), encoding="utf-8")
    await editor.import_folder(folder, author=Author("cli"))

    events = recorder.events
    assert [(e.action, e.title) for e in events] == [
        ("add", "Fusion Power"),
        ("edit", "Fusion Power"),
        ("edit", "Fusion Energy"),
        ("remove", "Fusion Energy"),
        ("revert", "Fusion Energy"),
        ("add", "Shared"),
        ("hide", "Shared"),
        ("unhide", "Shared"),
        ("settings", None),
        ("add", "Imported A"),
        ("edit", "Shared"),
    ]
    ids = [e.id for e in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert events[2].previous_title == "Fusion Power"
    assert events[0].author == MOD and events[4].author == Author("cli")
    assert {e.guild_id for e in events[6:9]} == {GUILD}
    # Topic events name their revision, whose text the event carries.
    history = await repository.history("Fusion Energy")
    assert [(e.version, e.text) for e in events[:5]] == [(r.version, r.text) for r in history]
    assert all(e.revision_id is not None for e in events if e.writes_topic)
    # Delivered once: a second catch-up finds nothing new.
    assert await feed.catch_up() == 0
    assert len(recorder.events) == len(events)


async def test_catching_up_from_any_position_equals_loading_afresh(
    repository: TopicRepository, make_topic: MakeTopic
) -> None:
    writer = TopicEditor(repository)
    await writer.add(make_topic("Before Load"), author=MOD)
    # A second process loads the index now, and remembers where the log was.
    position = await repository.last_change_id()
    follower_index = await load_index(repository)
    follower = ChangeFeed(repository, position=position, batch_size=3)
    follower.subscribe(IndexUpdater(follower_index))

    await make_changes(writer, make_topic)
    delivered = await follower.catch_up()

    assert delivered == 10
    fresh = await load_index(repository)
    guilds = [None, GUILD]
    assert index_state(follower_index, guilds) == index_state(fresh, guilds)
    assert follower_index.titles(GUILD) == ["Before Load", "Local Renamed", "Shared One"]
    shared_one = follower_index.get("Shared One")
    assert shared_one is not None and shared_one.aliases == ("S1",)


async def test_replaying_the_whole_log_into_an_empty_index_equals_loading(
    repository: TopicRepository, make_topic: MakeTopic
) -> None:
    await make_changes(TopicEditor(repository), make_topic)
    replayed = TopicIndex()
    feed = ChangeFeed(repository)
    feed.subscribe(IndexUpdater(replayed))
    await feed.catch_up()
    assert index_state(replayed, [None, GUILD]) == index_state(await load_index(repository), [None, GUILD])


async def test_subscribers_get_batches_in_id_order_and_a_failing_one_does_not_stop_the_rest(
    repository: TopicRepository, make_topic: MakeTopic, caplog: pytest.LogCaptureFixture
) -> None:
    await make_changes(TopicEditor(repository), make_topic)

    async def failing(events: Sequence[ChangeEvent], /) -> None:
        raise RuntimeError("subscriber bug")

    recorder = Recorder()
    feed = ChangeFeed(repository, batch_size=4)
    feed.subscribe(failing)
    feed.subscribe(recorder)
    assert await feed.catch_up() == 10
    assert recorder.batches == 3
    assert [e.id for e in recorder.events] == sorted(e.id for e in recorder.events)
    assert feed.position == recorder.events[-1].id
    assert "subscriber failed" in caplog.text


async def test_the_mod_log_claim_gives_each_event_to_one_process(
    repository: TopicRepository, make_topic: MakeTopic
) -> None:
    await make_changes(TopicEditor(repository), make_topic)
    ids = [e.id for e in await repository.changes_after(0)]
    first = await repository.claim_for_mod_log(ids[:6], "process-a")
    second = await repository.claim_for_mod_log(ids, "process-b")
    again = await repository.claim_for_mod_log(ids, "process-a")
    assert first == set(ids[:6])
    assert second == set(ids[6:])
    assert again == set()


async def test_a_failed_change_writes_no_event(repository: TopicRepository, make_topic: MakeTopic) -> None:
    editor = TopicEditor(repository)
    await editor.add(make_topic("Taken"), author=MOD)
    before = await repository.last_change_id()
    with pytest.raises(DuplicateTopicError):
        await editor.add(make_topic("taken"), author=MOD)
    assert await repository.last_change_id() == before
