"""Where topic vectors are kept between runs, so a topic is embedded again only when its text changes.

A cached vector is found by the model that made it and the sha256 of the text it was made from
(``topic_text.content_hash``); the value is the vector in ``compact``'s form (``compact.encode``: a
float32 scale, then one int8 code per component). The cache is a plain SQLite file beside the store
in the user data directory (stdlib ``sqlite3``, whatever the topic store is): it is a cache, so losing
it costs one re-embedding, and several processes on one machine share it.

The table's name carries the form (``topic_vectors_q8``). Versions before the compact form kept
float32 bytes in ``topic_embeddings``; the two never mix:

* this version reads a vector missing from its table from ``topic_embeddings`` when that table is
  there, converts it and keeps the converted copy (so an upgrade re-embeds nothing), and never
  writes to the old table;
* an older version opening a file this one wrote finds its own table (empty, or as it left it) and
  embeds what it misses: it never reads int8 bytes as float32.

The old table is left as it is (an older version sharing the file still uses it); deleting the
whole file is always safe.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final, Protocol

import platformdirs

from bot.core.semantic.compact import FORMAT

#: The table of vectors in the current form; its name says the form.
_TABLE: Final = f"topic_vectors_{FORMAT}"
_SCHEMA: Final = f"""
CREATE TABLE IF NOT EXISTS {_TABLE} (
    model TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, content_hash)
)
"""
#: Where versions before the compact form kept vectors, as float32 bytes (read only, to convert).
_LEGACY_TABLE: Final = "topic_embeddings"
#: SQLite allows 32,766 bound parameters; lookups go in chunks well below that.
_CHUNK: Final = 900


def default_cache_path() -> Path:
    """``embeddings.sqlite`` in the user data directory (beside the default SQLite store)."""
    return Path(platformdirs.user_data_dir("topicbot", appauthor=False)) / "embeddings.sqlite"


class VectorCache(Protocol):
    """Vectors by (model, content hash), as ``compact.encode`` bytes."""

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
        self._legacy = self._connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (_LEGACY_TABLE,)
        ).fetchone() is not None

    def get_many(self, model_id: str, hashes: Iterable[str]) -> dict[str, bytes]:
        wanted = list(dict.fromkeys(hashes))
        found = self._select(_TABLE, model_id, wanted)
        if self._legacy and len(found) < len(wanted):
            found.update(self._convert_legacy(model_id, [digest for digest in wanted if digest not in found]))
        return found

    def _convert_legacy(self, model_id: str, hashes: list[str]) -> dict[str, bytes]:
        """The old table's float32 vectors of ``hashes``, in the compact form, kept in the new table too."""
        import numpy as np

        from bot.core.semantic.compact import encode

        converted = {
            digest: encode(np.frombuffer(vector, dtype=np.float32))
            for digest, vector in self._select(_LEGACY_TABLE, model_id, hashes).items()
            if vector and len(vector) % 4 == 0
        }
        self.put_many(model_id, converted)
        return converted

    def _select(self, table: str, model_id: str, hashes: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(hashes), _CHUNK):
            chunk = hashes[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._connection.execute(
                f"SELECT content_hash, vector FROM {table} WHERE model = ? AND content_hash IN ({marks})",  # noqa: S608 - a constant table name and placeholders only
                (model_id, *chunk),
            )
            found.update((digest, bytes(vector)) for digest, vector in rows)
        return found

    def put_many(self, model_id: str, vectors: Mapping[str, bytes]) -> None:
        if not vectors:
            return
        with self._connection:
            self._connection.executemany(
                f"INSERT OR REPLACE INTO {_TABLE} (model, content_hash, vector) VALUES (?, ?, ?)",  # noqa: S608 - a constant table name
                [(model_id, digest, vector) for digest, vector in vectors.items()],
            )

    def __len__(self) -> int:
        """Vectors in the current form (not counting an old table's)."""
        (count,) = self._connection.execute(f"SELECT COUNT(*) FROM {_TABLE}").fetchone()  # noqa: S608 - a constant table name
        return int(count)

    def close(self) -> None:
        self._connection.close()
