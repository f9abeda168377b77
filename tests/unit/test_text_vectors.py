"""The remembered text vectors (``bot.core.semantic.text_vectors``) and the topic lines' cosines
(``bot.core.engine.topic_lines``): the same cosines as embedding and multiplying each line alone,
a bounded memory, and no stale vector for an edited topic."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bot.core.engine import TopicIndex
from bot.core.engine.answering import QuestionMeaning
from bot.core.engine.features import Meaning
from bot.core.engine.reading import read
from bot.core.engine.topic_lines import cosines
from bot.core.model import Attribute, TimelineEvent, Topic
from bot.core.record_format import parse_record
from bot.core.semantic import MemoryVectorCache, SemanticIndex
from bot.core.semantic.embedders import unit_rows
from bot.core.semantic.text_vectors import TextVectors
from tests.unit.answer_fixtures import make_topic, sample_topics

RECORDS = Path(__file__).resolve().parents[1] / "data" / "records"
DIMENSIONS = 32


class HashEmbedder:
    """Unit vectors drawn from a generator seeded by each text (an empty text: zeros); counts what it embeds."""

    model_id = "hash"
    dimensions = DIMENSIONS

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> Any:
        self.calls.append(list(texts))
        rows = [np.random.default_rng(int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "big"))
                .standard_normal(DIMENSIONS).astype(np.float32) if t.strip() else np.zeros(DIMENSIONS, np.float32)
                for t in texts]
        return unit_rows(np.stack(rows) if rows else np.zeros((0, DIMENSIONS), np.float32))

    @property
    def embedded(self) -> list[str]:
        return [text for call in self.calls for text in call]


class PlainMeaning:
    """The answer path's cosines as they were computed before ``topic_lines``: every line embedded
    alone and multiplied with the question one at a time."""

    def __init__(self, semantic: SemanticIndex, embedder: Any, question: str) -> None:
        self._semantic = semantic
        self._embedder = embedder
        self._question = self._embed(question)

    def _embed(self, text: str) -> Any:
        return self._embedder.embed([text])[0]

    def _cosine(self, text: str) -> float:
        return float(self._embed(text) @ self._question) if text.strip() else 0.0

    def _cosines(self, rest: str, texts: Sequence[str]) -> list[float]:
        if not rest.strip():
            return [0.0] * len(texts)
        asked = self._embed(rest)
        return [float(self._embed(t) @ asked) if t.strip() else 0.0 for t in texts]

    def closeness(self, topic: Topic) -> Meaning:
        vector = self._semantic.vector(topic.title)
        whole = float(vector @ self._question) if vector is not None else 0.0
        parts = [self._cosine(f"{a.name}: {a.value}") for a in topic.attributes]
        parts += [self._cosine(e.text) for e in topic.timeline]
        return Meaning(whole, self._cosine(topic.title), max(parts, default=0.0))

    def attribute_cosines(self, topic: Topic, rest: str) -> list[tuple[float, float, float, float]]:
        lines = [f"{a.name}: {a.value}" for a in topic.attributes]
        beside_line = self._cosines(rest, lines)
        beside_value = self._cosines(rest, [a.value for a in topic.attributes])
        return [(self._cosine(line), self._cosine(a.name), by_line, by_value)
                for line, a, by_line, by_value in zip(lines, topic.attributes, beside_line, beside_value, strict=True)]

    def intent_cosines(self, topic: Topic, rest: str) -> tuple[float, ...]:
        lines = [f"{a.name}: {a.value}" for a in topic.attributes]
        events = [e.text for e in topic.timeline]
        return (max((self._cosine(t) for t in lines), default=0.0), max((self._cosine(t) for t in events), default=0.0),
                self._cosine(topic.summary), max(self._cosines(rest, lines), default=0.0),
                max(self._cosines(rest, events), default=0.0),
                *self._cosines(rest, [topic.summary, topic.description]))


def _same_as_plain(embedder: Any, topics: list[Topic], questions: Sequence[str], rests: Sequence[str],
                   remembered: int = 8192) -> None:
    """Every cosine ``QuestionMeaning`` gives is the plain per-line one, to the last bit."""
    index = TopicIndex((topic, None) for topic in topics)
    semantic = SemanticIndex(embedder, MemoryVectorCache(), remembered_texts=remembered)
    semantic.upsert_many((topic, None) for topic in topics)
    for question in questions:
        meaning = QuestionMeaning(semantic, index, read(question), None)
        plain = PlainMeaning(semantic, embedder, read(question).text)
        assert meaning.closeness(topics) == [plain.closeness(topic) for topic in topics]
        for topic in topics:
            for rest in rests:
                assert meaning.attribute_cosines(topic, rest) == plain.attribute_cosines(topic, rest)
                assert meaning.intent_cosines(topic, rest) == plain.intent_cosines(topic, rest)


# -- the cosines -------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 40), st.integers(1, 400), st.integers(0, 2**32 - 1))
def test_cosines_are_each_rows_own_dot_product_to_the_last_bit(rows: int, dimensions: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    vectors = unit_rows(rng.standard_normal((rows, dimensions)).astype(np.float32))
    vector = unit_rows(rng.standard_normal(dimensions).astype(np.float32))[0]
    texts = [f"line {i}" for i in range(rows)]
    assert cosines(texts, vectors, vector) == [float(vectors[i] @ vector) for i in range(rows)]


@settings(max_examples=100, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 12), st.integers(1, 300)), elements=st.floats(-1, 1, width=32)),
       st.data())
def test_cosines_of_any_rows_are_their_own_dot_products(vectors: Any, data: st.DataObject) -> None:
    """Spiky rows, zeros and repeated components (what hypothesis likes to try) included."""
    vector = data.draw(arrays(np.float32, vectors.shape[1], elements=st.floats(-1, 1, width=32)))
    texts = data.draw(st.lists(st.sampled_from(["a line", "", "  "]), min_size=len(vectors), max_size=len(vectors)))
    expected = [float(vectors[i] @ vector) if text.strip() else 0.0 for i, text in enumerate(texts)]
    assert cosines(texts, vectors, vector) == expected


def test_no_vector_or_no_text_gives_zeros() -> None:
    vectors = unit_rows(np.ones((2, 4), dtype=np.float32))
    assert cosines(["a", "b"], vectors, None) == [0.0, 0.0]
    assert cosines([], vectors[:0], vectors[0]) == []


_words = st.text(alphabet=st.sampled_from("abcdefgh "), min_size=0, max_size=12)


@st.composite
def _topics(draw: st.DrawFn) -> Topic:
    title = draw(st.text(alphabet=st.sampled_from("ABCDEFG"), min_size=1, max_size=6))
    attributes = draw(st.lists(st.builds(Attribute, _words.filter(str.strip), _words.filter(str.strip)), max_size=4))
    events = draw(st.lists(_words.filter(str.strip), max_size=4))
    timeline = tuple(TimelineEvent(text, date(2024, 1, 1 + i)) for i, text in enumerate(events))
    return make_topic(title, draw(_words) or "a thing", draw(_words), attributes=tuple(attributes), timeline=timeline)


@settings(max_examples=60, deadline=None)
@given(st.lists(_topics(), min_size=1, max_size=4, unique_by=lambda t: t.title.casefold()),
       st.lists(_words, min_size=1, max_size=3), st.lists(_words, min_size=1, max_size=3), st.integers(0, 30))
def test_question_meaning_gives_the_plain_per_line_cosines(topics: list[Topic], questions: list[str],
                                                           rests: list[str], remembered: int) -> None:
    """Any topics (shared lines, blank rests, a memory too small to hold one topic's lines included)."""
    _same_as_plain(HashEmbedder(), topics, [q or "x" for q in questions], rests, remembered)


def test_question_meaning_gives_the_plain_cosines_on_invented_topics() -> None:
    _same_as_plain(HashEmbedder(), sample_topics(), ["who runs it", "energy use of farms"], ["", "ceo", "founded"])


# -- the memory --------------------------------------------------------------------------------------


def test_a_group_is_embedded_in_one_call_and_remembered_text_by_text() -> None:
    embedder = HashEmbedder()
    texts = TextVectors(embedder, max_texts=10)
    first = texts.vectors(["a", "b", "a", "c"])
    assert embedder.calls == [["a", "b", "c"]]
    assert np.array_equal(first, HashEmbedder().embed(["a", "b", "a", "c"]))
    texts.vectors(["b", "d"])
    assert embedder.calls[-1] == ["d"]
    assert np.array_equal(texts.vector("c"), first[3]) and len(embedder.calls) == 2
    assert texts.vectors([]).shape == (0, DIMENSIONS)


def test_the_memory_holds_at_most_its_bound_and_drops_the_least_recently_used() -> None:
    embedder = HashEmbedder()
    texts = TextVectors(embedder, max_texts=3)
    texts.vectors(["a", "b", "c"])
    texts.vector("a")  # used again: "b" is now the oldest
    texts.vectors(["d"])
    assert len(texts) == 3 and "b" not in texts and all(t in texts for t in "acd")
    big = [f"line {i}" for i in range(20)]
    assert np.array_equal(texts.vectors(big), HashEmbedder().embed(big))
    assert len(texts) == 3
    none_kept = TextVectors(HashEmbedder(), max_texts=0)
    assert np.array_equal(none_kept.vectors(["a", "b"]), HashEmbedder().embed(["a", "b"])) and len(none_kept) == 0
    with pytest.raises(ValueError, match="max_texts"):
        TextVectors(embedder, max_texts=-1)


def test_a_remembered_vector_is_read_only_and_a_group_is_a_new_matrix() -> None:
    texts = TextVectors(HashEmbedder())
    vector = texts.vector("a")
    with pytest.raises(ValueError, match="read-only"):
        vector[0] = 2.0
    group = texts.vectors(["a", "b"])
    group[0, 0] = 2.0
    assert texts.vector("a")[0] != 2.0


def test_an_edited_topic_with_the_same_title_gets_the_vectors_of_its_new_lines() -> None:
    embedder = HashEmbedder()
    before = make_topic("Orbitnet", "Satellite broadband.", attributes=(Attribute("Monthly Price", "90 dollars"),),
                        timeline=(TimelineEvent("Orbitnet launches.", date(2024, 1, 1)),))
    after = replace(before, attributes=(Attribute("Monthly Price", "120 dollars"),),
                    timeline=(TimelineEvent("Orbitnet raises its price.", date(2025, 1, 1)),))
    semantic = SemanticIndex(embedder, MemoryVectorCache())
    semantic.upsert(before)
    index = TopicIndex([(before, None)])
    asked = QuestionMeaning(semantic, index, read("how much is orbitnet a month"), None)
    asked.closeness([before])
    semantic.upsert(after)
    index = TopicIndex([(after, None)])
    embedder.calls.clear()
    meaning = QuestionMeaning(semantic, index, read("how much is orbitnet a month"), None)
    got = meaning.closeness([after])
    assert set(embedder.embedded) == {"Monthly Price: 120 dollars", "Orbitnet raises its price."}
    plain = PlainMeaning(semantic, embedder, read("how much is orbitnet a month").text)
    assert got == [plain.closeness(after)]
    assert meaning.attribute_cosines(after, "a month") == plain.attribute_cosines(after, "a month")


# -- the bundled model -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> Any:
    pytest.importorskip("model2vec", reason="the semantic extra is not installed (pip install -e '.[semantic]')")
    from bot.core.semantic import load_embedder

    return load_embedder("bundled")


def _records() -> list[Topic]:
    return [parse_record(p.read_text(encoding="utf-8")) for p in sorted(RECORDS.glob("*.txt"))]


def test_the_bundled_model_embeds_a_text_in_a_batch_as_it_embeds_it_alone(bundled: Any) -> None:
    """What ``TextVectors`` relies on: one call for many texts gives every text its own vector, bit for bit."""
    texts = [text for topic in _records() for text in (
        topic.title, topic.summary, topic.description, *(f"{a.name}: {a.value}" for a in topic.attributes),
        *(a.name for a in topic.attributes), *(a.value for a in topic.attributes), *(e.text for e in topic.timeline))]
    texts += ["", "   ", "ok", "a" * 5000]
    together = bundled.embed(texts)
    assert all(np.array_equal(together[i], bundled.embed([text])[0]) for i, text in enumerate(texts))


def test_question_meaning_gives_the_plain_cosines_on_the_projects_records(bundled: Any) -> None:
    topics = _records()
    _same_as_plain(bundled, topics, ["who runs waymo", "how much money did they raise", "lmao"],
                   ["", "the ceo", "how much money did they raise"], remembered=512)
