"""The training-only records, questions and chat lines for learned decisions (issue 20).

``benchmarks/data/decisions/records/`` holds topics written for training only, in look-alike groups;
``records.questions.jsonl`` labels questions about them and ``chat.extra.txt`` holds more chat lines.
Every record parses, round-trips byte for byte and fits the default limits; every label is valid
against those records; ids are unique; and no question or chat line appears in a held-out file
(compared after case, punctuation and spacing are normalised, as ``test_decision_data`` does).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.core.record_format import format_record, parse_record
from bot.core.record_limits import DEFAULT_LIMITS, check_record_limits
from tests.unit.test_decision_data import (
    OWN,
    ROOT,
    TESTS_DATA,
    TRAIN_CHAT,
    TRAIN_QUESTIONS,
    label_problems,
    labels,
    normalised,
    records,
)

RECORDS = OWN / "records"
RECORD_PATHS = sorted(RECORDS.glob("*.txt"))
QUESTIONS = OWN / "records.questions.jsonl"
CHAT = OWN / "chat.extra.txt"
HELD_OUT = (TESTS_DATA / "questions.heldout.jsonl", TESTS_DATA / "questions.blind.jsonl")


def held_out_lines() -> set[str]:
    return {normalised(label["q"]) for path in HELD_OUT for label in labels(path)}


def chat_lines() -> list[str]:
    return CHAT.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("path", RECORD_PATHS, ids=lambda p: p.name)
def test_record_parses_round_trips_and_fits_the_limits(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    topic = parse_record(text)
    assert format_record(topic) == text
    assert check_record_limits(topic, DEFAULT_LIMITS) == []
    assert 4 <= len(topic.attributes) <= 8
    assert 3 <= len(topic.timeline) <= 6 and all(event.source for event in topic.timeline)
    assert topic.background and 2 <= len(topic.web_results) <= 4


def test_the_records_are_new_topics() -> None:
    assert 20 <= len(RECORD_PATHS) <= 25
    titles = set(records(RECORDS))
    assert len(titles) == len(RECORD_PATHS)
    project = set(records(TESTS_DATA / "records")) | set(records(ROOT / "knowledge"))
    assert titles.isdisjoint(project)


def test_every_label_is_valid_against_the_new_records() -> None:
    topics = records(RECORDS)
    problems = {label["id"]: p for label in labels(QUESTIONS) if (p := label_problems(label, topics))}
    assert problems == {}


def test_ids_are_numbered_and_questions_unique() -> None:
    questions = labels(QUESTIONS)
    assert [label["id"] for label in questions] == [f"r{number:04d}" for number in range(1, len(questions) + 1)]
    assert len({normalised(label["q"]) for label in questions}) == len(questions)


def test_the_questions_have_the_mix_asked_for() -> None:
    questions = labels(QUESTIONS)
    intents = Counter(label["intent"] for label in questions)
    styles = Counter(label["style"] for label in questions)
    assert len(questions) >= 400
    assert intents["attribute"] >= 120 and styles["ambiguous"] >= 60 and intents["none"] >= 40
    assert all(intents[kind] for kind in ("summary", "timeline", "sources", "list"))
    assert any("year" in label for label in questions)
    assert all(styles[kind] for kind in ("exact", "typo", "alias", "paraphrase", "mention-noise"))
    asked_about = {label["topic"] for label in questions}
    asked_about |= {candidate for label in questions for candidate in label.get("candidates", [])}
    assert set(records(RECORDS)) <= asked_about


def test_the_chat_lines_are_new_lines() -> None:
    lines = chat_lines()
    assert len(lines) >= 500 and all(line.strip() and line == line.strip() for line in lines)
    keys = [normalised(line) for line in lines]
    assert all(keys) and len(set(keys)) == len(lines)
    earlier = {normalised(line) for line in TRAIN_CHAT.read_text(encoding="utf-8").splitlines()}
    earlier |= {normalised(label["q"]) for label in labels(TRAIN_QUESTIONS)}
    earlier |= {normalised(label["q"]) for label in labels(QUESTIONS)}
    assert sorted(set(keys) & earlier) == []


def test_no_new_line_is_in_a_held_out_file() -> None:
    held_out = held_out_lines()
    new = {normalised(label["q"]) for label in labels(QUESTIONS)} | {normalised(line) for line in chat_lines()}
    assert sorted(new & held_out) == []
