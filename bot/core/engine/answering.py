"""``Answerer``: the one path from a question to an ``Answer`` (CLI, /ask, mentions, /topic).

Decisions, in order, for a free-text question (``answer``):

1. A list question ("which topics do you have", "list the energy topics") lists titles.
2. Nothing left after removing noise, function and intent words: chatter, answered with ``none``.
3. "X vs Y" / "X or Y" naming two different topics: a disambiguation between them.
4. Topics are ranked by ``TopicIndex.rank``. The best one is answered when its score reaches
   ``ACCEPT_SCORE`` or, for a topic the question names in full, when it explains at least
   ``NAMED_MIN_COVERAGE`` of the question once everyday filler around the name is discounted by its
   frequency in English (``TopicScore.named_among_filler``: "sorry if this was asked already, how
   does starlink work" is Starlink, "tesla coil" is not Tesla), or when several features agree
   (``_supported``: two or more words explained, one a name the record writes, a clear lead), or
   when the rest of a question naming the topic asks for one of its attributes. Below that: the meaning, when the
   semantic signal is on; then topics resting alike on a name their records share are offered
   (``_sharing_a_name``: "trump crypto policy"); else a miss.
5. Every topic scoring within ``MARGIN`` of the best (relative) is a real alternative; two or more
   make a disambiguation, never a pick. A question that is exactly one topic's name is exempt. A
   topic that explains only some of the words another close topic explains is no alternative
   (``TopicScore.outexplains``); a named topic yields so only to one defined in terms of it
   ("the broadband service run by the rocket company" names its owner only as a qualifier). An
   aspect ("earnings") of an outside name that several records merely mention ("acme corp
   revenue") is a miss, not a pick among them.
6. For the chosen topic the intent comes from the wording (sources, timeline) or from the
   attribute matcher. A bare phrase that neither names the topic nor asks a question is a summary
   when the words that matched the attribute also describe the topic ("weight loss injections like
   ozempic" describes GLP-1 drugs; "mounjaro side effects" asks for one attribute).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final, Protocol

from rapidfuzz.distance import Levenshtein

from bot.core.answers import Answer, DateRange, Explanation, Intent
from bot.core.engine import TopicIndex
from bot.core.engine.attributes import match_attribute
from bot.core.engine.lexicon import ASPECT_WORDS
from bot.core.engine.reading import Question, content_words, parse_question
from bot.core.engine.related import RelatedTopics
from bot.core.engine.tokens import normalize, stems
from bot.core.engine.topic_scores import TopicScore
from bot.core.errors import TopicNotFoundError
from bot.core.model import TimelineEvent, Topic

log = logging.getLogger(__name__)

#: Score (0..100) a topic needs to be answered: about a third of the question explained by a topic.
ACCEPT_SCORE: Final = 33.0
#: The second tier of acceptance (``_supported``).
SUPPORTED_SCORE: Final = 25.0
SUPPORTED_WORDS: Final = 2
SUPPORTED_LEAD: Final = 0.7
#: Runner-up scores at or above this fraction of the best are real alternatives.
MARGIN: Final = 0.85
#: How much more of the question an unnamed topic must explain to rival a topic named in it.
NAMED_LEAD: Final = 0.1
#: A question spells a name when it is at most this share of its letters' edits away from it; close
#: topics whose names take more than ``SPELLING_SLACK`` edits beyond the best-spelt one are then no
#: alternatives. An alias costs ``SPELLING_ALIAS_COST`` edits (a title says what a topic is called),
#: a name with another number than the question's ``SPELLING_NUMBER_COST``.
SPELLING_MAX_SHARE: Final = 0.3
SPELLING_SLACK: Final = 0
SPELLING_ALIAS_COST: Final = 1
SPELLING_NUMBER_COST: Final = 2
#: Below acceptance, topics resting alike on a shared name are offered from this share of ``ACCEPT_SCORE``.
SHARED_NAME_SHARE: Final = 0.6
MAX_CANDIDATES: Final = 5
NEAREST_EVENTS: Final = 3
_ASKS_WHEN_RE: Final = re.compile(r"\bwhen\b")
_HOW_IT_WORKS_RE: Final = re.compile(r"\bhow\s+(?:does|do|did|is|are|can|could)\b.*\bwork(?:s|ed|ing)?\b")
_QUESTION_WORD_RE: Final = re.compile(r"\b(?:what|whats|which|who|whos|whom|when|where|why|how|is|are|does|did)\b")


class MeaningSearch(Protocol):
    """The optional semantic signal (``bot.core.semantic.SemanticIndex``): topics by meaning."""

    def search(self, text: str, k: int = 5, allowed: Callable[[tuple[int | None, str]], bool] | None = None
               ) -> list[tuple[tuple[int | None, str], float]]: ...

    def attribute_by_meaning(self, question: str, attribute_names: Sequence[str],
                             min_cosine: float = 0.0) -> tuple[str, float] | None: ...


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


class Answerer:
    """Answers questions from a ``TopicIndex`` (and, when given, a ``MeaningSearch``)."""

    def __init__(self, index: TopicIndex, meaning: MeaningSearch | None = None,
                 calibration: MeaningCalibration = MeaningCalibration()) -> None:
        self.index = index
        self.meaning = meaning
        self.calibration = calibration
        self.related = RelatedTopics(index, meaning)

    # --- the free-text path ----------------------------------------------------------------------

    def answer(self, question: str, *, guild_id: int | None = None) -> Answer:
        """Understand ``question`` and answer it (never raises for unknown topics: that is a miss).

        The "see also" topics are a second step (``with_related``) that front ends take after it:
        the first answer about a topic pays for finding them (tens of ms at 100,000 topics, cached
        afterwards), which ``answer`` itself never does.
        """
        return self._answer(question, guild_id)

    def with_related(self, answer: Answer, guild_id: int | None = None) -> Answer:
        """``answer`` with the topics related to its topic ("see also"), when it has one."""
        if answer.topic is None:
            return answer
        return replace(answer, related=self.related.of(answer.topic, guild_id))

    def _answer(self, question: str, guild_id: int | None) -> Answer:
        parsed = parse_question(question)
        if parsed.intent_cue == "list":
            return self._list(parsed, guild_id)
        if parsed.is_empty:
            return Answer(question, "none", confidence=1.0, explanation=Explanation(notes=("no content words",)))
        versus = self._versus(parsed, guild_id)
        if versus is not None:
            return versus
        ranking = self.index.rank(parsed.text, guild_id)
        if not ranking or not (_accepted(ranking[0]) or _supported(ranking)
                               or self._asks_an_attribute_of(parsed, ranking[0], guild_id)):
            by_meaning = self._by_meaning(parsed, ranking, guild_id)
            if by_meaning is not None:
                return by_meaning
            sharing = _sharing_a_name(ranking) if ranking else []
            if sharing:
                return self._disambiguation(parsed, sharing, sharing[1],
                                            note="several topics mention the name the question asks about")
            return self._miss(parsed, ranking, guild_id)
        if ranking[0].everyday_only and _a_remark(parsed):
            return self._miss(parsed, ranking, guild_id)
        close = self._closest_spellings(parsed, _alternatives(ranking), guild_id)
        best = close[0]
        runner_up = next((s for s in ranking if s is not best), None)
        exact = best.named and best.coverage >= 0.99 and not (
            runner_up and runner_up.named and not runner_up.names_less_than(best))
        if not exact and _asks_an_aspect(parsed) and _about_an_untracked_name(close, ranking):
            return self._miss(parsed, ranking, guild_id)
        if len(close) >= 2 and not exact:
            return self._disambiguation(parsed, close, runner_up)
        topic = self.index.get(best.title, guild_id)
        if topic is None:  # ranked titles are visible ones; only a concurrent removal gets here
            return self._miss(parsed, ranking, guild_id)
        return self._answer_about(parsed, topic, best, runner_up)

    def _asks_an_attribute_of(self, parsed: Question, best: TopicScore, guild_id: int | None) -> bool:
        """The question names this topic in full and the rest of it asks for one of its attributes
        by name or in the usual words for it ("who is bankrolling openai": Major Investor), so the
        words around the name are about the topic after all ("tesla coil" asks for none)."""
        if not best.named or best.lone_common_word:
            return False
        topic = self.index.get(best.title, guild_id)
        if topic is None or not topic.attributes:
            return False
        match = match_attribute(parsed.without_words(_own_words(topic)).text, topic)
        return match is not None and match.by == "name"

    def _closest_spellings(self, parsed: Question, close: list[TopicScore], guild_id: int | None
                           ) -> list[TopicScore]:
        """When the question is (a spelling of) a name, the close topics whose names it spells with
        at most ``SPELLING_SLACK`` more edits than the best-spelt one ("terkwenlen energy": Terwenlen
        Energy, not Terlen Energy; "modernization innovation bill": not the Innovation Modernization
        Bill). An alias, or a name with another number than the question's ("forum 2024" / "forum
        2020"), costs edits more. Otherwise ``close`` as it is."""
        if len(close) < 2:
            return close
        asked = " ".join(parsed.content_words)
        numbers = {w for w in asked.split() if w.isdigit()}
        edits: list[tuple[int, TopicScore]] = []
        for score in close:
            topic = self.index.get(score.title, guild_id)
            names = [(score.title, 0)] + [(a, SPELLING_ALIAS_COST) for a in (topic.all_aliases if topic else ())]
            edits.append((min(_spelling_edits(asked, " ".join(content_words(name)), numbers) + cost
                              for name, cost in names),
                          score))
        fewest = min(n for n, _ in edits)
        if fewest > SPELLING_MAX_SHARE * len(asked):
            return close
        return [score for n, score in edits if n <= fewest + SPELLING_SLACK]

    def _by_meaning(self, parsed: Question, ranking: list[TopicScore], guild_id: int | None) -> Answer | None:
        """The topic the question means when its words fell short: one the lexical ranker also found
        and the meaning confirms (a long question that names it among other words), or one far
        closer in meaning than any other (a paraphrase); two about equally close are offered both."""
        if self.meaning is None:
            return None
        content = parsed.content_words
        if not content:
            return None
        calibration = self.calibration

        def visible(key: tuple[int | None, str]) -> bool:
            owner, folded = key
            return (owner is None or owner == guild_id) and self.index.get(folded, guild_id) is not None

        hits = self.meaning.search(parsed.text, k=3, allowed=visible)
        if not hits:
            return None
        (_, best_title), best = hits[0]
        second = hits[1][1] if len(hits) > 1 else -1.0
        topic = self.index.get(best_title, guild_id)
        if topic is None:
            return None
        agreed = next((s for s in ranking if s.title == topic.title), None)
        if agreed is not None and agreed.score >= calibration.agree_score and best >= calibration.agree:
            chosen = replace(agreed, matched_field="meaning")
        elif len(content) >= calibration.min_words and best >= calibration.alone:
            if best - second < calibration.margin:
                close = [TopicScore(t.title, round(100.0 * cos, 2), cos, 0.0, "meaning", None)
                         for (_, folded), cos in hits if cos >= calibration.alone
                         and best - cos < calibration.margin and (t := self.index.get(folded, guild_id))]
                if len(close) >= 2:
                    return self._disambiguation(parsed, close, close[1], note="several topics are as close in meaning")
            chosen = TopicScore(topic.title, round(100.0 * best, 2), best, 0.0, "meaning", None)
        else:
            return None
        runner_up = next((s for s in ranking if s.title != topic.title), None)
        return self._answer_about(parsed, topic, chosen, runner_up)

    def _versus(self, parsed: Question, guild_id: int | None) -> Answer | None:
        if not parsed.versus:
            return None
        picks: list[TopicScore] = []
        for part in parsed.versus:
            ranking = self.index.rank(part, guild_id, limit=2)
            if ranking and _accepted(ranking[0]) and ranking[0].title not in {p.title for p in picks}:
                picks.append(ranking[0])
        if len(picks) < 2:
            return None
        return self._disambiguation(parsed, picks, picks[1], note="the question names several topics")

    def _answer_about(self, parsed: Question, topic: Topic, best: TopicScore,
                      runner_up: TopicScore | None) -> Answer:
        explanation = Explanation(
            winner=best.title, winner_score=best.score,
            runner_up=runner_up.title if runner_up else None,
            runner_up_score=runner_up.score if runner_up else 0.0,
            matched_field=best.matched_field, matched_text=best.matched_text,
        )
        parsed = parsed.without_words(_own_words(topic))
        ratio = runner_up.score / best.score if runner_up and best.score else 0.0
        confidence = round(min(1.0, best.score / 100.0) * (1.0 - 0.5 * ratio), 3)
        intent: Intent = "summary"
        attribute = None
        cue = parsed.intent_cue
        text = normalize(parsed.text)
        if cue == "sources":
            intent = "sources"
        else:
            match = match_attribute(parsed.text, topic)
            named_attribute = match is not None and match.by == "name" and match.direct
            if cue == "timeline":
                # "when was it founded" asks for the Founded attribute; "its history", "the backstory"
                # or "news" ask for the timeline even beside a word of an attribute's name.
                if match and match.by == "name" and parsed.date_range is None and _ASKS_WHEN_RE.search(text):
                    intent, attribute = "attribute", match.attribute
                else:
                    intent = "timeline"
            elif _HOW_IT_WORKS_RE.search(text) and not named_attribute:
                intent = "summary"  # "how do they work" asks for the whole picture
            elif match and (best.named or _QUESTION_WORD_RE.search(text)
                            or (match.direct and match.words - set(stems(topic.description)))):
                intent, attribute = "attribute", match.attribute
            elif match is None and self.meaning is not None and topic.attributes \
                    and _QUESTION_WORD_RE.search(text):
                by_meaning = self.meaning.attribute_by_meaning(
                    parsed.text, [a.name for a in topic.attributes], self.calibration.attribute)
                if by_meaning is not None:  # "what does it run on" → Engines
                    intent, attribute = "attribute", topic.attribute(by_meaning[0])
        return self._build(parsed.raw, topic, intent, attribute=attribute.name if attribute else None,
                           date_range=parsed.date_range, confidence=confidence, explanation=explanation)

    def _disambiguation(self, parsed: Question, close: list[TopicScore], runner_up: TopicScore | None,
                        note: str = "several topics score within the margin") -> Answer:
        best = close[0]
        intent: Intent = parsed.intent_cue if parsed.intent_cue in ("summary", "timeline", "sources") else "summary"
        explanation = Explanation(
            winner=best.title, winner_score=best.score,
            runner_up=runner_up.title if runner_up else None,
            runner_up_score=runner_up.score if runner_up else 0.0,
            matched_field=best.matched_field, matched_text=best.matched_text, notes=(note,),
        )
        return Answer(parsed.raw, intent, candidates=tuple(s.title for s in close[:MAX_CANDIDATES]),
                      date_range=parsed.date_range, confidence=round(0.5 * min(1.0, best.score / 100.0), 3),
                      explanation=explanation)

    def _miss(self, parsed: Question, ranking: list[TopicScore], guild_id: int | None) -> Answer:
        best = ranking[0] if ranking else None
        suggestions = [s.title for s in ranking[:3] if s.score >= ACCEPT_SCORE / 2]
        for title in self.index.closest_titles(parsed.text, limit=3, guild_id=guild_id):
            if title not in suggestions:
                suggestions.append(title)
        explanation = Explanation(
            winner=best.title if best else None, winner_score=best.score if best else 0.0,
            runner_up=ranking[1].title if len(ranking) > 1 else None,
            runner_up_score=ranking[1].score if len(ranking) > 1 else 0.0,
            matched_field=best.matched_field if best else None, matched_text=best.matched_text if best else None,
            notes=("below the acceptance score", *(f"closest: {t}" for t in suggestions[:3])),
        )
        confidence = round(1.0 - min(1.0, (best.score if best else 0.0) / 100.0), 3)
        return Answer(parsed.raw, "none", confidence=confidence, explanation=explanation)

    def _list(self, parsed: Question, guild_id: int | None) -> Answer:
        return self.answer_list(parsed.list_filter, guild_id=guild_id, question=parsed.raw)

    def answer_list(self, filter_text: str | None = None, *, guild_id: int | None = None,
                    question: str | None = None) -> Answer:
        """The catalogue of topics, or only those matching ``filter_text`` ("crypto", "space")."""
        if filter_text and filter_text.strip():
            titles = self.index.filter_titles(filter_text, guild_id)
            explanation = Explanation(matched_field="filter", matched_text=filter_text,
                                      notes=(f"filtered by {filter_text!r}",))
            return Answer(question or f"list {filter_text}", "list", candidates=tuple(titles),
                          confidence=1.0 if titles else 0.5, explanation=explanation)
        return Answer(question or "list", "list", candidates=tuple(self.index.titles(guild_id)), confidence=1.0,
                      explanation=Explanation(notes=("all topics",)))

    # --- the structured path -------------------------------------------------------------------

    def answer_topic(self, title: str, intent: Intent, *, attribute: str | None = None,
                     date_range: DateRange | None = None, guild_id: int | None = None) -> Answer:
        """Answer about a known title (``/topic`` commands, disambiguation buttons).

        Raises ``TopicNotFoundError`` (with the closest titles) when no visible topic has ``title``.
        """
        topic = self.index.get(title, guild_id)
        if topic is None:
            raise TopicNotFoundError(title, tuple(self.index.closest_titles(title, guild_id=guild_id)))
        explanation = Explanation(winner=topic.title, winner_score=100.0, matched_field="title",
                                  matched_text=topic.title, notes=("asked by title",))
        return self._build(f"{intent}: {topic.title}", topic, intent, attribute=attribute, date_range=date_range,
                           confidence=1.0, explanation=explanation)

    def _build(self, question: str, topic: Topic, intent: Intent, *, attribute: str | None,
               date_range: DateRange | None, confidence: float, explanation: Explanation) -> Answer:
        if intent == "attribute":
            found = topic.attribute(attribute) if attribute else None
            if found is None:
                return Answer(question, "summary", topic=topic, confidence=confidence, explanation=explanation)
            return Answer(question, "attribute", topic=topic, attribute=found, confidence=confidence,
                          explanation=explanation)
        if intent == "timeline":
            events, nearest = timeline_events(topic, date_range)
            return Answer(question, "timeline", topic=topic, events=events, nearest_events=nearest,
                          date_range=date_range, confidence=confidence, explanation=explanation)
        if intent == "sources":
            return Answer(question, "sources", topic=topic, sources=topic.links, confidence=confidence,
                          explanation=explanation)
        return Answer(question, "summary" if intent not in ("list", "none") else intent, topic=topic,
                      confidence=confidence, explanation=explanation)


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


def _asks_an_aspect(parsed: Question) -> bool:
    """The question asks for a generic aspect of something (its earnings, price, stock, plans)."""
    return any(w in ASPECT_WORDS for w in normalize(parsed.text).split())


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


#: Words that make a message a remark about the speaker or the chat rather than a request.
_PERSONAL_RE: Final = re.compile(r"\b(?:i|im|ive|id|ill|my|me|mine|we|were|weve|our|us|you|youre|your|u|ur)\b")
#: ... unless they ask for something ("i want to know about", "i need info on", "im curious about").
_REQUEST_RE: Final = re.compile(
    r"\b(?:want|wanna|need|needs|curious|wonder|wondering|interested|looking|tell|explain|help|show|know|"
    r"learn|info|information|details|recommend|read|understand|get)\b")


def _a_remark(parsed: Question) -> bool:
    """A statement about the speaker or the listener ("i use it all the time", "you didn't lose your
    power"), not a question, a request or a bare subject: chat, unless it names a topic."""
    text = normalize(parsed.text)
    return (parsed.intent_cue is None and "?" not in parsed.raw
            and not _QUESTION_WORD_RE.search(text) and not _REQUEST_RE.search(text)
            and bool(_PERSONAL_RE.search(text)))


def _accepted(score: TopicScore) -> bool:
    if score.lone_common_word:  # "what a day": one ordinary word the record happens to use
        return False
    return score.score >= ACCEPT_SCORE or score.named_among_filler


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


def timeline_events(topic: Topic, date_range: DateRange | None) -> tuple[tuple[TimelineEvent, ...],
                                                                            tuple[TimelineEvent, ...]]:
    """Events of ``topic`` in ``date_range`` (all when ``None``), by date; when the range holds none,
    the ``NEAREST_EVENTS`` closest to it, by date."""
    ordered = sorted(topic.timeline, key=lambda e: e.date)
    if date_range is None:
        return tuple(ordered), ()
    inside = tuple(e for e in ordered if date_range.contains(e.date))
    if inside:
        return inside, ()

    def distance(event: TimelineEvent) -> int:
        if date_range.start is not None and event.date < date_range.start:
            return (date_range.start - event.date).days
        if date_range.end is not None and event.date > date_range.end:
            return (event.date - date_range.end).days
        return 0

    nearest = sorted(ordered, key=distance)[:NEAREST_EVENTS]
    return (), tuple(sorted(nearest, key=lambda e: e.date))


def is_filtered_list(answer: Answer) -> bool:
    """A list answer narrowed by the question's words ("list the energy topics")."""
    return answer.intent == "list" and answer.explanation.matched_field == "filter"


def answer_to_json(answer: Answer, text: str) -> dict[str, Any]:
    """The CLI's ``--json`` shape: ``{"q","topic","intent","attribute","candidates","related","confidence","text"}``.

    ``topic`` is null for ``none``, ``list`` and disambiguations; ``candidates`` holds the titles of a
    disambiguation or of a filtered list, else ``[]`` (an unfiltered list carries every title in
    ``Answer.candidates`` for the renderer, but reports ``[]`` here). ``related`` holds the "see also"
    titles of an answer about a topic, else ``[]``.
    """
    return {
        "q": answer.question,
        "topic": answer.topic.title if answer.topic is not None else None,
        "intent": answer.intent,
        "attribute": answer.attribute.name if answer.attribute is not None else None,
        "candidates": list(answer.candidates) if answer.is_disambiguation or is_filtered_list(answer) else [],
        "related": list(answer.related),
        "confidence": answer.confidence,
        "text": text,
    }
