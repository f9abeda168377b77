"""The value every front end receives: what the question was understood to ask, and the answer to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.core.model import Attribute, TimelineEvent, Topic

Intent = Literal["summary", "attribute", "timeline", "sources", "list", "none"]
INTENTS: tuple[Intent, ...] = ("summary", "attribute", "timeline", "sources", "list", "none")


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of days; either end may be open. ``label`` is how the question said it."""

    start: date | None
    end: date | None
    label: str

    def contains(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Explanation:
    """Why the answer is what it is: the winning and runner-up topics with scores (0..100).

    A debug view (``topicbot ask --explain``, ``/topic why``) built from the engine's numbers; no
    code reads it to decide or render anything.
    """

    winner: str | None = None
    winner_score: float = 0.0
    runner_up: str | None = None
    runner_up_score: float = 0.0
    matched_field: str | None = None
    matched_text: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """An answer to one question.

    ``topic`` is set when one topic was chosen; ``candidates`` holds the titles offered in a
    disambiguation (``topic`` is then ``None``) or, for a filtered list, the titles listed.
    ``events`` are the timeline events that answer a timeline question (already filtered to
    ``date_range``); ``nearest_events`` are offered when that range held none. ``related`` holds up
    to three titles related to ``topic`` ("see also"), visible where the question was asked.
    ``scores`` holds the best and runner-up topics the engine weighed, with their scores (0..100);
    ``suggestions`` the titles a miss suggests; ``list_filter`` the words a list was filtered by;
    ``chatter`` says the message held nothing to look up.
    """

    question: str
    intent: Intent
    topic: Topic | None = None
    attribute: Attribute | None = None
    events: tuple[TimelineEvent, ...] = ()
    nearest_events: tuple[TimelineEvent, ...] = ()
    date_range: DateRange | None = None
    sources: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    confidence: float = 0.0
    explanation: Explanation = Explanation()
    related: tuple[str, ...] = ()
    scores: tuple[tuple[str, float], ...] = ()
    suggestions: tuple[str, ...] = ()
    list_filter: str | None = None
    chatter: bool = False

    @property
    def is_disambiguation(self) -> bool:
        return self.topic is None and self.intent not in ("list", "none") and len(self.candidates) >= 2

    @property
    def is_miss(self) -> bool:
        """Nothing to answer: chatter, or a topic we do not track."""
        return self.topic is None and not self.is_disambiguation and self.intent != "list"
