"""Properties of the matching engine's data structures: pruned candidates rank like exhaustive scoring,
incremental updates equal a rebuild, and trigram autocomplete equals scoring every name."""

from __future__ import annotations

import os
import random
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.engine import MatchParams, TopicIndex
from bot.core.engine.packed import PackedDocument
from bot.core.engine.postings import Vocabulary, top_k
from bot.core.engine.snapshot import StoreMark, load_snapshot, save_snapshot
from bot.core.engine.topic_documents import build_document
from bot.core.model import Attribute, Topic
from tests.unit.answer_fixtures import make_topic, sample_topics

PARAMS = MatchParams()

# Invented syllables: names and prose of random topics are made of these, so topics share words.
_SYLLABLES = ("ka", "lo", "mi", "ten", "ra", "vo", "sel", "du", "po", "ni", "zar", "ek")
_PROSE = ("harbour", "lantern", "copper", "orchard", "glacier", "tunnel", "market", "signal", "meadow",
          "compass", "furnace", "ledger", "canal", "quarry", "beacon", "pylon", "vessel", "archive")
EXHAUSTIVE = replace(PARAMS, max_scored=1_000_000, autocomplete_scored=1_000_000)
PRUNED = replace(PARAMS, max_scored=4, autocomplete_scored=3)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))


def _corpus(seed: int, size: int) -> list[Topic]:
    rng = random.Random(seed)
    topics: dict[str, Topic] = {}
    while len(topics) < size:
        title = " ".join(_word(rng).capitalize() for _ in range(rng.randint(1, 2)))
        prose = " ".join(rng.choice(_PROSE) for _ in range(8))
        topics[title.casefold()] = make_topic(
            title, f"{title} is a {rng.choice(_PROSE)} about {prose}.", f"It covers {prose}.",
            attributes=(Attribute(rng.choice(_PROSE).capitalize(), prose),))
    return list(topics.values())


def _question(rng: random.Random, topics: list[Topic]) -> str:
    words = rng.choice(topics).title.split()[: rng.randint(1, 2)]
    words += [rng.choice(_PROSE) for _ in range(rng.randint(0, 2))]
    rng.shuffle(words)
    return " ".join(words).lower()


def _ranking(index: TopicIndex, question: str) -> list[tuple[str, float]]:
    return [(s.title, s.score) for s in index.rank(question, limit=3)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_pruned_candidates_give_the_same_best_topic_as_scoring_every_topic(seed: int) -> None:
    topics = _corpus(seed, 40)
    pruned = TopicIndex(((t, None) for t in topics), params=PRUNED)
    exhaustive = TopicIndex(((t, None) for t in topics), params=EXHAUSTIVE)
    rng = random.Random(seed)
    for _ in range(10):
        question = _question(rng, topics)
        best_pruned = pruned.rank(question, limit=1)
        best_all = exhaustive.rank(question, limit=1)
        assert [(s.title, s.score) for s in best_pruned] == [(s.title, s.score) for s in best_all], question


def _edit_and_remove(index: TopicIndex, topics: list[Topic], rng: random.Random) -> tuple[list[Topic], set[str]]:
    """Edit five topics and remove five others from ``index``; the topics that remain, and the removed titles."""
    edited = {t.title: replace(t, summary=t.summary + " " + _word(rng)) for t in rng.sample(topics, 5)}
    for topic in edited.values():
        index.upsert(topic, None)
    removed = {t.title for t in rng.sample(topics, 5)}
    for title in removed:
        index.remove(title, None)
    return [edited.get(t.title, t) for t in topics if t.title not in removed], removed


def _assert_same_as_rebuilt(index: TopicIndex, final: list[Topic], removed: set[str], rng: random.Random) -> None:
    rebuilt = TopicIndex(((t, None) for t in reversed(final)), params=index.params)
    assert index.titles() == rebuilt.titles()
    assert len(index) == len(rebuilt) == len(final)
    for _ in range(10):
        question = _question(rng, final)
        assert _ranking(index, question) == _ranking(rebuilt, question), question
        prefix = question[:4]
        assert index.autocomplete(prefix) == rebuilt.autocomplete(prefix)
        assert index.filter_titles(prefix) == rebuilt.filter_titles(prefix)
    for title in removed:
        assert index.get(title) is None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_adding_editing_and_removing_one_at_a_time_equals_a_rebuild(seed: int) -> None:
    rng = random.Random(seed)
    topics = _corpus(seed, 30)
    incremental = TopicIndex(params=PRUNED)
    for topic in topics:
        incremental.upsert(topic, None)
    final, removed = _edit_and_remove(incremental, topics, rng)
    _assert_same_as_rebuilt(incremental, final, removed, rng)


def _through_a_snapshot(index: TopicIndex) -> TopicIndex:
    """``index`` saved as a snapshot and loaded again (its documents and topics read from the file)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "index.snapshot"
        save_snapshot(path, index, StoreMark("store", 1, "then"))
        loaded = load_snapshot(path, "store", index.params)
    assert loaded is not None
    return loaded.index


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_editing_and_removing_after_compaction_and_a_snapshot_equals_a_rebuild(seed: int) -> None:
    topics = _corpus(seed, 30)
    compacted = TopicIndex(((t, None) for t in topics), params=PRUNED)  # a bulk build is compacted
    final, removed = _edit_and_remove(compacted, topics, random.Random(seed))
    _assert_same_as_rebuilt(compacted, final, removed, random.Random(seed))  # removed ones still in the postings
    loaded = _through_a_snapshot(TopicIndex((t, None) for t in topics))  # documents and topics read from the file
    final, removed = _edit_and_remove(loaded, topics, random.Random(seed))
    _assert_same_as_rebuilt(loaded, final, removed, random.Random(seed))
    again = _through_a_snapshot(loaded)  # compacted once more, without them
    _assert_same_as_rebuilt(again, final, removed, random.Random(seed))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_trigram_autocomplete_equals_scoring_every_name(seed: int) -> None:
    topics = _corpus(seed, 40)
    pruned = TopicIndex(((t, None) for t in topics), params=replace(PARAMS, autocomplete_scored=25))
    exhaustive = TopicIndex(((t, None) for t in topics), params=EXHAUSTIVE)
    rng = random.Random(seed)
    for _ in range(10):
        title = rng.choice(topics).title.lower()
        typed = title[: rng.randint(3, len(title))]
        offered = pruned.autocomplete(typed)
        assert offered[:1] == exhaustive.autocomplete(typed)[:1], typed
        starting = {t.title for t in topics if t.title.lower().startswith(typed)}
        if len(starting) <= 5:  # every name being typed is offered, whatever else also scores well
            assert starting <= {title for _, title in offered}, typed


def test_a_packed_document_answers_like_the_document_it_packs() -> None:
    vocabulary = Vocabulary()
    for topic in sample_topics():
        doc = build_document(topic)
        packed = PackedDocument.pack(topic.title, doc, vocabulary)
        assert packed.names == doc.names
        assert packed.title == topic.title
        for _ in range(2):  # the second time from the positions the document remembered
            for key in (*doc.evidence, "nothing-like-this"):
                assert packed.evidence_of(key) == doc.evidence_of(key)
                assert packed.text_evidence_of(key) == doc.text_evidence_of(key)
                assert packed.is_acronym(key) == doc.is_acronym(key)
                assert packed.is_defining(key) == doc.is_defining(key)
                assert packed.has_lowercase(key) == doc.has_lowercase(key)
        for pkey in doc.prefix_evidence:
            assert sorted(packed.prefix_evidence_of(pkey)) == sorted(doc.prefix_evidence_of(pkey))
        for first, second in doc.phrases:
            assert packed.has_phrase(first, second)
        for word in doc.proper:
            assert packed.is_proper(word)


def test_a_topic_comes_back_whole_from_the_index() -> None:
    topics = sample_topics()
    index = TopicIndex((t, None) for t in topics)
    for topic in topics:
        assert index.get(topic.title) == topic
        assert index.get(topic.title.upper()) == topic


def test_a_removed_topic_no_longer_defines_words_for_filtering() -> None:
    topics = [make_topic("Copper Harbour", "Copper Harbour is a port town."),
              make_topic("Copper Mine", "A copper mine."), make_topic("Harbour Lights", "A harbour festival."),
              make_topic("Lantern Market", "A night market.", "Stalls sell copper lanterns from the harbour.")]
    index = TopicIndex((t, None) for t in topics)  # compacted: the removal below leaves stale postings
    assert index.filter_titles("copper harbour") == ["Copper Harbour"]
    index.remove("Copper Harbour")
    # No topic is defined by both words now: the list falls back to those mentioning both.
    assert index.filter_titles("copper harbour") == ["Lantern Market"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=60), st.lists(st.integers(0, 6), min_size=60, max_size=60),
       st.integers(1, 30))
def test_top_k_breaks_ties_at_the_cut_like_a_stable_sort_of_the_tiebreak(
        values: list[int], hashes: list[int], k: int) -> None:
    candidates = np.arange(len(values), dtype=np.int32)
    scores = np.array(values, dtype=np.float32)
    tiebreak = np.array(hashes, dtype=np.uint32)
    order = sorted(range(len(values)), key=lambda i: (-values[i], hashes[i], i))  # few distinct values: many ties
    assert top_k(candidates, scores, k, tiebreak).tolist() == sorted(order[:k])


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**16), st.integers(1, 40), st.sampled_from([0.0, 0.6, 0.99]))
def test_top_k_of_many_candidates_is_what_sorting_them_all_gives(seed: int, k: int, tied: float) -> None:
    """Thousands of candidates, a share of them tied on one value (a common word), as a large index
    gives: the cheap cut at a share of the best value and the one partition of the keys pick what a
    full sort by value, hash and position picks."""
    rng = np.random.default_rng(seed)
    size = 3_000
    scores = rng.choice(np.array([0.1, 0.5, 1.0, 2.5, 7.0], dtype=np.float32), size)
    scores[rng.random(size) < tied] = np.float32(0.5)
    candidates = np.sort(rng.choice(50_000, size, replace=False)).astype(np.int32)
    tiebreak = rng.integers(0, 2**32, 50_000, dtype=np.uint64).astype(np.uint32)
    tiebreak[candidates[::7]] = 12345  # some equal hashes as well
    order = sorted(range(size), key=lambda i: (-scores[i], tiebreak[candidates[i]], i))
    assert top_k(candidates, scores, k, tiebreak).tolist() == sorted(candidates[order[:k]].tolist())


def test_a_snapshot_reads_its_topics_from_the_file_or_without_positioned_reads_from_memory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    topics = sample_topics()
    built = TopicIndex((t, None) for t in topics)
    for index in (_through_a_snapshot(built), _without_pread(monkeypatch, built)):
        for topic in topics:
            assert index.get(topic.title) == topic
            assert _ranking(index, topic.title) == _ranking(built, topic.title)


def _without_pread(monkeypatch: pytest.MonkeyPatch, index: TopicIndex) -> TopicIndex:
    monkeypatch.delattr(os, "pread")  # as on Windows
    return _through_a_snapshot(index)
