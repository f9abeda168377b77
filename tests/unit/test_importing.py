"""Pure parts of importing: reading record files, diffs, file names and atomic writes (no database)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.errors import ImportAbortedError, RecordFormatError
from bot.core.importing import (
    changed_fields,
    export_file_names,
    read_record,
    read_records,
    record_files,
    slugify,
    write_atomically,
)
from bot.core.model import Attribute, Topic
from bot.core.record_format import format_record


def test_read_records_returns_topics_in_file_name_order(
    make_topic: Callable[..., Topic], records_dir: Callable[..., Path]
) -> None:
    folder = records_dir(make_topic("B Topic"), make_topic("A Topic"))
    (folder / "notes.md").write_text("not a record", encoding="utf-8")
    records = read_records(folder)
    assert [(p.name, t.title) for p, t in records] == [("000.txt", "B Topic"), ("001.txt", "A Topic")]


def test_malformed_record_error_names_the_file_and_line(tmp_path: Path, make_topic: Callable[..., Topic]) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(format_record(make_topic()).replace("Summary", "Sumary").encode("utf-8"))
    with pytest.raises(RecordFormatError) as caught:
        read_record(path)
    assert caught.value.source == "broken.txt"
    assert caught.value.expected == "'Summary'"
    assert str(caught.value).startswith(f"broken.txt: line {caught.value.line}: expected 'Summary'")


def test_crlf_line_endings_are_refused_not_silently_translated(
    tmp_path: Path, make_topic: Callable[..., Topic]
) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes(format_record(make_topic()).replace("\n", "\r\n").encode("utf-8"))
    with pytest.raises(RecordFormatError, match=r"windows\.txt: line 1"):
        read_record(path)


def test_undecodable_bytes_are_a_record_format_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"Title\n\nTopic\n\ncaf\xe9")
    with pytest.raises(RecordFormatError, match=r"latin1\.txt: line 5: expected UTF-8 text"):
        read_record(path)


def test_over_long_field_aborts_naming_the_file(tmp_path: Path, make_topic: Callable[..., Topic]) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(format_record(make_topic()).replace("Test Lab One", "x" * 5000).encode("utf-8"))
    with pytest.raises(ImportAbortedError, match=r"long\.txt: line 33: attribute_value is 5000 characters"):
        read_record(path)


def test_record_files_requires_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ImportAbortedError, match="is not a folder"):
        record_files(tmp_path / "missing")


def test_changed_fields_names_each_differing_field_and_ignores_aliases(make_topic: Callable[..., Topic]) -> None:
    old = make_topic()
    new = make_topic(attributes=(Attribute("Status", "Done"),), summary="Other.", aliases=("Moderator Name",))
    assert changed_fields(old, new) == ("summary", "attributes")
    assert changed_fields(old, make_topic(aliases=("X",))) == ()


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Fusion Power", "fusion-power"),
        ("C++ / Rust: Safety?", "c-rust-safety"),
        ("../../etc/passwd", "etc-passwd"),
        ("Ünïcode Ø", "unicode"),
        ("核融合", "topic"),
        ("!!!", "topic"),
        ("x" * 300, "x" * 80),
    ],
)
def test_slugify_is_filesystem_safe(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_export_file_names_are_unique_and_stable_when_slugs_collide() -> None:
    titles = ["C++", "C#", "Fusion Power", "核融合", "太陽光"]
    names = export_file_names(titles)
    assert names["Fusion Power"] == "fusion-power.txt"
    assert names["C++"] != names["C#"]
    assert names["C++"].startswith("c-") and names["C++"].endswith(".txt")
    assert names["核融合"] != names["太陽光"]
    assert len(set(names.values())) == len(titles)
    assert export_file_names(list(reversed(titles))) == names


def test_write_atomically_replaces_content_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "record.txt"
    target.write_bytes(b"old")
    write_atomically(target, "new \u2022 text\nwithout trailing newline")
    assert target.read_bytes() == "new \u2022 text\nwithout trailing newline".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["record.txt"]
