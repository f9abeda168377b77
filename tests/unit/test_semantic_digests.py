"""SemanticIndex remembers each row's content hash (as raw bytes): unchanged topics are never embedded
again, also after the rows grew and after a removal moved the last row into the hole."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import numpy as np

from bot.core.model import Topic
from bot.core.semantic import MemoryVectorCache, SemanticIndex
from bot.core.semantic.embedders import unit_rows

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


class HashEmbedder:
    """Unit vectors seeded by each text's hash; counts the texts it is sent."""

    model_id = "hash-test"
    dimensions = 16

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> Any:
        self.texts.extend(texts)
        rows = [np.random.default_rng(int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "big"))
                .standard_normal(self.dimensions) for t in texts]
        return unit_rows(np.stack(rows) if rows else np.zeros((0, self.dimensions), dtype=np.float32))


class CountingCache(MemoryVectorCache):
    """Counts the hashes looked up: a topic whose remembered hash matches is not looked up at all."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    def get_many(self, model_id: str, hashes: Iterable[str]) -> dict[str, bytes]:
        wanted = list(hashes)
        self.asked += len(wanted)
        return super().get_many(model_id, wanted)


def topic(number: int) -> Topic:
    return Topic(title=f"Topic {number}", description=f"Record {number}.", first_mentioned=WHEN,
                 last_updated=WHEN, research_retrieved=WHEN, summary=f"Summary {number}.", derived_aliases=("-",))


def test_unchanged_topics_are_not_embedded_again_after_growth_and_removal() -> None:
    embedder = HashEmbedder()
    cache = CountingCache()
    index = SemanticIndex(embedder, cache)
    topics = [topic(number) for number in range(200)]  # past the first 64 rows: the rows grow twice
    assert index.upsert_many((t, None) for t in topics) == 200
    assert index.remove("Topic 5") is True  # the last row moves into row 5
    sent, asked = len(embedder.texts), cache.asked
    assert index.upsert_many((t, None) for t in topics if t.title != "Topic 5") == 0
    assert cache.asked == asked  # every remembered hash matched, the moved row's too
    assert index.embedded_topics == 200
    index.upsert(replace(topics[199], summary="Changed."))  # the moved row's hash is its own
    assert index.embedded_topics == 201
    assert len(embedder.texts) > sent
