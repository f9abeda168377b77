"""The moderator CLI (``edit``, ``history``, ``diff``, ``revert``, ``remove``) on a temporary SQLite store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.model import Topic

Cli = Callable[..., int]




@pytest.fixture
def stored(cli: Cli, make_topic: Callable[..., Topic], records_dir: Callable[..., Path],
           capsys: pytest.CaptureFixture[str]) -> str:
    """A store holding one topic, "Fusion Power", at version 1."""
    assert cli("import", str(records_dir(make_topic("Fusion Power")))) == 0
    capsys.readouterr()
    return "Fusion Power"


def test_edit_without_options_shows_the_version_and_numbered_parts(
    cli: Cli, stored: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("edit", "fusion power") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Fusion Power (version 1)"
    assert "  1. 2024-01-15: First test result published. (source: Wikipedia)" in out
    assert "  1. An overview page <https://example.org/overview>" in out


def test_edit_applies_every_option_as_one_revision(
    cli: Cli, stored: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli(
        "edit", stored,
        "--set-summary", "A new summary.",
        "--set-attribute", "Status=Operational",
        "--set-attribute", "Budget=Unknown",
        "--remove-attribute", "Lead Lab",
        "--remove-event", "2",
        "--add-event", "2025-02-02|Ministry|Pilot plant approved.",
        "--add-alias", "FP",
        "--author", "alice",
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("alice edited Fusion Power (version 2)\n")
    assert "~ Status: \u201cExperimental\u201d \u2192 \u201cOperational\u201d" in out
    assert "+ Budget: Unknown" in out
    assert "- Lead Lab: Test Lab One" in out
    assert "+ 2025-02-02: Pilot plant approved. (source: Ministry)" in out
    assert "- 2024-07-01: A follow-up without a named source." in out
    assert "+ FP" in out

    assert cli("history", stored) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [["1", "add"], ["2", "edit"]]
    assert lines[1].split()[3] == "alice"


def test_edit_with_a_stale_version_is_refused_and_shows_what_changed(
    cli: Cli, stored: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("edit", stored, "--set-summary", "First.", "--author", "bob", "--expect-version", "1") == 0
    capsys.readouterr()
    assert cli("edit", stored, "--set-summary", "Second.", "--author", "carol", "--expect-version", "1") == 1
    err = capsys.readouterr().err
    assert "was changed by bob at " in err
    assert "Changes since your version:" in err
    assert "\u2192 \u201cFirst.\u201d" in err
    assert cli("history", stored) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_a_bad_edit_changes_nothing_and_says_why(cli: Cli, stored: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("edit", stored, "--set-summary", "Fine.", "--remove-event", "9") == 1
    assert "no timeline event number 9 (it has 1 to 2)" in capsys.readouterr().err
    assert cli("history", stored) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_malformed_option_values_are_usage_errors(cli: Cli, stored: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli("edit", stored, "--add-event", "yesterday|x|Something.")
    assert exited.value.code == 2
    assert "expected a date like 2025-01-31" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli("edit", stored, "--set-attribute", "no equals sign")


def test_diff_revert_and_remove_round_trip(cli: Cli, stored: str, capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    export = tmp_path / "before"
    assert cli("export", str(export)) == 0
    assert cli("edit", stored, "--remove-attribute", "Status", "--add-alias", "FP") == 0
    capsys.readouterr()

    assert cli("diff", stored, "1", "2") == 0
    out = capsys.readouterr().out
    assert out.startswith("version 1 \u2192 2\nFusion Power\n")
    assert "- Status: Experimental" in out

    assert cli("revert", stored, "1", "--author", "carol") == 0
    assert capsys.readouterr().out.startswith("carol reverted Fusion Power to version 1 (now version 3)")
    after = tmp_path / "after"
    assert cli("export", str(after)) == 0
    [before_file] = export.glob("*.txt")
    assert (after / before_file.name).read_bytes() == before_file.read_bytes()

    assert cli("remove", stored, "--expect-version", "3") == 0
    assert "undo with: topicbot revert 'Fusion Power' 3" in capsys.readouterr().out
    assert cli("list") == 0
    assert capsys.readouterr().out == ""
    assert cli("revert", stored, "3") == 0
    assert cli("list") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Fusion Power"
    assert cli("history", stored) == 0
    actions = [line.split()[1] for line in capsys.readouterr().out.splitlines()]
    assert actions == ["add", "edit", "revert", "remove", "revert"]


def test_unknown_topic_fails_with_suggestions(cli: Cli, stored: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("edit", "Fusion Powr", "--set-summary", "x") == 1
    assert "closest: Fusion Power" in capsys.readouterr().err


def test_hide_and_unhide_a_shared_topic_in_one_guild(
    cli: Cli, stored: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("hide", "fusion power", "--guild", "42", "--author", "alice") == 0
    assert capsys.readouterr().out.strip() == "alice hid **Fusion Power** in guild 42"
    assert cli("unhide", stored, "--guild", "42") == 0
    assert capsys.readouterr().out.strip() == "cli unhid **Fusion Power** in guild 42"


def test_hide_needs_a_guild(cli: Cli, stored: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli("hide", stored)
    assert exited.value.code == 2
    assert "--guild" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["--shard-ids", "0,1"], "--shard-ids needs --shard-count"),
    (["--shard-ids", "0,4", "--shard-count", "4"], "must be below --shard-count 4"),
    (["--shard-count", "0"], "--shard-count must be 1 or more"),
])
def test_run_refuses_impossible_shards_in_one_line(
    cli: Cli, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert cli("run", *args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
