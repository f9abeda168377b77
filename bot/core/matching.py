"""``TopicIndex``: the in-memory index of topics that questions and autocomplete are matched against.

Topics are global (``guild_id=None``) or belong to one guild; a guild sees the global topics plus
its own, minus the global ones it hid. Updating one topic touches only that topic's postings, so
moderators' live edits do not rebuild the index.

How a question is scored against a topic (``rank``):

* The question's content words (not function words, intent words or generic aspects such as
  "earnings") each get an IDF weight computed from the index itself, so a word most topics mention
  ("ai", "company") counts for little and an unknown word ("pie", "coil") counts for a lot.
* Each word's *evidence* for a topic is the topic document's field weight for it (see
  ``topic_documents``), a looser prefix match at 0.8 of that, or a typo match against the words of
  the topic's names (rapidfuzz ``fuzz.ratio`` with a length-dependent ``score_cutoff``).
* ``coverage`` is the IDF-weighted share of the question that the topic explains; ``name_cover``
  the IDF-weighted share of the topic's best name that the question mentions. The score is
  ``100 * coverage * (0.75 + 0.25 * name_cover)`` when the question says most of a name
  (``name_cover > 0.5``), else ``100 * coverage * 0.75``: explaining the question matters most,
  naming the topic breaks ties between topics that explain it equally (Tesla vs Tesla Robotaxi for
  "tesla"), and one shared word of a longer name ("google") breaks none. Part of a name made only of
  words other topics' names share ("nuclear" of Nuclear Power and Nuclear Fusion) names neither.

Generalising past the records' own wording, each with the reason it is general:

* A frequent English word ("day", "close", "work"; ``lexicon.COMMON_WORDS``) is weighted as if half
  the topics used it: a small index sees it as rare only because few records happen to use it.
* An everyday synonym (``lexicon.SYNONYM_GROUPS``: "law" / "act", "car" / "vehicle") counts at
  ``SYNONYM_FACTOR`` of the record's evidence for the other word, but never as the record explaining
  the asker's own word (the lone-mention and outexplaining checks ignore it).
* A word written as two known words ("chipmaking") counts as its more telling part, like a prefix.
* An acronym only one record uses ("PAFACA" in an attribute) counts like a word of its description;
  a short acronym ("DOGE") is indexed and matched as written, never by stem ("dog") or as a typo.
* One ordinary prose word shared with a record is a lone mention, not evidence of the subject:
  always when the rest of a multi-word question is unexplained, and when it is the whole question
  unless the record keeps returning to it.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Final

from rapidfuzz import fuzz, process

from bot.core.lexicon import ASPECT_WORDS, COMMON_WORDS, SYNONYM_GROUPS
from bot.core.model import Topic
from bot.core.tokens import normalize, prefix_key, prefix_related, stem
from bot.core.topic_documents import (
    FIELD_WEIGHTS,
    PHRASE_WEIGHT,
    TopicDocument,
    build_document,
    is_short_acronym,
)
from bot.core.topic_scores import (
    CHATTER_WORDS,
    PARTIAL_NAME_BASE,
    QuestionToken,
    TopicScore,
    compact_name,
    full_names,
    is_chatter_typo,
    is_common_mention,
    name_vocabulary,
    name_vocabulary_of,
    text_or_partial_name,
    typo_cutoff,
)

log = logging.getLogger(__name__)

Key = tuple[int | None, str]

PREFIX_FACTOR: Final = 0.8
#: A question word counts where the record uses an everyday synonym (``lexicon.SYNONYM_GROUPS``) at
#: this share of that word's evidence outside the names (a name word counts as a partial name).
SYNONYM_FACTOR: Final = 0.7
#: Shortest part of a word read as two known words run together; the compound counts as its more
#: telling part at ``PREFIX_FACTOR``, as a longer form counts as its prefix.
MIN_COMPOUND_PART: Final = 3
_COMPOUND_CACHE_SIZE: Final = 10_000
#: Numbers of up to this many digits are matched as words (longer ones are years or amounts).
MAX_NUMBER_DIGITS: Final = 3
#: Whole-name typo matching: questions of at most this many content words, ``fuzz.ratio`` cutoff.
WHOLE_NAME_MAX_WORDS: Final = 4
WHOLE_NAME_CUTOFF: Final = 80.0
NAME_BONUS: Final = 0.25
#: A name counts towards the score only when the question says most of it (IDF-weighted): one
#: shared word of a longer name ("google", "chips") is not naming the topic.
MOST_OF_NAME: Final = 0.5
#: Least evidence of an acronym that no other record uses, wherever it appears (a law's acronym in an
#: attribute). An acronym names one law, agency or product, so one only this record knows is as telling
#: as a word of its description. (Other capitalised words may be places or people merely mentioned.)
UNIQUE_NAME_WEIGHT: Final = FIELD_WEIGHTS["description"]
#: A frequent English word is weighted as if this share of the topics used it (see ``idf``).
COMMON_WORD_SHARE: Final = 0.5
AUTOCOMPLETE_LIMIT: Final = 25
_LABEL_LIMIT: Final = 100
_SYNONYMS: Final = {stem(w): frozenset(stem(x) for x in group) - {stem(w)}
                    for group in SYNONYM_GROUPS for w in group}
_COMMON_STEMS: Final = frozenset(stem(w) for w in COMMON_WORDS)


class TopicIndex:
    """Topics by title (case-insensitive) with the postings needed to rank them against text."""

    def __init__(self, entries: Iterable[tuple[Topic, int | None]] = ()) -> None:
        self._topics: dict[Key, Topic] = {}
        self._docs: dict[Key, TopicDocument] = {}
        self._postings: dict[str, set[Key]] = defaultdict(set)
        self._prefix_postings: dict[str, set[Key]] = defaultdict(set)
        self._name_words: dict[str, set[Key]] = defaultdict(set)
        self._name_pairs: dict[str, tuple[str, str]] = {}
        self._hidden: dict[int, set[str]] = defaultdict(set)
        self._name_vocab: list[str] | None = None
        self._compact: tuple[list[str], list[Key]] | None = None
        self._compound_cache: dict[str, str | None] = {}
        self._exact_words: dict[str, set[Key]] = defaultdict(set)
        for topic, guild_id in entries:
            self.upsert(topic, guild_id)

    # --- updates -------------------------------------------------------------------------------

    def upsert(self, topic: Topic, guild_id: int | None = None) -> None:
        """Add ``topic`` or replace the topic with the same title in the same scope."""
        key = (guild_id, topic.title.casefold())
        self._drop(key)
        doc = build_document(topic)
        self._topics[key] = topic
        self._docs[key] = doc
        for s in doc.evidence:
            self._postings[s].add(key)
        for p in doc.prefix_evidence:
            self._prefix_postings[p].add(key)
        for w in doc.exact:
            self._exact_words[w].add(key)
        for word in name_vocabulary(doc):
            self._name_words[word].add(key)
        for name in doc.names:
            for a, b in zip(name.words, name.words[1:], strict=False):
                self._name_pairs[a + b] = (a, b)
        self._name_vocab = None
        self._compact = None
        self._compound_cache.clear()

    def remove(self, title: str, guild_id: int | None = None) -> bool:
        """Remove a topic; returns whether it was there."""
        return self._drop((guild_id, title.casefold()))

    def hide(self, guild_id: int, title: str) -> None:
        """Hide a global topic from one guild."""
        self._hidden[guild_id].add(title.casefold())

    def unhide(self, guild_id: int, title: str) -> None:
        self._hidden[guild_id].discard(title.casefold())

    def _drop(self, key: Key) -> bool:
        doc = self._docs.pop(key, None)
        if doc is None:
            return False
        del self._topics[key]
        for table, words_ in (
            (self._postings, doc.evidence),
            (self._prefix_postings, doc.prefix_evidence),
            (self._name_words, name_vocabulary(doc)),
            (self._exact_words, doc.exact),
        ):
            for word in words_:
                keys = table.get(word)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del table[word]
        self._name_vocab = None
        self._compact = None
        self._compound_cache.clear()
        return True

    # --- lookups -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._topics)

    def _visible(self, key: Key, guild_id: int | None) -> bool:
        owner, folded = key
        if owner is None:
            if guild_id is None:
                return True
            return folded not in self._hidden.get(guild_id, ()) and (guild_id, folded) not in self._topics
        return owner == guild_id

    def _visible_keys(self, guild_id: int | None) -> list[Key]:
        return [key for key in self._topics if self._visible(key, guild_id)]

    def get(self, title: str, guild_id: int | None = None) -> Topic | None:
        """The visible topic with this title (case-insensitive), the guild's own first."""
        folded = title.strip().casefold()
        if guild_id is not None and (found := self._topics.get((guild_id, folded))) is not None:
            return found
        key: Key = (None, folded)
        return self._topics.get(key) if key in self._topics and self._visible(key, guild_id) else None

    def topics(self, guild_id: int | None = None) -> list[Topic]:
        """Visible topics, ordered by title."""
        return sorted((self._topics[k] for k in self._visible_keys(guild_id)), key=lambda t: t.title.casefold())

    def titles(self, guild_id: int | None = None) -> list[str]:
        return [topic.title for topic in self.topics(guild_id)]

    def attribute_names(self, title: str, guild_id: int | None = None) -> list[str]:
        topic = self.get(title, guild_id)
        return [a.name for a in topic.attributes] if topic else []

    def _names(self, guild_id: int | None) -> tuple[list[str], list[tuple[str, bool]]]:
        """Every visible name (titles and aliases) with its (title, is_alias)."""
        choices: list[str] = []
        owners: list[tuple[str, bool]] = []
        for key in self._visible_keys(guild_id):
            topic = self._topics[key]
            choices.append(topic.title)
            owners.append((topic.title, False))
            for alias in topic.all_aliases:
                choices.append(alias)
                owners.append((topic.title, True))
        return choices, owners

    def autocomplete(self, text: str, guild_id: int | None = None,
                     limit: int = AUTOCOMPLETE_LIMIT) -> list[tuple[str, str]]:
        """Up to ``limit`` (≤ 25) ``(label, title)`` choices for what was typed so far.

        Fuzzy (``fuzz.WRatio``, ``score_cutoff=50``) on titles and aliases; the label reads
        "Title (aka Alias)" when an alias is what matched. Empty text lists titles alphabetically.
        """
        limit = max(0, min(limit, AUTOCOMPLETE_LIMIT))
        if not normalize(text):
            return [(_label(t), t) for t in self.titles(guild_id)[:limit]]
        choices, owners = self._names(guild_id)
        hits = process.extract(text, choices, scorer=fuzz.WRatio, processor=normalize,
                               score_cutoff=50, limit=limit * 3)
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for name, _score, i in hits:
            title, is_alias = owners[i]
            if title in seen:
                continue
            seen.add(title)
            out.append((_label(f"{title} (aka {name})" if is_alias else title), title))
            if len(out) == limit:
                break
        return out

    def closest_titles(self, text: str, limit: int = 3, guild_id: int | None = None) -> list[str]:
        """Titles whose title or alias is closest to ``text``, best first.

        Whole-string similarity first (``fuzz.QRatio`` ≥ 55: "opne ai" → OpenAI), then partial
        matches (``fuzz.WRatio`` ≥ 60: "sora" → OpenAI Sora) to fill up to ``limit``.
        """
        choices, owners = self._names(guild_id)
        out: list[str] = []
        for scorer, cutoff in ((fuzz.QRatio, 55.0), (fuzz.WRatio, 60.0)):
            hits = process.extract(text, choices, scorer=scorer, processor=normalize, score_cutoff=cutoff,
                                   limit=limit * 4)
            for _name, _score, i in hits:
                if owners[i][0] not in out:
                    out.append(owners[i][0])
        return out[:limit]

    def filter_titles(self, text: str, guild_id: int | None = None) -> list[str]:
        """Titles of topics whose title, aliases or description has a word starting with a word of
        ``text`` ("crypto" → "cryptocurrency", "space" → "SpaceX"): the topics a list is filtered to."""
        wanted = [w for w in normalize(text).split() if w not in CHATTER_WORDS and len(w) >= 3]
        wanted_stems = [stem(w) for w in wanted]
        out: list[str] = []
        for topic in self.topics(guild_id):
            vocabulary = set(normalize(" ".join((topic.title, *topic.all_aliases, topic.description))).split())
            if all(any(v.startswith(w) or v.startswith(s) for v in vocabulary)
                   for w, s in zip(wanted, wanted_stems, strict=True)):
                out.append(topic.title)
        return out if wanted else []

    # --- ranking -------------------------------------------------------------------------------

    def idf(self, stem_: str) -> float:
        """Inverse document frequency of a stem over all indexed topics (unknown words score highest).

        A frequent English word (``lexicon.COMMON_WORDS``, by its stem) counts as if at least
        ``COMMON_WORD_SHARE`` of the topics used it, unless it is a word of some topic's name: a
        small index cannot tell that "day" or "close" is common everywhere else.
        """
        n = len(self._topics)
        df = float(len(self._postings.get(stem_, ())))
        if stem_ in _COMMON_STEMS and stem_ not in self._name_words:
            df = max(df, COMMON_WORD_SHARE * n)
        return max(0.1, math.log((n + 1) / (df + 0.5)))

    def _name_choices(self) -> list[str]:
        """Name words a typo may be of: all but short acronyms ("RIE"), where one slip of the
        keyboard makes another word ("rice"), not a misspelling."""
        if self._name_vocab is None:
            spelt = {w for doc in self._docs.values() for n in doc.names
                     if not n.exact for w in name_vocabulary_of(n)}
            self._name_vocab = sorted(w for w in self._name_words if w in spelt)
        return self._name_vocab

    def _compact_names(self) -> tuple[list[str], list[Key]]:
        if self._compact is None:
            names: list[str] = []
            keys: list[Key] = []
            for key, topic in self._topics.items():
                for name in (topic.title, *topic.all_aliases):
                    if not is_short_acronym(name):
                        names.append(compact_name(name))
                        keys.append(key)
            self._compact = (names, keys)
        return self._compact

    def _whole_name_typos(self, text: str) -> dict[Key, float]:
        """Short questions compared with whole names, spaces ignored: typos that move letters across
        words ("zozota fuonry", "ly eai") defeat word-by-word matching but not this."""
        content = [w for w in normalize(text).split() if w not in CHATTER_WORDS]
        if not content or len(content) > WHOLE_NAME_MAX_WORDS:
            return {}
        names, keys = self._compact_names()
        hits = process.extract("".join(content), names, scorer=fuzz.ratio, processor=None,
                               score_cutoff=WHOLE_NAME_CUTOFF, limit=5)
        found: dict[Key, float] = {}
        for _name, score, i in hits:
            found[keys[i]] = max(found.get(keys[i], 0.0), score / 100.0)
        return found

    def question_tokens(self, text: str) -> list[QuestionToken]:
        """The content words of ``text`` as the ranker sees them (typos of names resolved)."""
        raw = normalize(text).split()
        joined: list[str] = []
        i = 0
        while i < len(raw):
            pair = raw[i] + raw[i + 1] if i + 1 < len(raw) else ""
            if pair in self._name_words and pair not in self._name_pairs:
                joined.append(pair)  # "sky lane" → the single name word "skylane"
                i += 2
                continue
            if raw[i] in self._name_pairs and raw[i] not in self._name_words:
                joined.extend(self._name_pairs[raw[i]])  # "glp1" → the name words "glp", "1"
            else:
                joined.append(raw[i])
            i += 1
        tokens: list[QuestionToken] = []
        # Short numbers ("Quill 9", "llama 4") count next to words; years are dates, and a question of
        # numbers alone ("2+2") has nothing to match.
        has_words = any(not w.isdigit() and w not in CHATTER_WORDS for w in joined)
        for word in joined:
            if word in CHATTER_WORDS or (word in ASPECT_WORDS and word not in self._name_words):
                continue
            if word.isdigit() and (len(word) > MAX_NUMBER_DIGITS or not has_words):
                continue
            s = stem(word)
            exact = word if word in self._exact_words else None  # "doge" of DOGE, not the stem "dog"
            part = None if word in self._name_words else self._compound_part(word)
            synonyms = _SYNONYMS.get(s, frozenset())
            if exact is not None:
                tokens.append(QuestionToken(word, s, self.idf(exact), exact=exact))
                continue
            if s in self._postings or word in self._name_words or part is not None:
                tokens.append(QuestionToken(word, s, self.idf(s), part=part, synonyms=synonyms))
                continue
            if any(x in self._postings for x in synonyms):
                tokens.append(QuestionToken(word, s, min(self.idf(x) for x in synonyms), synonyms=synonyms))
                continue
            fuzzy = self._typo_candidates(word)
            pkey = prefix_key(s)
            if fuzzy:
                best_idf = min(self.idf(stem(w)) for w, _ in fuzzy)
                tokens.append(QuestionToken(word, s, best_idf, fuzzy))
            elif (pkey is not None and pkey in self._prefix_postings) or not is_chatter_typo(word):
                tokens.append(QuestionToken(word, s, self.idf(s)))
        return tokens

    def _compound_part(self, word: str) -> str | None:
        """For a word written as two known words run together ("chipmaking", "selfdriving"), the stem
        of the more telling part (the higher IDF); each part has at least ``MIN_COMPOUND_PART`` letters
        and the split with the longest first part wins."""
        if word in self._compound_cache:
            return self._compound_cache[word]
        found = None
        for i in range(len(word) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
            left, right = stem(word[:i]), stem(word[i:])
            if left in self._postings and right in self._postings:
                found = max((left, right), key=lambda p: (self.idf(p), p))
                break
        if len(self._compound_cache) >= _COMPOUND_CACHE_SIZE:
            self._compound_cache.clear()
        self._compound_cache[word] = found
        return found

    def _typo_candidates(self, word: str) -> tuple[tuple[str, float], ...]:
        cutoff = typo_cutoff(word)
        if cutoff is None:
            return ()
        hits = process.extract(word, self._name_choices(), scorer=fuzz.ratio, processor=None,
                               score_cutoff=cutoff, limit=5)
        return tuple((name, score / 100.0) for name, score, _ in hits if name[0] == word[0])

    def rank(self, text: str, guild_id: int | None = None, limit: int = 10) -> list[TopicScore]:
        """Topics that explain ``text``, best first (see the module docstring for the score)."""
        tokens = self.question_tokens(text)
        if not tokens:
            return []
        whole = self._whole_name_typos(text)
        all_words = set(normalize(text).split()) | {t.word for t in tokens}
        all_words |= {w for t in tokens for w, _ in t.fuzzy}
        candidates: set[Key] = set(whole)
        for token in tokens:
            for k in token.keys:
                candidates |= self._postings.get(k, set())
            candidates |= self._name_words.get(token.word, set())
            pkey = prefix_key(token.stem)
            if pkey is not None:
                candidates |= self._prefix_postings.get(pkey, set())
            for name_word, _ in token.fuzzy:
                candidates |= self._name_words.get(name_word, set())
            if token.part is not None:
                candidates |= self._postings.get(token.part, set())
            for synonym in token.synonyms:
                candidates |= self._postings.get(synonym, set())
        total = sum(t.idf for t in tokens)
        scores = [
            self._score(key, tokens, all_words, total, whole.get(key, 0.0))
            for key in candidates
            if self._visible(key, guild_id)
        ]
        scores.sort(key=lambda s: (-s.score, s.title.casefold()))
        return scores[:limit]

    def _best_name(self, doc: TopicDocument, name_hits: dict[str, float],
                   all_words: set[str]) -> tuple[float, frozenset[str]]:
        name_cover = 0.0
        best_words: frozenset[str] = frozenset()
        for name in doc.names:
            weights = [self.idf(name.key(w)) for w in name.words]
            matched = sum(wt * name_hits.get(w, 0.0) for w, wt in zip(name.words, weights, strict=True))
            for a, b in zip(name.words, name.words[1:], strict=False):
                if a + b in all_words and name_hits.get(a, 0.0) == 0.0 and name_hits.get(b, 0.0) == 0.0:
                    matched += self.idf(name.key(a)) + self.idf(name.key(b))
            cover = min(1.0, matched / sum(weights))
            if cover > name_cover:
                name_cover, best_words = cover, frozenset(name.key(w) for w in name.words)
        return name_cover, best_words

    def _score(self, key: Key, tokens: list[QuestionToken], all_words: set[str], total: float,
               whole_name: float = 0.0) -> TopicScore:
        doc = self._docs[key]
        q_stems = {k for t in tokens for k in t.keys}
        name_hits = {w: 1.0 for n in doc.names for w in n.words if w in all_words or n.key(w) in q_stems}
        for token in tokens:
            for name_word, ratio in token.fuzzy:
                if any(name_word in n.words for n in doc.names):
                    name_hits[name_word] = max(name_hits.get(name_word, 0.0), ratio)
            if token.synonyms:  # "electric cars" says most of "Electric Vehicles"
                for w in (w for n in doc.names for w, k in zip(n.words, n.keys, strict=True) if k in token.synonyms):
                    name_hits[w] = max(name_hits.get(w, 0.0), SYNONYM_FACTOR)
        name_cover, name_words = self._best_name(doc, name_hits, all_words)
        said_in_full = full_names(doc, name_hits)
        evidence: list[tuple[float, str | None]] = []
        for token in tokens:
            weight, field = max((doc.evidence.get(k, (0.0, None)) for k in token.keys), key=lambda e: e[0])
            if weight == 0.0:
                pkey = prefix_key(token.stem)
                related = [w for s, w in doc.prefix_evidence.get(pkey or "", ()) if prefix_related(s, token.stem)]
                if related:
                    weight, field = PREFIX_FACTOR * max(related), "prefix"
            if token.part is not None and weight < PREFIX_FACTOR * doc.evidence.get(token.part, (0.0, None))[0]:
                part_weight, part_field = doc.evidence[token.part]
                # "chipmaking" holds a word of the CHIPS Act's name: it names the topic in part.
                named_part = part_field in ("title", "alias")
                weight, field = PREFIX_FACTOR * part_weight, "compound name" if named_part else "compound"
            if token.synonyms:
                synonym = SYNONYM_FACTOR * max(text_or_partial_name(doc, x) for x in token.synonyms)
                if synonym > weight:
                    weight, field = synonym, "synonym" if weight == 0.0 else field
            if weight < UNIQUE_NAME_WEIGHT and any(k in doc.acronyms and len(self._postings[k]) == 1
                                                   for k in token.keys):
                weight, field = UNIQUE_NAME_WEIGHT, "unique acronym"
            fuzzy = max((r for w, r in token.fuzzy if w in name_hits), default=0.0)
            if fuzzy > weight:
                weight, field = fuzzy, "typo"
            if field in ("title", "alias") and not any(k in said_in_full for k in token.keys):
                # A word of a longer name alone ("google" of Google Gemini) says less than the name.
                partial = PARTIAL_NAME_BASE + (1.0 - PARTIAL_NAME_BASE) * name_cover
                other = max(doc.text_evidence.get(k, 0.0) for k in token.keys)
                weight = 1.0 - (1.0 - partial) * (1.0 - other)
            evidence.append((weight, field))
        for i in range(len(tokens) - 1):
            if (tokens[i].stem, tokens[i + 1].stem) in doc.phrases:
                for j in (i, i + 1):
                    if evidence[j][0] < PHRASE_WEIGHT:
                        evidence[j] = (PHRASE_WEIGHT, "phrase")
        coverage = sum(t.idf * w for t, (w, _) in zip(tokens, evidence, strict=True)) / total
        if whole_name > max(coverage, name_cover):  # the whole question is a misspelt name
            coverage = name_cover = whole_name
        best_i = max(range(len(tokens)), key=lambda i: tokens[i].idf * evidence[i][0])
        distinctive = name_cover >= 0.999 or any(len(self._name_words.get(w, ())) == 1 for w in name_hits)
        bonus = NAME_BONUS * name_cover if name_cover > MOST_OF_NAME and distinctive else 0.0
        score = 100.0 * coverage * (1.0 - NAME_BONUS + bonus)
        # A synonym adds to the coverage but is not the record explaining the asker's own word: it
        # neither makes one shared word more than a lone mention nor makes a topic outexplain another.
        matched = [(token, weight, field) for token, (weight, field) in zip(tokens, evidence, strict=True)
                   if weight and field != "synonym"]
        lone_common = whole_name == 0.0 and len(matched) == 1 and is_common_mention(doc, *matched[0],
                                                                                    alone=len(tokens) == 1)
        explained = frozenset(token.stem for token, _, _ in matched)
        written_as_names = frozenset(token.stem for token, _, _ in matched
                                     if token.word in doc.proper or any(k in doc.acronyms for k in token.keys))
        return TopicScore(self._topics[key].title, round(score, 2), coverage, name_cover,
                          evidence[best_i][1], tokens[best_i].word, name_words, lone_common, explained,
                          explained & doc.defining, written_as_names)


def _label(text: str) -> str:
    return text if len(text) <= _LABEL_LIMIT else text[: _LABEL_LIMIT - 1] + "…"
