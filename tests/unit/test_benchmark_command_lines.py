"""A mistake in a benchmark's command line is one line on stderr and exit status 2, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import accuracy, cli_batch, train_decisions

RECORDS = Path(__file__).resolve().parent.parent / "data" / "records"


def _one_line(capsys: pytest.CaptureFixture[str], *names: str) -> None:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert all(name in err[0] for name in names)


def test_accuracy_names_the_missing_records_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert accuracy.main(["--eval", str(tmp_path / "nowhere")]) == 2
    _one_line(capsys, "nowhere", "--knowledge")


def test_accuracy_names_the_missing_questions_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert accuracy.main(["--knowledge", str(RECORDS), "--questions", str(tmp_path / "none.jsonl")]) == 2
    _one_line(capsys, "none.jsonl", "--questions")


def test_training_will_not_write_into_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "weights"
    taken.write_text("", encoding="utf-8")
    assert train_decisions.main(["--out", str(taken), "--quiet"]) == 2
    _one_line(capsys, "--out", "not a folder")


def test_training_wants_a_chat_budget_between_0_and_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert train_decisions.main(["--out", str(tmp_path), "--chat-budget", "5", "--quiet"]) == 2
    _one_line(capsys, "--chat-budget")
    assert not list(tmp_path.iterdir())


def test_cli_batch_names_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = ["--database-url", f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"]
    assert cli_batch.main([*url, "--questions", str(tmp_path / "none.jsonl")]) == 2
    _one_line(capsys, "--questions", "none.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert cli_batch.main([*url, "--questions", str(empty)]) == 2
    _one_line(capsys, "no questions")
    assert cli_batch.main([*url, "--questions", str(empty), "--topicbot", str(tmp_path / "topicbot")]) == 2
    _one_line(capsys, "--topicbot")
    assert cli_batch.main([*url, "--questions", str(empty), "--runs", "0"]) == 2
    _one_line(capsys, "--runs")
