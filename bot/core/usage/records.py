"""What one ask leaves in the usage log: an ``AskRecord``, made from an ``Answer`` off the hot path.

An ask's *outcome* is ``answered`` (one topic, confident enough), ``list`` (a catalogue question),
``chatter`` (nothing to look up), or a miss: ``miss`` (no topic), ``disambiguation`` (two or more
close topics, none chosen), ``low_confidence`` (a topic, below the configured confidence) or
``feedback`` (a member said the answer was not what they asked). Misses are what moderators review.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, get_args

from bot.core.answers import Answer

Outcome = Literal["answered", "list", "chatter", "miss", "disambiguation", "low_confidence", "feedback"]
OUTCOMES: Final[tuple[str, ...]] = get_args(Outcome)
#: The outcomes a moderator reviews in the miss log.
MISS_OUTCOMES: Final = frozenset({"miss", "disambiguation", "low_confidence", "feedback"})
#: Longest normalised question kept.
QUESTION_LIMIT: Final = 500
#: Candidates kept per ask.
MAX_CANDIDATES: Final = 5

_NOT_WORD_RE: Final = re.compile(r"[^\w\s'-]+")
_SPACE_RE: Final = re.compile(r"\s+")


def normalise_question(text: str) -> str:
    """The question as the miss log groups it: NFKC, case-folded, punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _NOT_WORD_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip(" '-")[:QUESTION_LIMIT]


@dataclass(frozen=True)
class Candidate:
    """A topic the answerer considered, with its score (0..100; 0 when the answer gave none)."""

    title: str
    score: float


@dataclass(frozen=True)
class AskContext:
    """Where a question came from. ``user_id`` is only stored when the guild opted in."""

    guild_id: int | None = None
    channel_id: int | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class AskRecord:
    """One ask as the usage log keeps it."""

    guild_id: int | None
    channel_id: int | None
    question: str
    outcome: Outcome
    intent: str
    topic: str | None
    candidates: tuple[Candidate, ...]
    confidence: float
    created_at: datetime
    latency_ms: float | None = None
    user_id: int | None = None

    @property
    def is_miss(self) -> bool:
        return self.outcome in MISS_OUTCOMES


def candidates_of(answer: Answer) -> tuple[Candidate, ...]:
    """The chosen topic, the runner-up and the offered candidates, best first, each once."""
    weighed = dict(answer.scores)
    found: dict[str, float] = {}
    if answer.topic is not None:
        found[answer.topic.title] = weighed.get(answer.topic.title, 0.0)
    for title, score in answer.scores:
        found[title] = max(found.get(title, 0.0), score)
    if answer.intent != "list":
        for title in answer.candidates:
            found.setdefault(title, 0.0)
    return tuple(Candidate(title, round(score, 1)) for title, score in list(found.items())[:MAX_CANDIDATES])


def outcome_of(answer: Answer, *, low_confidence: float, chatter: bool = False) -> Outcome:
    """How ``answer`` went; ``chatter`` says the question held nothing to look up."""
    if answer.intent == "list":
        return "list"
    if answer.is_disambiguation:
        return "disambiguation"
    if answer.topic is None:
        return "chatter" if chatter else "miss"
    if answer.confidence < low_confidence:
        return "low_confidence"
    return "answered"


def record_of(answer: Answer, context: AskContext, at: datetime, *, low_confidence: float,
              latency_ms: float | None = None, chatter: bool = False) -> AskRecord:
    """The usage-log record of one answered question (with the author's id; the store drops it unless allowed)."""
    return AskRecord(
        guild_id=context.guild_id,
        channel_id=context.channel_id,
        question=normalise_question(answer.question),
        outcome=outcome_of(answer, low_confidence=low_confidence, chatter=chatter),
        intent=answer.intent,
        topic=answer.topic.title if answer.topic is not None else None,
        candidates=candidates_of(answer),
        confidence=answer.confidence,
        created_at=at,
        latency_ms=latency_ms,
        user_id=context.user_id,
    )


def feedback_record(question: str, shown_topic: str, context: AskContext, at: datetime) -> AskRecord:
    """A member's "not what I asked" on an answer about ``shown_topic``: a miss with that topic."""
    return AskRecord(context.guild_id, context.channel_id, normalise_question(question), "feedback", "none",
                     shown_topic, (Candidate(shown_topic, 0.0),), 0.0, at, None, context.user_id)
