"""TopicEditor on SQLite and PostgreSQL: revisions, diffs, revert, the edit lock, imports, the index
and the mod-log ``ChangeResult``."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import editing
from bot.core.change_feed import ChangeFeed
from bot.core.changes import Author
from bot.core.engine import TopicIndex
from bot.core.errors import (
    DuplicateTopicError,
    EditError,
    ImportAbortedError,
    RecordFormatError,
    StaleVersionError,
    TopicNotFoundError,
)
from bot.core.index_updates import IndexUpdater
from bot.core.model import Topic
from bot.core.moderation import TopicEditor
from bot.core.record_format import format_record
from bot.core.storage import TopicRepository

GUILD = 424_242_424_242

MakeTopic = Callable[..., Topic]


class Clock:
    """A clock that moves one minute per reading, so every revision has its own time."""

    def __init__(self) -> None:
        self._readings = 0

    def __call__(self) -> datetime:
        self._readings += 1
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=self._readings)


@pytest.fixture
def index() -> TopicIndex:
    return TopicIndex()


@pytest.fixture
def editor(session_factory: async_sessionmaker[AsyncSession], index: TopicIndex) -> TopicEditor:
    """An editor whose change feed keeps ``index`` up to date, as in a running process."""
    repository = TopicRepository(session_factory, clock=Clock())
    feed = ChangeFeed(repository)
    feed.subscribe(IndexUpdater(index))
    return TopicEditor(repository, feed)


def record_bytes(topic: Topic) -> bytes:
    return format_record(topic).encode("utf-8")


async def test_every_change_is_a_revision_with_who_when_and_the_full_text(
    editor: TopicEditor, make_topic: MakeTopic
) -> None:
    topic = make_topic()
    await editor.add(topic, author=Author("alice"))
    edited = await editor.edit("fusion power", lambda t: editing.set_summary(t, "Second summary."),
                               author=Author("bob"),
                               expected_version=1)
    removed = await editor.remove("Fusion Power", author=Author("carol"))

    history = await editor.history("Fusion Power")
    assert [(r.version, r.action, r.author) for r in history] == [(1, "add", "alice"), (2, "edit", "bob"),
                                                                   (3, "remove", "carol")]
    assert len({r.created_at for r in history}) == 3
    assert history[0].text == format_record(topic)
    assert history[1].text == format_record(edited.after)  # type: ignore[arg-type]
    assert history[2].text == format_record(edited.after)  # type: ignore[arg-type]
    assert removed.version == 3
    assert removed.at == history[2].created_at


async def test_the_mod_log_result_has_the_replaced_version_as_before(
    editor: TopicEditor, make_topic: MakeTopic
) -> None:
    topic = make_topic()
    added = await editor.add(topic, author=Author("alice"))
    assert (added.action, added.before, added.after, added.version) == ("add", None, topic, 1)
    assert added.headline() == "alice added **Fusion Power** (version 1)"

    first = await editor.edit("Fusion Power", lambda t: editing.set_attribute(t, "Status", "Operational"),
                              author=Author("bob"))
    second = await editor.edit("Fusion Power", lambda t: editing.add_alias(t, "FP"), author=Author("carol"))
    # The second edit's "before" is the first edit's result, not the topic as first added.
    assert first.before == topic
    assert second.before == first.after
    assert second.after is not None and second.after.aliases == ("FP",)
    assert second.diff.aliases_added == ("FP",)
    assert second.diff.attributes_changed == ()
    assert (second.version, second.author, second.guild_id) == (3, Author("carol"), None)
    text = second.mod_log_text(limit=300)
    assert text.startswith("carol edited **Fusion Power** (version 3)\n")
    assert "+ FP" in text


async def test_editing_with_a_whole_new_topic_and_renaming(editor: TopicEditor, make_topic: MakeTopic,
                                                           index: TopicIndex) -> None:
    await editor.add(make_topic(), author=Author("alice"))
    renamed = await editor.edit("Fusion Power", make_topic("Fusion Energy"), author=Author("bob"), expected_version=1)
    assert renamed.title == "Fusion Energy"
    assert [c.field for c in renamed.diff.fields] == ["title", "description", "summary"]
    assert index.get("Fusion Power") is None
    assert index.get("fusion energy") == renamed.after
    # History follows the topic through the rename.
    assert [r.title for r in await editor.history("Fusion Energy")] == ["Fusion Power", "Fusion Energy"]


async def test_an_edit_that_changes_nothing_writes_no_revision(editor: TopicEditor, make_topic: MakeTopic) -> None:
    await editor.add(make_topic(), author=Author("alice"))
    result = await editor.edit("Fusion Power", make_topic(), author=Author("bob"))
    assert not result.changed
    assert result.version == 1
    assert "made no change" in result.headline()
    assert len(await editor.history("Fusion Power")) == 1


async def test_diff_between_revisions(editor: TopicEditor, make_topic: MakeTopic) -> None:
    await editor.add(make_topic(), author=Author("alice"))
    await editor.edit("Fusion Power", lambda t: editing.add_event(t, "Plant approved.", date(2025, 2, 2), "Ministry"),
                      author=Author("bob"))
    await editor.edit("Fusion Power", lambda t: editing.remove_attribute(t, "Lead Lab"), author=Author("bob"))
    diff = await editor.diff("Fusion Power", 1, 3)
    assert [e.text for e in diff.events_added] == ["Plant approved."]
    assert [a.name for a in diff.attributes_removed] == ["Lead Lab"]
    backwards = await editor.diff("Fusion Power", 3, 1)
    assert [e.text for e in backwards.events_removed] == ["Plant approved."]
    await editor.remove("Fusion Power", author=Author("carol"))
    removal = await editor.diff("Fusion Power", 3, 4)
    assert removal.after_title is None


async def test_revert_restores_the_exact_earlier_text_as_a_new_revision(
    editor: TopicEditor, make_topic: MakeTopic, index: TopicIndex
) -> None:
    await editor.add(make_topic(aliases=("FP",)), author=Author("alice"))
    await editor.edit("Fusion Power", lambda t: editing.set_summary(editing.remove_alias(t, "FP"), "Changed."),
                      author=Author("bob"))
    reverted = await editor.revert("Fusion Power", 1, author=Author("carol"))
    history = await editor.history("Fusion Power")
    assert [(r.version, r.action) for r in history] == [(1, "add"), (2, "edit"), (3, "revert")]
    assert history[2].text == history[0].text
    assert history[2].aliases == ("FP",)
    assert reverted.version == 3
    assert reverted.before is not None and reverted.before.summary == "Changed."
    assert reverted.after == make_topic(aliases=("FP",))
    assert reverted.headline() == "carol reverted **Fusion Power** to version 1 (now version 3)"
    assert index.get("FP") is None and index.get("Fusion Power") == reverted.after


async def test_removal_is_undone_by_revert(editor: TopicEditor, make_topic: MakeTopic, index: TopicIndex) -> None:
    topic = make_topic()
    await editor.add(topic, author=Author("alice"))
    removed = await editor.remove("Fusion Power", author=Author("bob"))
    assert (removed.before, removed.after) == (topic, None)
    assert index.get("Fusion Power") is None
    with pytest.raises(TopicNotFoundError):
        await editor.open("Fusion Power")
    with pytest.raises(EditError, match="is its removal"):
        await editor.revert("Fusion Power", 2, author=Author("carol"))

    restored = await editor.revert("Fusion Power", 1, author=Author("carol"))
    assert (restored.before, restored.after, restored.version) == (None, topic, 3)
    assert (await editor.open("Fusion Power")).topic == topic
    assert index.get("fusion power") == topic
    assert [r.action for r in await editor.history("Fusion Power")] == ["add", "remove", "revert"]


async def test_two_concurrent_edits_from_the_same_version_exactly_one_applies(
    editor: TopicEditor, make_topic: MakeTopic
) -> None:
    await editor.add(make_topic(), author=Author("alice"))
    opened = await editor.open("Fusion Power")
    results = await asyncio.gather(
        editor.edit("Fusion Power", lambda t: editing.set_summary(t, "Bob's summary."), author=Author("bob"),
                    expected_version=opened.version),
        editor.edit("Fusion Power", lambda t: editing.set_summary(t, "Carol's summary."), author=Author("carol"),
                    expected_version=opened.version),
        return_exceptions=True,
    )
    applied = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(applied) == 1
    assert len(refused) == 1
    [error] = refused
    assert isinstance(error, StaleVersionError)
    winner = applied[0].author
    assert error.changed_by == winner.label
    assert error.changed_at is not None
    assert (error.expected_version, error.actual_version) == (1, 2)
    stored = await editor.open("Fusion Power")
    assert stored.version == 2
    assert stored.topic.summary == f"{winner.name.capitalize()}'s summary."
    assert len(await editor.history("Fusion Power")) == 2


async def test_concurrent_edits_without_a_version_all_apply(editor: TopicEditor, make_topic: MakeTopic) -> None:
    """Issue 23, item 6: an edit that pinned no version is applied again to the topic as it now is
    when another edit lands first; none is refused, none is lost."""
    await editor.add(make_topic(), author=Author("alice"))
    for round_ in range(6):
        results = await asyncio.gather(*(
            editor.edit("Fusion Power", lambda t, name=f"{who} {round_}": editing.set_attribute(t, name, "yes"),
                        author=Author(who))
            for who in ("bob", "carol")), return_exceptions=True)
        assert [r for r in results if isinstance(r, BaseException)] == []
    stored = await editor.open("Fusion Power")
    names = {a.name for a in stored.topic.attributes}
    assert {f"{who} {n}" for who in ("bob", "carol") for n in range(6)} <= names
    assert stored.version == 13


async def test_a_stale_edit_is_refused_naming_who_and_when_and_can_show_the_diff(
    editor: TopicEditor, make_topic: MakeTopic
) -> None:
    await editor.add(make_topic(), author=Author("alice"))
    changed = await editor.edit("Fusion Power", lambda t: editing.set_attribute(t, "Status", "Done"),
                                author=Author("bob"))
    with pytest.raises(StaleVersionError) as caught:
        await editor.edit("Fusion Power", lambda t: editing.set_summary(t, "Mine."), author=Author("carol"),
                          expected_version=1)
    assert caught.value.changed_by == "bob"
    assert caught.value.changed_at == changed.at.isoformat(timespec="seconds")  # type: ignore[union-attr]
    assert "changed by bob" in str(caught.value)
    since = await editor.changes_since("Fusion Power", 1)
    assert [c.name for c in since.attributes_changed] == ["Status"]
    assert (await editor.open("Fusion Power")).topic.summary == make_topic().summary
    with pytest.raises(StaleVersionError):
        await editor.remove("Fusion Power", author=Author("carol"), expected_version=1)
    with pytest.raises(StaleVersionError):
        await editor.revert("Fusion Power", 1, author=Author("carol"), expected_version=1)


async def test_the_index_sees_every_change_at_once(editor: TopicEditor, make_topic: MakeTopic,
                                                   index: TopicIndex) -> None:
    await editor.add(make_topic("Quasar Drive", description="An engine."), author=Author("alice"))
    assert index.get("Quasar Drive") is not None
    assert index.rank("quasar drive")[0].title == "Quasar Drive"
    await editor.edit("Quasar Drive", lambda t: editing.add_alias(t, "Blinkmotor"), author=Author("bob"))
    assert index.rank("blinkmotor")[0].title == "Quasar Drive"
    await editor.remove("Quasar Drive", author=Author("bob"))
    assert index.get("Quasar Drive") is None
    assert not index.rank("quasar drive")


async def test_guild_topics_hiding_and_the_global_scope(editor: TopicEditor, make_topic: MakeTopic,
                                                        index: TopicIndex) -> None:
    shared = make_topic("Shared Topic")
    await editor.add(shared, author=Author("owner"))
    with pytest.raises(EditError, match="shared topic"):
        await editor.edit("Shared Topic", lambda t: editing.set_summary(t, "Local."), author=Author("mod"),
                          guild_id=GUILD)
    with pytest.raises(EditError, match="shared topic"):
        await editor.remove("Shared Topic", author=Author("mod"), guild_id=GUILD)

    hidden = await editor.hide("shared topic", guild_id=GUILD, author=Author("mod"))
    assert hidden.headline() == "mod hid **Shared Topic** in this server"
    assert index.get("Shared Topic", guild_id=GUILD) is None
    assert index.get("Shared Topic") == shared
    await editor.unhide("Shared Topic", guild_id=GUILD, author=Author("mod"))
    assert index.get("Shared Topic", guild_id=GUILD) == shared

    own = await editor.add(make_topic("Shared Topic", summary="This server's own."), author=Author("mod"),
                           guild_id=GUILD)
    assert own.guild_id == GUILD
    assert index.get("Shared Topic", guild_id=GUILD) == own.after
    edited = await editor.edit("Shared Topic", lambda t: editing.set_summary(t, "Edited here."), author=Author("mod"),
                               guild_id=GUILD)
    assert edited.before == own.after
    assert index.get("Shared Topic") == shared
    with pytest.raises(DuplicateTopicError):
        await editor.add(make_topic("shared topic"), author=Author("mod"), guild_id=GUILD)


async def test_add_record_validates_the_upload(editor: TopicEditor, make_topic: MakeTopic) -> None:
    bad = record_bytes(make_topic()).replace(b"First Mentioned", b"First Mention", 1)
    with pytest.raises(RecordFormatError) as caught:
        await editor.add_record("upload.txt", bad, author=Author("mod"))
    assert caught.value.source == "upload.txt"
    assert caught.value.line > 1
    assert not await editor.repository.list()
    added = await editor.add_record("upload.txt", record_bytes(make_topic()), author=Author("mod"))
    assert added.after == make_topic()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def test_import_previews_then_applies_all_files(editor: TopicEditor, make_topic: MakeTopic,
                                                      index: TopicIndex) -> None:
    await editor.add(make_topic("Kept", aliases=("K",)), author=Author("alice"))
    await editor.add(make_topic("Same"), author=Author("alice"))
    files = [
        ("kept.txt", record_bytes(make_topic("Kept", summary="Imported summary."))),
        ("more.zip", zipped({"same.txt": record_bytes(make_topic("Same")),
                             "new.txt": record_bytes(make_topic("Brand New"))})),
    ]
    preview = await editor.preview_import(files)
    assert preview.summary.added == ("Brand New",)
    assert [(c.title, c.fields) for c in preview.summary.changed] == [("Kept", ("summary",))]
    assert preview.summary.unchanged == ("Same",)
    assert [d.title for d in preview.diffs] == ["Brand New", "Kept"]
    assert preview.diffs[1].aliases_removed == ()  # an import keeps moderator aliases
    assert preview.text().splitlines()[0] == "1 to add, 1 to change, 1 unchanged"
    assert index.get("Brand New") is None  # a preview writes nothing

    outcome = await editor.apply_import(preview, author=Author("mod"))
    assert [(c.action, c.title, c.version) for c in outcome.changes] == [("add", "Brand New", 1), ("edit", "Kept", 2)]
    kept = await editor.open("Kept")
    assert kept.topic.summary == "Imported summary."
    assert kept.topic.aliases == ("K",)
    assert index.get("Brand New") is not None
    assert index.get("K") is None and index.get("Kept") == kept.topic

    again = await editor.import_records(files, author=Author("mod"))
    assert again.changes == ()
    assert again.preview.summary.is_noop


async def test_an_import_with_one_malformed_file_changes_nothing(editor: TopicEditor, make_topic: MakeTopic,
                                                                 index: TopicIndex) -> None:
    await editor.add(make_topic("Kept"), author=Author("alice"))
    bad = record_bytes(make_topic("Broken")).replace(b"\n\nTopic\n", b"\n\nTopik\n", 1)
    files = [
        ("a.txt", record_bytes(make_topic("Kept", summary="Changed."))),
        ("b.txt", record_bytes(make_topic("Brand New"))),
        ("c.txt", bad),
    ]
    with pytest.raises(RecordFormatError) as caught:
        await editor.import_records(files, author=Author("mod"))
    assert (caught.value.source, caught.value.line) == ("c.txt", 3)
    assert [s.title for s in await editor.repository.list()] == ["Kept"]
    assert (await editor.open("Kept")).topic.summary == make_topic("Kept").summary
    assert index.get("Brand New") is None
    with pytest.raises(ImportAbortedError, match="not a record file"):
        await editor.import_records([("notes.pdf", b"%PDF")], author=Author("mod"))


async def test_an_import_planned_before_a_concurrent_edit_writes_nothing(
    editor: TopicEditor, make_topic: MakeTopic
) -> None:
    await editor.add(make_topic("Kept"), author=Author("alice"))
    preview = await editor.preview_import([("kept.txt", record_bytes(make_topic("Kept", summary="Import."))),
                                           ("new.txt", record_bytes(make_topic("Brand New")))])
    await editor.edit("Kept", lambda t: editing.set_summary(t, "Meanwhile."), author=Author("bob"))
    with pytest.raises(StaleVersionError):
        await editor.apply_import(preview, author=Author("mod"))
    assert [s.title for s in await editor.repository.list()] == ["Kept"]
    assert (await editor.open("Kept")).topic.summary == "Meanwhile."


async def test_dry_run_import_writes_nothing(editor: TopicEditor, make_topic: MakeTopic) -> None:
    outcome = await editor.import_records([("new.txt", record_bytes(make_topic("Brand New")))], author=Author("mod"),
                                          dry_run=True)
    assert outcome.dry_run
    assert outcome.preview.summary.added == ("Brand New",)
    assert not await editor.repository.list()


async def test_the_store_lists_every_scope_and_the_hidden_pairs(editor: TopicEditor, make_topic: MakeTopic) -> None:
    await editor.add(make_topic("Shared Topic"), author=Author("owner"))
    await editor.add(make_topic("Local Topic"), author=Author("mod"), guild_id=GUILD)
    await editor.hide("Shared Topic", guild_id=GUILD, author=Author("mod"))
    everything = await editor.repository.list_all()
    assert [(s.title, s.guild_id) for s in everything] == [("Local Topic", GUILD), ("Shared Topic", None)]
    assert await editor.repository.hidden_pairs() == [(GUILD, "Shared Topic")]


async def test_services_load_every_scope_and_keep_the_editor_on_the_current_index(
    tmp_path: Path, make_topic: MakeTopic
) -> None:
    from bot.config import Settings
    from bot.services import build_services

    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'services.db'}", knowledge_dir=tmp_path / "none")
    services = await build_services(settings)
    try:
        await services.editor.add(make_topic("Shared Topic"), author=Author("owner"))
        await services.editor.add(make_topic("Local Topic"), author=Author("mod"), guild_id=GUILD)
        await services.editor.hide("Shared Topic", guild_id=GUILD, author=Author("mod"))
        assert services.index.titles(GUILD) == ["Local Topic"]
    finally:
        await services.close()

    services = await build_services(settings)
    try:
        assert services.index.titles(GUILD) == ["Local Topic"]
        assert services.index.titles() == ["Shared Topic"]
        assert services.index_updater.index is services.index
        await services.editor.remove("Local Topic", author=Author("mod"), guild_id=GUILD)
        assert services.index.titles(GUILD) == []
    finally:
        await services.close()


async def test_exports_are_byte_identical_and_re_import_as_no_change(
    editor: TopicEditor, make_topic: MakeTopic
) -> None:
    upload = record_bytes(make_topic("Fusion Power"))
    await editor.add_record("fusion.txt", upload, author=Author("mod"), guild_id=GUILD)
    await editor.add(make_topic("Solar Panels"), author=Author("mod"), guild_id=GUILD)
    await editor.add(make_topic("Global Only"), author=Author("owner"))

    name, data = await editor.export_record("fusion power", guild_id=GUILD)
    assert (name, data) == ("fusion-power.txt", upload)

    archive = await editor.export_archive(guild_id=GUILD)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert sorted(opened.namelist()) == ["fusion-power.txt", "solar-panels.txt"]
        assert opened.read("fusion-power.txt") == upload
    again = await editor.import_records([("export.zip", archive)], author=Author("mod"), guild_id=GUILD)
    assert again.preview.summary.unchanged == ("Fusion Power", "Solar Panels")
    assert again.changes == ()


async def test_item_7_a_time_in_the_repeated_hour_reads_back_from_its_record(
    session_factory: async_sessionmaker[AsyncSession], make_topic: MakeTopic
) -> None:
    """Issue 23, item 7: in a zone whose clocks go back, the second 1:30 AM is written as the only 1:30 AM
    the record format can say, so the stored topic is exactly what its record reads back as."""
    from zoneinfo import ZoneInfo

    from bot.core.record_format import parse_record

    tz = ZoneInfo("America/New_York")
    editor = TopicEditor(TopicRepository(session_factory, tz=tz))
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 1:30 AM EST, after 1:30 AM EDT
    topic = make_topic(title="Fall Back", last_updated=second, research_retrieved=second)
    await editor.add(topic, author=Author("alice"))
    stored = await editor.open("Fall Back")
    assert parse_record(format_record(stored.topic, tz), tz) == stored.topic
    assert stored.topic.last_updated == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # the first 1:30 AM
    again = await editor.edit("Fall Back", lambda t: editing.set_summary(t, "Changed."), author=Author("bob"))
    assert again.changed
    reread = await editor.open("Fall Back")
    assert parse_record(format_record(reread.topic, tz), tz) == reread.topic
