"""Interned words and compact postings: the inverted lists the candidate stage reads.

A word is stored once (``Vocabulary``: an id per distinct string). A posting list maps a word id to
the topic slots that contain it, with one weight each, read as numpy arrays. Additions are made
in place (``array.array``), so building an index of 100,000 topics appends in amortised constant
time, and changing one topic touches only its words' lists.
"""

from __future__ import annotations

from array import array

import numpy as np
import numpy.typing as npt

SlotArray = npt.NDArray[np.int32]
WeightArray = npt.NDArray[np.float32]

_EMPTY_SLOTS: SlotArray = np.zeros(0, dtype=np.int32)
_EMPTY_WEIGHTS: WeightArray = np.zeros(0, dtype=np.float32)


class Vocabulary:
    """Strings interned to dense ids (never reused, so packed documents stay valid), the distinct
    evidence weights by a 16-bit code, and the indexed stems under each prefix key."""

    __slots__ = ("_ids", "_prefix_groups", "_weight_codes", "_weights", "_words")

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._words: list[str] = []
        self._weights: list[float] = []
        self._weight_codes: dict[float, int] = {}
        self._prefix_groups: dict[int, set[int]] = {}

    def weight_code(self, weight: float) -> int:
        """A code for ``weight``: records combine a few field weights, so there are few distinct ones."""
        code = self._weight_codes.get(weight)
        if code is None:
            code = len(self._weights)
            if code > 0xFFFF:
                raise OverflowError("more than 65536 distinct evidence weights")
            self._weight_codes[weight] = code
            self._weights.append(weight)
        return code

    def weight(self, code: int) -> float:
        return self._weights[code]

    def add_to_prefix(self, prefix_id: int, word_id: int) -> None:
        self._prefix_groups.setdefault(prefix_id, set()).add(word_id)

    def prefix_group(self, prefix_id: int) -> set[int]:
        """Ids of the indexed stems under one prefix key (ever indexed: a document is still asked)."""
        return self._prefix_groups.get(prefix_id, set())

    def __len__(self) -> int:
        return len(self._words)

    def intern(self, word: str) -> int:
        found = self._ids.get(word)
        if found is None:
            found = len(self._words)
            self._ids[word] = found
            self._words.append(word)
        return found

    def id(self, word: str) -> int | None:
        return self._ids.get(word)

    def word(self, word_id: int) -> str:
        return self._words[word_id]


class Postings:
    """Word id → (slots, weights). A slot appears at most once per word.

    Each list is a pair of ``array.array`` (4 bytes a slot, 4 a weight; appends are amortised O(1)),
    read by numpy without copying. A table ``weighted=False`` keeps no weights (all 1.0).
    """

    __slots__ = ("_slots", "_weighted", "_weights")

    def __init__(self, *, weighted: bool = True) -> None:
        self._slots: dict[int, array[int]] = {}
        self._weights: dict[int, array[float]] = {}
        self._weighted = weighted

    def add(self, word_id: int, slot: int, weight: float = 1.0) -> None:
        slots = self._slots.get(word_id)
        if slots is None:
            self._slots[word_id] = array("i", (slot,))
            if self._weighted:
                self._weights[word_id] = array("f", (weight,))
            return
        slots.append(slot)
        if self._weighted:
            self._weights[word_id].append(weight)

    def remove(self, word_id: int, slot: int) -> None:
        slots = self._slots.get(word_id)
        if slots is None:
            return
        try:
            i = slots.index(slot)
        except ValueError:
            return
        if len(slots) == 1:
            del self._slots[word_id]
            self._weights.pop(word_id, None)
            return
        del slots[i]
        if self._weighted:
            del self._weights[word_id][i]

    def get(self, word_id: int | None) -> tuple[SlotArray, WeightArray]:
        """The slots holding the word and their weights (empty arrays for an unknown word)."""
        if word_id is None or (slots := self._slots.get(word_id)) is None:
            return _EMPTY_SLOTS, _EMPTY_WEIGHTS
        ids: SlotArray = np.frombuffer(slots, dtype=np.int32)
        if not self._weighted:
            return ids, np.ones(len(ids), dtype=np.float32)
        weights: WeightArray = np.frombuffer(self._weights[word_id], dtype=np.float32)
        return ids, weights

    def count(self, word_id: int | None) -> int:
        """How many slots hold the word (its document frequency)."""
        slots = None if word_id is None else self._slots.get(word_id)
        return 0 if slots is None else len(slots)

    def __contains__(self, word_id: int | None) -> bool:
        return word_id is not None and word_id in self._slots


def top_k(candidates: SlotArray, values: npt.NDArray[np.float32] | npt.NDArray[np.int64], k: int,
          tiebreak: npt.NDArray[np.uint32]) -> SlotArray:
    """The ``k`` candidates with the highest values, ties at the cut broken by ``tiebreak`` (a hash
    of each one's name), so the choice does not depend on the order topics were added in."""
    if len(candidates) <= k:
        return candidates
    cut = np.partition(values, len(values) - k)[len(values) - k]
    above = candidates[values > cut]
    level = candidates[values == cut]
    need = k - len(above)
    chosen = level[np.argsort(tiebreak[level], kind="stable")[:need]]
    return np.sort(np.concatenate((above, chosen)))
