"""Numbers ``decide`` learns from: per question, per candidate topic and per attribute of a topic.

Every feature is something the ranking already knows or can cheaply add: the ranker's evidence
(score, coverage, name cover, whether the topic is named, what its record writes as names), the
lead over the other candidates, how everyday the question's words are in English (the frequency
list in ``english``), the question's form (a question mark or word, a remark about oneself, a
request), the intent cue its wording gives, and, when the semantic signal is on, cosines between
the question and the candidate's name, definition, attributes and timeline. The lists of feature
names are the contract with the weights file (``decision_model``): a file made for other features
is refused.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from bot.core.engine import english
from bot.core.engine.attributes import AttributeEvidence
from bot.core.engine.lexicon import (
    ADDRESSEE_WORDS,
    ASKING_WORDS,
    ASPECT_WORDS,
    COLLECTION_WORDS,
    HOLDING_WORDS,
    LISTING_VERBS,
    PERSONAL_WORDS,
    REQUEST_WORDS,
    SWEEPING_WORDS,
)
from bot.core.engine.reading import Query
from bot.core.engine.tokens import stem
from bot.core.engine.topic_scores import TopicScore

QUERY_FEATURES: Final = (
    "content_words", "everyday_share", "common_share", "rarest_word", "asks", "personal", "request",
    "cue_summary", "cue_timeline", "cue_sources", "has_date", "aspect",
)
CANDIDATE_FEATURES: Final = (
    "bias", *QUERY_FEATURES,
    "score", "coverage", "name_cover", "named", "named_coverage", "lone_common", "everyday_only",
    "explained", "proper", "defined", "top", "gap_to_best", "lead", "names_less", "outexplained", "spelled",
    "meaning_on", "cos_topic", "cos_name", "cos_part", "cos_top", "cos_gap", "lexical", "asks_attribute",
    "no_evidence", "log_score", "explained_rarest", "explained_numbers", "unexplained_rarest", "unexplained_share",
    "spelled_behind", "remark", "remark_unexplained", "statement_unexplained",
)
#: The best two candidates: is the question about one of them, or about both equally?
CHOICE_FEATURES: Final = (
    "bias", "content_words", "first", "second", "second_share", "score_ratio", "both_lexical", "first_named",
    "second_named", "second_names_less", "second_outexplained", "same_explained", "shared_names", "spelled_gap",
    "cos_gap", "third", "close_count", "one_word", "first_exact",
)
INTENTS: Final = ("summary", "attribute", "timeline", "sources")
#: Question words whose presence tells the intent apart ("when" a date, "who" a person ...).
_INTENT_WORDS: Final = ("when", "who", "where", "how", "what", "which", "why", "much", "many", "work")
_WH_WORDS: Final = frozenset(_INTENT_WORDS) - {"work"}
INTENT_FEATURES: Final = (
    "bias", *QUERY_FEATURES, *(f"says_{w}" for w in _INTENT_WORDS),
    "named", "attr_probability", "attr_direct", "attr_cue", "attr_value", "attr_specific", "asks_for_attribute",
    "when_names_attribute", "wh_word", "bare_unnamed", "bare_unnamed_specific",
    "rest_none", "rest_describes", "rest_valued", "rest_timed", "rest_other",
    "meaning_on", "cos_attribute", "cos_timeline", "cos_summary",
    "rest_cos_attribute", "rest_cos_timeline", "rest_cos_summary", "rest_cos_description", "rest_cos_lead",
    *(f"words_{intent}" for intent in INTENTS),
)
ATTRIBUTE_FEATURES: Final = (
    "bias", "direct", "cue", "value", "specific", "best_mass", "mass_gap",
    "meaning_on", "cos_line", "cos_name", "cos_top", "cos_gap", "attributes",
    "rest_line", "rest_value", "rest_top", "rest_gap", "rest_share",
)

#: Is the message asking which topics the bot holds (all, or those on a subject)?
LIST_FEATURES: Final = (
    "bias", "addressed", "holding", "collection", "listing_verb", "sweeping", "asks", "list_phrase",
    "left", "nothing_left", "one_left", "best_score", "best_named", "best_coverage",
    "addressed_holding", "collection_asked", "holding_nothing_left", "collection_nothing_left", "content_words",
    "filter_phrase", "collection_filtered", "asks_holding", "asks_addressed_holding", "verb_collection",
    "asks_collection_filtered",
)
_LIST_CLASSES: Final = (ADDRESSEE_WORDS, HOLDING_WORDS, COLLECTION_WORDS, LISTING_VERBS, SWEEPING_WORDS)

_ASKS, _PERSONAL, _REQUEST = (QUERY_FEATURES.index(name) for name in ("asks", "personal", "request"))
#: English rank (1 = most used) from which a word counts as rare for ``rarest_word``.
_RARE_RANK: Final = 20_000.0
#: Runner-up lexical scores at or above this share of the best count as close (``close_count``).
_CLOSE_SHARE: Final = 0.85


def query_features(query: Query) -> list[float]:
    """The question's own features (``QUERY_FEATURES``)."""
    content = query.content_words
    ranks = [english.rank(w) for w in content]
    said = set(query.words)
    cue = query.intent_cue
    rarest = max((math.log(r or _RARE_RANK) / math.log(_RARE_RANK) for r in ranks), default=0.0)
    return [
        math.log1p(len(content)),
        sum(r is not None for r in ranks) / len(content) if content else 1.0,
        sum(english.is_common(w) for w in content) / len(content) if content else 1.0,
        rarest,
        float(query.asks or bool(said & ASKING_WORDS)),
        float(bool(said & PERSONAL_WORDS)),
        float(bool(said & REQUEST_WORDS)),
        float(cue == "summary"),
        float(cue == "timeline"),
        float(cue == "sources"),
        float(query.date_range is not None),
        float(bool(said & ASPECT_WORDS)),
    ]


#: "give me …", "walk me through …": the bot is the one asked ("us" is as often the US; "… for me" as
#: often a remark: "not for me").
_ASKED_OF: Final = frozenset({"me"})
#: Said before a request without changing it ("please give me …").
_PLEASE: Final = frozenset({"please", "pls", "plz"})


def addressed_imperative(words: Sequence[str]) -> bool:
    """The message opens by telling the bot to do something for the speaker ("give me the rundown on
    waymo", "please walk me through …"): a request, not a remark, though it says "me"."""
    start = 1 if words and words[0] in _PLEASE else 0
    return len(words) > start + 1 and words[start + 1] in _ASKED_OF and words[start] not in PERSONAL_WORDS


@dataclass(frozen=True)
class Meaning:
    """Cosines of one candidate with the question (all 0 when the semantic signal is off)."""

    topic: float = 0.0
    name: float = 0.0
    part: float = 0.0  # the closest attribute ("name: value") or timeline line


def word_rarity(word: str) -> float:
    """0 for the most used English word up to 1 for a word outside the frequency list (a number: 0)."""
    if word.isdigit():
        return 0.0
    return math.log(english.rank(word) or _RARE_RANK) / math.log(_RARE_RANK)


def evidence_features(content: Sequence[tuple[str, str]], score: TopicScore | None) -> list[float]:
    """How telling the words a candidate explains are, and those it leaves out (``content``: the
    question's content words with their stems): the rarest explained word, the share of explained
    words that are numbers, the rarest word left unexplained and the share left unexplained."""
    if score is None or not content:
        return [0.0, 0.0, 0.0, 0.0]
    explained = [word for word, stemmed in content if stemmed in score.explained]
    left = [word for word, stemmed in content if stemmed not in score.explained]
    return [max(map(word_rarity, explained), default=0.0),
            sum(w.isdigit() for w in explained) / len(explained) if explained else 0.0,
            max(map(word_rarity, left), default=0.0), len(left) / len(content)]


def candidate_features(asked: Sequence[float], scores: Sequence[TopicScore | None], i: int,
                       meanings: Sequence[Meaning] | None, spelled: float, asks_attribute: float,
                       evidence: Sequence[float], spelled_behind: float, imperative: bool) -> list[float]:
    """Features of candidate ``i`` among ``scores`` (``None``: found by meaning alone); ``asks_attribute``
    is the most the question's words say for one of its attributes (``attributes.attribute_evidence``);
    ``evidence``: the candidate's ``evidence_features``; ``spelled_behind``: how much less nearly the
    question spells this candidate's names than the best-spelt candidate's (0 for that one);
    ``imperative``: the message opens by telling the bot to do something (``addressed_imperative``)."""
    score = scores[i]
    others = [s.score for j, s in enumerate(scores) if j != i and s is not None]
    best = max([s.score for s in scores if s is not None], default=0.0)
    if score is None:
        lexical = [0.0] * 15
    else:
        close = [s for s in scores if s is not None]
        lexical = [
            score.score / 100.0, score.coverage, score.name_cover, float(score.named), score.named_coverage,
            float(score.lone_common_word), float(score.everyday_only), min(len(score.explained), 4) / 4.0,
            float(bool(score.proper_explained)), float(bool(score.defined_by)), float(score.score >= best),
            (best - score.score) / 100.0, (score.score - max(others, default=0.0)) / 100.0,
            float(any(score.names_less_than(o) for o in close if o is not score)),
            float(any(o.outexplains(score) for o in close if o is not score)),
        ]
    if meanings is None:
        meaning = [0.0] * 6
    else:
        mine = meanings[i]
        other = max((m.topic for j, m in enumerate(meanings) if j != i), default=0.0)
        meaning = [1.0, mine.topic, mine.name, mine.part, float(mine.topic >= max(m.topic for m in meanings)),
                   mine.topic - other]
    nothing = float(score is not None and not score.explained)
    log_score = math.log1p(score.score) / math.log(101.0) if score is not None else 0.0
    return [1.0, *asked, *lexical, spelled, *meaning, float(score is not None), asks_attribute, nothing, log_score,
            *evidence, spelled_behind, *remark_features(asked, evidence[3], imperative)]


def remark_features(asked: Sequence[float], unexplained: float, imperative: bool) -> list[float]:
    """Does the message tell something rather than ask it ("my cat sleeps on the starlink dish")? A
    remark about the speaker that neither asks nor requests (``imperative``: it opens by telling the
    bot to do something, ``addressed_imperative``); the share of its content words the candidate
    leaves unexplained, in such a remark and in any message that does not ask."""
    statement = (1.0 - asked[_ASKS]) * (1.0 - asked[_REQUEST]) * (1.0 - imperative)
    remark = asked[_PERSONAL] * statement
    return [remark, remark * unexplained, statement * unexplained]


@dataclass(frozen=True)
class Rest:
    """What the question says beside the picked topic's names, as shares of those content words:
    words that describe the topic as a whole (its title and description), words found only in an
    attribute's value, words found only in its timeline's events, and the other words. A question
    that only describes the topic asks for its summary even when a word of the description is also
    in an attribute's name or value; one naming an event by its words ("take effect") may want the
    timeline."""

    none: float
    describes: float
    valued: float
    timed: float
    other: float


def intent_features(asked: Sequence[float], query: Query, named: bool, attribute: AttributeEvidence | None,
                    attribute_probability: float, rest: Rest,
                    cosines: tuple[float, ...] | None, words: Sequence[float]) -> list[float]:
    """Features for the intent asked of a picked topic; ``cosines`` (when the semantic signal is on):
    the whole question's with the best attribute line, the best timeline line and the summary, then
    the question's beside the topic's names with the same three and the description; ``words``: per
    intent, what the question's words beside the topic's names say for it (``intent_words``)."""
    said = set(query.words)
    if cosines is None:
        meaning = [0.0] * 9
    else:
        line, event, summary, rest_line, rest_event, rest_summary, rest_description = cosines
        meaning = [1.0, line, event, summary, rest_line, rest_event, rest_summary, rest_description,
                   max(rest_line, rest_event) - max(rest_summary, rest_description)]
    specific = attribute.specific if attribute else 0.0
    asking = asked[QUERY_FEATURES.index("asks")]
    aimed = min(1.0, specific + (attribute.cue if attribute else 0.0))
    bare = (1.0 - asking) * (1.0 - float(named))  # a phrase that neither asks nor names the topic
    return [
        1.0, *asked, *(float(w in said) for w in _INTENT_WORDS), float(named), attribute_probability,
        attribute.direct if attribute else 0.0, attribute.cue if attribute else 0.0,
        attribute.value if attribute else 0.0, specific, asking * aimed,
        asked[QUERY_FEATURES.index("cue_timeline")] * min(1.0, attribute.direct if attribute else 0.0),
        float(bool(said & _WH_WORDS)), bare, bare * specific,
        rest.none, rest.describes, rest.valued, rest.timed, rest.other, *meaning, *words,
    ]


def attribute_features(evidence: Sequence[AttributeEvidence], i: int,
                       cosines: Sequence[tuple[float, float, float, float]] | None) -> list[float]:
    """Features of attribute ``i`` of a topic: its name and value evidence, and (``cosines``: the
    question against each "name: value" line and each name, then the question beside the topic's
    names against each line and each value) its closeness in meaning."""
    mine = evidence[i]
    masses = [e.direct + e.cue for e in evidence]
    other = max((m for j, m in enumerate(masses) if j != i), default=0.0)
    if cosines is None:
        meaning = [0.0] * 5
        beside = [0.0] * 5
    else:
        line, name, rest_line, rest_value = cosines[i]
        best_other = max((c[0] for j, c in enumerate(cosines) if j != i), default=0.0)
        meaning = [1.0, line, name, float(line >= max(c[0] for c in cosines)), line - best_other]
        rest_other = max((c[2] for j, c in enumerate(cosines) if j != i), default=0.0)
        shares = [math.exp(8.0 * c[2]) for c in cosines]
        beside = [rest_line, rest_value, float(rest_line >= max(c[2] for c in cosines)), rest_line - rest_other,
                  shares[i] / sum(shares)]
    return [1.0, mine.direct, mine.cue, mine.value, mine.specific, float(masses[i] >= max(masses) > 0.0),
            masses[i] - other,
            *meaning, math.log1p(len(evidence)), *beside]


def choice_features(asked: Sequence[float], rows: Sequence[Sequence[float]], scores: Sequence[TopicScore | None],
                    chances: Sequence[float]) -> list[float]:
    """Features of the best two candidates (``rows``, ``scores`` and ``chances`` best first)."""
    first, second = scores[0], scores[1] if len(scores) > 1 else None
    row1, row2 = rows[0], rows[1] if len(rows) > 1 else [0.0] * len(rows[0])
    at = {name: i for i, name in enumerate(CANDIDATE_FEATURES)}
    both = first is not None and second is not None
    lexical = [s.score for s in scores if s is not None]
    close = sum(s >= _CLOSE_SHARE * max(lexical) for s in lexical) if lexical and max(lexical) > 0 else 0
    exact = first is not None and first.named and first.coverage >= 0.99
    return [
        1.0, asked[0], chances[0], chances[1] if len(chances) > 1 else 0.0,
        (chances[1] / chances[0]) if len(chances) > 1 and chances[0] > 0 else 0.0,
        (second.score / first.score) if both and first.score > 0 else 0.0,  # type: ignore[union-attr]
        float(both), float(first is not None and first.named), float(second is not None and second.named),
        row2[at["names_less"]], row2[at["outexplained"]],
        float(both and first.explained == second.explained),  # type: ignore[union-attr]
        float(both and bool(first.proper_explained & second.proper_explained)),  # type: ignore[union-attr]
        row1[at["spelled"]] - row2[at["spelled"]], row1[at["cos_topic"]] - row2[at["cos_topic"]],
        chances[2] if len(chances) > 2 else 0.0, math.log1p(close), float(asked[0] <= math.log1p(1)),
        float(exact),
    ]


def _classes_of(word: str) -> tuple[bool, ...]:
    """Whether ``word`` (as written or by its stem) is in each of ``_LIST_CLASSES``."""
    stemmed = stem(word)
    return tuple(word in words or stemmed in words for words in _LIST_CLASSES)


def list_subject(query: Query) -> list[str]:
    """The content words a list question leaves beside the words of asking for a list: what the list
    is filtered by ("crypto" in "do you have anything on crypto"); empty for the whole catalogue."""
    return [w for w in query.content_words if not any(_classes_of(w))]


def list_features(query: Query, best: TopicScore | None) -> list[float]:
    """Features of a message as a request for the list of topics (``LIST_FEATURES``): who it
    addresses, whether it speaks of holding or of a collection, what is left beside those words, and
    how well the best-ranked topic explains it (``best``: ``None`` when no topic does)."""
    words = query.words
    found = [_classes_of(w) for w in words]
    addressed, holding, collection, verb, sweeping = (
        float(any(classes[i] for classes in found)) for i in range(len(_LIST_CLASSES)))
    asks = float(query.asks or bool(set(words) & ASKING_WORDS) or "any" in words)
    left = len(list_subject(query))
    nothing_left = float(left == 0)
    filtered = float(bool(query.list_filter))
    return [
        1.0, addressed, holding, collection, verb, sweeping, asks, float(query.intent_cue == "list"),
        math.log1p(left), nothing_left, float(left == 1),
        best.score / 100.0 if best else 0.0, float(best.named) if best else 0.0, best.coverage if best else 0.0,
        addressed * holding, collection * max(asks, verb), holding * nothing_left, collection * nothing_left,
        math.log1p(len(query.content_words)), filtered,
        collection * filtered, asks * holding, asks * addressed * holding,
        verb * max(collection, sweeping), asks * collection * filtered,
    ]
