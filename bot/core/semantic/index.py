"""``SemanticIndex``: one unit vector per topic, kept compactly (int8 codes and a scale per row), searched by cosine.

Keys are the matching index's: ``(guild_id or None, casefolded title)``. A topic's vector is the
normalised mean of the vectors of its text parts (``topic_text_parts``), so a long summary cannot
drown its title. Vectors come from the ``VectorCache`` when the topic's text (hashed with the model
id) was embedded before; only new or changed topics reach the model.

The vectors are held as ``compact`` keeps them: one byte per component and one float32 scale per
topic, a quarter of float32's memory (100,000 topics of the bundled 256-dimension model: 26 MB, not
102 MB). ``search`` turns ``_SEARCH_ROWS`` rows at a time back into float32 for the product with the
question: a block small enough to stay in the CPU cache, so a search is no slower than over float32.

numpy is imported inside the methods: ``import bot.core.semantic`` works without the extra.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Final

from bot.core.model import Topic
from bot.core.semantic.compact import decode, dequantize, encode
from bot.core.semantic.embedders import Embedder, SemanticUnavailableError, unit_rows
from bot.core.semantic.text_vectors import DEFAULT_MAX_TEXTS, TextVectors
from bot.core.semantic.topic_text import content_hash, topic_text_parts
from bot.core.semantic.vector_cache import MemoryVectorCache, VectorCache

if TYPE_CHECKING:
    from types import ModuleType

    import numpy as np
    import numpy.typing as npt

    from bot.core.semantic.compact import CodeMatrix
    from bot.core.semantic.embedders import FloatMatrix

    ByteMatrix = npt.NDArray[np.uint8]

#: ``(guild_id or None for shared topics, casefolded title)``, as in ``TopicIndex``.
Key = tuple[int | None, str]

_INITIAL_ROWS: Final = 64
#: Topics read, looked up in the cache and stored at a time by ``upsert_many`` (bounded memory).
_UPSERT_CHUNK: Final = 2_000
#: Topics embedded per call to the model when many are added at once.
_EMBED_BATCH: Final = 256
#: Rows turned back into float32 at a time by ``search`` (1 MB at 256 dimensions: it stays in the CPU
#: cache, and a product this size runs on one thread; 2,048 rows made OpenBLAS start threads, which
#: on a busy two-core machine cost tens of milliseconds).
_SEARCH_ROWS: Final = 1024
#: Bytes of a content hash (sha256).
_DIGEST_BYTES: Final = 32


def _numpy() -> ModuleType:
    try:
        import numpy
    except ImportError as exc:
        raise SemanticUnavailableError(
            "the semantic signal needs numpy: install it with pip install -e '.[semantic]'"
        ) from exc
    return numpy


def _key(title: str, guild_id: int | None) -> Key:
    return (guild_id, sys.intern(title.strip().casefold()))


class SemanticIndex:
    """Topic vectors for meaning-based recall: ``upsert``/``remove`` as the topics change, ``search`` per question."""

    def __init__(self, embedder: Embedder, cache: VectorCache | None = None,
                 remembered_texts: int = DEFAULT_MAX_TEXTS) -> None:
        np = _numpy()
        self._np = np
        self._embedder = embedder
        self._cache: VectorCache = cache if cache is not None else MemoryVectorCache()
        self._model_id = embedder.model_id
        self._dimensions = embedder.dimensions
        self._codes: CodeMatrix = np.zeros((_INITIAL_ROWS, embedder.dimensions), dtype=np.int8)
        self._scales: FloatMatrix = np.zeros(_INITIAL_ROWS, dtype=np.float32)
        self._keys: list[Key] = []
        #: Each row's content hash as 32 raw bytes (a hex ``str`` per topic was 11 MB at 100k topics).
        self._digests: ByteMatrix = np.zeros((_INITIAL_ROWS, _DIGEST_BYTES), dtype=np.uint8)
        self._rows: dict[Key, int] = {}
        #: Questions' and topics' lines' vectors (``text_vectors``): the last ``remembered_texts`` texts.
        self.texts = TextVectors(embedder, remembered_texts)
        #: How many topics were sent to the model (not found in the cache) since this index was made.
        self.embedded_topics = 0

    # -- contents ---------------------------------------------------------------------------------

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dimensions(self) -> int:
        return self._dimensions

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[Key]:
        """Every key, in row order (a snapshot: changing the index while iterating is safe)."""
        return iter(list(self._keys))

    def vector(self, title: str, guild_id: int | None = None) -> FloatMatrix | None:
        """The stored unit vector of one topic (float32, made from its compact form), or ``None``."""
        row = self._rows.get(_key(title, guild_id))
        return None if row is None else self._row(row)

    @property
    def matrix(self) -> FloatMatrix:
        """The vectors as float32, one row per key in iteration order: a read-only copy made on each
        call, four times the index's own memory (for tests and tools, not for the bot's questions)."""
        count = len(self._keys)
        matrix = dequantize(self._codes[:count], self._scales[:count])
        matrix.flags.writeable = False
        return matrix

    @property
    def nbytes(self) -> int:
        """Bytes the vectors and their content hashes take in memory (the rows made room for included)."""
        return int(self._codes.nbytes + self._scales.nbytes + self._digests.nbytes)

    def _row(self, row: int) -> FloatMatrix:
        vector: FloatMatrix = self._codes[row].astype(self._np.float32) * self._scales[row]
        return vector

    # -- changes ----------------------------------------------------------------------------------

    def upsert(self, topic: Topic, guild_id: int | None = None) -> None:
        """Add or replace one topic; embeds it only when its text changed and no cached vector fits."""
        self.upsert_many([(topic, guild_id)])

    def reserve(self, rows: int) -> None:
        """Make room for ``rows`` topics at once (a start-up that knows how many are coming), instead of
        growing the matrix by doubling."""
        if rows > len(self._scales):
            self._grow(rows)

    def _grow(self, rows: int) -> None:
        count = len(self._keys)
        codes = self._np.zeros((rows, self.dimensions), dtype=self._np.int8)
        codes[:count] = self._codes[:count]
        scales = self._np.zeros(rows, dtype=self._np.float32)
        scales[:count] = self._scales[:count]
        digests = self._np.zeros((rows, _DIGEST_BYTES), dtype=self._np.uint8)
        digests[:count] = self._digests[:count]
        self._codes, self._scales, self._digests = codes, scales, digests

    def upsert_many(self, entries: Iterable[tuple[Topic, int | None]]) -> int:
        """Add or replace many topics with batched embedding (start-up, imports), ``_UPSERT_CHUNK`` at a
        time so that only one chunk's texts and cached vectors are in memory. Returns how many were
        embedded."""
        embedded = 0
        chunk: list[tuple[Topic, int | None]] = []
        for entry in entries:
            chunk.append(entry)
            if len(chunk) >= _UPSERT_CHUNK:
                embedded += self._upsert_chunk(chunk)
                chunk = []
        return embedded + (self._upsert_chunk(chunk) if chunk else 0)

    def _upsert_chunk(self, entries: Sequence[tuple[Topic, int | None]]) -> int:
        pending: dict[Key, tuple[tuple[str, ...], str]] = {}
        for topic, guild_id in entries:
            key = _key(topic.title, guild_id)
            parts = topic_text_parts(topic)
            digest = content_hash(parts, self._model_id)
            row = self._rows.get(key)
            if row is not None and self._digests[row].tobytes() == bytes.fromhex(digest):
                pending.pop(key, None)
                continue
            pending[key] = (parts, digest)
        if not pending:
            return 0
        cached = self._cache.get_many(self._model_id, (digest for _, digest in pending.values()))
        missing = list(dict.fromkeys(digest for _, digest in pending.values() if digest not in cached))
        parts_by_hash = {digest: parts for parts, digest in pending.values()}
        fresh: dict[str, bytes] = {}
        for start in range(0, len(missing), _EMBED_BATCH):
            batch = missing[start : start + _EMBED_BATCH]
            for digest, vector in zip(batch, self._embed_topics([parts_by_hash[d] for d in batch]), strict=True):
                fresh[digest] = encode(vector)
        if fresh:
            self._cache.put_many(self._model_id, fresh)
            self.embedded_topics += len(fresh)
        vectors = {**cached, **fresh}
        for key, (_, digest) in pending.items():
            codes, scale = decode(vectors[digest], self.dimensions)
            self._store(key, digest, codes, scale)
        return len(fresh)

    def remove(self, title: str, guild_id: int | None = None) -> bool:
        """Forget one topic; ``False`` when it was not there. The last row moves into the hole."""
        key = _key(title, guild_id)
        row = self._rows.pop(key, None)
        if row is None:
            return False
        last = len(self._keys) - 1
        if row != last:
            moved = self._keys[last]
            self._codes[row] = self._codes[last]
            self._scales[row] = self._scales[last]
            self._keys[row] = moved
            self._digests[row] = self._digests[last]
            self._rows[moved] = row
        self._keys.pop()
        return True

    def _store(self, key: Key, digest: str, codes: CodeMatrix, scale: float) -> None:
        row = self._rows.get(key)
        if row is None:
            row = len(self._keys)
            if row == len(self._scales):
                self._grow(2 * len(self._scales))
            self._keys.append(key)
            self._rows[key] = row
        self._digests[row] = self._np.frombuffer(bytes.fromhex(digest), dtype=self._np.uint8)
        self._codes[row] = codes
        self._scales[row] = scale

    def _embed_topics(self, topics_parts: Sequence[tuple[str, ...]]) -> FloatMatrix:
        """One unit vector per topic: the normalised mean of its parts' unit vectors."""
        flat = [part for parts in topics_parts for part in parts]
        part_vectors = self._embedder.embed(flat)
        out = self._np.zeros((len(topics_parts), self.dimensions), dtype=self._np.float32)
        start = 0
        for index, parts in enumerate(topics_parts):
            if parts:
                out[index] = part_vectors[start : start + len(parts)].mean(axis=0)
            start += len(parts)
        return unit_rows(out)

    # -- questions --------------------------------------------------------------------------------

    def embed_text(self, text: str) -> FloatMatrix:
        """The unit vector of a question or a label (remembered for the last few thousand texts)."""
        return self.texts.vector(text)

    def embed_lines(self, texts: Sequence[str]) -> FloatMatrix:
        """The unit vectors of a group of texts (a topic's lines), one row each, each as ``embed_text``
        gives it: those not remembered are embedded in one call to the model (``TextVectors``)."""
        return self.texts.vectors(texts)

    def search(
        self, text: str, k: int = 5, allowed: Callable[[Key], bool] | None = None
    ) -> list[tuple[Key, float]]:
        """The ``k`` topics closest in meaning to ``text``, best first, as ``(key, cosine)``.

        ``allowed`` (e.g. "shared or this guild's, and not hidden") is asked about candidates in
        score order only until ``k`` pass, so it costs little even over 100k topics.
        """
        return self.search_vector(self.embed_text(text), k, allowed)

    def search_vector(
        self, vector: FloatMatrix, k: int = 5, allowed: Callable[[Key], bool] | None = None
    ) -> list[tuple[Key, float]]:
        """``search`` for an already embedded unit vector."""
        np = self._np
        count = len(self._keys)
        if k <= 0 or count == 0:
            return []
        scores = self._scores(vector, count)
        found: list[tuple[Key, float]] = []
        asked: set[int] = set()
        window = min(count, max(4 * k, 64) if allowed is not None else k)
        while True:
            if window >= count:
                order = np.argsort(-scores, kind="stable")
            else:
                top = np.argpartition(-scores, window - 1)[:window]
                order = top[np.argsort(-scores[top], kind="stable")]
            for position in order.tolist():
                if position in asked:
                    continue
                asked.add(position)
                key = self._keys[position]
                if allowed is None or allowed(key):
                    found.append((key, float(scores[position])))
                    if len(found) == k:
                        return found
            if window >= count:
                return found
            window = min(count, window * 8)

    def _scores(self, vector: FloatMatrix, count: int) -> FloatMatrix:
        """Cosines of ``vector`` with the first ``count`` rows: each block of codes turned into float32
        in one reused buffer, multiplied by the vector, then every row by its scale."""
        np = self._np
        query = np.asarray(vector, dtype=np.float32)
        scores: FloatMatrix = np.empty(count, dtype=np.float32)
        block = np.empty((min(count, _SEARCH_ROWS), self.dimensions), dtype=np.float32)
        for start in range(0, count, _SEARCH_ROWS):
            stop = min(count, start + _SEARCH_ROWS)
            rows = block[: stop - start]
            rows[...] = self._codes[start:stop]
            np.matmul(rows, query, out=scores[start:stop])
        scores *= self._scales[:count]
        return scores

    def similarity(self, text: str, title: str, guild_id: int | None = None) -> float | None:
        """Cosine between ``text`` and one topic, or ``None`` when the topic is not indexed."""
        row = self._rows.get(_key(title, guild_id))
        if row is None:
            return None
        return float(self._row(row) @ self.embed_text(text))

    def attribute_by_meaning(
        self, question: str, attribute_names: Sequence[str], min_cosine: float = 0.0
    ) -> tuple[str, float] | None:
        """The attribute name closest in meaning to ``question`` and its cosine, when above ``min_cosine``.

        E.g. "how much money did they raise" → ``("Total Funding", 0.44)``. Pass the question with
        the topic's own name taken out where possible: the name says nothing about the attribute.
        """
        if not attribute_names:
            return None
        question_vector = self.embed_text(question)
        best_name, best_score = attribute_names[0], -2.0
        for name in attribute_names:
            score = float(self.embed_text(name) @ question_vector)
            if score > best_score:
                best_name, best_score = name, score
        return (best_name, best_score) if best_score >= min_cosine else None
