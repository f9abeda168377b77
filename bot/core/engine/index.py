"""``TopicIndex``: the in-memory index of topics that questions and autocomplete are matched against.

Topics are global (``guild_id=None``) or belong to one guild; a guild sees the global topics plus
its own, minus the global ones it hid. Each topic has a slot; what the ranker reads of it is its
``PackedDocument`` (sorted word ids, about a kilobyte) and the topic itself is kept as a compressed
pickle, unpacked on demand (a few hundred recently used topics stay ready); what the decision step
reads of every candidate, its names and attribute names (``ranking.TopicHead``), is kept apart, so
only the topic answered about is unpacked whole. All three are byte strings
by slot (``Blobs``) which, in an index loaded from its snapshot, stay in the snapshot file and are
read when asked for (``snapshot``). The postings are a few flat arrays (``Postings``). Updating one
topic touches only that topic's postings; a bulk build and a snapshot compact them.

A question is answered in two stages (``rank``):

1. **Candidates** (``candidates``): every question word's posting list (with the record's evidence
   weight per topic), prefix and name postings and typo matches are summed, IDF-weighted, into one
   numpy vector over the slots at once. At most ``MatchParams.max_scored`` topics with the highest sums
   go on, however many topics share a common word.
2. **Scoring** (``scoring.score_topic``) of those candidates in full, with every rule of the
   evidence model (see ``bot.core.engine.scoring``).
"""

from __future__ import annotations

import logging
import math
import pickle
import zlib
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from bot.core.engine import english
from bot.core.engine.blobs import Blobs
from bot.core.engine.english import is_everyday
from bot.core.engine.lexicon import ASPECT_WORDS, COMMON_WORDS, FUNCTION_WORDS, SYNONYM_GROUPS
from bot.core.engine.names import LetterBuckets, NameTrigrams, WholeNames
from bot.core.engine.packed import PackedDocument
from bot.core.engine.params import MatchParams
from bot.core.engine.postings import Postings, Vocabulary, top_k, writable
from bot.core.engine.ranking import Ranked, TopicHead
from bot.core.engine.reading import Query, plain_query
from bot.core.engine.related_lists import RelatedLists
from bot.core.engine.scoring import Evidence, QuestionStats, score_topic
from bot.core.engine.tokens import normalize, prefix_key, stem
from bot.core.engine.topic_documents import build_document, is_short_acronym
from bot.core.engine.topic_scores import (
    CHATTER_WORDS,
    QuestionToken,
    TopicScore,
    compact_name,
    is_chatter_typo,
    name_vocabulary,
    name_vocabulary_of,
    typo_cutoff,
)
from bot.core.model import Topic

log = logging.getLogger(__name__)

Key = tuple[int | None, str]

_GLOBAL: Final = -1
_FREE: Final = -2
_SYNONYMS: Final = {stem(w): frozenset(stem(x) for x in group) - {stem(w)}
                    for group in SYNONYM_GROUPS for w in group}
_COMMON_STEMS: Final = frozenset(stem(w) for w in COMMON_WORDS)
_ZDICT_SIZE: Final = 32 * 1024
#: The posting tables (``Postings``) of a ``TopicIndex``, by attribute name.
_TABLES: Final = ("_evidence", "_name_words", "_exact_words", "_described")
#: Visible masks kept (by guild: see ``TopicIndex._visible_mask``).
_MASKS_KEPT: Final = 64
#: Added to a whole-name typo's candidate sum so it is always scored.
_MUST_SCORE: Final = 1e6


class TopicIndex:
    """Topics by title (case-insensitive) with the postings needed to rank them against text."""

    def __init__(self, entries: Iterable[tuple[Topic, int | None]] = (), *, params: MatchParams | None = None) -> None:
        self._params = params if params is not None else MatchParams()
        self._vocabulary = Vocabulary()
        self._evidence = Postings()
        self._name_words = Postings(weighted=False)
        self._exact_words = Postings(weighted=False)
        self._described = Postings(weighted=False)  # surface words of titles, aliases and descriptions
        self._described_words = LetterBuckets()
        self._typo_words = LetterBuckets()
        self._whole_names = WholeNames(self._params)
        self._trigrams = NameTrigrams(self._params)
        self._name_pairs: dict[str, int] = {}  # two adjacent name words run together → the first's length
        self._slot_of: dict[Key, int] = {}
        self._keys: list[Key | None] = []
        self._documents = Blobs(in_file=True)  # each slot's ``PackedDocument``
        self._compressed = Blobs(in_file=True)  # each slot's topic, compressed (see ``_compress``)
        self._heads = Blobs(in_file=True)  # each slot's ``TopicHead``, pickled as a tuple (see ``head_at``)
        self._owner: npt.NDArray[np.int64] = np.full(64, _FREE, dtype=np.int64)
        self._tiebreak: npt.NDArray[np.uint32] = np.zeros(64, dtype=np.uint32)
        self._guild_slots: dict[int, set[int]] = {}
        self._hidden: dict[int, set[str]] = {}
        self._cache: OrderedDict[int, Topic] = OrderedDict()
        self._zdict: bytes | None = None
        self._compound_cache: dict[str, str | None] = {}
        self._titles_cache: dict[int | None, list[str]] = {}
        self._masks: dict[int | None, tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]] = {}  # ``_masks_of``
        #: The "see also" lists, filled by ``related.RelatedTopics`` and saved with the snapshot.
        self.related_lists = RelatedLists()
        for topic, guild_id in entries:
            self.upsert(topic, guild_id)
        self.compact()
        self.warm()

    def __getstate__(self) -> dict[str, object]:
        """What a snapshot keeps: everything but the caches of recent work, compacted (this index is
        left as it is: its documents and topics may be read from the snapshot it was loaded from)."""
        state = dict(vars(self))
        live = self._live_slots()
        for name in _TABLES:
            state[name] = getattr(self, name).compacted(live)
        state["_trigrams"] = self._trigrams.compacted()
        state["_documents"] = self._documents.compacted(live)
        state["_compressed"] = self._compressed.compacted(live)
        state["_heads"] = self._heads.compacted(live)
        state["_cache"] = OrderedDict()
        state["_compound_cache"] = {}
        state["_titles_cache"] = {}
        state["_masks"] = {}
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._owner = writable(self._owner)
        self._tiebreak = writable(self._tiebreak)
        self.warm()

    @property
    def params(self) -> MatchParams:
        """The tuning parameters this index ranks with."""
        return self._params

    def compact(self) -> None:
        """Fold the changes made since into the compact postings, dropping removed topics' slots
        (seconds at 100,000 topics: done after a bulk build and when a snapshot is saved)."""
        live = self._live_slots()
        for name in _TABLES:
            getattr(self, name).compact(live)
        self._trigrams.compact()
        self._documents = self._documents.compacted(live)
        self._compressed = self._compressed.compacted(live)
        self._heads = self._heads.compacted(live)

    def _live_slots(self) -> npt.NDArray[np.bool_]:
        live: npt.NDArray[np.bool_] = self._owner[: len(self._keys)] != _FREE
        return live

    def warm(self) -> None:
        """Do now what the first questions would otherwise wait for: read the English word list and
        sort every typo bucket."""
        english.load()
        for buckets in (self._typo_words, self._described_words, self._whole_names):
            buckets.warm()

    # --- updates -------------------------------------------------------------------------------

    def upsert(self, topic: Topic, guild_id: int | None = None) -> None:
        """Add ``topic`` or replace the topic with the same title in the same scope."""
        key = (guild_id, topic.title.casefold())
        self._drop(key)
        slot = len(self._keys)
        doc = build_document(topic)
        packed = PackedDocument.pack(topic.title, doc, self._vocabulary)
        self._keys.append(key)
        self._documents.add(slot, bytes(packed.blob))
        self._compressed.add(slot, self._compress(topic))
        head = TopicHead.of(topic)
        self._heads.add(slot, pickle.dumps((head.title, head.aliases, head.attribute_names),
                                           protocol=pickle.HIGHEST_PROTOCOL))
        self._slot_of[key] = slot
        if slot >= len(self._owner):
            self._owner = np.concatenate((self._owner, np.full(len(self._owner), _FREE, dtype=np.int64)))
            self._tiebreak = np.concatenate((self._tiebreak, np.zeros(len(self._tiebreak), dtype=np.uint32)))
        self._owner[slot] = _GLOBAL if guild_id is None else guild_id
        self._tiebreak[slot] = zlib.crc32(key[1].encode())
        if guild_id is not None:
            self._guild_slots.setdefault(guild_id, set()).add(slot)
        self._postings_of(slot, packed, topic, add=True)
        for name in doc.names:
            for a, b in zip(name.words, name.words[1:], strict=False):
                self._name_pairs[self._vocabulary.canonical(a + b)] = len(a)
        self._changed()
        self.related_lists.changed(key)

    def _postings_of(self, slot: int, packed: PackedDocument, topic: Topic, *, add: bool) -> None:
        """Add (or remove) every posting of one topic."""
        intern = self._vocabulary.intern
        tables: list[tuple[Postings, Iterable[tuple[int, float]]]] = [
            (self._evidence, packed.evidence_items()),
            (self._exact_words, ((i, 1.0) for i in packed.exact_ids())),
            (self._name_words, ((intern(w), 1.0) for w in name_vocabulary(packed))),
        ]
        described = set(normalize(" ".join((topic.title, *topic.all_aliases, topic.description))).split())
        tables.append((self._described, ((intern(w), 1.0) for w in described)))
        for table, items in tables:
            for word_id, weight in items:
                if add:
                    table.add(word_id, slot, weight)
                else:
                    table.remove(word_id, slot)
        # The words kept by string are the vocabulary's own objects: one copy of each in memory.
        spelt = {self._vocabulary.canonical(w) for n in packed.names if not n.exact for w in name_vocabulary_of(n)}
        compact = {compact_name(n.text) for n in packed.names if not is_short_acronym(n.text)}
        for word in spelt:
            (self._typo_words.add if add else self._typo_words.discard)(word)
        for word in described:
            (self._described_words.add if add else self._described_words.discard)(self._vocabulary.canonical(word))
        for name in compact:
            if add:
                self._whole_names.add(slot, name)
            else:
                self._whole_names.remove(slot, name)
        if add:
            self._trigrams.add(slot, [(topic.title, False), *((a, True) for a in topic.all_aliases)])
        else:
            self._trigrams.remove(slot)

    def remove(self, title: str, guild_id: int | None = None) -> bool:
        """Remove a topic; returns whether it was there."""
        return self._drop((guild_id, title.casefold()))

    def hide(self, guild_id: int, title: str) -> None:
        """Hide a global topic from one guild."""
        self._hidden.setdefault(guild_id, set()).add(title.casefold())
        self._titles_cache.clear()
        self._masks.clear()
        self.related_lists.scope_changed(guild_id)

    def unhide(self, guild_id: int, title: str) -> None:
        self._hidden.get(guild_id, set()).discard(title.casefold())
        self._titles_cache.clear()
        self._masks.clear()
        self.related_lists.scope_changed(guild_id)

    def _drop(self, key: Key) -> bool:
        slot = self._slot_of.pop(key, None)
        if slot is None:
            return False
        topic = self._topic_at(slot)
        self._postings_of(slot, self._document(slot), topic, add=False)
        self._keys[slot] = None
        self._documents.remove(slot)
        self._compressed.remove(slot)
        self._heads.remove(slot)
        self._owner[slot] = _FREE
        self._cache.pop(slot, None)
        if key[0] is not None:
            self._guild_slots.get(key[0], set()).discard(slot)
        self._changed()
        self.related_lists.changed(key)
        return True

    def _changed(self) -> None:
        self._compound_cache.clear()
        self._titles_cache.clear()
        self._masks.clear()

    # --- lookups -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._slot_of)

    def has_own_topics(self, guild_id: int) -> bool:
        """Whether ``guild_id`` has topics of its own (beside the global ones)."""
        return bool(self._guild_slots.get(guild_id))

    def topic_keys(self) -> list[Key]:
        """Every topic's (scope, case-folded title), in slot order."""
        return [key for key in self._keys if key is not None]

    def get_by_key(self, key: Key) -> Topic | None:
        """The topic stored under ``key`` (whatever guild would see it)."""
        slot = self._slot_of.get(key)
        return None if slot is None else self._topic_at(slot)

    def _compress(self, topic: Topic) -> bytes:
        """The topic pickled and compressed against the first topic's pickle (a preset dictionary:
        the structure every topic shares then costs next to nothing)."""
        data = pickle.dumps(topic, protocol=pickle.HIGHEST_PROTOCOL)
        if self._zdict is None:
            self._zdict = data[-_ZDICT_SIZE:]
        packer = zlib.compressobj(6, zdict=self._zdict)
        return packer.compress(data) + packer.flush()

    def _topic_at(self, slot: int) -> Topic:
        topic = self._cache.get(slot)
        if topic is None:
            assert self._zdict is not None  # noqa: S101 - set with the first topic
            unpacker = zlib.decompressobj(zdict=self._zdict)
            topic = pickle.loads(unpacker.decompress(self._compressed.get(slot)))  # noqa: S301 - our own bytes
            assert isinstance(topic, Topic)  # noqa: S101
            self._cache[slot] = topic
            if len(self._cache) > self._params.topic_cache_size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(slot)
        return topic

    def _visible(self, slot: int, guild_id: int | None) -> bool:
        key = self._keys[slot]
        if key is None:
            return False
        owner, folded = key
        if owner is None:
            if guild_id is None:
                return True
            return folded not in self._hidden.get(guild_id, ()) and (guild_id, folded) not in self._slot_of
        return owner == guild_id

    def _visible_mask(self, guild_id: int | None) -> npt.NDArray[np.bool_]:
        """Whether each slot is visible in ``guild_id`` (read-only; see ``_masks_of``)."""
        return self._masks_of(guild_id)[0]

    def _hidden_mask(self, guild_id: int | None) -> npt.NDArray[np.bool_]:
        """``~_visible_mask(guild_id)`` (read-only; see ``_masks_of``)."""
        return self._masks_of(guild_id)[1]

    def _masks_of(self, guild_id: int | None) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """The visible and the hidden slots of ``guild_id``, remembered until the topics or what the guild
        hides change."""
        masks = self._masks.get(guild_id)
        if masks is None:
            if len(self._masks) >= _MASKS_KEPT:
                self._masks.clear()
            visible = self._compute_visible_mask(guild_id)
            hidden = ~visible
            visible.flags.writeable = hidden.flags.writeable = False
            masks = self._masks[guild_id] = (visible, hidden)
        return masks

    def _compute_visible_mask(self, guild_id: int | None) -> npt.NDArray[np.bool_]:
        owner = self._owner[: len(self._keys)]
        if guild_id is None:
            mask: npt.NDArray[np.bool_] = owner == _GLOBAL
            return mask
        mask = (owner == _GLOBAL) | (owner == guild_id)
        shadowed = set(self._hidden.get(guild_id, ()))
        shadowed |= {key[1] for s in self._guild_slots.get(guild_id, ()) if (key := self._keys[s]) is not None}
        for folded in shadowed:
            slot = self._slot_of.get((None, folded))
            if slot is not None:
                mask[slot] = False
        return mask

    def _visible_slots(self, guild_id: int | None) -> list[int]:
        return [int(s) for s in np.flatnonzero(self._visible_mask(guild_id))]

    def get(self, title: str, guild_id: int | None = None) -> Topic | None:
        """The visible topic with this title (case-insensitive), the guild's own first."""
        slot = self._visible_slot(title, guild_id)
        return self._topic_at(slot) if slot is not None else None

    def is_visible(self, title: str, guild_id: int | None = None) -> bool:
        """Whether ``get(title, guild_id)`` would find a topic (without unpacking it)."""
        return self._visible_slot(title, guild_id) is not None

    def _visible_slot(self, title: str, guild_id: int | None) -> int | None:
        """The slot ``get`` reads: the guild's own topic with this title, else the visible global one."""
        folded = title.strip().casefold()
        if guild_id is not None and (slot := self._slot_of.get((guild_id, folded))) is not None:
            return slot
        slot = self._slot_of.get((None, folded))
        return slot if slot is not None and self._visible(slot, guild_id) else None

    def topics(self, guild_id: int | None = None) -> list[Topic]:
        """Visible topics, ordered by title (unpacks every one: for exports and small indexes)."""
        return [t for title in self.titles(guild_id) if (t := self.get(title, guild_id)) is not None]

    def entries(self) -> Iterator[tuple[Topic, int | None]]:
        """Every topic of every scope with its guild (unpacks each one: for exports and rebuilds)."""
        for slot, key in enumerate(self._keys):
            if key is not None:
                yield self._topic_at(slot), key[0]

    def titles(self, guild_id: int | None = None) -> list[str]:
        """Visible titles, ordered case-insensitively (kept until the next change)."""
        found = self._titles_cache.get(guild_id)
        if found is None:
            found = sorted((self._title_at(s) for s in self._visible_slots(guild_id)), key=str.casefold)
            self._titles_cache[guild_id] = found
        return list(found)

    def _document(self, slot: int) -> PackedDocument:
        return PackedDocument(self._documents.get(slot), self._vocabulary)

    def _title_at(self, slot: int) -> str:
        return self._document(slot).title

    def attribute_names(self, title: str, guild_id: int | None = None) -> list[str]:
        topic = self.get(title, guild_id)
        return [a.name for a in topic.attributes] if topic else []

    def autocomplete(self, text: str, guild_id: int | None = None,
                     limit: int | None = None) -> list[tuple[str, str]]:
        """Up to ``limit`` (≤ 25) ``(label, title)`` choices for what was typed so far.

        Fuzzy (``fuzz.WRatio``, ``score_cutoff=50``) on titles and aliases sharing trigrams with the
        text; the label reads "Title (aka Alias)" when an alias is what matched. Empty text lists
        titles alphabetically.
        """
        cap = self._params.autocomplete_limit
        limit = max(0, min(cap if limit is None else limit, cap))
        if not normalize(text):
            return [(_label(t, self._params.label_limit), t) for t in self.titles(guild_id)[:limit]]
        hits = self._trigrams.search(text, fuzz.WRatio, 50.0, limit * 3, lambda s: self._visible(s, guild_id))
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for slot, alias, _score in hits:
            title = self._title_at(slot)
            if title in seen:
                continue
            seen.add(title)
            out.append((_label(title if alias is None else f"{title} (aka {alias})", self._params.label_limit), title))
            if len(out) == limit:
                break
        return out

    def closest_titles(self, text: str, limit: int = 3, guild_id: int | None = None) -> list[str]:
        """Titles whose title or alias is closest to ``text``, best first (see ``closest_to``)."""
        return self.closest_to(normalize(text), limit, guild_id)

    def closest_to(self, normalized: str, limit: int = 3, guild_id: int | None = None) -> list[str]:
        """Titles whose title or alias is closest to the ``normalized`` text, best first.

        Whole-string similarity first (``fuzz.QRatio`` ≥ 55: "opne ai" → OpenAI), then partial
        matches (``fuzz.WRatio`` ≥ 60: "sora" → OpenAI Sora) to fill up to ``limit``, each only when a
        word of the text is (about) a word of the name: letters in common are no evidence ("good
        morning" suggests nothing).
        """
        said = [w for w in normalized.split() if len(w) >= 3 and w not in CHATTER_WORDS]
        out: list[str] = []
        if not said:
            return out
        for scorer, cutoff in ((fuzz.QRatio, 55.0), (fuzz.WRatio, 60.0)):
            for slot, alias, _score in self._trigrams.search_normalized(
                    normalized, scorer, cutoff, limit * 4, lambda s: self._visible(s, guild_id)):
                title = self._title_at(slot)
                name_words = normalize(alias or title).split()
                shared = any(fuzz.ratio(w, n) >= 75.0 or (len(w) >= 4 and n.startswith(w))
                             for w in said for n in name_words)
                if shared and title not in out:
                    out.append(title)
        return out[:limit]

    def filter_titles(self, text: str, guild_id: int | None = None) -> list[str]:
        """``filter_by`` the words of ``text``."""
        return self.filter_by(normalize(text).split(), guild_id)

    def filter_by(self, words: Sequence[str], guild_id: int | None = None) -> list[str]:
        """Titles of topics whose title, aliases or description has a word starting with one of the
        normalised ``words`` ("crypto" → "cryptocurrency", "space" → "SpaceX"): the topics a list is
        filtered to."""
        wanted = [w for w in words if w not in CHATTER_WORDS and len(w) >= 3]
        if not wanted:
            return []
        matching = set.intersection(*(self._defined_by(word) for word in wanted))
        if not matching:  # none is defined by it: those whose text mentions it ("topics that mention X")
            matching = set.intersection(*(self._mentioning(word) for word in wanted))
        return sorted((self._title_at(s) for s in matching if self._visible(s, guild_id)), key=str.casefold)

    def _defined_by(self, word: str) -> set[int]:
        """Slots whose title, aliases or description has a word starting with ``word`` or its stem."""
        slots: set[int] = set()
        for start in {word, stem(word)}:
            for described in self._words_starting(start):
                slots.update(self._live(self._described.get(self._vocabulary.id(described))[0]))
        return slots

    def _mentioning(self, word: str) -> set[int]:
        """Slots whose record uses ``word`` (by its stem) anywhere."""
        return set(self._live(self._evidence.get(self._vocabulary.id(stem(word)))[0]))

    def _live(self, slots: npt.NDArray[np.int32]) -> list[int]:
        """``slots`` without those of removed topics (postings may list them until compacted)."""
        return [int(s) for s in slots[self._owner[slots] != _FREE]]

    def _words_starting(self, start: str) -> list[str]:
        bucket = self._described_words.bucket(start[0])
        i = bisect_left(bucket, start)
        out: list[str] = []
        while i < len(bucket) and bucket[i].startswith(start):
            out.append(bucket[i])
            i += 1
        return out

    # --- ranking -------------------------------------------------------------------------------

    def idf(self, stem_: str) -> float:
        """Inverse document frequency of a stem over all indexed topics (unknown words score highest).

        A frequent English word (``lexicon.COMMON_WORDS``, by its stem) counts as if at least
        ``common_word_share`` of the topics used it, unless it is a word of some topic's name: a
        small index cannot tell that "day" or "close" is common everywhere else.
        """
        n = len(self._slot_of)
        word_id = self._vocabulary.id(stem_)
        df = float(self._evidence.count(word_id))
        if stem_ in _COMMON_STEMS and word_id not in self._name_words:
            df = max(df, self._params.common_word_share * n)
        return _idf(n, df)

    def filler_idf(self, word: str, stem_: str) -> float:
        """``idf`` of a question word read beside a topic the question names, no higher than its
        frequency in everyday English allows (``MatchParams.everyday_share``): "sorry", "actually",
        "lately" around a name say little else, "coil" in "tesla coil" still does. Words of names
        keep their IDF."""
        value = self.idf(stem_)
        rank = english.rank(word)
        if rank is None or self._is_name_word(word) or self._vocabulary.id(stem_) in self._name_words:
            return value
        n = len(self._slot_of)
        share = min(self._params.common_word_share, self._params.everyday_share / rank)
        return min(value, _idf(n, share * n))

    def _under_prefix(self, stem_: str) -> tuple[int, ...]:
        """Ids of the indexed stems sharing ``stem_``'s prefix key: a record's best evidence among
        them is its prefix evidence for the word (what ``PackedDocument.prefix_evidence_of`` reads)."""
        pkey = prefix_key(stem_)
        prefix_id = None if pkey is None else self._vocabulary.id(pkey)
        return () if prefix_id is None else self._vocabulary.prefix_group(prefix_id)

    def _has_prefix(self, pkey: str) -> bool:
        """Whether some record has a word under this prefix key."""
        prefix_id = self._vocabulary.id(pkey)
        return prefix_id is not None and any(i in self._evidence for i in self._vocabulary.prefix_group(prefix_id))

    def _has_evidence(self, key: str) -> bool:
        return self._vocabulary.id(key) in self._evidence

    def _is_name_word(self, word: str) -> bool:
        return self._vocabulary.id(word) in self._name_words

    def name_word_count(self, word: str) -> int:
        """How many topics have ``word`` in one of their names."""
        return self._name_words.count(self._vocabulary.id(word))

    def evidence_count(self, key: str) -> int:
        return self._evidence.count(self._vocabulary.id(key))

    def question_tokens(self, words: Sequence[str] | str) -> list[QuestionToken]:
        """The content words (normalised ``words``, or a text's) as the ranker sees them (typos of names resolved)."""
        raw = normalize(words).split() if isinstance(words, str) else list(words)
        joined: list[str] = []
        i = 0
        while i < len(raw):
            pair = raw[i] + raw[i + 1] if i + 1 < len(raw) else ""
            if pair and self._is_name_word(pair) and pair not in self._name_pairs \
                    and raw[i] not in FUNCTION_WORDS and raw[i + 1] not in FUNCTION_WORDS:
                joined.append(pair)  # "sky lane" → the single name word "skylane"
                i += 2
                continue
            if raw[i] in self._name_pairs and not self._has_evidence(stem(raw[i])):
                split = self._name_pairs[raw[i]]
                joined.extend((raw[i][:split], raw[i][split:]))  # "glp1" → the name words "glp", "1"
            else:
                joined.append(raw[i])
            i += 1
        tokens: list[QuestionToken] = []
        # Short numbers ("Quill 9", "llama 4") count next to words; years are dates, and a question of
        # numbers alone ("2+2") has nothing to match.
        has_words = any(not w.isdigit() and w not in CHATTER_WORDS for w in joined)
        for word in joined:
            is_name = self._is_name_word(word)
            if word in CHATTER_WORDS or (word in ASPECT_WORDS and not is_name):
                continue
            if word.isdigit() and (len(word) > self._params.max_number_digits or not has_words):
                continue
            s = stem(word)
            exact = word if self._vocabulary.id(word) in self._exact_words else None  # "doge", not "dog"
            part = None if is_name else self._compound_part(word)
            synonyms = _SYNONYMS.get(s, frozenset())
            if exact is not None:
                tokens.append(QuestionToken(word, s, self.idf(exact), exact=exact))
                continue
            if self._has_evidence(s) or is_name or part is not None:
                tokens.append(QuestionToken(word, s, self.idf(s), part=part, synonyms=synonyms,
                                            filler_idf=self.filler_idf(word, s)))
                continue
            if any(self._has_evidence(x) for x in synonyms):
                idf = min(self.idf(x) for x in synonyms)
                tokens.append(QuestionToken(word, s, idf, synonyms=synonyms,
                                            filler_idf=min(idf, self.filler_idf(word, s))))
                continue
            # An everyday English word means itself: "down" is no slip of the name "Daon".
            fuzzy = () if is_everyday(word) else self._typo_candidates(word)
            pkey = prefix_key(s)
            if fuzzy:
                best_idf = min(self.idf(stem(w)) for w, _ in fuzzy)
                tokens.append(QuestionToken(word, s, best_idf, fuzzy))
            elif (pkey is not None and self._has_prefix(pkey)) or not is_chatter_typo(word):
                tokens.append(QuestionToken(word, s, self.idf(s), filler_idf=self.filler_idf(word, s)))
        return tokens

    def _compound_part(self, word: str) -> str | None:
        """For a word written as two known words run together ("chipmaking", "selfdriving"), the stem
        of the more telling part (the higher IDF); each part has at least ``min_compound_part`` letters
        and the split with the longest first part wins."""
        if word in self._compound_cache:
            return self._compound_cache[word]
        found = None
        shortest = self._params.min_compound_part
        for i in range(len(word) - shortest, shortest - 1, -1):
            left, right = stem(word[:i]), stem(word[i:])
            if self._has_evidence(left) and self._has_evidence(right):
                found = max((left, right), key=lambda p: (self.idf(p), p))
                break
        if len(self._compound_cache) >= self._params.compound_cache_size:
            self._compound_cache.clear()
        self._compound_cache[word] = found
        return found

    def _typo_candidates(self, word: str) -> tuple[tuple[str, float], ...]:
        """Name words ``word`` may be a slip of: same first letter, about one slip apart. Short
        acronyms ("RIE") are left out: one slip of the keyboard makes another word ("rice")."""
        cutoff = typo_cutoff(word)
        if cutoff is None:
            return ()
        hits = process.extract(word, self._typo_words.bucket(word[0]), scorer=fuzz.ratio, processor=None,
                               score_cutoff=cutoff, limit=self._params.typo_limit)
        return tuple((name, score / 100.0) for name, score, _ in hits)

    def _whole_name_typos(self, words: Sequence[str]) -> dict[int, float]:
        """Short questions compared with whole names, spaces ignored: typos that move letters across
        words ("zozota fuonry", "ly eai") defeat word-by-word matching but not this."""
        content = [w for w in words if w not in CHATTER_WORDS]
        if not content or len(content) > self._params.whole_name_max_words:
            return {}
        if all(is_everyday(w) for w in content):  # "magnets work" is spelt right: no "Magr Networks"
            return {}
        return self._whole_names.typos("".join(content))

    def _named_slots(self, words: Sequence[str]) -> set[int]:
        """The topics one of whose names the question writes out in full, as consecutive words ("what
        happened with pafin in 2023" names Pafin): among many topics sharing the word ("Pafin AI",
        "Pafin Satellite" ...), the one it names must be scored."""
        content = [w for w in words if w not in FUNCTION_WORDS]
        longest = self._params.named_span_words
        found: set[int] = set()
        for i in range(len(content)):
            for j in range(i + 1, min(i + longest, len(content)) + 1):
                found.update(self._whole_names.exact("".join(content[i:j])))
        return found

    def candidates(self, tokens: list[QuestionToken], whole: dict[int, float],
                   guild_id: int | None, most: int | None = None, named: Iterable[int] = ()) -> list[int]:
        """The visible slots worth scoring in full: at most ``self._params.max_scored``, the best by the sum
        over question words of IDF × the record's best evidence for the word (names, prefixes, typos,
        compounds and synonyms included), computed for every topic at once over the postings (``most``:
        another number than ``max_scored``); the slots of ``whole`` (misspelt whole names) and ``named`` (names
        written out in full) first."""
        size = len(self._keys)
        total = np.zeros(size, dtype=np.float32)
        best = np.empty(size, dtype=np.float32)
        word_id = self._vocabulary.id
        for token in tokens:
            best.fill(0.0)
            sources: list[tuple[Postings, int | None, float]] = [
                *((self._evidence, word_id(k), 1.0) for k in token.keys),
                (self._name_words, word_id(token.word), 1.0),
                *((self._evidence, i, self._params.prefix_factor) for i in self._under_prefix(token.stem)),
                *((self._name_words, word_id(w), r) for w, r in token.fuzzy),
                *((self._evidence, word_id(s), self._params.synonym_factor) for s in token.synonyms),
            ]
            if token.part is not None:
                sources.append((self._evidence, word_id(token.part), self._params.prefix_factor))
            for table, found, factor in sources:
                if found is None:
                    continue
                slots, weights = table.get(found)
                if len(slots):
                    best[slots] = np.maximum(best[slots], weights * factor)
            total += np.multiply(best, token.idf, out=best)
        for slot in {*whole, *named}:
            total[slot] += _MUST_SCORE
        total[self._hidden_mask(guild_id)] = 0.0
        hit = np.flatnonzero(total > 0.0).astype(np.int32)
        most = self._params.max_scored if most is None else most
        return [int(s) for s in top_k(hit, total[hit], most, self._tiebreak)]

    def rank(self, query: Query | str, guild_id: int | None = None, limit: int = 10,
             breadth: int | None = None) -> list[TopicScore]:
        """Topics that explain ``query`` (read, or a plain text), best first (see the module docstring);
        ``breadth``: score at most this many candidates in full (instead of ``max_scored``)."""
        return [r.score for r in self.rank_slots(plain_query(query) if isinstance(query, str) else query,
                                                 guild_id, limit, breadth)]

    def rank_slots(self, query: Query, guild_id: int | None, limit: int,
                   breadth: int | None = None) -> list[Ranked]:
        """``rank``, each score with the topic it belongs to."""
        found = self.evidence(query)
        if found is None:
            return []
        evidence, whole = found
        scored: list[Ranked] = []
        for slot in self.candidates(evidence.tokens, whole, guild_id, breadth, self._named_slots(query.words)):
            packed = self._document(slot)
            scored.append(Ranked(score_topic(packed.title, packed, evidence, whole.get(slot, 0.0)), self, slot))
        scored.sort(key=lambda r: (-r.score.score, r.score.title.casefold()))
        return scored[:limit]

    def evidence(self, query: Query) -> tuple[Evidence, dict[int, float]] | None:
        """``query`` ready to be scored against candidates (``score_topic``), with the slots of the names
        it misspells as a whole (``_whole_name_typos``); ``None`` when it has no word to match."""
        tokens = self.question_tokens(query.words)
        if not tokens:
            return None
        whole = self._whole_name_typos(query.words)
        all_words = set(query.words) | {t.word for t in tokens}
        all_words |= {w for t in tokens for w, _ in t.fuzzy}
        return Evidence(tokens, all_words, sum(t.idf for t in tokens), QuestionStats(self), query.capitals,
                        self._params), whole

    def document_at(self, slot: int) -> PackedDocument:
        """What the ranker reads of the topic in ``slot``."""
        return self._document(slot)

    def head_at(self, slot: int) -> TopicHead:
        """The names and attribute names of the topic in ``slot`` (without unpacking the topic)."""
        title, aliases, attribute_names = pickle.loads(self._heads.get(slot))  # noqa: S301 - our own bytes
        return TopicHead(title, aliases, attribute_names)

    def topic_at(self, slot: int) -> Topic:
        """The topic in ``slot`` (one a ranking returned)."""
        return self._topic_at(slot)


def _idf(topics: int, document_frequency: float) -> float:
    """Smoothed inverse document frequency, at least 0.1."""
    return max(0.1, math.log((topics + 1) / (document_frequency + 0.5)))


def _label(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
