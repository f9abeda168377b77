"""Folder import and export against the real store, on SQLite and PostgreSQL."""

from __future__ import annotations

import filecmp
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.changes import Author
from bot.core.errors import DuplicateTopicError, ImportAbortedError, RecordFormatError, StaleVersionError
from bot.core.importing import (
    apply_import,
    export_topics,
    import_folder,
    plan_import,
    read_records,
)
from bot.core.model import Topic
from bot.core.record_format import format_record
from bot.core.storage import Revision, StoredTopic, TopicRepository

TITLES = ("Fusion Power", "Solar Panels", "Tidal Energy")


async def _snapshot(repo: TopicRepository) -> tuple[list[StoredTopic], list[list[Revision]]]:
    topics = await repo.list()
    return topics, [await repo.history(s.topic.title) for s in topics]


async def test_import_adds_every_record_and_reimport_changes_nothing(
    repo: TopicRepository, make_topic: Callable[..., Topic], records_dir: Callable[..., Path]
) -> None:
    folder = records_dir(*(make_topic(t) for t in TITLES))
    first = await import_folder(repo, folder)
    assert sorted(first.added) == sorted(TITLES)
    before = await _snapshot(repo)

    second = await import_folder(repo, folder, chunk_size=2)
    assert second.is_noop
    assert sorted(second.unchanged) == sorted(TITLES)
    assert await _snapshot(repo) == before
    assert all(s.version == 1 for s in before[0])


async def test_malformed_file_aborts_the_whole_import_and_names_file_and_line(
    repo: TopicRepository, make_topic: Callable[..., Topic], records_dir: Callable[..., Path]
) -> None:
    await repo.add(make_topic("Fusion Power"))
    before = await _snapshot(repo)
    folder = records_dir(make_topic("Fusion Power", summary="changed"), make_topic("Solar Panels"),
                         make_topic("Tidal Energy"))
    broken = folder / "002.txt"
    lines = broken.read_text(encoding="utf-8").split("\n")
    lines[9] = "13/45/2025, 1:00:00 AM"  # the First Mentioned timestamp
    broken.write_bytes("\n".join(lines).encode("utf-8"))

    # Small chunks: the earlier records are already written when the bad file is reached.
    with pytest.raises(RecordFormatError) as caught:
        await import_folder(repo, folder, chunk_size=1)
    assert caught.value.source == "002.txt"
    assert caught.value.line == 10
    assert str(caught.value).startswith("002.txt: line 10: expected ")
    assert await _snapshot(repo) == before


async def test_dry_run_reports_the_diff_and_changes_nothing(
    repo: TopicRepository, make_topic: Callable[..., Topic], records_dir: Callable[..., Path]
) -> None:
    await repo.add(make_topic("Fusion Power"))
    await repo.add(make_topic("Solar Panels"))
    before = await _snapshot(repo)
    original = make_topic("Fusion Power")
    recased = make_topic("fusion power", description=original.description, background=original.background,
                         summary="A new summary.")
    folder = records_dir(recased, make_topic("Solar Panels"), make_topic("Tidal Energy"))
    diff = await import_folder(repo, folder, dry_run=True)
    assert diff.added == ("Tidal Energy",)
    assert [(c.title, c.fields) for c in diff.changed] == [("fusion power", ("title", "summary"))]
    assert diff.unchanged == ("Solar Panels",)
    assert await _snapshot(repo) == before


async def test_changed_record_bumps_version_and_keeps_moderator_aliases(
    repo: TopicRepository, make_topic: Callable[..., Topic], records_dir: Callable[..., Path]
) -> None:
    await repo.add(make_topic("Fusion Power", aliases=("Star Power",)))
    folder = records_dir(make_topic("Fusion Power", summary="Updated."))
    diff = await import_folder(repo, folder, author=Author("importer"))
    assert [c.fields for c in diff.changed] == [("summary",)]
    stored = await repo.get("Fusion Power")
    assert (stored.version, stored.topic.summary, stored.topic.aliases) == (2, "Updated.", ("Star Power",))
    assert [(r.action, r.author) for r in await repo.history("Fusion Power")] == [("add", "cli"), ("edit", "importer")]


async def test_duplicate_titles_in_one_folder_abort_the_import(
    repo: TopicRepository, make_topic: Callable[..., Topic], records_dir: Callable[..., Path]
) -> None:
    folder = records_dir(make_topic("Fusion Power"), make_topic("FUSION POWER"))
    with pytest.raises(ImportAbortedError, match=r"also used by 000\.txt"):
        await import_folder(repo, folder)
    assert await repo.list() == []


async def test_export_is_byte_identical_to_the_imported_files(
    repo: TopicRepository, make_topic: Callable[..., Topic], records_dir: Callable[..., Path], tmp_path: Path
) -> None:
    folder = records_dir(*(make_topic(t) for t in TITLES))
    await import_folder(repo, folder)
    written = await export_topics(repo, tmp_path / "export")
    assert len(written) == len(TITLES)
    originals = sorted(folder.iterdir())
    for path in written:
        assert any(filecmp.cmp(path, original, shallow=False) for original in originals), path.name
    assert sorted(p.name for p in written) == ["fusion-power.txt", "solar-panels.txt", "tidal-energy.txt"]
    assert not [p for p in (tmp_path / "export").iterdir() if p.suffix != ".txt"]


async def test_plan_then_apply_is_all_or_nothing_when_the_store_moved_on(
    repo: TopicRepository, make_topic: Callable[..., Topic], records_dir: Callable[..., Path]
) -> None:
    await repo.add(make_topic("Fusion Power"))
    folder = records_dir(make_topic("Fusion Power", summary="From the file."), make_topic("Solar Panels"))
    plan = await plan_import(repo, read_records(folder))
    assert plan.diff.added == ("Solar Panels",)
    # Someone edits the topic between the preview and the confirmation.
    await repo.update(make_topic("Fusion Power", summary="Edited meanwhile."), expected_version=1, author=Author("mod"))
    before = await _snapshot(repo)
    with pytest.raises(StaleVersionError):
        await apply_import(repo, plan, author=Author("importer"))
    assert await _snapshot(repo) == before


async def test_plan_apply_refuses_an_add_that_became_a_duplicate(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    plan = await plan_import(repo, [("a.txt", make_topic("Solar Panels")), ("b.txt", make_topic("Tidal Energy"))])
    await repo.add(make_topic("tidal energy"))
    before = await _snapshot(repo)
    with pytest.raises(DuplicateTopicError):
        await apply_import(repo, plan, author=Author("importer"))
    assert await _snapshot(repo) == before


async def test_plan_apply_writes_records_with_their_text(
    repo: TopicRepository, make_topic: Callable[..., Topic]
) -> None:
    plan = await plan_import(repo, [("a.txt", make_topic("Solar Panels"))], guild_id=42)
    applied = await apply_import(repo, plan, author=Author("mod"))
    assert applied.diff.added == ("Solar Panels",)
    [revision] = await repo.history("Solar Panels", guild_id=42)
    assert revision.text == format_record(make_topic("Solar Panels"))
    assert await repo.list() == []
