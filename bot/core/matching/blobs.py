"""``Blobs``: one byte string per topic slot (a packed document, a compressed topic), kept flat.

A ``bytes`` object per topic costs its header and an allocation besides its bytes; 100,000 of them
also make a snapshot slow to load. Most blobs are kept in one ``uint8`` array with an offset per
slot (which a loaded snapshot maps from its file, see ``snapshot``); those added since are kept in a
dict until ``compacted`` folds them in. A slot's blob never changes (a changed topic gets a new slot).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


class Blobs:
    """Byte strings by slot: a flat base (``data[offsets[s]:offsets[s + 1]]``) and those added since."""

    __slots__ = ("_data", "_extra", "_offsets")

    def __init__(self) -> None:
        self._data: npt.NDArray[np.uint8] = np.zeros(0, dtype=np.uint8)
        self._offsets: npt.NDArray[np.int64] = np.zeros(1, dtype=np.int64)
        self._extra: dict[int, bytes] = {}

    def __getstate__(self) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64], dict[int, bytes]]:
        return self._data, self._offsets, self._extra

    def __setstate__(self, state: tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64], dict[int, bytes]]) -> None:
        self._data, self._offsets, self._extra = state

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
        return self._data[int(self._offsets[slot]):int(self._offsets[slot + 1])].data

    def compacted(self, live: npt.NDArray[np.bool_]) -> Blobs:
        """All blobs of the ``live`` slots (a boolean per slot) in one flat base."""
        if not self._extra and len(live) == len(self._offsets) - 1 and not self._dropped(live):
            return self
        parts = [self.get(slot) if alive else b"" for slot, alive in enumerate(live.tolist())]
        out = Blobs()
        out._data = np.frombuffer(b"".join(parts), dtype=np.uint8)
        lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
        out._offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=out._offsets[1:])
        return out

    def _dropped(self, live: npt.NDArray[np.bool_]) -> bool:
        """Whether the base still holds a blob of a slot that is gone."""
        return bool(np.any(np.diff(self._offsets)[~live] > 0))
