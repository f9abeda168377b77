"""The engine's third step, **decide**: a ``Ranking`` becomes one typed ``Outcome``.

Every acceptance rule and threshold of the engine lives here, and nowhere else. In order:

1. A list question ("which topics do you have", "list the energy topics") is a ``Listing``.
2. Nothing left after removing noise, function and intent words: ``Chatter``.
3. "X vs Y" / "X or Y" naming two different topics: a ``Choice`` between them.
4. The best topic is picked when its score reaches ``ACCEPT_SCORE`` or, for a topic the question
   names in full, when it explains enough of the question once everyday filler around the name is
   discounted by its frequency in English (``NAMED_MIN_COVERAGE``: "sorry if this was
   asked already, how does starlink work" is Starlink, "tesla coil" is not Tesla), or when several
   features agree (``_supported``), or when the rest of a question naming the topic asks for one of
   its attributes. Below that: the meaning, when the semantic signal is on; then topics resting alike
   on a name their records share are offered (``_sharing_a_name``: "trump crypto policy"); else a
   ``Miss``.
5. Every topic scoring within ``MARGIN`` of the best (relative) is a real alternative; two or more
   make a ``Choice``, never a pick. A question that is exactly one topic's name is exempt. A topic
   that explains only some of the words another close topic explains is no alternative
   (``TopicScore.outexplains``); a named topic yields so only to one defined in terms of it. An
   aspect ("earnings") of an outside name that several records merely mention ("acme corp
   revenue") is a miss, not a pick among them.
6. For the picked topic the intent comes from the wording (sources, timeline) or from the attribute
   matcher. A bare phrase that neither names the topic nor asks a question is a summary when the
   words that matched the attribute also describe the topic ("weight loss injections like ozempic"
   describes GLP-1 drugs; "mounjaro side effects" asks for one attribute).

``decide`` reads only data: the ``Ranking`` (with its ``Query``) and, when the semantic signal is on,
a ``MeaningSignal`` that it asks only when the words fell short. ``learned_deciding`` is the same
step with decisions learned from data (``[topicbot] decisions = "learned"``); see its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from rapidfuzz.distance import Levenshtein

from bot.core.answers import Intent
from bot.core.engine.attributes import match_attribute
from bot.core.engine.lexicon import ASKING_WORDS, ASPECT_WORDS, PERSONAL_WORDS, REQUEST_WORDS
from bot.core.engine.outcomes import Chatter, Choice, ChoiceReason, Listing, Miss, Outcome, Pick
from bot.core.engine.ranking import Ranked, Ranking
from bot.core.engine.reading import Query, content_words
from bot.core.engine.tokens import normalize, stems
from bot.core.engine.topic_scores import TopicScore
from bot.core.model import Attribute, Topic

# Each number below trades answering more questions against answering chat or guessing between two.
#: Score (0..100) a topic needs to be answered: about a third of the question explained by a topic.
ACCEPT_SCORE = 33.0
#: The second tier of acceptance (``_supported``): a lower score, two words explained, a clear lead.
SUPPORTED_SCORE = 25.0
SUPPORTED_WORDS = 2
SUPPORTED_LEAD = 0.7
#: Share of the question a topic named in full must explain once everyday filler around the name is
#: discounted (lower: chattier questions naming a topic are answered, but "tesla coil" is Tesla).
NAMED_MIN_COVERAGE = 0.35
#: Runner-up scores at or above this fraction of the best are real alternatives (lower: more choices).
MARGIN = 0.85
#: How much more of the question an unnamed topic must explain to rival a topic named in it.
NAMED_LEAD = 0.1
#: A question spells a name when it is at most this share of its letters' edits away from it; close
#: topics whose names take more than ``SPELLING_SLACK`` edits beyond the best-spelt one are then no
#: alternatives. An alias costs ``SPELLING_ALIAS_COST`` edits (a title says what a topic is called),
#: a name with another number than the question's ``SPELLING_NUMBER_COST``.
SPELLING_MAX_SHARE = 0.3
SPELLING_SLACK = 0
SPELLING_ALIAS_COST = 1
SPELLING_NUMBER_COST = 2
#: Below acceptance, topics resting alike on a shared name are offered from this share of ``ACCEPT_SCORE``.
SHARED_NAME_SHARE = 0.6
#: At most this many topics in a choice.
MAX_CANDIDATES = 5
#: A miss names the ranked topics scoring at least this share of ``ACCEPT_SCORE`` as suggestions.
SUGGESTION_SHARE = 0.5
SUGGESTIONS = 3


@dataclass(frozen=True)
class MeaningCalibration:
    """When the semantic signal may answer what the words alone did not (cosines of unit vectors).

    Fitted on the labelled development questions (``python -m benchmarks.calibrate``) and applied
    unchanged everywhere; the defaults suit the bundled static model.
    """

    #: A topic the lexical ranker also found (at least ``agree_score``) is answered from this cosine.
    agree: float = 0.55
    agree_score: float = 20.0
    #: A topic found by meaning alone needs this cosine and this lead over the next one.
    alone: float = 0.75
    margin: float = 0.08
    #: Fewest content words a question needs before meaning alone may answer it (one word is chatter
    #: far more often than a paraphrase).
    min_words: int = 2
    #: An attribute is chosen by meaning from this cosine (when no attribute matched by its words).
    attribute: float = 0.55


class MeaningSignal(Protocol):
    """The semantic signal for one question, asked by ``decide`` only when it needs it."""

    def topics(self, k: int) -> list[tuple[Topic, float]]:
        """The ``k`` visible topics closest in meaning to the question, with their cosines, best first."""
        ...

    def attribute(self, topic: Topic, min_cosine: float) -> Attribute | None:
        """The attribute of ``topic`` closest in meaning to the question, from ``min_cosine``."""
        ...


@dataclass(frozen=True)
class RuleDecider:
    """``decide`` with its meaning calibration: the decision step ``Answerer`` uses by default."""

    calibration: MeaningCalibration = MeaningCalibration()

    def decide(self, ranking: Ranking, meaning: MeaningSignal | None = None) -> Outcome:
        return decide(ranking, meaning, self.calibration)


def decide(ranking: Ranking, meaning: MeaningSignal | None = None,
           calibration: MeaningCalibration = MeaningCalibration()) -> Outcome:
    """The outcome for ``ranking`` (see the module docstring)."""
    query = ranking.query
    if query.intent_cue == "list":
        return Listing(query.list_filter)
    if query.is_empty:
        return Chatter()
    versus = _versus(ranking)
    if versus is not None:
        return versus
    scores = ranking.scores
    if not scores or not (_accepted(scores[0]) or _supported(scores)
                          or _asks_an_attribute_of(query, ranking.ranked[0])):
        if meaning is not None:
            by_meaning = _by_meaning(ranking, meaning, calibration)
            if by_meaning is not None:
                return by_meaning
        sharing = _sharing_a_name(scores) if scores else []
        if sharing:
            return _choice(query, sharing, sharing[1], "shared name")
        return _miss(scores)
    if scores[0].everyday_only and _a_remark(query):
        return _miss(scores)
    close = _closest_spellings(query, [ranking.ranked_as(s) for s in _alternatives(scores)])
    best = close[0]
    runner_up = next((s for s in scores if s is not best.score), None)
    exact = best.score.named and best.score.coverage >= 0.99 and not (
        runner_up and runner_up.named and not runner_up.names_less_than(best.score))
    close_scores = [r.score for r in close]
    if not exact and _asks_an_aspect(query) and _about_an_untracked_name(close_scores, scores):
        return _miss(scores)
    if len(close) >= 2 and not exact:
        return _choice(query, close_scores, runner_up, "close scores")
    return _pick(query, best.topic, best.score, runner_up, meaning, calibration)


def _pick(query: Query, topic: Topic, best: TopicScore, runner_up: TopicScore | None,
          meaning: MeaningSignal | None, calibration: MeaningCalibration) -> Pick:
    """What the question asks of ``topic``: its intent, attribute and date range."""
    asked = query.without_words(_own_words(topic))
    ratio = runner_up.score / best.score if runner_up and best.score else 0.0
    confidence = round(min(1.0, best.score / 100.0) * (1.0 - 0.5 * ratio), 3)
    intent: Intent = "summary"
    attribute: Attribute | None = None
    cue = asked.intent_cue
    said = set(query.words)
    asks = bool(said & ASKING_WORDS)
    if cue == "sources":
        intent = "sources"
    else:
        match = match_attribute(query.words, topic)
        named_attribute = match is not None and match.by == "name" and match.direct
        if cue == "timeline":
            # "when was it founded" asks for the Founded attribute; "its history", "the backstory"
            # or "news" ask for the timeline even beside a word of an attribute's name.
            if match and match.by == "name" and asked.date_range is None and "when" in said:
                intent, attribute = "attribute", match.attribute
            else:
                intent = "timeline"
        elif _asks_how_it_works(query.words) and not named_attribute:
            intent = "summary"  # "how do they work" asks for the whole picture
        elif match and (best.named or asks or (match.direct and match.words - set(stems(topic.description)))):
            intent, attribute = "attribute", match.attribute
        elif match is None and meaning is not None and topic.attributes and asks:
            attribute = meaning.attribute(topic, calibration.attribute)  # "what does it run on" → Engines
            if attribute is not None:
                intent = "attribute"
    return Pick(topic, intent, attribute, asked.date_range, best, runner_up, confidence)


def _choice(query: Query, close: list[TopicScore], runner_up: TopicScore | None, reason: ChoiceReason) -> Choice:
    intent: Intent = query.intent_cue if query.intent_cue in ("summary", "timeline", "sources") else "summary"
    return Choice(tuple(close[:MAX_CANDIDATES]), intent, query.date_range, runner_up,
                  round(0.5 * min(1.0, close[0].score / 100.0), 3), reason)


def _miss(scores: list[TopicScore]) -> Miss:
    best = scores[0] if scores else None
    suggested = tuple(s.title for s in scores[:SUGGESTIONS] if s.score >= SUGGESTION_SHARE * ACCEPT_SCORE)
    return Miss(best, scores[1] if len(scores) > 1 else None, suggested,
                round(1.0 - min(1.0, (best.score if best else 0.0) / 100.0), 3))


def _versus(ranking: Ranking) -> Choice | None:
    picks: list[TopicScore] = []
    for part in ranking.versus:
        scores = part.scores
        if scores and _accepted(scores[0]) and scores[0].title not in {p.title for p in picks}:
            picks.append(scores[0])
    if len(picks) < 2:
        return None
    return _choice(ranking.query, picks, picks[1], "named several")


def _asks_an_attribute_of(query: Query, best: Ranked) -> bool:
    """The question names this topic in full and the rest of it asks for one of its attributes
    by name or in the usual words for it ("who is bankrolling openai": Major Investor), so the
    words around the name are about the topic after all ("tesla coil" asks for none)."""
    if not best.score.named or best.score.lone_common_word:
        return False
    topic = best.topic
    if not topic.attributes:
        return False
    match = match_attribute(query.words, topic)
    return match is not None and match.by == "name"


def _closest_spellings(query: Query, close: list[Ranked]) -> list[Ranked]:
    """When the question is (a spelling of) a name, the close topics whose names it spells with
    at most ``SPELLING_SLACK`` more edits than the best-spelt one ("terkwenlen energy": Terwenlen
    Energy, not Terlen Energy; "modernization innovation bill": not the Innovation Modernization
    Bill). An alias, or a name with another number than the question's ("forum 2024" / "forum
    2020"), costs edits more. Otherwise ``close`` as it is."""
    if len(close) < 2:
        return close
    asked = " ".join(query.content_words)
    numbers = {w for w in asked.split() if w.isdigit()}
    edits: list[tuple[int, Ranked]] = []
    for ranked in close:
        names = [(ranked.title, 0)] + [(a, SPELLING_ALIAS_COST) for a in ranked.topic.all_aliases]
        edits.append((min(_spelling_edits(asked, " ".join(content_words(name)), numbers) + cost
                          for name, cost in names),
                      ranked))
    fewest = min(n for n, _ in edits)
    if fewest > SPELLING_MAX_SHARE * len(asked):
        return close
    return [ranked for n, ranked in edits if n <= fewest + SPELLING_SLACK]


def _by_meaning(ranking: Ranking, meaning: MeaningSignal, calibration: MeaningCalibration) -> Pick | Choice | None:
    """The topic the question means when its words fell short: one the lexical ranker also found
    and the meaning confirms (a long question that names it among other words), or one far
    closer in meaning than any other (a paraphrase); two about equally close are offered both."""
    query = ranking.query
    content = query.content_words
    hits = meaning.topics(3)
    if not hits:
        return None
    topic, best = hits[0]
    second = hits[1][1] if len(hits) > 1 else -1.0
    scores = ranking.scores
    agreed = next((s for s in scores if s.title == topic.title), None)
    if agreed is not None and agreed.score >= calibration.agree_score and best >= calibration.agree:
        chosen = replace(agreed, matched_field="meaning")
    elif len(content) >= calibration.min_words and best >= calibration.alone:
        if best - second < calibration.margin:
            close = [_by_cosine(t, cos) for t, cos in hits
                     if cos >= calibration.alone and best - cos < calibration.margin]
            if len(close) >= 2:
                return _choice(query, close, close[1], "close meaning")
        chosen = _by_cosine(topic, best)
    else:
        return None
    runner_up = next((s for s in scores if s.title != topic.title), None)
    return _pick(query, topic, chosen, runner_up, meaning, calibration)


def _by_cosine(topic: Topic, cosine: float) -> TopicScore:
    return TopicScore(topic.title, round(100.0 * cosine, 2), cosine, 0.0, "meaning", None)


def _alternatives(ranking: list[TopicScore]) -> list[TopicScore]:
    """The topics within ``MARGIN`` of the best that are real alternatives to it.

    A topic named only through part of another named topic's name is not one ("Robotaxis" when the
    question says "Tesla Robotaxi"). When the best topic is named, an unnamed one is an alternative
    only if it explains clearly more of the question (``NAMED_LEAD`` in coverage): naming a topic is
    stronger evidence than describing one.
    """
    best = ranking[0]
    close = [s for s in ranking if s.score >= MARGIN * best.score]
    close = [s for s in close if not any(s.names_less_than(o) for o in close)]
    close = [s for s in close if not any(o.outexplains(s) for o in close)]
    best = close[0]
    if best.named:
        close = [s for s in close if s is best or s.named or s.coverage > best.coverage + NAMED_LEAD]
    return close


def _own_words(topic: Topic) -> set[str]:
    return {w for name in (topic.title, *topic.all_aliases) for w in normalize(name).split()}


def _spelling_edits(asked: str, name: str, numbers: set[str]) -> int:
    edits = Levenshtein.distance(asked, name)
    if numbers and numbers != {w for w in name.split() if w.isdigit()}:
        edits += SPELLING_NUMBER_COST
    return edits


def _sharing_a_name(ranking: list[TopicScore]) -> list[TopicScore]:
    """Below acceptance, the topics about equally close that rest on the same name(s) their records
    write as names, beside other words they explain alike ("trump's crypto moves": the crypto topics
    that mention Trump): the question is about that person's or company's part in them, so they are
    offered rather than guessed between or dropped."""
    best = ranking[0]
    if best.score < SHARED_NAME_SHARE * ACCEPT_SCORE or not best.proper_explained or len(best.explained) < 2:
        return []
    close = [s for s in ranking if s.score >= MARGIN * best.score and s.explained == best.explained
             and best.proper_explained & s.proper_explained]
    return close if len(close) >= 2 else []


def _asks_an_aspect(query: Query) -> bool:
    """The question asks for a generic aspect of something (its earnings, price, stock, plans)."""
    return any(w in ASPECT_WORDS for w in query.words)


def _asks_how_it_works(words: tuple[str, ...]) -> bool:
    """"how does it work", "how do they work": an auxiliary after "how", a form of "work" later."""
    for i, word in enumerate(words[:-1]):
        if word == "how" and words[i + 1] in _AUXILIARIES:
            return any(w in _WORK for w in words[i + 2:])
    return False


_AUXILIARIES = frozenset({"does", "do", "did", "is", "are", "can", "could"})
_WORK = frozenset({"work", "works", "worked", "working"})


def _about_an_untracked_name(close: list[TopicScore], ranking: list[TopicScore]) -> bool:
    """The best topics rest on one and the same name that is none of theirs, and that other records
    mention too: an outside company or person, not one of ours.

    Asked with an aspect ("acme corp revenue", where several records mention Acme), the
    question is about that name's own earnings, and no topic is that name: a miss (with the topics
    as suggestions), not an answer or a choice between topics that merely mention it. A lone best
    topic whose own definition (title, aliases, description) uses the name still answers ("chatgpt
    price" is OpenAI's); a bare name ("spacex" when only its rockets are tracked) offers the topics.
    """
    first = close[0].explained
    if len(first) != 1 or not all(s.explained == first and not first & s.name_words for s in close):
        return False
    if not any(first <= s.proper_explained for s in ranking):  # a record writes it as a name
        return False
    if len(close) >= 2:
        return True
    mentioned_elsewhere = any(first <= s.explained for s in ranking if s is not close[0])
    return mentioned_elsewhere and not first & close[0].defined_by


def _a_remark(query: Query) -> bool:
    """A statement about the speaker or the listener ("i use it all the time", "you didn't lose your
    power"), not a question, a request or a bare subject: chat, unless it names a topic."""
    said = set(query.words)
    return (query.intent_cue is None and not query.asks and not said & ASKING_WORDS
            and not said & REQUEST_WORDS and bool(said & PERSONAL_WORDS))


def _accepted(score: TopicScore) -> bool:
    if score.lone_common_word:  # "what a day": one ordinary word the record happens to use
        return False
    return score.score >= ACCEPT_SCORE or (score.named and score.named_coverage >= NAMED_MIN_COVERAGE)


def _supported(ranking: list[TopicScore]) -> bool:
    """Below ``ACCEPT_SCORE`` the best topic is still answered when several features agree (fitted on
    labelled questions and chat lines, then applied unchanged): it explains at least
    ``SUPPORTED_WORDS`` different words of the question, one of them a name its record writes (or a
    word of its own name), with ``SUPPORTED_SCORE`` at least and the next topic at most
    ``SUPPORTED_LEAD`` of it. A long question in other words ("the chinese startup whose cheap model
    wiped out chip stocks") is rarely chat; one shared word almost always is."""
    best = ranking[0]
    runner_up = ranking[1].score if len(ranking) > 1 else 0.0
    return (not best.lone_common_word and best.score >= SUPPORTED_SCORE and len(best.explained) >= SUPPORTED_WORDS
            and bool(best.proper_explained or best.name_cover > 0.0) and runner_up <= SUPPORTED_LEAD * best.score)
