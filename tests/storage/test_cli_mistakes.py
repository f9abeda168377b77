"""User mistakes at the command line: one clear line on stderr and a non-zero exit, never a traceback.

Each test runs the real entry point, ``bot.cli.main``, in-process (an escaping exception would fail
the test) and checks the exit code, the line, and that stderr holds no traceback.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.model import Topic

RECORDS = Path(__file__).resolve().parents[1] / "data" / "records"


def _no_traceback(err: str) -> None:
    assert "Traceback" not in err


def test_ask_batch_on_a_missing_file_or_a_folder(
    cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("ask", "--json", "--batch", str(tmp_path / "missing.jsonl")) == 2
    err = capsys.readouterr().err
    assert "--batch file" in err
    assert "No such file or directory" in err
    _no_traceback(err)
    assert cli("ask", "--json", "--batch", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "is a folder" in err
    _no_traceback(err)


def test_ask_batch_that_is_not_utf8_names_the_line(
    cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_bytes(b'{"q": "fusion"}\n{"q": "\xff"}\n')
    assert cli("ask", "--json", "--batch", str(batch)) == 1
    err = capsys.readouterr().err
    assert "not UTF-8" in err
    _no_traceback(err)


def test_export_to_an_existing_file_or_an_unwritable_path(
    cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "file.txt"
    existing.write_text("x", encoding="utf-8")
    assert cli("export", str(existing)) == 1
    err = capsys.readouterr().err
    assert "exists and is not a folder" in err
    _no_traceback(err)
    assert cli("export", str(existing / "below")) == 1
    err = capsys.readouterr().err
    assert f"{existing}" in err
    _no_traceback(err)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "is a folder"),
        (b"[topicbot]\nlog_level = \"\xff\"\n", "line 2: not UTF-8"),
        (b"[topicbot]\nlog_level = \"LOUD\"\n", "[topicbot] log_level must be one of DEBUG, INFO"),
        (b"[topicbot]\nlog_level = 10\n", "[topicbot] log_level must be one of"),
        (b"[discord]\ncooldown_seconds = \"sixty\"\n", "[discord] cooldown_seconds must be a number of seconds"),
        (b"[discord]\ncooldown_seconds = -1\n", "[discord] cooldown_seconds must be a number"),
        (b"[discord]\ncooldown_seconds = nan\n", "[discord] cooldown_seconds must be a number"),
        (b"[discord]\ncooldown_seconds = inf\n", "[discord] cooldown_seconds must be a number"),
        (b"[discord]\nchatter_cooldown_seconds = true\n", "[discord] chatter_cooldown_seconds must be a number"),
        (b"[discord]\nmention_limit = 0\n", "[discord] mention_limit must be a whole number"),
        (b"[discord]\ntest_guild_id = \"abc\"\n", "[discord] test_guild_id must be a Discord id"),
        (b"[topicbot]\ntimezone = \"Mars/Base\"\n", "[topicbot] timezone: unknown time zone"),
        (b"[topicbot]\ndatabase_url = \"mysql://u@h/db\"\n", "[topicbot] database_url: 'mysql' databases are not"),
    ],
)
@pytest.mark.parametrize("command", ["list", "run"])
def test_a_bad_config_file_is_one_line_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, expected: str, command: str
) -> None:
    config = tmp_path / "conf.toml"
    if content is None:
        config.mkdir()
    else:
        config.write_bytes(content)
    assert main(["--config", str(config), command]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert err.count("\n") == 1
    _no_traceback(err)


def test_unknown_keys_and_sections_are_warned_about_by_name(
    cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "typo.toml"
    config.write_text(f'[topicbot]\ndatabse_url = "x"\nknowledge_dir = "{tmp_path.as_posix()}"\n'
                      '[discrod]\ntoken = "t"\n', encoding="utf-8")
    url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    assert main(["--config", str(config), "--database-url", url, "list"]) == 0
    err = capsys.readouterr().err
    assert "unknown 'databse_url' (did you mean 'database_url'?)" in err
    assert "unknown section [discrod] (did you mean [discord]?)" in err


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("garbage", "is not a database URL"),
        ("mysql://user@localhost/db", "'mysql' databases are not supported"),
        ("sqlite:///tmp/x.db", "SQLite needs the async driver: write sqlite+aiosqlite://"),
        ("postgresql://postgres@127.0.0.1/test", "PostgreSQL needs the async driver: write postgresql+asyncpg://"),
        ("postgresql+asyncpg://postgres@127.0.0.1:port/test", "has a port that is not a number"),
    ],
)
@pytest.mark.parametrize("where", ["flag", "environment", "config"])
def test_a_bad_database_url_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    url: str, expected: str, where: str,
) -> None:
    args = ["list"]
    if where == "flag":
        args = ["--database-url", url, *args]
    elif where == "environment":
        monkeypatch.setenv("TOPICBOT_DATABASE_URL", url)
    else:
        config = tmp_path / "db.toml"
        config.write_text(f'[topicbot]\ndatabase_url = "{url}"\n', encoding="utf-8")
        args = ["--config", str(config), *args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert expected in err
    _no_traceback(err)


def test_postgres_without_asyncpg_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.config_values

    monkeypatch.setattr(bot.config_values, "find_spec", lambda name: None)
    assert main(["--database-url", "postgresql+asyncpg://postgres@127.0.0.1/test", "list"]) == 2
    err = capsys.readouterr().err
    assert "pip install -e '.[postgres]'" in err
    _no_traceback(err)


def test_check_and_import_on_a_folder_with_a_symlink_loop(
    cli: Callable[..., int], make_topic: Callable[..., Topic], records_dir: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = records_dir(make_topic("Fusion Power"))
    os.symlink(folder / "loop-b.txt", folder / "loop-a.txt")
    os.symlink(folder / "loop-a.txt", folder / "loop-b.txt")
    os.symlink(folder, folder / "itself")
    assert cli("check", str(folder)) == 1
    captured = capsys.readouterr()
    assert "loop-a.txt: cannot read (Too many levels of symbolic links)" in captured.err  # problems on stderr
    _no_traceback(captured.err)
    assert cli("import", str(folder)) == 1
    err = capsys.readouterr().err
    assert "loop-a.txt" in err
    assert "nothing was imported" in err
    _no_traceback(err)


def test_an_argument_that_is_not_utf8(cli: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("show", os.fsdecode(b"Way\xffmo")) == 2
    err = capsys.readouterr().err
    assert "the TITLE argument is not valid UTF-8 text" in err
    _no_traceback(err)


def test_check_on_an_empty_folder_fails(
    cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    assert cli("check", str(tmp_path / "empty")) == 1
    assert "no record files (*.txt)" in capsys.readouterr().err


def test_import_reports_every_bad_file(
    cli: Callable[..., int], make_topic: Callable[..., Topic], records_dir: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = records_dir(make_topic("Fusion Power"), make_topic("Solar Panels"), make_topic("Wind Power"))
    (folder / "000.txt").write_bytes(b"Only a title")
    (folder / "002.txt").write_bytes((folder / "002.txt").read_bytes().replace(b"\nTopic\n", b"\nTopics\n"))
    assert cli("import", str(folder)) == 1
    err = capsys.readouterr().err
    assert "000.txt: line 2" in err
    assert "002.txt: line 3: expected 'Topic', found 'Topics'" in err
    assert "nothing was imported (2 problems)" in err
    assert cli("list") == 0
    assert capsys.readouterr().out == ""


def test_counts_are_grammatical(
    cli: Callable[..., int], make_topic: Callable[..., Topic], records_dir: Callable[..., Path],
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    folder = records_dir(make_topic("Fusion Power"))
    assert cli("import", str(folder), "--dry-run") == 0
    assert "would add 1 topic, change 0 topics; 0 unchanged" in capsys.readouterr().out
    assert cli("import", str(folder)) == 0
    assert "added 1 topic, changed 0 topics; 0 unchanged" in capsys.readouterr().out
    assert cli("export", str(tmp_path / "out")) == 0
    assert f"exported 1 topic to {tmp_path / 'out'}" in capsys.readouterr().out
    assert cli("check", str(folder)) == 0
    assert "1 of 1 record ok" in capsys.readouterr().out


def test_export_into_an_earlier_export_removes_the_files_of_removed_topics(
    cli: Callable[..., int], make_topic: Callable[..., Topic], records_dir: Callable[..., Path],
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    assert cli("import", str(records_dir(make_topic("Fusion Power"), make_topic("Solar Panels")))) == 0
    out = tmp_path / "out"
    assert cli("export", str(out)) == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert cli("remove", "Solar Panels") == 0
    capsys.readouterr()
    assert cli("export", str(out)) == 0
    assert "removed 1 file of topics that no longer exist" in capsys.readouterr().out
    assert sorted(p.name for p in out.glob("*.txt")) == ["fusion-power.txt", "notes.txt"]


def test_show_accepts_an_alias_and_diff_names_the_versions_there_are(
    cli: Callable[..., int], make_topic: Callable[..., Topic], records_dir: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    topic = make_topic("Small Modular Reactors", description="Small modular reactors (SMRs) are compact.")
    assert cli("import", str(records_dir(topic))) == 0
    assert cli("edit", "Small Modular Reactors", "--add-alias", "mini reactors") == 0
    capsys.readouterr()
    assert cli("show", "smrs") == 0
    assert capsys.readouterr().out.startswith("Small Modular Reactors\n")
    assert cli("show", "MINI REACTORS") == 0
    assert capsys.readouterr().out.startswith("Small Modular Reactors\n")
    assert cli("diff", "Small Modular Reactors", "1", "99") == 1
    err = capsys.readouterr().err
    assert "'Small Modular Reactors' has no version 99 (it has versions 1 to 2)" in err


def test_a_fresh_install_sees_the_shipped_topics_in_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the default store, in this test's folder
    monkeypatch.delenv("TOPICBOT_DATABASE_URL", raising=False)
    assert main(["show", "Waymo"]) == 0
    assert capsys.readouterr().out.startswith("Waymo\n")
    assert main(["list"]) == 0
    assert "Waymo" in capsys.readouterr().out.splitlines()


def test_item_8_only_the_default_store_gets_the_samples_and_only_for_a_reading_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 23, item 8: a moderator importing their own records into a new store of their own (or as
    the first command on the default store) gets only their records."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("TOPICBOT_DATABASE_URL", raising=False)
    own = tmp_path / "own"
    own.mkdir()
    shutil.copy(RECORDS / "011_starlink.txt", own / "starlink.txt")
    url = f"sqlite+aiosqlite:///{tmp_path / 'mine.db'}"
    assert main(["--database-url", url, "import", str(own)]) == 0
    assert main(["--database-url", url, "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1:] == ["Starlink"]
    assert main(["import", str(own)]) == 0  # the default store, written first: no samples
    assert main(["list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1:] == ["Starlink"]
    assert main(["--database-url", f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}", "list"]) == 0
    assert capsys.readouterr().out.strip() == ""  # read, but a store of the user's own: not filled


def test_cli_answers_are_plain_text_with_cli_hints(
    cli: Callable[..., int], make_topic: Callable[..., Topic], records_dir: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli("import", str(records_dir(make_topic("Fusion Power")))) == 0
    capsys.readouterr()
    assert cli("ask", "fusion power") == 0
    out = capsys.readouterr().out
    assert out.startswith("Fusion Power\n")
    assert "**" not in out
    assert cli("ask", "xyzzy plugh") == 0
    out = capsys.readouterr().out
    assert "`topicbot list`" in out or "topicbot list" in out
    assert "/topic" not in out
    assert cli("ask", "--json", "fusion power") == 0
    assert json.loads(capsys.readouterr().out)["text"].startswith("**Fusion Power**")


def test_version_and_help_text(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("topicbot ")
    for command in ("list", "show", "import", "export", "check"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = capsys.readouterr().out
        description = out.split("\n\n")[1]
        assert len(description) > 30, (command, out)


def test_cli_answers_name_related_topics(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the default store, filled with the samples
    url = f"sqlite+aiosqlite:///{tmp_path / 'topicbot' / 'topicbot.db'}"
    assert main(["--database-url", url, "ask", "tell me about waymo"]) == 0
    lines = capsys.readouterr().out.splitlines()
    see_also = [line for line in lines if line.startswith("See also: ")]
    assert len(see_also) == 1 and "Robotaxis" in see_also[0]
    assert main(["--database-url", url, "ask", "--json", "tell me about waymo"]) == 0
    assert "Robotaxis" in json.loads(capsys.readouterr().out)["related"]
    assert main(["--database-url", url, "ask", "good morning"]) == 0
    assert "See also" not in capsys.readouterr().out
