"""Lookups over the topics' names whose cost must not grow with the corpus: typo candidates for one
word, whole-name typos, and autocomplete / "did you mean" over titles and aliases.

* A typo keeps its first letter (the ranker only accepts those), so name words are kept in
  per-letter buckets and ``fuzz.ratio`` with a ``score_cutoff`` runs over one bucket.
* Titles and aliases are indexed by trigrams (pg_trgm style: each word padded with two spaces in
  front), so autocomplete scores only the few hundred names sharing the most trigrams with what was
  typed, with rapidfuzz's ``process.extract``; an index with fewer names than that scores them all.
"""

from __future__ import annotations

import copy
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from bot.core.matching.params import PARAMS, MatchParams
from bot.core.matching.postings import Postings, Vocabulary, top_k, writable
from bot.core.tokens import normalize


class LetterBuckets:
    """Distinct strings by first letter, counted so a string shared by several topics stays until
    the last one goes; each letter's sorted list is rebuilt only after that letter changed."""

    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = {}
        self._sorted: dict[str, list[str]] = {}

    def add(self, word: str) -> None:
        if word:
            self._counts.setdefault(word[0], Counter())[word] += 1
            self._sorted.pop(word[0], None)

    def discard(self, word: str) -> None:
        bucket = self._counts.get(word[:1])
        if bucket is None or word not in bucket:
            return
        bucket[word] -= 1
        if bucket[word] <= 0:
            del bucket[word]
            self._sorted.pop(word[0], None)

    def warm(self) -> None:
        """Sort every letter's list now."""
        for letter in list(self._counts):
            self.bucket(letter)

    def bucket(self, letter: str) -> list[str]:
        found = self._sorted.get(letter)
        if found is None:
            found = sorted(self._counts.get(letter, ()))
            self._sorted[letter] = found
        return found


def trigrams(text: str) -> set[str]:
    """The trigrams of normalised ``text``: each word padded with two spaces in front, and those of the
    words run together (what was typed may span two words: "minise" of "Vopomi Selni")."""
    out: set[str] = set()
    for word in text.split():
        padded = "  " + word
        out.update(padded[i:i + 3] for i in range(len(padded) - 2))
    joined = text.replace(" ", "")
    out.update(joined[i:i + 3] for i in range(len(joined) - 2))
    return out


class NameTrigrams:
    """Every title and alias, searchable by trigram overlap, then ranked with a rapidfuzz scorer."""

    def __init__(self, params: MatchParams = PARAMS) -> None:
        self._params = params
        self._grams = Vocabulary()
        self._postings = Postings(weighted=False)
        self._names: list[str | None] = []  # normalised name by name id; None once removed
        self._owner_slots = array("i")  # the topic slot of each name id
        self._aliases: dict[int, str] = {}  # name id → the alias as written (titles are not kept twice)
        self._by_slot: dict[int, tuple[int, int]] = {}  # slot → (first name id, how many): added together
        self._live = 0
        self._tiebreak: npt.NDArray[np.uint32] = np.zeros(64, dtype=np.uint32)
        self._alive: npt.NDArray[np.bool_] = np.zeros(64, dtype=np.bool_)

    def add(self, slot: int, names: Iterable[tuple[str, bool]]) -> None:
        first = len(self._names)
        for display, is_alias in names:
            normal = normalize(display)
            if not normal:
                continue
            name_id = len(self._names)
            self._names.append(normal)
            if name_id >= len(self._tiebreak):
                self._tiebreak = np.concatenate((self._tiebreak, np.zeros(len(self._tiebreak), dtype=np.uint32)))
                self._alive = np.concatenate((self._alive, np.zeros(len(self._alive), dtype=np.bool_)))
            self._alive[name_id] = True
            self._tiebreak[name_id] = zlib.crc32(f"{normal}\0{display}".encode())
            self._owner_slots.append(slot)
            if is_alias:
                self._aliases[name_id] = display
            self._live += 1
            for gram in trigrams(normal):
                self._postings.add(self._grams.intern(gram), name_id)
        self._by_slot[slot] = (first, len(self._names) - first)

    def remove(self, slot: int) -> None:
        first, count = self._by_slot.pop(slot, (0, 0))
        for name_id in range(first, first + count):
            normal = self._names[name_id]
            if normal is None:
                continue
            for gram in trigrams(normal):
                self._postings.remove(self._grams.intern(gram), name_id)
            self._names[name_id] = None
            self._alive[name_id] = False
            self._aliases.pop(name_id, None)
            self._live -= 1

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._tiebreak = writable(self._tiebreak)
        self._alive = writable(self._alive)

    def compact(self) -> None:
        self._postings.compact(self._alive[: len(self._names)])

    def compacted(self) -> NameTrigrams:
        """A copy with compact postings (sharing everything else: for pickling only)."""
        out = copy.copy(self)
        out._postings = self._postings.compacted(self._alive[: len(self._names)])
        return out

    def _candidates(self, query: str) -> list[int]:
        """Name ids worth scoring: all of them in a small index, else those sharing most trigrams."""
        if self._live <= self._params.autocomplete_scored:
            return [i for i, name in enumerate(self._names) if name is not None]
        parts = [self._postings.get(self._grams.id(gram))[0] for gram in trigrams(query)]
        parts = [p for p in parts if len(p)]
        if not parts:
            return []
        counts = np.bincount(np.concatenate(parts), minlength=len(self._names))
        counts[~self._alive[: len(counts)]] = 0  # postings may list removed names until compacted
        hit = np.flatnonzero(counts).astype(np.int32)
        return [int(i) for i in top_k(hit, counts[hit], self._params.autocomplete_scored, self._tiebreak)]

    def search(self, text: str, scorer: Callable[..., float], cutoff: float, limit: int,
               visible: Callable[[int], bool]) -> list[tuple[int, str | None, float]]:
        """``(slot, alias or None for the title, score)`` of the best visible names, best first."""
        query = normalize(text)
        if not query:
            return []
        ids = self._candidates(query)
        choices = {i: self._names[i] for i in ids}
        hits = process.extract(query, choices, scorer=scorer, processor=None, score_cutoff=cutoff,
                               limit=None)
        hits.sort(key=lambda hit: (-hit[1], hit[0], self._aliases.get(hit[2], "")))
        out: list[tuple[int, str | None, float]] = []
        for _name, score, name_id in hits:
            slot = self._owner_slots[name_id]
            if visible(slot):
                out.append((slot, self._aliases.get(name_id), float(score)))
                if len(out) >= limit:
                    break
        return out


class WholeNames:
    """Titles and aliases written without spaces or function words ("zozotafoundry"), by first
    letter, for questions that are a misspelt name with letters moved across words."""

    def __init__(self, params: MatchParams = PARAMS) -> None:
        self._params = params
        self.buckets = LetterBuckets()
        self._slots: dict[str, tuple[int, ...]] = {}

    def add(self, slot: int, compact: str) -> None:
        if compact:
            self.buckets.add(compact)
            self._slots[compact] = (*self._slots.get(compact, ()), slot)

    def remove(self, slot: int, compact: str) -> None:
        slots = self._slots.get(compact)
        if slots is not None and slot in slots:
            self.buckets.discard(compact)
            rest = tuple(s for s in slots if s != slot)
            if rest:
                self._slots[compact] = rest
            else:
                del self._slots[compact]

    def typos(self, text: str) -> dict[int, float]:
        """Slot → similarity (0..1) of the names ``text`` may be a misspelling of."""
        if not text:
            return {}
        hits = process.extract(text, self.buckets.bucket(text[0]), scorer=fuzz.ratio, processor=None,
                               score_cutoff=self._params.whole_name_cutoff, limit=self._params.typo_limit)
        found: dict[int, float] = {}
        for name, score, _ in hits:
            for slot in self._slots.get(name, ()):
                found[slot] = max(found.get(slot, 0.0), score / 100.0)
        return found


__all__ = ["LetterBuckets", "NameTrigrams", "WholeNames", "trigrams"]
