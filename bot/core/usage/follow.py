"""Following a topic: what a change means to followers, and at most one message per topic per minute.

``follow_summary`` turns the diffs of one or more changes to a topic into the lines a follower
reads: new timeline events, changed attributes, a rename, a new summary, a removal. ``FollowBatcher``
holds the changes for each (channel, topic): the first change after a quiet minute is due at once,
later ones wait until a minute after the previous message and then go out together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from bot.core.discord_limits import MESSAGE_LIMIT
from bot.core.topic_diff import TopicDiff

#: At most one message per topic and channel in this time.
FOLLOW_INTERVAL: Final = timedelta(minutes=1)
MAX_LINES: Final = 15
PREVIEW: Final = 180


def _clip(text: str, width: int = PREVIEW) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def follow_summary(title: str, diffs: Sequence[TopicDiff]) -> list[str]:
    """What changed in ``title`` over ``diffs`` (oldest first), as Markdown lines; empty if nothing did."""
    lines: list[str] = []
    for diff in diffs:
        if diff.is_empty:
            continue
        if diff.after_title is None:
            lines.append("\u2022 the topic was removed")
            continue
        if diff.before_title is None:
            lines.append("\u2022 the topic was added")
        elif diff.before_title != diff.after_title:
            lines.append(f"\u2022 renamed from **{diff.before_title}** to **{diff.after_title}**")
        for event in diff.events_added:
            lines.append(f"\u2022 new event {event.date.isoformat()}: {_clip(event.text)}")
        if diff.events_removed:
            lines.append(f"\u2022 {len(diff.events_removed)} timeline event(s) removed")
        for attribute in diff.attributes_added:
            lines.append(f"\u2022 {attribute.name}: {_clip(attribute.value)} (new)")
        for change in diff.attributes_changed:
            lines.append(f"\u2022 {change.name}: {_clip(change.before, 60)} \u2192 {_clip(change.after)}")
        for attribute in diff.attributes_removed:
            lines.append(f"\u2022 {attribute.name} removed")
        for changed in diff.fields:
            if changed.field in {"summary", "description"}:
                lines.append(f"\u2022 new {changed.label.lower()}: {_clip(changed.after or '')}")
        if diff.web_results_added:
            lines.append(f"\u2022 {len(diff.web_results_added)} new source(s)")
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], f"\u2026 and {len(lines) - MAX_LINES + 1} more changes"]
    return lines


def follow_message(title: str, diffs: Sequence[TopicDiff], limit: int = MESSAGE_LIMIT) -> str | None:
    """The message for followers of ``title`` (``None`` when the changes change nothing they see)."""
    lines = follow_summary(title, diffs)
    if not lines:
        return None
    text = f"**{title}** changed:\n" + "\n".join(lines)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@dataclass
class _Pending:
    title: str
    diffs: list[TopicDiff] = field(default_factory=list)
    due: datetime | None = None


@dataclass(frozen=True)
class DueMessage:
    """Changes to post now: to ``channel_id``, about ``title`` (its latest name)."""

    guild_id: int
    channel_id: int
    title: str
    diffs: tuple[TopicDiff, ...]


class FollowBatcher:
    """Batches changes per (guild, channel, topic) so each gets at most one message per ``interval``."""

    def __init__(self, interval: timedelta = FOLLOW_INTERVAL) -> None:
        self.interval = interval
        self._pending: dict[tuple[int, int, str], _Pending] = {}
        self._last_sent: dict[tuple[int, int, str], datetime] = {}

    def add(self, guild_id: int, channel_id: int, key: str, title: str, diff: TopicDiff, now: datetime) -> datetime:
        """Hold ``diff`` for a channel's follow of the topic keyed ``key``; returns when it is due."""
        slot = (guild_id, channel_id, key)
        pending = self._pending.setdefault(slot, _Pending(title))
        pending.title = title
        pending.diffs.append(diff)
        if pending.due is None:
            last = self._last_sent.get(slot)
            pending.due = now if last is None or now - last >= self.interval else last + self.interval
        return pending.due

    def due(self, now: datetime) -> list[DueMessage]:
        """The batches due at ``now`` (each marked sent at ``now``)."""
        ready: list[DueMessage] = []
        for slot, pending in list(self._pending.items()):
            if pending.due is not None and pending.due <= now:
                del self._pending[slot]
                self._last_sent[slot] = now
                ready.append(DueMessage(slot[0], slot[1], pending.title, tuple(pending.diffs)))
        cutoff = now - self.interval
        for slot in [s for s, sent in self._last_sent.items() if sent < cutoff and s not in self._pending]:
            del self._last_sent[slot]
        return ready

    def next_due(self) -> datetime | None:
        dues = [pending.due for pending in self._pending.values() if pending.due is not None]
        return min(dues) if dues else None
