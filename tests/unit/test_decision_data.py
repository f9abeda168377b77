"""The labelled data for learned decisions (issue 20): the blind test set and the training files.

Every line parses, every labelled topic, attribute and candidate exists in the records it names,
ids are unique, labels are consistent with their intent, and no question of the blind test set
appears in a training file (compared after case, punctuation and spacing are normalised).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.core.model import Topic
from bot.core.record_format import parse_record

ROOT = Path(__file__).resolve().parent.parent.parent
TESTS_DATA = ROOT / "tests" / "data"
BLIND = TESTS_DATA / "questions.blind.jsonl"
OWN = ROOT / "benchmarks" / "data" / "decisions"
TRAIN_QUESTIONS = OWN / "questions.train.jsonl"
TRAIN_CHAT = OWN / "chat.train.txt"

INTENTS = {"summary", "attribute", "timeline", "sources", "list", "none"}
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


def normalised(text: str) -> str:
    """Case, ASCII punctuation and runs of spaces removed; emoji and letters kept."""
    return " ".join(_PUNCTUATION.sub("", text.casefold()).split())


def records(folder: Path) -> dict[str, Topic]:
    topics = (parse_record(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.txt")))
    return {topic.title: topic for topic in topics}


def labels(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def label_problems(label: dict[str, Any], topics: dict[str, Topic]) -> list[str]:
    """What is wrong with one label against ``topics`` (empty when it is right)."""
    problems: list[str] = []
    if not {"q", "topic", "intent", "attribute", "style", "id"} <= set(label):
        return [f"missing fields: {sorted({'q', 'topic', 'intent', 'attribute', 'style', 'id'} - set(label))}"]
    if not isinstance(label["q"], str) or not label["q"].strip():
        problems.append("empty question")
    if label["intent"] not in INTENTS:
        problems.append(f"unknown intent {label['intent']!r}")
    topic = label["topic"]
    if topic is not None and topic not in topics:
        problems.append(f"unknown topic {topic!r}")
    if label["intent"] == "attribute":
        if topic is None or topic not in topics or topics[topic].attribute(str(label["attribute"])) is None:
            problems.append(f"attribute {label['attribute']!r} is not one of {topic!r}'s")
    elif label["attribute"] is not None:
        problems.append("attribute labelled on a question that does not ask for one")
    if label["intent"] == "none" and topic is not None:
        problems.append("no-answer label names a topic")
    if label["style"] == "ambiguous" and (topic is not None or len(label.get("candidates", [])) < 2):
        problems.append("ambiguous label needs topic null and two or more candidates")
    unknown = [c for c in label.get("candidates", []) if c not in topics]
    if unknown:
        problems.append(f"unknown candidates {unknown}")
    if "year" in label and (label["intent"] != "timeline" or str(label["year"]) not in label["q"]):
        problems.append("year labelled on a question that is not a timeline question naming it")
    return problems


@pytest.mark.parametrize(("path", "folder"), [(BLIND, TESTS_DATA / "records"), (TRAIN_QUESTIONS, ROOT / "knowledge")],
                         ids=["blind", "train"])
def test_every_label_exists_in_its_records(path: Path, folder: Path) -> None:
    topics = records(folder)
    problems = {label["id"]: label_problems(label, topics) for label in labels(path)}
    assert {key: value for key, value in problems.items() if value} == {}


@pytest.mark.parametrize("path", [BLIND, TRAIN_QUESTIONS], ids=["blind", "train"])
def test_ids_are_unique(path: Path) -> None:
    ids = [label["id"] for label in labels(path)]
    assert len(ids) == len(set(ids))


def test_the_blind_set_has_what_issue_20_asks_for() -> None:
    blind = labels(BLIND)
    questions = [label for label in blind if label["intent"] != "none"]
    chat = [label for label in blind if label["intent"] == "none"]
    assert len(questions) >= 160 and len(chat) >= 160
    assert sum(label["intent"] == "attribute" for label in questions) >= 40
    for kind in ("timeline", "sources", "list"):
        assert any(label["intent"] == kind for label in questions), kind
    assert any("year" in label for label in questions)
    assert any(label["style"] == "ambiguous" for label in questions)
    assert any(label["q"].startswith("<@") for label in questions)
    assert all(label["id"] == f"b{number:04d}" for number, label in enumerate(blind, 1))


def test_the_chat_lines_are_lines() -> None:
    lines = TRAIN_CHAT.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 800 and all(line.strip() and line == line.strip() for line in lines)
    assert len({normalised(line) for line in lines}) == len(lines)
    assert len(labels(TRAIN_QUESTIONS)) >= 200


def test_no_blind_question_is_in_a_training_file() -> None:
    training = {normalised(label["q"]) for label in labels(TRAIN_QUESTIONS)}
    training |= {normalised(line) for line in TRAIN_CHAT.read_text(encoding="utf-8").splitlines()}
    assert sorted(q for label in labels(BLIND) if (q := normalised(label["q"])) in training) == []


def test_normalising_keeps_emoji_and_drops_punctuation() -> None:
    assert normalised("  What's UP?!  ") == "whats up"
    assert normalised("😂😂") != normalised("🙏")


@pytest.mark.parametrize("folder", [TESTS_DATA / "records", ROOT / "knowledge"], ids=["tests-records", "knowledge"])
def test_generated_questions_are_labelled_against_their_records(folder: Path, tmp_path: Path) -> None:
    from benchmarks import generate_decision_questions

    out = tmp_path / "generated.jsonl"
    generate_decision_questions.main([str(folder), "--out", str(out)])
    generated = labels(out)
    topics = records(folder)
    assert {label["id"]: p for label in generated if (p := label_problems(label, topics))} == {}
    assert len({label["id"] for label in generated}) == len(generated)
    kinds = {label["intent"] for label in generated}
    assert kinds == INTENTS
    ambiguous = [label for label in generated if label["style"] == "ambiguous"]
    assert {frozenset(label["candidates"]) for label in ambiguous} >= {frozenset({"Tesla Robotaxi", "Robotaxis"}),
                                                                        frozenset({"CHIPS Act", "EU AI Act"})}
    again = tmp_path / "again.jsonl"
    generate_decision_questions.main([str(folder), "--out", str(again)])
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_the_generator_names_a_missing_folder_and_a_bad_record(tmp_path: Path) -> None:
    from benchmarks import generate_decision_questions

    with pytest.raises(SystemExit, match="not a folder of record files"):
        generate_decision_questions.main([str(tmp_path / "missing"), "--out", str(tmp_path / "out.jsonl")])
    (tmp_path / "bad.txt").write_text("Title\n\nnot a record", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"bad\.txt: line 3"):
        generate_decision_questions.main([str(tmp_path), "--out", str(tmp_path / "out.jsonl")])
    assert not (tmp_path / "out.jsonl").exists()


def test_misspelt_names_are_one_slip_away_and_leave_the_other_questions_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each generated misspelling is one edit (a letter dropped, doubled or replaced, two swapped) from
    the title; a short name gets none; and the other generated questions are the same whether or not
    misspellings are made (they draw on their own seeded generator)."""
    import random

    from rapidfuzz.distance import OSA, Levenshtein

    from benchmarks import generate_decision_questions
    from benchmarks.generate_decision_questions import MISSPELT_STYLE, _misspellings, generate

    for name in ("bater satellite", "nuclear fusion", "tesla robotaxi"):
        slips = _misspellings(name, random.Random(name))
        assert slips and all(OSA.distance(name, s) == 1 and s != name for s in slips)
        assert Levenshtein.distance(name, slips[0]) == 1  # the first leaves a letter out
    assert _misspellings("doge", random.Random(0)) == []
    topic = parse_record(next((Path(__file__).parent.parent / "data" / "records").glob("*.txt")).read_text())
    rows = list(generate(topic, random.Random(7)))
    assert any(r["style"] == MISSPELT_STYLE and r["topic"] == topic.title for r in rows)
    rest = [r for r in rows if r["style"] != MISSPELT_STYLE]
    monkeypatch.setattr(generate_decision_questions, "_misspellings", lambda name, rng: [])
    assert rest == list(generate(topic, random.Random(7)))


def test_a_value_word_said_alone_asks_for_the_summary_of_the_one_record_writing_it() -> None:
    """Each value-alone question says one word of an attribute's value of its record, a word that no
    other record writes and that is no everyday English word; it asks for that record's summary; and
    the questions are the same on every run."""
    from benchmarks.generate_decision_questions import _all_words, generate_value_names
    from bot.core.engine import english

    topics = list(records(TESTS_DATA / "records").values())
    rows = list(generate_value_names(topics))
    assert rows and rows == list(generate_value_names(topics))
    by_title = {topic.title: topic for topic in topics}
    for row in rows:
        assert row["intent"] == "summary" and row["attribute"] is None
        topic = by_title[row["topic"]]
        values = " ".join(a.value for a in topic.attributes).casefold()
        said = [w for w in re.findall(r"[\w-]+", row["q"].casefold()) if w in values and english.rank(w) is None]
        assert said, row
        assert not any(said[0] in _all_words(other) for other in topics if other is not topic), row
    assert max(sum(r["topic"] == t for r in rows) for t in by_title) <= 2
