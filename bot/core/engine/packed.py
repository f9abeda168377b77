"""``PackedDocument``: a ``TopicDocument`` stored as one byte string of sorted word ids.

A ``TopicDocument`` is a handful of dicts and sets of strings (tens of kilobytes per topic). The
ranker only ever asks it about the few words of one question, so the index keeps each document as
sorted arrays of interned word ids with their weights, in one byte string (about a kilobyte), and
answers each question by binary search. Both classes answer the same questions (``DocumentView``).
The index keeps only the byte strings (``Blobs``) and wraps the few it reads in a ``PackedDocument``.

Layout (native byte order)::

    header   6 × uint32   counts: terms, phrases, proper words, exact words, names; bytes of the names
    uint64   phrases (first stem id << 32 | second stem id), sorted
    uint32   evidence word ids, sorted
    uint16   evidence weight codes            (same order; ``Vocabulary.weight``)
    uint16   evidence-outside-the-names codes (same order)
    uint32   proper words, sorted
    uint32   exact words, sorted
    uint8    field code | flags               (same order as the evidence ids)
    names    the topic's title (uint16 length, UTF-8), then the fields of each ``NameWords`` (text,
             words, is_title, exact, keys) as one pickled tuple of tuples: read back in one call

The stems under a prefix key are kept once for all documents (``Vocabulary.prefix_group``).
"""

from __future__ import annotations

import pickle
import struct
from array import array
from bisect import bisect_left
from itertools import accumulate
from typing import Final, NamedTuple

from bot.core.engine.postings import Vocabulary
from bot.core.engine.topic_documents import FIELD_WEIGHTS, NameWords, TopicDocument

FIELDS: Final = tuple(FIELD_WEIGHTS)
_FIELD_CODES: Final = {name: i for i, name in enumerate(FIELDS)}
_DEFINING: Final = 16
_ACRONYM: Final = 32
_LOWERCASE: Final = 64
_FIELD_MASK: Final = 15
_HEADER: Final = struct.Struct("=6I")
_TEXT_LENGTH: Final = struct.Struct("=H")


class _Views(NamedTuple):
    phrases: memoryview[int]
    ids: memoryview[int]
    weights: memoryview[int]
    text: memoryview[int]
    proper: memoryview[int]
    exact: memoryview[int]
    codes: memoryview[int]


def _contains(values: memoryview[int], value: int) -> bool:
    i = bisect_left(values, value)
    return i < len(values) and int(values[i]) == value


def _pack_names(title: str, names: tuple[NameWords, ...], vocabulary: Vocabulary) -> bytes:
    for name in names:  # every name word and key has an id, as the index expects
        for word in (*name.words, *name.keys):
            vocabulary.intern(word)
    encoded = title.encode()
    fields = tuple((n.text, n.words, n.is_title, n.exact, n.keys) for n in names)
    return b"".join((_TEXT_LENGTH.pack(len(encoded)), encoded, pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)))


class PackedDocument:
    """A ``TopicDocument`` as sorted word ids (see the module docstring)."""

    __slots__ = ("_blob", "_id_of", "_names", "_positions", "_views", "_vocabulary")

    def __init__(self, blob: bytes | memoryview, vocabulary: Vocabulary) -> None:
        self._blob = blob
        self._vocabulary = vocabulary
        self._id_of = vocabulary.id_lookup
        self._views: _Views | None = None
        self._names: tuple[NameWords, ...] | None = None
        self._positions: dict[str, int] = {}  # ``_position`` of each key asked (a word is asked several things)

    @classmethod
    def pack(cls, title: str, doc: TopicDocument, vocabulary: Vocabulary) -> PackedDocument:
        intern = vocabulary.intern
        terms = sorted((intern(key), weight, field) for key, (weight, field) in doc.evidence.items())
        ids = array("I", (t for t, _, _ in terms))
        weights = array("H", (vocabulary.weight_code(w) for _, w, _ in terms))
        text = array("H", (vocabulary.weight_code(doc.text_evidence.get(vocabulary.word(t), 0.0))
                           for t, _, _ in terms))
        codes = bytearray()
        for term, _, field in terms:
            word = vocabulary.word(term)
            flags = _FIELD_CODES[field]
            if word in doc.defining:
                flags |= _DEFINING
            if word in doc.acronyms:
                flags |= _ACRONYM
            if word in doc.lowercase:
                flags |= _LOWERCASE
            codes.append(flags)
        for pkey, items in doc.prefix_evidence.items():
            for stem_, _ in items:
                vocabulary.add_to_prefix(intern(pkey), intern(stem_))
        phrases = array("Q", sorted((intern(a) << 32) | intern(b) for a, b in doc.phrases))
        proper = array("I", sorted(intern(w) for w in doc.proper))
        exact = array("I", sorted(intern(w) for w in doc.exact))
        names = _pack_names(title, doc.names, vocabulary)
        header = _HEADER.pack(len(ids), len(phrases), len(proper), len(exact), len(doc.names), len(names))
        blob = b"".join((header, phrases.tobytes(), ids.tobytes(), weights.tobytes(), text.tobytes(),
                         proper.tobytes(), exact.tobytes(), bytes(codes), names))
        return cls(blob, vocabulary)

    @property
    def blob(self) -> bytes | memoryview:
        return self._blob

    @property
    def nbytes(self) -> int:
        return len(self._blob)

    def _names_at(self) -> tuple[int, int, int]:
        """Where the names start, how many there are and how many bytes they take."""
        n, n_phrases, n_proper, n_exact, n_names, size = _HEADER.unpack_from(self._blob)
        return _HEADER.size + 8 * n_phrases + 9 * n + 4 * (n_proper + n_exact), n_names, size

    @property
    def title(self) -> str:
        """The topic's title as written."""
        at, _, _ = self._names_at()
        (length,) = _TEXT_LENGTH.unpack_from(self._blob, at)
        start = at + _TEXT_LENGTH.size
        return bytes(self._blob[start:start + length]).decode()

    @property
    def names(self) -> tuple[NameWords, ...]:
        """The topic's title and aliases as ``NameWords`` (those with content words)."""
        if self._names is None:
            at, _, size = self._names_at()
            (length,) = _TEXT_LENGTH.unpack_from(self._blob, at)
            fields = pickle.loads(self._blob[at + _TEXT_LENGTH.size + length:at + size])  # noqa: S301 - our own bytes
            self._names = tuple(NameWords(*name) for name in fields)
        return self._names

    def _unpack(self) -> _Views:
        if self._views is None:
            n, n_phrases, n_proper, n_exact, _, _ = _HEADER.unpack_from(self._blob)
            view = memoryview(self._blob)
            ends = list(accumulate((_HEADER.size, 8 * n_phrases, 4 * n, 2 * n, 2 * n, 4 * n_proper, 4 * n_exact, n)))
            self._views = _Views(
                view[ends[0]:ends[1]].cast("Q"), view[ends[1]:ends[2]].cast("I"),
                view[ends[2]:ends[3]].cast("H"), view[ends[3]:ends[4]].cast("H"),
                view[ends[4]:ends[5]].cast("I"), view[ends[5]:ends[6]].cast("I"),
                view[ends[6]:ends[7]].cast("B"))
        return self._views

    def _position(self, key: str) -> int:
        """Where ``key`` is among the evidence word ids, or -1 (remembered)."""
        found = self._positions.get(key)
        if found is None:
            found = self._positions[key] = self._find(key)
        return found

    def _find(self, key: str) -> int:
        word_id = self._id_of(key)
        if word_id is None:
            return -1
        ids = (self._views or self._unpack()).ids
        i = bisect_left(ids, word_id)
        return i if i < len(ids) and ids[i] == word_id else -1

    # --- DocumentView ------------------------------------------------------------------------------

    def evidence_of(self, key: str) -> tuple[float, str | None]:
        i = self._position(key)
        if i < 0:
            return 0.0, None
        views = self._views or self._unpack()
        return self._vocabulary.weights[views.weights[i]], FIELDS[views.codes[i] & _FIELD_MASK]

    def text_evidence_of(self, key: str) -> float:
        i = self._position(key)
        return 0.0 if i < 0 else self._vocabulary.weights[(self._views or self._unpack()).text[i]]

    def prefix_evidence_of(self, pkey: str) -> list[tuple[str, float]]:
        prefix_id = self._id_of(pkey)
        if prefix_id is None:
            return []
        views = self._views or self._unpack()
        ids, codes = views.ids, views.weights
        n = len(ids)
        words, weights = self._vocabulary.words, self._vocabulary.weights
        out: list[tuple[str, float]] = []
        for word_id in self._vocabulary.prefix_group(prefix_id):
            i = bisect_left(ids, word_id)
            if i < n and ids[i] == word_id:
                weight = weights[codes[i]]
                if weight > 0.0:
                    out.append((words[word_id], weight))
        return out

    def has_phrase(self, first: str, second: str) -> bool:
        a, b = self._id_of(first), self._id_of(second)
        return a is not None and b is not None and _contains((self._views or self._unpack()).phrases, (a << 32) | b)

    def is_proper(self, word: str) -> bool:
        word_id = self._id_of(word)
        return word_id is not None and _contains((self._views or self._unpack()).proper, word_id)

    def _flags(self, key: str) -> int:
        """The field code and flags of ``key`` (0 when the record does not have it)."""
        i = self._position(key)
        return 0 if i < 0 else (self._views or self._unpack()).codes[i]

    def is_acronym(self, key: str) -> bool:
        return bool(self._flags(key) & _ACRONYM)

    def is_defining(self, key: str) -> bool:
        return bool(self._flags(key) & _DEFINING)

    def has_lowercase(self, key: str) -> bool:
        return bool(self._flags(key) & _LOWERCASE)

    # --- what the index reads when it adds or drops the topic -------------------------------------

    def evidence_items(self) -> list[tuple[int, float]]:
        """(word id, weight) of every evidence word."""
        views = self._unpack()
        weight = self._vocabulary.weight
        return [(int(t), weight(w)) for t, w in zip(views.ids, views.weights, strict=True)]

    def exact_ids(self) -> list[int]:
        return [int(x) for x in self._unpack().exact]
