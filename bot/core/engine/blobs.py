"""``Blobs``: one byte string per slot (a packed document, a compressed topic, a name), kept flat.

A ``bytes`` object per topic costs its header and an allocation besides its bytes; 100,000 of them
also make a snapshot slow to load. Most blobs are kept in one byte string with an offset per slot;
those added since are kept in a dict until ``compacted`` folds them in. A slot's blob never changes
(a changed topic gets a new slot).

The flat bytes of ``Blobs(in_file=True)`` are a ``Region``: once the index is saved as a snapshot and
loaded again, they stay in the snapshot file and each blob is read from it when asked for
(``os.pread``): they are then in the system's file cache, shared and reclaimable, not in this
process's memory. A scored candidate or an answered topic costs one read of about a kilobyte.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Final

import numpy as np
import numpy.typing as npt

_CHUNK: Final = 1 << 20


class OpenFile:
    """A file descriptor closed when the last region read from it goes."""

    __slots__ = ("fd",)

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __del__(self) -> None:
        os.close(self.fd)


class Region:
    """Bytes held in memory, or at ``offset`` of an open file once loaded from a snapshot (the snapshot
    writer stores a region's bytes beside the pickle, see ``snapshot``). Pickled plainly, it is its bytes."""

    __slots__ = ("_data", "_file", "_length", "_offset")

    def __init__(self, data: bytes = b"", file: OpenFile | None = None, offset: int = 0, length: int = 0) -> None:
        self._data = data
        self._file = file
        self._offset = offset
        self._length = length if file is not None else len(data)

    def __len__(self) -> int:
        return self._length

    def __reduce__(self) -> tuple[type[Region], tuple[bytes]]:
        return Region, (b"".join(self.chunks()),)

    def read(self, start: int, end: int) -> bytes | memoryview:
        if self._file is None:
            return memoryview(self._data)[start:end]
        if not hasattr(os, "pread"):  # no positioned reads (Windows): seek, then read
            os.lseek(self._file.fd, self._offset + start, os.SEEK_SET)
            return os.read(self._file.fd, end - start)
        return os.pread(self._file.fd, end - start, self._offset + start)

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The bytes, a megabyte at a time."""
        for start in range(0, self._length, _CHUNK):
            yield self.read(start, min(self._length, start + _CHUNK))


class Blobs:
    """Byte strings by slot: a flat base (``base[offsets[s]:offsets[s + 1]]``) and those added since."""

    __slots__ = ("_base", "_extra", "_in_file", "_offsets")

    def __init__(self, *, in_file: bool = False) -> None:
        self._in_file = in_file  # whether a snapshot leaves the base in its file
        self._base: bytes | Region = Region() if in_file else b""
        self._offsets: npt.NDArray[np.int64] = np.zeros(1, dtype=np.int64)
        self._extra: dict[int, bytes] = {}

    def __getstate__(self) -> tuple[bool, bytes | Region, npt.NDArray[np.int64], dict[int, bytes]]:
        return self._in_file, self._base, self._offsets, self._extra

    def __setstate__(self, state: tuple[bool, bytes | Region, npt.NDArray[np.int64], dict[int, bytes]]) -> None:
        self._in_file, self._base, self._offsets, self._extra = state

    def add(self, slot: int, blob: bytes) -> None:
        self._extra[slot] = blob

    def remove(self, slot: int) -> None:
        """Forget a slot's blob (one of the base is dropped at the next compaction)."""
        self._extra.pop(slot, None)

    def get(self, slot: int) -> bytes | memoryview:
        """The blob of a live slot."""
        found = self._extra.get(slot)
        if found is not None:
            return found
        start, end = int(self._offsets[slot]), int(self._offsets[slot + 1])
        if isinstance(self._base, Region):
            return self._base.read(start, end)
        return memoryview(self._base)[start:end]

    def compacted(self, live: npt.NDArray[np.bool_]) -> Blobs:
        """All blobs of the ``live`` slots (a boolean per slot) in one flat base."""
        if not self._extra and len(live) == len(self._offsets) - 1 and not self._dropped(live):
            return self
        parts = [bytes(self.get(slot)) if alive else b"" for slot, alive in enumerate(live.tolist())]
        out = Blobs(in_file=self._in_file)
        joined = b"".join(parts)
        out._base = Region(joined) if self._in_file else joined
        lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
        out._offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=out._offsets[1:])
        return out

    def _dropped(self, live: npt.NDArray[np.bool_]) -> bool:
        """Whether the base still holds a blob of a slot that is gone."""
        return bool(np.any(np.diff(self._offsets)[~live] > 0))
