"""TopicRepository on SQLite and PostgreSQL: CRUD, scopes, optimistic locking, revisions."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.changes import Author
from bot.core.errors import DuplicateTopicError, StaleVersionError, TopicNotFoundError
from bot.core.model import Attribute, Topic
from bot.core.record_format import parse_record
from bot.core.storage import GuildSettings, TopicRepository

GUILD = 111_222_333_444_555_666


async def test_added_topic_reads_back_equal_with_aliases_of_both_kinds(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    topic = make_topic("Fusion Power", aliases=("Star Power",))
    stored = await repo.add(topic, author=Author("alice"))
    assert stored.version == 1
    assert stored.updated_by == "alice"

    loaded = await repo.get("fusion POWER")
    assert loaded.topic == topic
    assert loaded.topic.aliases == ("Star Power",)
    assert loaded.topic.derived_aliases == ("TT",)
    assert loaded.topic.first_mentioned.tzinfo is not None
    assert loaded.id == stored.id


async def test_timestamps_come_back_timezone_aware_and_equal(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    from zoneinfo import ZoneInfo

    moment = datetime(2025, 1, 2, 3, 4, 5, tzinfo=ZoneInfo("America/New_York"))
    await repo.add(make_topic("Zoned", first_mentioned=moment))
    loaded = (await repo.get("Zoned")).topic.first_mentioned
    assert loaded == moment
    assert loaded.utcoffset() == timedelta(0)


async def test_titles_are_unique_per_scope_ignoring_case(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    await repo.add(make_topic("Fusion Power"))
    with pytest.raises(DuplicateTopicError):
        await repo.add(make_topic("FUSION power"))
    # Another scope may reuse the title, twice over is still refused there.
    await repo.add(make_topic("fusion power"), guild_id=GUILD)
    with pytest.raises(DuplicateTopicError):
        await repo.add(make_topic("Fusion Power"), guild_id=GUILD)
    assert [s.topic.title for s in await repo.list()] == ["Fusion Power"]
    assert [s.topic.title for s in await repo.list(guild_id=GUILD, include_global=False)] == ["fusion power"]


async def test_guild_sees_own_and_global_topics_and_prefers_its_own(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    await repo.add(make_topic("Shared Title", summary="the global one"))
    await repo.add(make_topic("Other Global"))
    await repo.add(make_topic("shared title", summary="the guild's own"), guild_id=GUILD)

    visible = await repo.list(guild_id=GUILD)
    assert sorted(s.topic.title for s in visible) == ["Other Global", "Shared Title", "shared title"]
    assert (await repo.get("Shared Title", guild_id=GUILD)).topic.summary == "the guild's own"
    assert (await repo.get("Shared Title")).topic.summary == "the global one"


async def test_hidden_global_topic_disappears_for_that_guild_only(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    await repo.add(make_topic("Hidden Topic"))
    await repo.hide("hidden topic", guild_id=GUILD)
    assert await repo.list(guild_id=GUILD) == []
    with pytest.raises(TopicNotFoundError):
        await repo.get("Hidden Topic", guild_id=GUILD)
    assert [s.topic.title for s in await repo.list(guild_id=GUILD + 1)] == ["Hidden Topic"]
    await repo.unhide("Hidden Topic", guild_id=GUILD)
    assert [s.topic.title for s in await repo.list(guild_id=GUILD)] == ["Hidden Topic"]


async def test_unknown_topic_suggests_closest_titles(repo: TopicRepository, make_topic: Callable[..., Topic]) -> None:
    for title in ("Fusion Power", "Fission Power", "Solar Panels", "Bitcoin"):
        await repo.add(make_topic(title))
    with pytest.raises(TopicNotFoundError) as caught:
        await repo.get("fusoin power")
    assert caught.value.suggestions[0] == "Fusion Power"
    assert "Bitcoin" not in caught.value.suggestions
    assert len(caught.value.suggestions) <= 3


async def test_update_bumps_version_and_replaces_parts(repo: TopicRepository, make_topic: Callable[..., Topic]) -> None:
    await repo.add(make_topic())
    edited = make_topic(attributes=(Attribute("Status", "Commercial"),), timeline=())
    stored = await repo.update(edited, expected_version=1, author=Author("bob"))
    assert stored.version == 2
    loaded = await repo.get("Fusion Power")
    assert loaded.version == 2
    assert loaded.updated_by == "bob"
    assert loaded.topic.attributes == (Attribute("Status", "Commercial"),)
    assert loaded.topic.timeline == ()


async def test_update_from_an_old_version_is_refused_and_changes_nothing(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    await repo.add(make_topic())
    await repo.update(make_topic(summary="second"), expected_version=1, author=Author("bob"))
    with pytest.raises(StaleVersionError) as caught:
        await repo.update(make_topic(summary="clobber"), expected_version=1, author=Author("carol"))
    assert caught.value.actual_version == 2
    assert caught.value.changed_by == "bob"
    loaded = await repo.get("Fusion Power")
    assert (loaded.version, loaded.topic.summary) == (2, "second")
    assert [r.version for r in await repo.history("Fusion Power")] == [1, 2]


async def test_concurrent_updates_from_the_same_version_exactly_one_wins(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    await repo.add(make_topic())
    edits = [repo.update(make_topic(summary=f"edit {n}"), expected_version=1, author=Author(f"mod{n}"))
             for n in range(2)]
    results = await asyncio.gather(*edits, return_exceptions=True)
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert isinstance(losers[0], StaleVersionError)
    loaded = await repo.get("Fusion Power")
    assert loaded.version == 2
    assert loaded.topic.summary == winners[0].topic.summary
    assert len(await repo.history("Fusion Power")) == 2


async def test_update_of_missing_topic_is_not_found(repo: TopicRepository, make_topic: Callable[..., Topic]) -> None:
    with pytest.raises(TopicNotFoundError):
        await repo.update(make_topic("Never Added"), expected_version=1, author=Author("bob"))


async def test_rename_keeps_history_and_refuses_taken_titles(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    await repo.add(make_topic("Old Name"))
    await repo.add(make_topic("Taken"))
    with pytest.raises(DuplicateTopicError):
        await repo.update(make_topic("taken"), expected_version=1, author=Author("bob"), original_title="Old Name")
    renamed = await repo.update(make_topic("New Name"), expected_version=1, author=Author("bob"),
                                original_title="old name")
    assert renamed.version == 2
    with pytest.raises(TopicNotFoundError):
        await repo.get("Old Name")
    history = await repo.history("New Name")
    assert [(r.version, r.title, r.action) for r in history] == [(1, "Old Name", "add"), (2, "New Name", "edit")]


async def test_every_change_writes_a_revision_with_the_full_record(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    original = make_topic(aliases=("Star Power",))
    await repo.add(original, author=Author("alice"))
    await repo.update(make_topic(summary="changed", aliases=("Star Power",)), expected_version=1, author=Author("bob"))
    await repo.remove("Fusion Power", author=Author("carol"), expected_version=2)

    history = await repo.history("fusion power")
    assert [(r.version, r.action, r.author) for r in history] == [(1, "add", "alice"), (2, "edit", "bob"),
                                                                   (3, "remove", "carol")]
    assert history[0].topic() == original
    assert parse_record(history[1].text).summary == "changed"
    assert history[2].aliases == ("Star Power",)
    assert all(r.created_at.tzinfo is not None for r in history)
    assert (await repo.revision("Fusion Power", 1)).text == history[0].text


async def test_removed_topic_is_gone_and_revert_restores_it(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    stored = await repo.add(make_topic())
    await repo.remove("Fusion Power", author=Author("carol"))
    with pytest.raises(TopicNotFoundError):
        await repo.get("Fusion Power")
    restored = await repo.revert("Fusion Power", 1, author=Author("dave"))
    assert (restored.id, restored.version) == (stored.id, 3)
    assert (await repo.get("Fusion Power")).topic == make_topic()
    assert [r.action for r in await repo.history("Fusion Power")] == ["add", "remove", "revert"]


async def test_revert_of_an_edit_is_a_new_version(repo: TopicRepository, make_topic: Callable[..., Topic]) -> None:
    await repo.add(make_topic())
    await repo.update(make_topic(summary="bad edit"), expected_version=1, author=Author("bob"))
    reverted = await repo.revert("Fusion Power", 1, author=Author("carol"))
    assert reverted.version == 3
    assert (await repo.get("Fusion Power")).topic.summary == make_topic().summary


async def test_ids_of_removed_topics_are_not_reused(repo: TopicRepository, make_topic: Callable[..., Topic]) -> None:
    removed = await repo.add(make_topic(title="Tidal Power"))
    await repo.remove("Tidal Power", author=Author("carol"))
    added = await repo.add(make_topic(title="Kelp Farming"))
    assert added.id != removed.id
    assert (added.version, (await repo.history("Kelp Farming"))[0].version) == (1, 1)
    restored = await repo.revert("Tidal Power", 1, author=Author("dave"))
    assert restored.id == removed.id


async def test_remove_with_stale_version_is_refused(repo: TopicRepository, make_topic: Callable[..., Topic]) -> None:
    await repo.add(make_topic())
    await repo.update(make_topic(summary="two"), expected_version=1, author=Author("bob"))
    with pytest.raises(StaleVersionError):
        await repo.remove("Fusion Power", author=Author("carol"), expected_version=1)
    assert (await repo.get("Fusion Power")).version == 2


async def test_list_loads_every_topic_with_parts_in_order(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    titles = [f"Topic {n:02d}" for n in range(25)]
    for title in reversed(titles):
        await repo.add(make_topic(title))
    listed = await repo.list()
    assert [s.topic.title for s in listed] == titles
    assert all(s.topic == make_topic(s.topic.title) for s in listed)


async def test_search_titles_is_case_insensitive_and_prefers_prefixes(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    for title in ("Nuclear Fusion", "Fusion Power", "Solar 100%_Power"):
        await repo.add(make_topic(title))
    assert await repo.search_titles("FUSION") == ["Fusion Power", "Nuclear Fusion"]
    assert await repo.search_titles("%_") == ["Solar 100%_Power"]
    assert await repo.search_titles("fusion", limit=1) == ["Fusion Power"]


async def test_guild_settings_round_trip(repo: TopicRepository) -> None:
    assert await repo.guild_settings(GUILD) == GuildSettings(GUILD)
    await repo.save_guild_settings(GuildSettings(GUILD, moderator_role_id=5, mod_log_channel_id=6))
    await repo.save_guild_settings(GuildSettings(GUILD, moderator_role_id=7, mod_log_channel_id=6))
    assert await repo.guild_settings(GUILD) == GuildSettings(GUILD, 7, 6)


async def test_injected_clock_stamps_changes(session_factory, make_topic: Callable[..., Topic]) -> None:
    moment = datetime(2026, 1, 6, 5, 5, 8, tzinfo=UTC)
    repo = TopicRepository(session_factory, clock=lambda: moment)
    stored = await repo.add(replace(make_topic()), author=Author("clocked"))
    assert stored.updated_at == moment
    assert (await repo.get("Fusion Power")).updated_at == moment
