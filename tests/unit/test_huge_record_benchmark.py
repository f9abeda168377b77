"""``benchmarks.huge_record`` on the project's own records, so it cannot rot (figures are printed,
never asserted as timings)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from benchmarks import huge_record
from bot.core.record_format import format_record, parse_record
from bot.core.record_limits import DEFAULT_LIMITS, check_record_limits

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "topics").mkdir()
    for record in sorted((DATA / "records").glob("*.txt")):
        shutil.copy(record, folder / "topics" / record.name)
    shutil.copy(DATA / "questions.jsonl", folder / "questions.jsonl")
    return folder


def test_the_record_is_just_under_every_limit() -> None:
    base = parse_record(next((DATA / "records").glob("*.txt")).read_text(encoding="utf-8"))
    huge = huge_record.huge_topic(["harbour", "lantern", "copper", "orchard"], base, random.Random(1))
    assert check_record_limits(huge, DEFAULT_LIMITS) == []
    assert len(huge.timeline) == DEFAULT_LIMITS.timeline_events - 1
    assert len(huge.attributes) == DEFAULT_LIMITS.attributes - 1
    assert len(huge.web_results) == DEFAULT_LIMITS.web_results - 1
    assert len(format_record(huge).encode()) > DEFAULT_LIMITS.record_bytes // 2


def test_prints_the_figures_before_and_after(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert huge_record.main(["--corpus", str(corpus), "--n", "17", "--max-questions", "20", "--rounds", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith("plain scan: mean") for line in out)
    rows = [line for line in out if line.startswith("| answer_") or line.startswith("| reply_")]
    assert len(rows) == 6


def test_prints_the_figures_with_the_semantic_signal(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("model2vec", reason="the semantic extra is not installed (pip install -e '.[semantic]')")
    assert huge_record.main(["--corpus", str(corpus), "--n", "17", "--max-questions", "10", "--rounds", "1",
                             "--semantic"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len([line for line in out if line.startswith("| answer_") or line.startswith("| reply_")]) == 6


def test_a_missing_corpus_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert huge_record.main(["--corpus", str(tmp_path / "nowhere")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
