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

The index's numpy arrays are left out of its pickle (protocol 5 out-of-band buffers) and follow it,
each aligned to ``_ALIGN`` bytes, then their table and a trailer. Loading maps them read-only from
the file (``mmap``) instead of reading them: the compact postings, documents and compressed topics
take no memory until a question reads them, and then only the pages it reads (which the system may
drop again and read back from the file). An index updates only copies of the arrays it changes in
place (``postings.writable``).

The file is this process's own cache (written atomically: a temporary file renamed into place, never
changed in place, so a mapped file stays whole while the process runs) and holds nothing the store
does not.
"""

from __future__ import annotations

import hashlib
import logging
import mmap
import os
import pickle
import struct
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO, Final

from bot.core.matching.index import TopicIndex
from bot.core.matching.params import PARAMS, MatchParams

log = logging.getLogger(__name__)

#: Bumped whenever what a ``TopicIndex`` holds changes shape.
FORMAT: Final = 6
_TRAILER: Final = struct.Struct("<QQ")  # where the buffer table starts, how many buffers
_ENTRY: Final = struct.Struct("<QQ")  # offset and length of one buffer
_ALIGN: Final = 64
#: The sources (relative to ``bot/core``) that decide what an index holds and how it answers.
_INDEX_SOURCES: Final = ("matching", "topic_documents.py", "topic_scores.py", "tokens.py", "lexicon.py",
                         "english.py", "names.py", "aliases.py", "model.py")


@cache
def _source_digest() -> str:
    core = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in _INDEX_SOURCES:
        path = core / name
        for source in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            if source.is_file():
                digest.update(source.name.encode())
                digest.update(source.read_bytes())
    return digest.hexdigest()


def code_fingerprint(params: MatchParams = PARAMS) -> str:
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


def save_snapshot(path: Path, index: TopicIndex, mark: StoreMark) -> None:
    """Write ``index`` as of ``mark`` to ``path`` (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump((FORMAT, code_fingerprint(index.params), mark), out, protocol=5)
            buffers: list[pickle.PickleBuffer] = []
            pickle.dump(index, out, protocol=5, buffer_callback=buffers.append)
            table: list[tuple[int, int]] = []
            for buffer in buffers:
                out.write(bytes(-out.tell() % _ALIGN))
                with buffer.raw() as raw:
                    table.append((out.tell(), raw.nbytes))
                    out.write(raw)
            table_at = out.tell()
            for entry in table:
                out.write(_ENTRY.pack(*entry))
            out.write(_TRAILER.pack(table_at, len(table)))
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_snapshot(path: Path, store: str) -> Snapshot | None:
    """The snapshot at ``path`` when it is of this ``store`` and was written by this code, else ``None``."""
    try:
        with path.open("rb") as data:
            header = pickle.load(data)  # noqa: S301 - this process's own cache file
            if not (isinstance(header, tuple) and len(header) == 3 and header[0] == FORMAT
                    and header[1] == code_fingerprint()):
                log.info("index snapshot %s was written by another version: rebuilding it", path)
                return None
            mark = header[2]
            if not isinstance(mark, StoreMark) or mark.store != store:
                log.info("index snapshot %s is of another store: rebuilding it", path)
                return None
            index = pickle.load(data, buffers=_mapped_buffers(data))  # noqa: S301
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError,
            struct.error) as error:
        log.warning("index snapshot %s is unreadable (%s): rebuilding it", path, error)
        return None
    if not isinstance(index, TopicIndex):
        log.warning("index snapshot %s is unreadable (no index): rebuilding it", path)
        return None
    return Snapshot(mark, index)


class _NotASnapshotError(ValueError):
    pass


def _mapped_buffers(data: BinaryIO) -> list[memoryview]:
    """The out-of-band buffers of the snapshot open as ``data``, mapped read-only from its file."""
    mapped = mmap.mmap(data.fileno(), 0, access=mmap.ACCESS_READ)
    size = len(mapped)
    table_at, count = _TRAILER.unpack_from(mapped, size - _TRAILER.size)
    if table_at + count * _ENTRY.size + _TRAILER.size != size:
        raise _NotASnapshotError("truncated")
    view = memoryview(mapped)
    buffers: list[memoryview] = []
    for i in range(count):
        offset, length = _ENTRY.unpack_from(mapped, table_at + i * _ENTRY.size)
        if offset + length > table_at:
            raise _NotASnapshotError("a buffer past the end of the snapshot")
        buffers.append(view[offset:offset + length])
    return buffers
