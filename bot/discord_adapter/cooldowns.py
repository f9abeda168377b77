"""Per-channel cooldowns: one per answered topic (linking to the earlier answer) and one for chatter;
and a per-member rate limit on mentions.

Both use a monotonic clock that tests replace; nothing here sleeps or reads the wall clock.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.answers import Answer

Clock = Callable[[], float]


@dataclass(frozen=True)
class EarlierAnswer:
    """An answer already given in a channel within the cooldown."""

    jump_url: str | None
    at: float


def answer_key(answer: Answer) -> tuple[Hashable, ...]:
    """What makes two answers "the same": topic, intent, attribute and date range (not the wording)."""
    title = answer.topic.title.casefold() if answer.topic else None
    attribute = answer.attribute.name.casefold() if answer.attribute else None
    dates = (answer.date_range.start, answer.date_range.end) if answer.date_range else None
    return (title, answer.intent, attribute, dates)


class AnswerCooldowns:
    """Remembers, per channel, which answers were given and where, for ``seconds``."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._given: dict[tuple[int, tuple[Hashable, ...]], EarlierAnswer] = {}

    def earlier(self, channel_id: int, answer: Answer) -> EarlierAnswer | None:
        """The same answer given in this channel within the cooldown, if any."""
        if self.seconds <= 0 or answer.topic is None:
            return None
        entry = self._given.get((channel_id, answer_key(answer)))
        if entry is None or self._clock() - entry.at >= self.seconds:
            return None
        return entry

    def remember(self, channel_id: int, answer: Answer, jump_url: str | None) -> None:
        if self.seconds <= 0 or answer.topic is None:
            return
        now = self._clock()
        self._prune(now)
        self._given[(channel_id, answer_key(answer))] = EarlierAnswer(jump_url, now)

    def _prune(self, now: float) -> None:
        expired = [key for key, entry in self._given.items() if now - entry.at >= self.seconds]
        for key in expired:
            del self._given[key]


class ChatterCooldown:
    """Allows one "I don't know that one" reply per channel per ``seconds``."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: dict[int, float] = {}

    def allow(self, channel_id: int) -> bool:
        """True (and start the cooldown) if this channel may get a chatter reply now."""
        now = self._clock()
        last = self._last.get(channel_id)
        if last is not None and now - last < self.seconds:
            return False
        self._last = {channel: at for channel, at in self._last.items() if now - at < self.seconds}
        self._last[channel_id] = now
        return True


class MemberRateLimit:
    """At most ``limit`` mentions answered per member in any ``window`` seconds (a sliding window).

    A member who floods the bot with mentions is ignored until their window has room again; other
    members are counted apart, so they are still answered at once.
    """

    def __init__(self, limit: int, window: float, clock: Clock = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._recent: dict[int, deque[float]] = {}

    def allow(self, member_id: int) -> bool:
        """True (and count it) if this member's mention may be answered now."""
        now = self._clock()
        recent = self._recent.setdefault(member_id, deque())
        while recent and now - recent[0] >= self.window:
            recent.popleft()
        if len(recent) >= self.limit:
            return False
        recent.append(now)
        if len(self._recent) > 1024:  # forget members whose windows have passed
            self._recent = {m: r for m, r in self._recent.items() if r and now - r[-1] < self.window}
        return True
