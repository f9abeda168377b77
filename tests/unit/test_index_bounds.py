"""What one topic contributes to the index is bounded, whatever its record holds (issue 22): a topic
with thousands of timeline events is matched by its names and the bounded part of its texts, a topic
with hundreds of attributes brings the decision step the names of its first ones only (and, with the
semantic signal, the lines of its first attributes and latest events only), and questions about other
topics rank and are answered as they were before it came."""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.core.answers import Answer
from bot.core.engine import Answerer, TopicIndex, learned_deciding
from bot.core.engine.ranking import TopicHead
from bot.core.engine.topic_documents import (
    MAX_FIELD_CHARS,
    MAX_HEAD_ATTRIBUTES,
    MAX_INDEXED_CHARS,
    MAX_INDEXED_ITEMS,
    build_document,
)
from bot.core.engine.topic_lines import MAX_LINE_ATTRIBUTES, MAX_LINE_EVENTS, candidate_lines, line_texts
from bot.core.model import Attribute, TimelineEvent, Topic
from bot.core.record_format import parse_record

RECORDS = Path(__file__).resolve().parents[1] / "data" / "records"
QUESTIONS = ("who runs waymo", "bitcoin price", "starship launch", "fusion ignition", "what is a stablecoin")


def _records() -> list[Topic]:
    return [parse_record(p.read_text(encoding="utf-8")) for p in sorted(RECORDS.glob("*.txt"))]


def _made_up_word(n: int) -> str:
    """A distinct invented word for each ``n`` (four letters of its own, then "qzb"): in no record and
    no dictionary, and no two share the first five letters (the index's prefix key)."""
    letters = string.ascii_lowercase
    return "".join(letters[(n // 26 ** i) % 26] for i in range(4)) + "qzb"


def _huge(events: int) -> Topic:
    base = next(t for t in _records() if t.title == "Quantum Computing")
    start = date(2001, 1, 1)
    timeline = tuple(TimelineEvent(f"Lab note {_made_up_word(i)} filed.", start + timedelta(days=i))
                     for i in range(events))
    return replace(base, title="Ledger Of Everything", aliases=(), description="A log kept of every lab note.",
                   timeline=timeline)


def test_a_huge_timeline_is_indexed_by_its_first_and_latest_events() -> None:
    topic = _huge(5_000)
    evidence = build_document(topic).evidence
    indexed = [i for i in range(5_000) if _made_up_word(i) in evidence]
    half = MAX_INDEXED_ITEMS // 2
    assert indexed == [*range(half), *range(5_000 - half, 5_000)]


def test_texts_are_cut_and_each_field_is_bounded() -> None:
    words = [_made_up_word(i) for i in range(4_000)]
    long_summary = " ".join(words)
    topic = replace(_huge(0), summary=long_summary)
    evidence = build_document(topic).evidence
    assert words[0] in evidence
    assert words[-1] not in evidence  # past MAX_INDEXED_CHARS of the summary
    assert len(long_summary) > MAX_INDEXED_CHARS
    many = replace(_huge(MAX_INDEXED_ITEMS), timeline=tuple(
        TimelineEvent(" ".join(words[i * 100:(i + 1) * 100]), date(2020, 1, 1)) for i in range(40)))
    indexed = build_document(many).evidence
    kept = [w for w in words if w in indexed]
    assert 0 < len(" ".join(kept)) <= MAX_FIELD_CHARS


def test_a_huge_topic_leaves_other_questions_as_they_were() -> None:
    index = TopicIndex((t, None) for t in _records())
    before = {q: [s.title for s in index.rank(q, limit=3)] for q in QUESTIONS}
    huge = _huge(20_000)
    index.upsert(huge)
    after = {q: [s.title for s in index.rank(q, limit=4) if s.title != huge.title][:3] for q in QUESTIONS}
    assert after == before
    assert huge.title not in {s.title for s in index.rank(_made_up_word(10_000))}  # not indexed
    assert index.rank(_made_up_word(19_999))[0].title == huge.title  # the latest event is
    assert index.get("Ledger Of Everything") is not None
    assert len(index.get("Ledger Of Everything").timeline) == 20_000  # type: ignore[union-attr]  # kept whole


def _gist(answer: Answer) -> tuple[object, ...]:
    return (answer.intent, answer.topic.title if answer.topic else None,
            answer.attribute.name if answer.attribute else None, answer.candidates, answer.suggestions)


def test_a_candidate_with_hundreds_of_attributes_brings_the_decision_step_only_the_first_names(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A record of 499 attributes whose texts hold every question's words is a candidate for questions
    about other topics; the decision step matches only ``MAX_HEAD_ATTRIBUTES`` of its attribute names
    against each (not all 499), and those questions are answered as before it came."""
    index = TopicIndex((t, None) for t in _records())
    answerer = Answerer(index)
    before = {q: _gist(answerer.answer(q)) for q in QUESTIONS}
    said = " ".join(QUESTIONS)
    attributes = tuple(Attribute(f"Measure {_made_up_word(i)}", f"Noted for {said}.") for i in range(499))
    huge = replace(_huge(0), attributes=attributes, summary=f"Every note on {said}.")
    index.upsert(huge)
    slot = index._slot_of[(None, huge.title.casefold())]
    assert index.head_at(slot) == TopicHead.of(huge)
    assert index.head_at(slot).attribute_names == tuple(a.name for a in attributes[:MAX_HEAD_ATTRIBUTES])
    assert index.get(huge.title).attributes == attributes  # type: ignore[union-attr]  # the record is kept whole
    weighed: dict[str, int] = {}
    asks = learned_deciding.asks_attribute

    def counting(words: object, title: str, aliases: tuple[str, ...], names: tuple[str, ...], cues: object) -> float:
        weighed[title] = max(weighed.get(title, 0), len(names))
        return asks(words, title, aliases, names, cues)  # type: ignore[arg-type]

    monkeypatch.setattr(learned_deciding, "asks_attribute", counting)
    after = {q: _gist(answerer.answer(q)) for q in QUESTIONS}
    assert after == before
    assert weighed[huge.title] == MAX_HEAD_ATTRIBUTES  # a candidate, weighed by its first names only
    assert max(weighed.values()) == MAX_HEAD_ATTRIBUTES


def test_a_candidate_brings_the_semantic_features_its_first_attributes_and_latest_events_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With the semantic signal, a record of 499 attributes and 5,000 events that is a candidate for
    questions about other topics has the lines of its first ``MAX_LINE_ATTRIBUTES`` attributes and
    latest ``MAX_LINE_EVENTS`` events embedded for each (not all 5,500), and those questions are
    answered as before it came."""
    pytest.importorskip("model2vec", reason="the semantic extra is not installed (pip install -e '.[semantic]')")
    from bot.core.semantic import MemoryVectorCache, SemanticIndex, load_embedder

    topics = _records()
    index = TopicIndex((t, None) for t in topics)
    semantic = SemanticIndex(load_embedder("bundled"), MemoryVectorCache())
    semantic.upsert_many((t, None) for t in topics)
    answerer = Answerer(index, semantic)
    before = {q: _gist(answerer.answer(q)) for q in QUESTIONS}
    said = " ".join(QUESTIONS)
    attributes = tuple(Attribute(f"Measure {_made_up_word(i)}", f"Noted for {said}.") for i in range(499))
    huge = replace(_huge(5_000), attributes=attributes, summary=f"Every note on {said}.")
    index.upsert(huge)
    semantic.upsert(huge)
    kept_attributes, kept_events = candidate_lines(huge)
    assert kept_attributes == attributes[:MAX_LINE_ATTRIBUTES]
    assert kept_events == huge.timeline[-MAX_LINE_EVENTS:]
    every_line = set(line_texts(huge))
    asked: list[list[str]] = []
    embed_lines = semantic.embed_lines

    def counting(texts: Sequence[str]) -> object:
        asked.append([t for t in texts if t in every_line])
        return embed_lines(texts)

    monkeypatch.setattr(semantic, "embed_lines", counting)
    for question in QUESTIONS:
        asked.clear()
        answer = answerer.answer(question)
        assert _gist(answer) == before[question]
        assert answer.topic is None or answer.topic.title != huge.title
        huge_lines = [t for call in asked for t in call]
        assert huge_lines, question  # a candidate of every question
        assert len(huge_lines) <= 1 + MAX_LINE_ATTRIBUTES + MAX_LINE_EVENTS
        assert set(huge_lines) == set(line_texts(huge, candidate=True))
    assert len(line_texts(huge, candidate=True)) == 1 + MAX_LINE_ATTRIBUTES + MAX_LINE_EVENTS < len(every_line)
