"""How well one topic explains a question, in named steps (``score_topic``).

* The question's content words (not function words, intent words or generic aspects such as
  "earnings") each get an IDF weight computed from the index itself, so a word most topics mention
  ("ai", "company") counts for little and an unknown word ("pie", "coil") counts for a lot.
* Each word's *evidence* for a topic (``word_evidence``) is the topic document's field weight for it
  (see ``topic_documents``), a looser prefix match at ``prefix_factor`` of that, a compound's telling
  part, an everyday synonym, an acronym only this record uses, or a typo match against the words of
  the topic's names.
* ``coverage`` is the IDF-weighted share of the question that the topic explains; ``name_cover``
  (``name_cover``) the IDF-weighted share of the topic's best name that the question mentions. The
  score is ``100 * coverage * (0.75 + 0.25 * name_cover)`` when the question says most of a name,
  else ``100 * coverage * 0.75``: explaining the question matters most, naming the topic breaks ties
  between topics that explain it equally (Tesla vs Tesla Robotaxi for "tesla"), and one shared word
  of a longer name ("google") breaks none. Part of a name made only of words other topics' names
  share ("nuclear" of Nuclear Power and Nuclear Fusion) names neither.

Generalising past the records' own wording, each with the reason it is general:

* A frequent English word ("day", "close", "work"; ``lexicon.COMMON_WORDS``) is weighted as if half
  the topics used it: a small index sees it as rare only because few records happen to use it.
* An everyday synonym (``lexicon.SYNONYM_GROUPS``: "law" / "act", "car" / "vehicle") counts at
  ``synonym_factor`` of the record's evidence for the other word, but never as the record explaining
  the asker's own word (the lone-mention and outexplaining checks ignore it).
* A word written as two known words ("chipmaking") counts as its more telling part, like a prefix.
* An acronym only one record uses ("PAFACA" in an attribute) counts like a word of its description;
  a short acronym ("DOGE") is indexed and matched as written, never by stem ("dog") or as a typo.
* One ordinary prose word shared with a record is a lone mention, not evidence of the subject:
  always when the rest of a multi-word question is unexplained, and when it is the whole question
  unless the record keeps returning to it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter, mul
from typing import Final, Protocol

from bot.core.engine import english
from bot.core.engine.english import is_everyday
from bot.core.engine.params import MatchParams
from bot.core.engine.tokens import prefix_key, prefix_related
from bot.core.engine.topic_documents import PHRASE_WEIGHT, DocumentView, NameWords
from bot.core.engine.topic_scores import (
    PARTIAL_NAME_BASE,
    QuestionToken,
    TopicScore,
    full_names,
    is_common_mention,
    text_or_partial_name,
)

#: Share of a name (IDF-weighted) a question must say for a common word of it to name the topic.
MOST_OF_NAME_SAID: Final = 0.5
LONG_NAME_WORDS: Final = 3
#: Fields through which a question word names the topic rather than shares its prose.
_NAME_FIELDS: Final = frozenset({"title", "alias", "typo", "unique acronym", "compound name"})


class CorpusStats(Protocol):
    """What scoring needs to know about the whole index."""

    def idf(self, stem_: str) -> float: ...

    def evidence_count(self, key: str) -> int: ...

    def name_word_count(self, word: str) -> int: ...


class QuestionStats:
    """``CorpusStats`` remembered for one question: the candidates of a question ask about the same few
    words (the IDF of each name word, say), so each figure is computed once per question, not once per
    candidate."""

    __slots__ = ("_evidence_count", "_idf", "_name_word_count", "_stats")

    def __init__(self, stats: CorpusStats) -> None:
        self._stats = stats
        self._idf: dict[str, float] = {}
        self._evidence_count: dict[str, int] = {}
        self._name_word_count: dict[str, int] = {}

    def idf(self, stem_: str) -> float:
        found = self._idf.get(stem_)
        if found is None:
            found = self._idf[stem_] = self._stats.idf(stem_)
        return found

    def idfs(self, stems: tuple[str, ...]) -> list[float]:
        """``idf`` of each of ``stems`` (without a call per stem once it is known)."""
        known = self._idf
        return [known[s] if s in known else self.idf(s) for s in stems]

    def evidence_count(self, key: str) -> int:
        found = self._evidence_count.get(key)
        if found is None:
            found = self._evidence_count[key] = self._stats.evidence_count(key)
        return found

    def name_word_count(self, word: str) -> int:
        found = self._name_word_count.get(word)
        if found is None:
            found = self._name_word_count[word] = self._stats.name_word_count(word)
        return found


@dataclass(frozen=True, slots=True)
class TokenFacts:
    """What scoring reads of one question token for every candidate, worked out once per question."""

    token: QuestionToken
    everyday: bool  # ``is_everyday(token.word)``
    plain_word: bool  # everyday and not written in capitals: a record may use it only as a name
    prefix: str  # ``prefix_key(token.stem)``, "" for a word too short to have one
    unique_keys: tuple[str, ...]  # its keys that only one record uses (an acronym of those names that record)


@dataclass(frozen=True)
class Evidence:
    """One question, ready to be scored against candidates."""

    tokens: list[QuestionToken]
    all_words: set[str]  # every word of the question, and the name words its typos stand for
    total: float  # the sum of the tokens' IDF
    stats: QuestionStats
    capitals: frozenset[str]  # words the question wrote in capitals ("NEAR"), normalised
    params: MatchParams  # the index's tuning (``TopicIndex(params=...)``), never a module default
    # What every candidate's scoring reads of the question, derived from the above once (``__post_init__``).
    facts: tuple[TokenFacts, ...] = dataclasses.field(init=False)
    weights_beside_a_name: tuple[float, ...] = dataclasses.field(init=False)  # ``QuestionToken.weight_beside_a_name``
    token_keys: frozenset[str] = dataclasses.field(init=False)  # every key of every token
    #: ``says_name_word`` by (name word, whether the name is exact), as candidates ask it (see ``name_hits_of``).
    name_words_said: dict[tuple[str, bool], bool] = dataclasses.field(init=False, compare=False)

    def __post_init__(self) -> None:
        facts = tuple(TokenFacts(t, is_everyday(t.word), is_everyday(t.word) and t.word not in self.capitals,
                                 prefix_key(t.stem) or "",
                                 tuple(k for k in t.keys if self.stats.evidence_count(k) == 1)) for t in self.tokens)
        object.__setattr__(self, "facts", facts)
        object.__setattr__(self, "weights_beside_a_name", tuple(t.weight_beside_a_name for t in self.tokens))
        object.__setattr__(self, "token_keys", frozenset(k for t in self.tokens for k in t.keys))
        object.__setattr__(self, "name_words_said", {})


def says_name_word(name: NameWords, word: str, question: Evidence) -> bool:
    """The question says this word of a name: as written, or, for a word that is not everyday
    English, by its stem ("robotaxis"). An everyday word names only as written ("movie" is not the
    name "Movi"), and a short acronym that spells an everyday word only in capitals ("LOVE", not
    "what is love")."""
    if word in question.all_words:
        return not (name.exact and is_everyday(word) and word not in question.capitals)
    key = name.key(word)
    return any(key in t.keys and (not is_everyday(t.word) or surface_forms_agree(t.word, word))
               for t in question.tokens)


def surface_forms_agree(asked: str, written: str) -> bool:
    """One word as written, or its plural or possessive ("vehicle" / "vehicles")."""
    short, long_ = sorted((asked, written), key=len)
    return long_ in (short, short + "s", short + "es") or (short.endswith("y") and long_ == short[:-1] + "ies")


def usable_names(doc: DocumentView, question: Evidence) -> tuple[NameWords, ...]:
    """The topic's names the question can be saying: not a short acronym that spells an everyday
    word unless the question writes it in capitals ("NEAR", not "pizza near me")."""
    names = doc.names
    if not any(n.exact for n in names):
        return names
    return tuple(n for n in names
                 if not (n.exact and any(is_everyday(w) and w not in question.capitals for w in n.words)))


def name_hits_of(names: tuple[NameWords, ...], question: Evidence) -> dict[str, float]:
    """Name word → how surely the question says it (1.0 as written, a typo's ratio, a synonym's factor).

    Whether the question says a name word depends only on the word and on whether the name is a short
    acronym (its key follows from both: ``word_key``), so it is remembered for the question's other
    candidates (``Evidence.name_words_said``); a key no token has is said only as written."""
    said = question.name_words_said
    all_words, token_keys = question.all_words, question.token_keys
    hits: dict[str, float] = {}
    for name in names:
        exact = name.exact
        for word, key in zip(name.words, name.keys, strict=True):
            if word not in all_words and key not in token_keys:
                continue  # said neither as written nor by a token's key
            found = said.get((word, exact))
            if found is None:
                found = said[word, exact] = says_name_word(name, word, question)
            if found:
                hits[word] = 1.0
    for token in question.tokens:
        for name_word, ratio in token.fuzzy:
            if any(name_word in n.words for n in names):
                hits[name_word] = max(hits.get(name_word, 0.0), ratio)
        if token.synonyms:  # "electric cars" says most of "Electric Vehicles"
            for w in (w for n in names for w, k in zip(n.words, n.keys, strict=True) if k in token.synonyms):
                hits[w] = max(hits.get(w, 0.0), question.params.synonym_factor)
    return hits


def name_cover(names: tuple[NameWords, ...], hits: dict[str, float],
               question: Evidence) -> tuple[float, frozenset[str]]:
    """The IDF-weighted share of the topic's best-covered name that the question says, and its stems.

    A name none of whose words is a hit, and no two adjacent words of which the question runs
    together, covers nothing: it is passed over without weighing its words."""
    idfs = question.stats.idfs
    all_words = question.all_words
    best = 0.0
    best_words: frozenset[str] = frozenset()
    for name in names:
        words, keys = name.words, name.keys
        pairs = [i for i in range(len(words) - 1) if words[i] + words[i + 1] in all_words] if len(words) > 1 else []
        if not pairs and hits.keys().isdisjoint(words):
            continue
        weights = idfs(keys)
        matched = sum(map(mul, weights, map(hits.get, words, repeat(0.0))))  # weight × hit, word by word
        for i in pairs:
            if hits.get(words[i], 0.0) == 0.0 and hits.get(words[i + 1], 0.0) == 0.0:
                matched += weights[i] + weights[i + 1]
        cover = min(1.0, matched / sum(weights))
        if cover > best:
            best, best_words = cover, frozenset(keys)
    return best, best_words


def hit_keys_of(names: tuple[NameWords, ...], hits: dict[str, float]) -> set[str]:
    """The keys of the name words the question says (a token names the topic when one of its keys is here)."""
    return {k for n in names for w, k in zip(n.words, n.keys, strict=True) if hits.get(w, 0.0) > 0.0}


def word_evidence(doc: DocumentView, facts: TokenFacts, hits: dict[str, float], hit_keys: set[str],
                  said_in_full: set[str], cover: float, question: Evidence) -> tuple[float, str | None]:
    """How much the topic explains one question word, and through which field (``hit_keys``: see
    ``hit_keys_of``)."""
    token, params = facts.token, question.params
    keys = token.keys
    if len(keys) == 1:
        weight, field = doc.evidence_of(keys[0])
    else:
        weight, field = max((doc.evidence_of(k) for k in keys), key=itemgetter(0))
    named = not hit_keys.isdisjoint(keys)  # a name word the question says has the token's key
    not_the_name = weight > 0.0 and facts.plain_word and written_only_as_a_name(doc, token, named)
    if not_the_name:
        weight, field = 0.0, None
    if field in ("title", "alias") and not named:
        # The name shares only a stem or an acronym's letters with an everyday word: the word counts
        # where the record's prose uses it, not as the name.
        weight, field = _text_evidence(doc, keys), "text"
        if weight == 0.0:
            field = None
    if weight == 0.0:
        related = [w for s, w in doc.prefix_evidence_of(facts.prefix) if prefix_related(s, token.stem)]
        if related:
            weight, field = params.prefix_factor * max(related), "prefix"
    if token.part is not None:
        part_weight, part_field = doc.evidence_of(token.part)
        if weight < params.prefix_factor * part_weight:
            # "chipmaking" holds a word of the CHIPS Act's name: it names the topic in part.
            named_part = part_field in ("title", "alias")
            weight, field = params.prefix_factor * part_weight, "compound name" if named_part else "compound"
    if token.synonyms:
        synonym = params.synonym_factor * max(text_or_partial_name(doc, x) for x in token.synonyms)
        if synonym > weight:
            weight, field = synonym, "synonym" if weight == 0.0 else field
    if not not_the_name and weight < params.unique_name_weight and any(
            doc.is_acronym(k) for k in facts.unique_keys):
        weight, field = params.unique_name_weight, "unique acronym"
    if token.fuzzy:
        fuzzy = max((r for w, r in token.fuzzy if w in hits), default=0.0)
        if fuzzy > weight:
            weight, field = fuzzy, "typo"
    if field in ("title", "alias") and said_in_full.isdisjoint(keys):
        # A word of a longer name alone ("google" of Google Gemini) says less than the name.
        partial = PARTIAL_NAME_BASE + (1.0 - PARTIAL_NAME_BASE) * cover
        other = _text_evidence(doc, keys)
        weight = 1.0 - (1.0 - partial) * (1.0 - other)
    return weight, field


def _text_evidence(doc: DocumentView, keys: tuple[str, ...]) -> float:
    """The most evidence outside the names that the record has for one of ``keys``."""
    return doc.text_evidence_of(keys[0]) if len(keys) == 1 else max(doc.text_evidence_of(k) for k in keys)


def written_only_as_a_name(doc: DocumentView, token: QuestionToken, named: bool) -> bool:
    """The asker's everyday word ("movie", "love"), not written in capitals (``TokenFacts.plain_word``),
    is, in this record, only a name or an acronym ("Movi", "LOVE"): the record never writes it in lower
    case, and either writes it in capitals or as a name spelt otherwise. A name the record writes as
    the asker did ("apple" / "Apple"), or a name of the topic the question says (``named``: "chips
    act"), still counts."""
    if any(doc.has_lowercase(k) for k in token.keys):
        return False
    if named:
        return False
    if any(doc.is_acronym(k) for k in token.keys):
        return True
    return (doc.is_proper(token.stem) and not doc.is_proper(token.word)
            and not surface_forms_agree(token.word, token.stem))


def _common_word_of_a_name(match: tuple[QuestionToken, float, str | None], cover: float,
                           name_words: frozenset[str]) -> bool:
    """One of the commonest English words that is only a small part of a name of three or more words
    ("use" of Data Center Energy Use, in "we don't use it much"): the asker means the word, not the
    topic. A word of a two-word name ("chips" of CHIPS Act) still points at it."""
    token, _, field = match
    return (field in ("title", "alias") and len(name_words) >= LONG_NAME_WORDS and cover < MOST_OF_NAME_SAID
            and english.is_common(token.word))


def _named_coverage(question: Evidence, evidence: list[tuple[float, str | None]]) -> float:
    """``coverage`` with everyday words discounted as filler (``QuestionToken.weight_beside_a_name``),
    except an unexplained word right after a name: that is the head of another subject the name only
    qualifies ("starship troopers", "tesla coil")."""
    tokens = question.tokens
    weights = list(question.weights_beside_a_name)
    for i in range(1, len(tokens)):
        if evidence[i - 1][1] in _NAME_FIELDS and evidence[i][0] == 0.0:
            weights[i] = tokens[i].idf
    return sum(wt * w for wt, (w, _) in zip(weights, evidence, strict=True)) / sum(weights)


def _most_telling(tokens: list[QuestionToken], evidence: list[tuple[float, str | None]]) -> int:
    """The first token with the most IDF × evidence (what ``max`` over their positions gives)."""
    best_i, best = 0, tokens[0].idf * evidence[0][0]
    for i in range(1, len(tokens)):
        value = tokens[i].idf * evidence[i][0]
        if value > best:
            best_i, best = i, value
    return best_i


def score_topic(title: str, doc: DocumentView, question: Evidence, whole_name: float = 0.0) -> TopicScore:
    """Score one topic against a question (see the module docstring)."""
    tokens, stats = question.tokens, question.stats
    names = usable_names(doc, question)
    hits = name_hits_of(names, question)
    cover, name_words = name_cover(names, hits, question)
    said_in_full = full_names(names, hits)
    hit_keys = hit_keys_of(names, hits)
    evidence = [word_evidence(doc, facts, hits, hit_keys, said_in_full, cover, question) for facts in question.facts]
    for i in range(len(tokens) - 1):
        if doc.has_phrase(tokens[i].stem, tokens[i + 1].stem):
            for j in (i, i + 1):
                if evidence[j][0] < PHRASE_WEIGHT:
                    evidence[j] = (PHRASE_WEIGHT, "phrase")
    coverage = sum(t.idf * w for t, (w, _) in zip(tokens, evidence, strict=True)) / question.total
    named_coverage = _named_coverage(question, evidence)
    if whole_name > coverage:  # the whole question is a misspelt name
        coverage = cover = named_coverage = whole_name
    best_i = _most_telling(tokens, evidence)
    distinctive = cover >= 0.999 or any(stats.name_word_count(w) == 1 for w in hits)
    bonus = question.params.name_bonus * cover if cover > question.params.most_of_name and distinctive else 0.0
    score = 100.0 * coverage * (1.0 - question.params.name_bonus + bonus)
    # A synonym adds to the coverage but is not the record explaining the asker's own word: it
    # neither makes one shared word more than a lone mention nor makes a topic outexplain another.
    matched = [(facts, weight, field) for facts, (weight, field) in zip(question.facts, evidence, strict=True)
               if weight and field != "synonym"]
    lone_common = whole_name == 0.0 and len(matched) == 1 and (
        is_common_mention(doc, matched[0][0].token, matched[0][1], matched[0][2], alone=len(tokens) == 1)
        or _common_word_of_a_name((matched[0][0].token, matched[0][1], matched[0][2]), cover, name_words))
    # Only words of a longer name, each an everyday word the question may mean as such, next to an
    # everyday word no less telling that the topic does not explain ("near" of Near Aerospace in
    # "best pizza near me"): the question is about something else.
    matched_tokens = {id(facts) for facts, _, _ in matched}
    unexplained = [f.token for f in question.facts if id(f) not in matched_tokens and f.everyday]
    everyday_part_of_name = bool(matched) and whole_name == 0.0 and all(
        field in ("title", "alias") and facts.everyday and said_in_full.isdisjoint(facts.token.keys)
        and any(t.idf >= facts.token.idf for t in unexplained)
        for facts, _, field in matched)
    explained = frozenset(facts.token.stem for facts, _, _ in matched)
    if 0.0 < whole_name >= coverage:  # the whole question is this misspelt name: it explains every word
        explained = frozenset(token.stem for token in tokens)
    written_as_names = frozenset(facts.token.stem for facts, _, _ in matched
                                 if doc.is_proper(facts.token.word) or any(doc.is_acronym(k) for k in facts.token.keys))
    defined_by = frozenset(s for s in explained if doc.is_defining(s))
    everyday_only = whole_name == 0.0 and not written_as_names and bool(matched) and all(
        facts.everyday and field not in _NAME_FIELDS for facts, _, field in matched)
    return TopicScore(title, round(score, 2), coverage, cover, evidence[best_i][1], tokens[best_i].word,
                      name_words, lone_common or everyday_part_of_name, explained, defined_by,
                      written_as_names, everyday_only, max(coverage, named_coverage))
