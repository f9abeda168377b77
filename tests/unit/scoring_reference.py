"""The ranker's scoring as it was written before its shortcuts (``bot.core.engine.scoring``): the plain
computation the tests compare the scoring with, word for word (``reference_score``).

Kept verbatim but for the name: every shortcut of the engine's scoring (work remembered per question,
names passed over, keys read beside their words) must give exactly what this gives.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.engine import english
from bot.core.engine.english import is_everyday
from bot.core.engine.scoring import _NAME_FIELDS, LONG_NAME_WORDS, MOST_OF_NAME_SAID, Evidence
from bot.core.engine.tokens import prefix_key, prefix_related
from bot.core.engine.topic_documents import PHRASE_WEIGHT, DocumentView, NameWords
from bot.core.engine.topic_scores import (
    PARTIAL_NAME_BASE,
    QuestionToken,
    TopicScore,
    is_common_mention,
    text_or_partial_name,
)


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
    return tuple(n for n in doc.names
                 if not (n.exact and any(is_everyday(w) and w not in question.capitals for w in n.words)))


def name_hits_of(names: tuple[NameWords, ...], question: Evidence) -> dict[str, float]:
    """Name word → how surely the question says it (1.0 as written, a typo's ratio, a synonym's factor)."""
    hits = {w: 1.0 for n in names for w in n.words if says_name_word(n, w, question)}
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
    """The IDF-weighted share of the topic's best-covered name that the question says, and its stems."""
    idf = question.stats.idf
    best = 0.0
    best_words: frozenset[str] = frozenset()
    for name in names:
        weights = [idf(name.key(w)) for w in name.words]
        matched = sum(wt * hits.get(w, 0.0) for w, wt in zip(name.words, weights, strict=True))
        for a, b in zip(name.words, name.words[1:], strict=False):
            if a + b in question.all_words and hits.get(a, 0.0) == 0.0 and hits.get(b, 0.0) == 0.0:
                matched += idf(name.key(a)) + idf(name.key(b))
        cover = min(1.0, matched / sum(weights))
        if cover > best:
            best, best_words = cover, frozenset(name.key(w) for w in name.words)
    return best, best_words


def word_evidence(doc: DocumentView, token: QuestionToken, names: tuple[NameWords, ...], hits: dict[str, float],
                  said_in_full: set[str], cover: float, question: Evidence) -> tuple[float, str | None]:
    """How much the topic explains one question word, and through which field."""
    stats = question.stats
    weight, field = max((doc.evidence_of(k) for k in token.keys), key=lambda e: e[0])
    not_the_name = weight > 0.0 and written_only_as_a_name(doc, token, names, hits, question)
    if not_the_name:
        weight, field = 0.0, None
    if field in ("title", "alias") and not any(
            hits.get(w, 0.0) > 0.0 for n in names for w, k in zip(n.words, n.keys, strict=True)
            if k in token.keys):
        # The name shares only a stem or an acronym's letters with an everyday word: the word counts
        # where the record's prose uses it, not as the name.
        weight, field = max(doc.text_evidence_of(k) for k in token.keys), "text"
        if weight == 0.0:
            field = None
    if weight == 0.0:
        pkey = prefix_key(token.stem)
        related = [w for s, w in doc.prefix_evidence_of(pkey or "") if prefix_related(s, token.stem)]
        if related:
            weight, field = question.params.prefix_factor * max(related), "prefix"
    if token.part is not None:
        part_weight, part_field = doc.evidence_of(token.part)
        if weight < question.params.prefix_factor * part_weight:
            # "chipmaking" holds a word of the CHIPS Act's name: it names the topic in part.
            named_part = part_field in ("title", "alias")
            weight, field = question.params.prefix_factor * part_weight, "compound name" if named_part else "compound"
    if token.synonyms:
        synonym = question.params.synonym_factor * max(text_or_partial_name(doc, x) for x in token.synonyms)
        if synonym > weight:
            weight, field = synonym, "synonym" if weight == 0.0 else field
    if not not_the_name and weight < question.params.unique_name_weight and any(
            doc.is_acronym(k) and stats.evidence_count(k) == 1
                                                  for k in token.keys):
        weight, field = question.params.unique_name_weight, "unique acronym"
    fuzzy = max((r for w, r in token.fuzzy if w in hits), default=0.0)
    if fuzzy > weight:
        weight, field = fuzzy, "typo"
    if field in ("title", "alias") and not any(k in said_in_full for k in token.keys):
        # A word of a longer name alone ("google" of Google Gemini) says less than the name.
        partial = PARTIAL_NAME_BASE + (1.0 - PARTIAL_NAME_BASE) * cover
        other = max(doc.text_evidence_of(k) for k in token.keys)
        weight = 1.0 - (1.0 - partial) * (1.0 - other)
    return weight, field


def written_only_as_a_name(doc: DocumentView, token: QuestionToken, names: tuple[NameWords, ...],
                           hits: dict[str, float], question: Evidence) -> bool:
    """The asker's everyday word ("movie", "love") is, in this record, only a name or an acronym
    ("Movi", "LOVE"): the record never writes it in lower case, and either writes it in capitals or
    as a name spelt otherwise. A name the record writes as the asker did ("apple" / "Apple"), or a
    name of the topic the question says ("chips act"), still counts."""
    if not is_everyday(token.word) or token.word in question.capitals:
        return False
    if any(doc.has_lowercase(k) for k in token.keys):
        return False
    if any(hits.get(w, 0.0) > 0.0 for n in names for w, k in zip(n.words, n.keys, strict=True) if k in token.keys):
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


def _named_coverage(tokens: list[QuestionToken], evidence: list[tuple[float, str | None]]) -> float:
    """``coverage`` with everyday words discounted as filler (``QuestionToken.weight_beside_a_name``),
    except an unexplained word right after a name: that is the head of another subject the name only
    qualifies ("starship troopers", "tesla coil")."""
    weights = [t.weight_beside_a_name for t in tokens]
    for i in range(1, len(tokens)):
        if evidence[i - 1][1] in _NAME_FIELDS and evidence[i][0] == 0.0:
            weights[i] = tokens[i].idf
    return sum(wt * w for wt, (w, _) in zip(weights, evidence, strict=True)) / sum(weights)


def reference_score(title: str, doc: DocumentView, question: Evidence, whole_name: float = 0.0) -> TopicScore:
    """Score one topic against a question (see the module docstring)."""
    tokens, stats = question.tokens, question.stats
    names = usable_names(doc, question)
    hits = name_hits_of(names, question)
    cover, name_words = name_cover(names, hits, question)
    said_in_full = full_names(names, hits)
    evidence = [word_evidence(doc, token, names, hits, said_in_full, cover, question) for token in tokens]
    for i in range(len(tokens) - 1):
        if doc.has_phrase(tokens[i].stem, tokens[i + 1].stem):
            for j in (i, i + 1):
                if evidence[j][0] < PHRASE_WEIGHT:
                    evidence[j] = (PHRASE_WEIGHT, "phrase")
    coverage = sum(t.idf * w for t, (w, _) in zip(tokens, evidence, strict=True)) / question.total
    named_coverage = _named_coverage(tokens, evidence)
    if whole_name > coverage:  # the whole question is a misspelt name
        coverage = cover = named_coverage = whole_name
    best_i = max(range(len(tokens)), key=lambda i: tokens[i].idf * evidence[i][0])
    distinctive = cover >= 0.999 or any(stats.name_word_count(w) == 1 for w in hits)
    bonus = question.params.name_bonus * cover if cover > question.params.most_of_name and distinctive else 0.0
    score = 100.0 * coverage * (1.0 - question.params.name_bonus + bonus)
    # A synonym adds to the coverage but is not the record explaining the asker's own word: it
    # neither makes one shared word more than a lone mention nor makes a topic outexplain another.
    matched = [(token, weight, field) for token, (weight, field) in zip(tokens, evidence, strict=True)
               if weight and field != "synonym"]
    lone_common = whole_name == 0.0 and len(matched) == 1 and (
        is_common_mention(doc, *matched[0], alone=len(tokens) == 1)
        or _common_word_of_a_name(matched[0], cover, name_words))
    # Only words of a longer name, each an everyday word the question may mean as such, next to an
    # everyday word no less telling that the topic does not explain ("near" of Near Aerospace in
    # "best pizza near me"): the question is about something else.
    matched_tokens = {id(token) for token, _, _ in matched}
    unexplained = [t for t in tokens if id(t) not in matched_tokens and is_everyday(t.word)]
    everyday_part_of_name = bool(matched) and whole_name == 0.0 and all(
        field in ("title", "alias") and is_everyday(token.word) and not any(k in said_in_full for k in token.keys)
        and any(t.idf >= token.idf for t in unexplained)
        for token, _, field in matched)
    explained = frozenset(token.stem for token, _, _ in matched)
    if 0.0 < whole_name >= coverage:  # the whole question is this misspelt name: it explains every word
        explained = frozenset(token.stem for token in tokens)
    written_as_names = frozenset(token.stem for token, _, _ in matched
                                 if doc.is_proper(token.word) or any(doc.is_acronym(k) for k in token.keys))
    defined_by = frozenset(s for s in explained if doc.is_defining(s))
    everyday_only = whole_name == 0.0 and not written_as_names and bool(matched) and all(
        is_everyday(token.word) and field not in _NAME_FIELDS for token, _, field in matched)
    return TopicScore(title, round(score, 2), coverage, cover, evidence[best_i][1], tokens[best_i].word,
                      name_words, lone_common or everyday_part_of_name, explained, defined_by,
                      written_as_names, everyday_only, max(coverage, named_coverage))


def full_names(names: Iterable[NameWords], name_hits: dict[str, float]) -> set[str]:
    """Words of the topic's names that the question mentions in full (as computed before the shortcuts)."""
    return {n.key(w) for n in names if all(name_hits.get(x, 0.0) > 0.0 for x in n.words) for w in n.words}
