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
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from bot.core.engine.blobs import Blobs
from bot.core.engine.params import MatchParams
from bot.core.engine.postings import Postings, Vocabulary, top_k, writable
from bot.core.engine.tokens import normalize


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
    """Every title and alias, searchable by trigram overlap, then ranked with a rapidfuzz scorer.

    Each name has an id (never reused); its normalised text (and, for an alias, the alias as written)
    is kept flat in ``Blobs``, and its topic slot in an array that stays sorted (slots only grow), so a
    topic's names are found by binary search."""

    def __init__(self, params: MatchParams) -> None:
        self._params = params
        self._grams = Vocabulary()
        self._postings = Postings(weighted=False)
        self._names = Blobs()  # name id → normalised name, then "\0" and the alias as written for an alias
        self._count = 0  # name ids given out
        self._owner_slots = array("i")  # the topic slot of each name id, ascending
        self._live = 0
        self._tiebreak: npt.NDArray[np.uint32] = np.zeros(64, dtype=np.uint32)
        self._alive: npt.NDArray[np.bool_] = np.zeros(64, dtype=np.bool_)

    def add(self, slot: int, names: Iterable[tuple[str, bool]]) -> None:
        for display, is_alias in names:
            normal = normalize(display)
            if not normal:
                continue
            name_id = self._count
            self._count += 1
            self._names.add(name_id, f"{normal}\0{display}".encode() if is_alias else normal.encode())
            if name_id >= len(self._tiebreak):
                self._tiebreak = np.concatenate((self._tiebreak, np.zeros(len(self._tiebreak), dtype=np.uint32)))
                self._alive = np.concatenate((self._alive, np.zeros(len(self._alive), dtype=np.bool_)))
            self._alive[name_id] = True
            self._tiebreak[name_id] = zlib.crc32(f"{normal}\0{display}".encode())
            self._owner_slots.append(slot)
            self._live += 1
            for gram in trigrams(normal):
                self._postings.add(self._grams.intern(gram), name_id)

    def remove(self, slot: int) -> None:
        name_id = bisect_left(self._owner_slots, slot)
        while name_id < self._count and self._owner_slots[name_id] == slot:
            if self._alive[name_id]:
                for gram in trigrams(self._name(name_id)[0]):
                    self._postings.remove(self._grams.intern(gram), name_id)
                self._names.remove(name_id)
                self._alive[name_id] = False
                self._live -= 1
            name_id += 1

    def _name(self, name_id: int) -> tuple[str, str | None]:
        """The normalised name and, for an alias, the alias as written."""
        normal, _, alias = bytes(self._names.get(name_id)).decode().partition("\0")
        return normal, alias or None

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_recent", None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._tiebreak = writable(self._tiebreak)
        self._alive = writable(self._alive)

    def compact(self) -> None:
        alive = self._alive[: self._count]
        self._postings.compact(alive)
        self._names = self._names.compacted(alive)

    def compacted(self) -> NameTrigrams:
        """A compacted copy (sharing what compaction leaves alone: for pickling only)."""
        out = copy.copy(self)
        alive = self._alive[: self._count]
        out._postings = self._postings.compacted(alive)
        out._names = self._names.compacted(alive)
        return out

    def _candidates(self, query: str) -> dict[int, tuple[str, str | None]]:
        """Name ids worth scoring, with their names (``_name``): all of them in a small index, else those
        sharing most trigrams. The last query's are remembered (a miss looks the same text up with two
        scorers); not to be changed."""
        key = (query, self._count, self._live)
        recent: tuple[tuple[str, int, int], dict[int, tuple[str, str | None]]] | None = self.__dict__.get("_recent")
        if recent is not None and recent[0] == key:
            return recent[1]
        found = {i: self._name(i) for i in self._find_candidates(query)}
        self.__dict__["_recent"] = (key, found)
        return found

    def _find_candidates(self, query: str) -> list[int]:
        if self._live <= self._params.autocomplete_scored:
            return [int(i) for i in np.flatnonzero(self._alive[: self._count])]
        parts = [self._postings.get(self._grams.id(gram))[0] for gram in trigrams(query)]
        parts = [p for p in parts if len(p)]
        if not parts:
            return []
        counts = np.bincount(np.concatenate(parts), minlength=self._count)
        counts[~self._alive[: len(counts)]] = 0  # postings may list removed names until compacted
        hit = np.flatnonzero(counts).astype(np.int32)
        return [int(i) for i in top_k(hit, counts[hit], self._params.autocomplete_scored, self._tiebreak)]

    def search(self, text: str, scorer: Callable[..., float], cutoff: float, limit: int,
               visible: Callable[[int], bool]) -> list[tuple[int, str | None, float]]:
        """``(slot, alias or None for the title, score)`` of the best visible names, best first."""
        return self.search_normalized(normalize(text), scorer, cutoff, limit, visible)

    def search_normalized(self, query: str, scorer: Callable[..., float], cutoff: float, limit: int,
                          visible: Callable[[int], bool]) -> list[tuple[int, str | None, float]]:
        """``search`` for text already normalised (``tokens.normalize``)."""
        if not query:
            return []
        names = self._candidates(query)
        choices = {i: normal for i, (normal, _) in names.items()}
        hits = process.extract(query, choices, scorer=scorer, processor=None, score_cutoff=cutoff,
                               limit=None)
        hits.sort(key=lambda hit: (-hit[1], hit[0], names[hit[2]][1] or ""))
        out: list[tuple[int, str | None, float]] = []
        for _name, score, name_id in hits:
            slot = self._owner_slots[name_id]
            if visible(slot):
                out.append((slot, names[name_id][1], float(score)))
                if len(out) >= limit:
                    break
        return out


class WholeNames:
    """Titles and aliases written without spaces or function words ("zozotafoundry"), by first
    letter, for questions that are a misspelt name with letters moved across words."""

    def __init__(self, params: MatchParams) -> None:
        self._params = params
        # first letter → compact name → its slot (or slots, in the rare case several topics share it)
        self._slots: dict[str, dict[str, int | tuple[int, ...]]] = {}
        self._sorted: dict[str, list[str]] = {}

    def add(self, slot: int, compact: str) -> None:
        if compact:
            names = self._slots.setdefault(compact[0], {})
            found = names.get(compact)
            names[compact] = slot if found is None else (*_as_tuple(found), slot)
            self._sorted.pop(compact[0], None)

    def remove(self, slot: int, compact: str) -> None:
        names = self._slots.get(compact[:1], {})
        found = names.get(compact)
        if found is None or slot not in _as_tuple(found):
            return
        rest = tuple(s for s in _as_tuple(found) if s != slot)
        if rest:
            names[compact] = rest[0] if len(rest) == 1 else rest
        else:
            del names[compact]
            self._sorted.pop(compact[0], None)

    def warm(self) -> None:
        """Sort every letter's names now."""
        for letter in list(self._slots):
            self._bucket(letter)

    def _bucket(self, letter: str) -> list[str]:
        found = self._sorted.get(letter)
        if found is None:
            found = sorted(self._slots.get(letter, ()))
            self._sorted[letter] = found
        return found

    def exact(self, compact: str) -> tuple[int, ...]:
        """The slots of the topics with a name written ``compact`` (no typo allowed)."""
        return _as_tuple(self._slots.get(compact[:1], {}).get(compact, ())) if compact else ()

    def typos(self, text: str) -> dict[int, float]:
        """Slot → similarity (0..1) of the names ``text`` may be a misspelling of."""
        if not text:
            return {}
        hits = process.extract(text, self._bucket(text[0]), scorer=fuzz.ratio, processor=None,
                               score_cutoff=self._params.whole_name_cutoff, limit=self._params.typo_limit)
        found: dict[int, float] = {}
        names = self._slots.get(text[0], {})
        for name, score, _ in hits:
            for slot in _as_tuple(names.get(name, ())):
                found[slot] = max(found.get(slot, 0.0), score / 100.0)
        return found


def _as_tuple(slots: int | tuple[int, ...]) -> tuple[int, ...]:
    return (slots,) if isinstance(slots, int) else slots


__all__ = ["LetterBuckets", "NameTrigrams", "WholeNames", "trigrams"]
