"""What ``decide`` concludes about a question: one of five typed outcomes, carrying numbers, not prose.

* ``Pick``: one topic, what was asked of it (intent, attribute, date range) and the scores behind it.
* ``Choice``: several topics about equally likely; the asker picks (buttons in Discord).
* ``Listing``: the catalogue, or the topics matching the question's filter words.
* ``Miss``: no topic is close enough; ``suggested`` holds those that came nearest by score.
* ``Chatter``: nothing in the message to look up ("lol", a bare mention).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.answers import DateRange, Intent
from bot.core.engine.topic_scores import TopicScore
from bot.core.model import Attribute, Topic

#: Why topics were offered as a ``Choice``.
ChoiceReason = Literal["close scores", "named several", "shared name", "close meaning"]


@dataclass(frozen=True)
class Pick:
    topic: Topic
    intent: Intent
    attribute: Attribute | None
    date_range: DateRange | None
    best: TopicScore
    runner_up: TopicScore | None
    confidence: float


@dataclass(frozen=True)
class Choice:
    candidates: tuple[TopicScore, ...]
    intent: Intent
    date_range: DateRange | None
    runner_up: TopicScore | None
    confidence: float
    reason: ChoiceReason


@dataclass(frozen=True)
class Listing:
    filter_words: tuple[str, ...]  # empty: every topic
    loose: bool = False  # the filter is the words left beside asking for a list: matching nothing, list every topic


@dataclass(frozen=True)
class Miss:
    best: TopicScore | None
    runner_up: TopicScore | None
    suggested: tuple[str, ...]  # titles that scored near enough to name as suggestions
    confidence: float


@dataclass(frozen=True)
class Chatter:
    pass


Outcome = Pick | Choice | Listing | Miss | Chatter
