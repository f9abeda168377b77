"""The store commands end to end through ``bot.cli.main`` on a temporary SQLite file."""

from __future__ import annotations

import filecmp
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.model import Topic


def test_check_reports_each_bad_file_with_its_line_and_fails(
    cli: Callable[..., int], make_topic: Callable[..., Topic], records_dir: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = records_dir(make_topic("Fusion Power"), make_topic("Solar Panels"))
    bad = folder / "001.txt"
    bad.write_bytes(bad.read_bytes().replace(b"\nTopic\n", b"\nTopics\n"))
    assert cli("check", str(folder / "000.txt"), str(bad)) == 1
    captured = capsys.readouterr()
    assert f"{bad}: line 3: expected 'Topic', found 'Topics'" in captured.err  # problems on stderr
    assert "000.txt" not in captured.err and "1 of 2 records ok" in captured.out
    assert cli("check", str(folder / "000.txt")) == 0


def test_import_dry_run_then_import_list_show_and_export(
    cli: Callable[..., int], make_topic: Callable[..., Topic], records_dir: Callable[..., Path],
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    folder = records_dir(make_topic("Fusion Power"), make_topic("Solar Panels"))
    assert cli("import", str(folder), "--dry-run") == 0
    assert "+ Fusion Power" in capsys.readouterr().out
    assert cli("list") == 0
    assert capsys.readouterr().out == ""

    assert cli("import", str(folder)) == 0
    assert "added 2 topics, changed 0 topics; 0 unchanged" in capsys.readouterr().out
    assert cli("import", str(folder)) == 0
    assert "added 0 topics, changed 0 topics; 2 unchanged" in capsys.readouterr().out

    assert cli("list") == 0
    assert capsys.readouterr().out.splitlines() == ["Fusion Power", "Solar Panels"]
    assert cli("show", "solar panels") == 0
    assert capsys.readouterr().out == (folder / "001.txt").read_text(encoding="utf-8")  # exactly, re-importable

    assert cli("export", str(tmp_path / "out")) == 0
    assert filecmp.cmp(tmp_path / "out" / "fusion-power.txt", folder / "000.txt", shallow=False)


def test_show_unknown_title_fails_with_suggestion(
    cli: Callable[..., int], make_topic: Callable[..., Topic], records_dir: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli("import", str(records_dir(make_topic("Fusion Power")))) == 0
    capsys.readouterr()
    assert cli("show", "fusoin power") == 1
    assert "closest: Fusion Power" in capsys.readouterr().err


def test_malformed_import_exits_nonzero_and_imports_nothing(
    cli: Callable[..., int], make_topic: Callable[..., Topic], records_dir: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = records_dir(make_topic("Fusion Power"), make_topic("Solar Panels"))
    (folder / "001.txt").write_bytes(b"Only a title")
    assert cli("import", str(folder)) == 1
    assert "001.txt: line 2" in capsys.readouterr().err
    assert cli("list") == 0
    assert capsys.readouterr().out == ""


def test_an_import_prints_one_summary_unless_asked_for_each_topic(
    cli: Callable[..., int], make_topic: Callable[..., Topic], records_dir: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 22: 100,000 records are one line, not 100,000 (``--verbose`` lists them)."""
    folder = records_dir(make_topic("Fusion Power"), make_topic("Solar Panels"))
    assert cli("import", str(folder)) == 0
    assert capsys.readouterr().out.splitlines() == ["added 2 topics, changed 0 topics; 0 unchanged"]
    (folder / "002.txt").write_text((folder / "000.txt").read_text(encoding="utf-8").replace(
        "Fusion Power", "Wind Farms"), encoding="utf-8")
    assert cli("import", str(folder), "--verbose") == 0
    assert "+ Wind Farms" in capsys.readouterr().out.splitlines()
