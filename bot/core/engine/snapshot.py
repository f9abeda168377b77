"""The index persisted beside the store, so a process starts in seconds instead of re-indexing.

A snapshot is the pickled ``TopicIndex`` plus the change-log position it reflects and a mark of the
store it was built from (``StoreMark``: the store's address and the time of the change at that
position). At start-up a snapshot is used only when the store still has that very change, so a
snapshot of another store, or of a store that was emptied and refilled, is never used; the changes
after its position are then applied from the change log like any other change. A snapshot that is
missing, unreadable, of another format or written by other matching code is rebuilt from the store
and written again.

The file holds two pickles: a small header (``FORMAT``, the code fingerprint, the ``StoreMark``)
and then the index, so a snapshot that cannot be used is known before the index is read. The code
fingerprint is a hash of the tuning parameters and of the source of every module that decides what
the index holds, so an upgrade that changes how topics are indexed never answers from an index
built the old way.

The bulk of the index, its packed documents, compressed topics and topic heads (``Region``s of ``blobs.Blobs``),
is written after the index's pickle (each referred to by a persistent id), then their table and a
trailer. Loading leaves them in the file, open, and reads one blob when it is asked for: they are
then in the system's file cache, not in this process's memory (see ``blobs``).

The file is this process's own cache (written atomically: a temporary file renamed into place, never
changed in place, so the file a running process reads from stays whole) and holds nothing the store
does not.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import struct
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Final

from bot.core.engine.blobs import OpenFile, Region
from bot.core.engine.index import TopicIndex
from bot.core.engine.params import MatchParams

log = logging.getLogger(__name__)

#: Bumped whenever what a ``TopicIndex`` holds changes shape.
FORMAT: Final = 9
_TRAILER: Final = struct.Struct("<QQ")  # where the region table starts, how many regions
_ENTRY: Final = struct.Struct("<QQ")  # offset and length of one region
#: The sources (relative to ``bot/core``) that decide what an index holds and how it answers.
_INDEX_SOURCES: Final = (
    *(f"engine/{name}.py" for name in ("index", "scoring", "packed", "postings", "names", "blobs", "snapshot",
                                        "params", "ranking", "related_lists", "related", "topic_documents",
                                        "topic_scores", "tokens", "lexicon", "english")),
    "engine/words", "names.py", "aliases.py", "model.py")


@cache
def _source_digest() -> str:
    core = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in _INDEX_SOURCES:
        path = core / name
        for source in sorted(path.iterdir()) if path.is_dir() else [path]:
            if source.is_file():
                digest.update(source.name.encode())
                digest.update(source.read_bytes())
    return digest.hexdigest()


def code_fingerprint(params: MatchParams) -> str:
    """Identifies the matching code and parameters an index was built with."""
    return hashlib.sha256(f"{FORMAT}|{params!r}|{_source_digest()}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class StoreMark:
    """Which store, and which point of its change log, a snapshot reflects."""

    store: str  # the store's address without credentials
    position: int  # the id of the last change applied
    changed_at: str  # when that change was made (ISO), or "" at position 0


@dataclass(frozen=True)
class Snapshot:
    mark: StoreMark
    index: TopicIndex


class _SnapshotPickler(pickle.Pickler):
    """Pickles the index with each ``Region`` left out, to be written after the pickle."""

    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.regions: list[Region] = []

    def persistent_id(self, obj: object) -> int | None:
        if isinstance(obj, Region):
            self.regions.append(obj)
            return len(self.regions) - 1
        return None


class _SnapshotUnpickler(pickle.Unpickler):
    """Reads the index with each ``Region`` left in the open file."""

    def __init__(self, file: IO[bytes], opened: OpenFile, regions: list[tuple[int, int]]) -> None:
        super().__init__(file)
        self._opened = opened
        self._regions = regions

    def persistent_load(self, pid: object) -> Region:
        if not isinstance(pid, int) or not 0 <= pid < len(self._regions):
            raise pickle.UnpicklingError(f"no region {pid!r} in the snapshot")
        offset, length = self._regions[pid]
        if not hasattr(os, "pread"):  # no positioned reads (Windows): the region is read into memory
            return Region(b"".join(Region(file=self._opened, offset=offset, length=length).chunks()))
        return Region(file=self._opened, offset=offset, length=length)


def save_snapshot(path: Path, index: TopicIndex, mark: StoreMark) -> None:
    """Write ``index`` as of ``mark`` to ``path`` (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump((FORMAT, code_fingerprint(index.params), mark), out, protocol=pickle.HIGHEST_PROTOCOL)
            pickler = _SnapshotPickler(out)
            pickler.dump(index)
            table: list[tuple[int, int]] = []
            for region in pickler.regions:
                table.append((out.tell(), len(region)))
                for chunk in region.chunks():
                    out.write(chunk)
            table_at = out.tell()
            for entry in table:
                out.write(_ENTRY.pack(*entry))
            out.write(_TRAILER.pack(table_at, len(table)))
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_snapshot(path: Path, store: str, params: MatchParams) -> Snapshot | None:
    """The snapshot at ``path`` when it is of this ``store`` and was written by this code with these
    ``params``, else ``None``.
    The index keeps the file open to read its regions from."""
    try:
        opened = OpenFile(os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0)))
    except FileNotFoundError:
        return None
    except OSError as error:
        log.warning("index snapshot %s is unreadable (%s): rebuilding it", path, error)
        return None
    try:
        with os.fdopen(os.dup(opened.fd), "rb") as data:
            header = pickle.load(data)  # noqa: S301 - this process's own cache file
            if not (isinstance(header, tuple) and len(header) == 3 and header[0] == FORMAT
                    and header[1] == code_fingerprint(params)):
                log.info("index snapshot %s was written by another version: rebuilding it", path)
                return None
            mark = header[2]
            if not isinstance(mark, StoreMark) or mark.store != store:
                log.info("index snapshot %s is of another store: rebuilding it", path)
                return None
            index = _SnapshotUnpickler(data, opened, _region_table(data)).load()
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError,
            struct.error) as error:
        log.warning("index snapshot %s is unreadable (%s): rebuilding it", path, error)
        return None
    if not isinstance(index, TopicIndex):
        log.warning("index snapshot %s is unreadable (no index): rebuilding it", path)
        return None
    return Snapshot(mark, index)


def _region_table(data: IO[bytes]) -> list[tuple[int, int]]:
    """Where each region of the snapshot open as ``data`` is (leaves ``data`` where it was)."""
    at = data.tell()
    size = data.seek(0, os.SEEK_END)
    data.seek(size - _TRAILER.size)
    table_at, count = _TRAILER.unpack(data.read(_TRAILER.size))
    if not at <= table_at or table_at + count * _ENTRY.size + _TRAILER.size != size:
        raise ValueError("truncated")
    data.seek(table_at)
    table = [_ENTRY.unpack(data.read(_ENTRY.size)) for _ in range(count)]
    if any(offset < at or offset + length > table_at for offset, length in table):
        raise ValueError("a region outside the snapshot")
    data.seek(at)
    return table
