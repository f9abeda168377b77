"""Issue 23's command-line items, each through the real entry point in-process (``cli`` fixture)."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

RECORDS = Path(__file__).resolve().parents[1] / "data" / "records"


@pytest.fixture
def imported(cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., int]:
    folder = tmp_path / "records"
    folder.mkdir()
    shutil.copy(RECORDS / "001_waymo.txt", folder / "001_waymo.txt")
    assert cli("import", str(folder)) == 0
    capsys.readouterr()
    return cli


def test_item_9_a_version_that_does_not_match_is_named_with_the_current_one(
        imported: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    assert imported("edit", "Waymo", "--set-summary", "Changed.", "--expect-version", "99") == 1
    err = capsys.readouterr().err
    assert "--expect-version 99 does not match 'Waymo', which is at version 1" in err
    assert "no topic titled" not in err and "Traceback" not in err


def test_item_10_show_into_a_file_imports_again_unchanged(
        imported: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert imported("show", "Waymo") == 0
    shown = capsys.readouterr().out
    assert shown == (RECORDS / "001_waymo.txt").read_text(encoding="utf-8")  # byte for byte, no extra newline
    again = tmp_path / "again"
    again.mkdir()
    (again / "waymo.txt").write_text(shown, encoding="utf-8")
    assert imported("check", str(again / "waymo.txt")) == 0
    assert imported("import", "--dry-run", str(again)) == 0
    assert "unchanged" in capsys.readouterr().out.casefold()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_item_11_exports_follow_the_umask(imported: Callable[..., int], tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        assert imported("export", str(tmp_path / "out")) == 0
    finally:
        os.umask(previous)
    exported = [p for p in (tmp_path / "out").iterdir() if p.suffix == ".txt"]
    assert exported
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in exported)


@pytest.mark.parametrize("command", [["history", "Waymo"], ["ask", "waymo"], ["hide", "Waymo"],
                                     ["dashboard", "--sign-in-link"]])
@pytest.mark.parametrize("value", ["0", "-5", "99999999999999999999", "²"])
def test_item_4_guild_ids_are_positive_64_bit_snowflakes(
        cli: Callable[..., int], capsys: pytest.CaptureFixture[str], command: list[str], value: str) -> None:
    with pytest.raises(SystemExit) as exited:
        cli(*command, "--guild", value)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "must be a Discord server id (a whole number from 1 to 9223372036854775807)" in err
    assert "Traceback" not in err and "OverflowError" not in err


@pytest.mark.parametrize("token", ["abc\x01def", "abc def", "abc\u202edef"])
def test_item_5_a_token_with_a_control_character_is_one_line(
        cli: Callable[..., int], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        token: str) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", token)
    assert cli("run") == 2
    err = capsys.readouterr().err
    assert "token holds a space or a control character" in err
    assert "Traceback" not in err


def test_item_30_import_into_one_guild(
        cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    shutil.copy(RECORDS / "001_waymo.txt", folder / "001_waymo.txt")
    assert cli("import", "--guild", "42", str(folder)) == 0
    capsys.readouterr()
    assert cli("list") == 0
    assert "Waymo" not in capsys.readouterr().out  # not a shared topic
    assert cli("history", "Waymo", "--guild", "42") == 0
    assert "Waymo" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli("import", "--guild", "0", str(folder))


@pytest.mark.parametrize("content", [b"hello, this is a text file\n", bytes(range(256)) * 4])
def test_item_3_a_file_that_is_no_sqlite_database_is_one_line(
        cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes) -> None:
    store = tmp_path / "notes.db"
    store.write_bytes(content)
    assert cli("--database-url", f"sqlite+aiosqlite:///{store}", "list") == 1  # the last --database-url wins
    err = capsys.readouterr().err
    assert f"{store} is not an SQLite database, or it is damaged" in err
    assert "Traceback" not in err
    assert store.read_bytes() == content  # nothing was written to it


@pytest.mark.parametrize("character", ["\x85", "\x9b", "\u202e", "\u2067"])
def test_item_12_c1_controls_and_bidi_overrides_are_refused_on_write(
        cli: Callable[..., int], imported: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        character: str) -> None:
    assert imported("edit", "Waymo", "--set-title", f"Way{character}mo") == 1
    err = capsys.readouterr().err
    assert "control characters or bidirectional overrides" in err and f"U+{ord(character):04X}" in err
    folder = tmp_path / "bad"
    folder.mkdir()
    record = (RECORDS / "002_tesla_robotaxi.txt").read_text(encoding="utf-8")
    (folder / "bad.txt").write_text(record.replace("Tesla Robotaxi", f"Tesla{character} Robotaxi", 1),
                                    encoding="utf-8")
    assert imported("import", str(folder)) == 1
    err = capsys.readouterr().err
    assert "line 1" in err and f"U+{ord(character):04X}" in err and "Traceback" not in err


@pytest.mark.parametrize("command", [["dashboard"], ["run"]])
def test_item_2_a_taken_dashboard_port_is_one_line_and_its_own_exit_code(
        cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        command: list[str]) -> None:
    pytest.importorskip("uvicorn")
    import socket

    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    config = tmp_path / "dash.toml"
    config.write_text(f'[topicbot]\nknowledge_dir = "{(tmp_path / "none").as_posix()}"\n'
                      f'[dashboard]\nenabled = true\nport = {port}\n', encoding="utf-8")
    monkeypatch.setenv("DISCORD_TOKEN", "a-token-that-is-never-used")
    try:
        assert cli("--config", str(config), *command) == 4
    finally:
        holder.close()
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "set [dashboard] port" in err
    assert "Traceback" not in err


def test_item_15_uppercase_names_and_dangling_links_are_not_skipped_silently(
        cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    shutil.copy(RECORDS / "001_waymo.txt", folder / "WAYMO.TXT")
    assert cli("check", str(folder)) == 0
    assert "1 of 1 record ok" in capsys.readouterr().out
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    assert cli("check", str(folder)) == 1
    captured = capsys.readouterr()
    assert "gone.txt" in captured.err and "1 of 2 records ok" in captured.out
    assert cli("import", str(folder)) == 1
    assert "gone.txt" in capsys.readouterr().err


def test_item_15_a_missing_extra_is_a_setup_mistake_exit_2(
        cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "semantic.toml"
    config.write_text(f'[topicbot]\nknowledge_dir = "{(tmp_path / "none").as_posix()}"\n'
                      '[semantic]\nenabled = true\nmodel = "sentence-transformers:all-MiniLM-L6-v2"\n',
                      encoding="utf-8")
    assert cli("--config", str(config), "ask", "--no-record", "waymo") == 2
    err = capsys.readouterr().err
    assert "pip install" in err and "Traceback" not in err


def test_item_25_the_sign_in_link_follows_the_dashboards_configured_address(
        cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("starlette")
    config = tmp_path / "dash.toml"
    config.write_text(f'[topicbot]\nknowledge_dir = "{(tmp_path / "none").as_posix()}"\n'
                      '[dashboard]\nport = 9123\n', encoding="utf-8")
    assert cli("--config", str(config), "dashboard", "--sign-in-link", "--guild", "5") == 0
    assert capsys.readouterr().out.startswith("http://127.0.0.1:9123/sign-in?token=")
    assert cli("--config", str(config), "dashboard", "--sign-in-link", "--guild", "5", "--port", "9200") == 0
    assert capsys.readouterr().out.startswith("http://127.0.0.1:9200/sign-in?token=")
