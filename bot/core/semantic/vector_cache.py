"""Where topic vectors are kept between runs, so a topic is embedded again only when its text changes.

A cached vector is found by the model that made it and the sha256 of the text it was made from
(``topic_text.content_hash``); the value is the vector's float32 bytes. The cache is a plain SQLite
file beside the store in the user data directory (stdlib ``sqlite3``, whatever the topic store is):
it is a cache, so losing it costs one re-embedding, and several processes on one machine share it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final, Protocol

import platformdirs

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS topic_embeddings (
    model TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, content_hash)
)
"""
#: SQLite allows 32,766 bound parameters; lookups go in chunks well below that.
_CHUNK: Final = 900


def default_cache_path() -> Path:
    """``embeddings.sqlite`` in the user data directory (beside the default SQLite store)."""
    return Path(platformdirs.user_data_dir("topicbot", appauthor=False)) / "embeddings.sqlite"


class VectorCache(Protocol):
    """Vectors by (model, content hash), as float32 bytes."""

    def get_many(self, model_id: str, hashes: Iterable[str]) -> dict[str, bytes]: ...

    def put_many(self, model_id: str, vectors: Mapping[str, bytes]) -> None: ...


class MemoryVectorCache:
    """A cache that lives as long as the process (tests, one-off scripts)."""

    def __init__(self) -> None:
        self._vectors: dict[tuple[str, str], bytes] = {}

    def get_many(self, model_id: str, hashes: Iterable[str]) -> dict[str, bytes]:
        found = ((digest, self._vectors.get((model_id, digest))) for digest in hashes)
        return {digest: vector for digest, vector in found if vector is not None}

    def put_many(self, model_id: str, vectors: Mapping[str, bytes]) -> None:
        for digest, vector in vectors.items():
            self._vectors[(model_id, digest)] = vector

    def __len__(self) -> int:
        return len(self._vectors)


class SqliteVectorCache:
    """The cache in one SQLite file, created with its folder on first use."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        with self._connection:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute(_SCHEMA)

    def get_many(self, model_id: str, hashes: Iterable[str]) -> dict[str, bytes]:
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, bytes] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._connection.execute(
                f"SELECT content_hash, vector FROM topic_embeddings WHERE model = ? AND content_hash IN ({marks})",  # noqa: S608 - only placeholders are interpolated
                (model_id, *chunk),
            )
            found.update((digest, bytes(vector)) for digest, vector in rows)
        return found

    def put_many(self, model_id: str, vectors: Mapping[str, bytes]) -> None:
        if not vectors:
            return
        with self._connection:
            self._connection.executemany(
                "INSERT OR REPLACE INTO topic_embeddings (model, content_hash, vector) VALUES (?, ?, ?)",
                [(model_id, digest, vector) for digest, vector in vectors.items()],
            )

    def __len__(self) -> int:
        (count,) = self._connection.execute("SELECT COUNT(*) FROM topic_embeddings").fetchone()
        return int(count)

    def close(self) -> None:
        self._connection.close()
