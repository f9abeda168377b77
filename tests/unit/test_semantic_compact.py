"""The semantic vectors' compact form (bot.core.semantic.compact): int8 codes with a float32 scale per row.

What must hold: a dequantised vector points where the original did (cosine bounds), zeros stay
zeros, ``SemanticIndex.search`` over the compact rows ranks as float32 would, and the vector cache
never reads a vector written in another form. No model is needed: the vectors are random.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bot.core.model import Topic
from bot.core.semantic import MemoryVectorCache, SemanticIndex, SqliteVectorCache, content_hash, topic_text_parts
from bot.core.semantic.compact import decode, dequantize, encode, encoded_size, quantize
from bot.core.semantic.embedders import unit_rows

DIMENSIONS = 256
WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def cosines(first: Any, second: Any) -> Any:
    """Row cosines, in float64 (a float32 norm of tiny components would underflow to 0)."""
    first, second = np.asarray(first, dtype=np.float64), np.asarray(second, dtype=np.float64)
    first, second = first / np.abs(first).max(axis=1, keepdims=True), second / np.abs(second).max(axis=1, keepdims=True)
    return (first * second).sum(axis=1) / (np.linalg.norm(first, axis=1) * np.linalg.norm(second, axis=1))


def worst_cosine(dimensions: int) -> float:
    """The least cosine of any unit vector with its dequantised form: every component off by half a step
    of ``max|v| / 127 <= 1 / 127``, so the error is at most ``sqrt(d) / 254`` long."""
    return math.sqrt(1 - dimensions / (4 * 127**2))


class HashEmbedder:
    """Unit vectors from a generator seeded by each text's hash (what ``benchmarks.semantic`` times with)."""

    model_id = "hash-test"

    def __init__(self, dimensions: int = DIMENSIONS) -> None:
        self.dimensions = dimensions
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> Any:
        self.texts.extend(texts)
        rows = [
            np.random.default_rng(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big"))
            .standard_normal(self.dimensions)
            .astype(np.float32)
            for text in texts
        ]
        return unit_rows(np.stack(rows) if rows else np.zeros((0, self.dimensions), dtype=np.float32))


def topic(number: int) -> Topic:
    return Topic(title=f"Topic {number}", description=f"Record {number}.", first_mentioned=WHEN,
                 last_updated=WHEN, research_retrieved=WHEN, summary=f"Summary {number}.", derived_aliases=("-",))


def original_vectors(embedder: HashEmbedder, topics: Sequence[Topic]) -> Any:
    """The float32 vectors ``SemanticIndex`` makes of ``topics`` before it stores them compactly."""
    return SemanticIndex(embedder)._embed_topics([topic_text_parts(t) for t in topics])


# -- quantise and dequantise -----------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 512), st.integers(0, 2**32 - 1))
def test_dense_unit_vectors_keep_their_direction(dimensions: int, seed: int) -> None:
    """Vectors like a model's (every component in play): the dequantised one is within 0.999 cosine,
    and it is a unit vector again (the scale is 1 / ‖codes‖)."""
    rows = unit_rows(np.random.default_rng(seed).standard_normal((4, dimensions)))
    codes, scales = quantize(rows)
    assert codes.dtype == np.int8
    assert scales.dtype == np.float32
    back = dequantize(codes, scales)
    assert back.dtype == np.float32
    assert cosines(back, rows).min() >= 0.999
    assert np.allclose(np.linalg.norm(back, axis=1), 1.0, atol=1e-5)


@settings(max_examples=300, deadline=None)
@given(arrays(np.float32, st.integers(1, 384), elements=st.floats(-1, 1, width=32)))
@example(np.array([8.3e-44], dtype=np.float32))  # a subnormal peak: 127 / peak overflowed float32
def test_any_vector_keeps_its_direction_within_the_bound_and_zeros_stay_zero(vector: Any) -> None:
    """Any vector, spiky or with many equal components (what hypothesis likes to try): the cosine is at
    least the bound the rounding allows; an all-zero vector comes back all zeros with scale 0."""
    codes, scales = quantize(vector.reshape(1, -1))
    back = dequantize(codes, scales)
    if not np.any(vector):
        assert not np.any(codes)
        assert scales[0] == 0
        assert not np.any(back)
        return
    assert cosines(back, vector.reshape(1, -1))[0] >= worst_cosine(len(vector)) - 1e-6


def test_zero_rows_stay_zero_beside_others() -> None:
    rows = unit_rows(np.random.default_rng(1).standard_normal((3, DIMENSIONS)))
    rows[1] = 0.0
    codes, scales = quantize(rows)
    back = dequantize(codes, scales)
    assert not np.any(back[1])
    assert scales[1] == 0
    assert cosines(back[[0, 2]], rows[[0, 2]]).min() >= 0.999


def test_the_bound_is_what_a_spiky_vector_reaches() -> None:
    """One large component and every other just under half a step: the small ones round to zero. So the
    0.999 of dense vectors is not a bound for every unit vector at 256 dimensions; 0.998 is."""
    vector = np.full(DIMENSIONS, 0.49 / 127, dtype=np.float32)
    vector[0] = 1.0
    vector /= np.linalg.norm(vector)
    codes, scales = quantize(vector.reshape(1, -1))
    cosine = cosines(dequantize(codes, scales), vector.reshape(1, -1))[0]
    assert worst_cosine(DIMENSIONS) - 1e-6 <= cosine < 0.999


def test_encode_and_decode_round_trip_the_codes_and_the_scale() -> None:
    vector = unit_rows(np.random.default_rng(2).standard_normal((1, DIMENSIONS)))[0]
    blob = encode(vector)
    assert len(blob) == encoded_size(DIMENSIONS) == 4 + DIMENSIONS
    codes, scale = decode(blob, DIMENSIONS)
    expected_codes, expected_scales = quantize(vector.reshape(1, -1))
    assert np.array_equal(codes, expected_codes[0])
    assert scale == float(expected_scales[0])
    assert encode(np.zeros(DIMENSIONS, dtype=np.float32)) == bytes(4 + DIMENSIONS)


def test_decode_refuses_a_vector_of_another_size() -> None:
    float32_bytes = unit_rows(np.ones((1, DIMENSIONS)))[0].tobytes()  # what the old cache held
    with pytest.raises(ValueError, match="1024 bytes"):
        decode(float32_bytes, DIMENSIONS)


# -- the index -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def random_index() -> tuple[SemanticIndex, Any, list[tuple[int | None, str]]]:
    """2,500 topics (more than two of search's 1,024-row blocks, the last one partial), with their
    float32 vectors."""
    embedder = HashEmbedder()
    topics = [topic(number) for number in range(2_500)]
    index = SemanticIndex(embedder, MemoryVectorCache())
    index.upsert_many((t, None) for t in topics)
    keys = list(index)
    assert [key[1] for key in keys] == [t.title.casefold() for t in topics]
    return index, original_vectors(HashEmbedder(), topics), keys


def test_search_ranks_as_float32_would(random_index: tuple[SemanticIndex, Any, list[Any]]) -> None:
    """Each question is near one topic: float32 and the compact rows both put it first. The rest of the
    top ten are random vectors whose cosines lie a few thousandths apart, so their order may differ,
    but only between topics whose float32 cosines are closer than the rounding can move a score."""
    index, vectors, keys = random_index
    rng = np.random.default_rng(3)
    tolerance = 0.01
    for _ in range(100):
        target = int(rng.integers(len(keys)))
        question = unit_rows(vectors[target] + 0.9 * unit_rows(rng.standard_normal((1, DIMENSIONS)))[0])[0]
        exact = vectors @ question
        expected = np.argsort(-exact, kind="stable")[:10]
        found = index.search_vector(question, k=10)
        positions = [keys.index(key) for key, _ in found]
        assert positions[0] == expected[0] == target
        for (_, score), position in zip(found, positions, strict=True):
            assert abs(score - exact[position]) < tolerance / 2
        for rank, position in enumerate(positions):  # the rank-th best in either order are near alike
            assert abs(exact[position] - exact[expected[rank]]) < tolerance
        for earlier, later in itertools.pairwise(positions):
            assert exact[earlier] > exact[later] - tolerance


def test_search_scores_are_the_cosines_of_the_stored_vectors(
    random_index: tuple[SemanticIndex, Any, list[Any]],
) -> None:
    index, _, keys = random_index
    question = unit_rows(np.random.default_rng(4).standard_normal((1, DIMENSIONS)))[0]
    everything = index.search_vector(question, k=len(keys))
    assert len(everything) == len(keys)
    for key, score in everything[:: len(keys) // 50]:
        stored = index.vector(key[1], key[0])
        assert stored is not None
        assert score == pytest.approx(float(stored @ question), abs=1e-5)
    assert np.allclose(index.matrix, np.stack([index.vector(key[1], key[0]) for key in keys]))


def test_the_index_holds_a_byte_per_component_and_a_scale_and_a_raw_hash_per_row() -> None:
    index = SemanticIndex(HashEmbedder(), MemoryVectorCache())
    index.reserve(1_000)
    index.upsert_many((topic(number), None) for number in range(1_000))
    assert index.nbytes == 1_000 * (DIMENSIONS + 4 + 32)  # codes, scale, content hash
    assert index.matrix.dtype == np.float32


# -- the vector cache: the compact form, and the float32 cache of earlier versions -------------------


def legacy_cache(path: Path, embedder: HashEmbedder, topics: Sequence[Topic]) -> dict[str, bytes]:
    """A cache file as versions before the compact form wrote it: float32 bytes in ``topic_embeddings``."""
    vectors = original_vectors(embedder, topics)
    rows = {content_hash(topic_text_parts(t), embedder.model_id): vector.tobytes()
            for t, vector in zip(topics, vectors, strict=True)}
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE topic_embeddings (model TEXT NOT NULL, content_hash TEXT NOT NULL, "
                           "vector BLOB NOT NULL, PRIMARY KEY (model, content_hash))")
        connection.executemany("INSERT INTO topic_embeddings VALUES (?, ?, ?)",
                               [(embedder.model_id, digest, vector) for digest, vector in rows.items()])
    connection.close()
    return rows


def test_an_old_float32_cache_is_converted_not_misread_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite"
    topics = [topic(number) for number in range(30)]
    old_rows = legacy_cache(path, HashEmbedder(), topics)

    embedder = HashEmbedder()
    cache = SqliteVectorCache(path)
    index = SemanticIndex(embedder, cache)
    assert index.upsert_many((t, None) for t in topics) == 0  # every vector came from the old table
    assert embedder.texts == []
    expected = dequantize(*quantize(original_vectors(HashEmbedder(), topics)))
    assert np.array_equal(index.matrix, expected)
    assert len(cache) == len(topics)  # the converted copies are kept in the new table
    cache.close()

    with sqlite3.connect(path) as connection:  # what an older version reads is untouched
        kept = dict(connection.execute("SELECT content_hash, vector FROM topic_embeddings"))
    connection.close()
    assert kept == old_rows

    # Another start reads the compact table alone: still nothing embedded, the same vectors.
    again = SemanticIndex(embedder, SqliteVectorCache(path))
    assert again.upsert_many((t, None) for t in topics) == 0
    assert again.matrix.tobytes() == index.matrix.tobytes()


def test_a_new_cache_gives_an_older_version_nothing_to_misread(tmp_path: Path) -> None:
    """An older version reads ``topic_embeddings`` only: in a file this version made, that table is not
    there (the older version creates it empty and embeds what it needs)."""
    path = tmp_path / "embeddings.sqlite"
    cache = SqliteVectorCache(path)
    SemanticIndex(HashEmbedder(), cache).upsert_many((topic(number), None) for number in range(5))
    assert len(cache) == 5
    cache.close()
    with sqlite3.connect(path) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        blobs = [bytes(blob) for (blob,) in connection.execute("SELECT vector FROM topic_vectors_q8")]
    connection.close()
    assert "topic_embeddings" not in tables
    assert {len(blob) for blob in blobs} == {encoded_size(DIMENSIONS)}


def test_an_old_vector_missing_from_the_old_table_is_embedded(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite"
    topics = [topic(number) for number in range(10)]
    legacy_cache(path, HashEmbedder(), topics[:6])
    embedder = HashEmbedder()
    index = SemanticIndex(embedder, SqliteVectorCache(path))
    assert index.upsert_many((t, None) for t in topics) == 4
    assert np.allclose(index.matrix, original_vectors(HashEmbedder(), topics), atol=0.02)
