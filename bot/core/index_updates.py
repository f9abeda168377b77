"""Keeping the in-memory ``TopicIndex`` in step with the change log (a ``ChangeFeed`` subscriber).

Each event is applied as the revision it names left the topic: an add, edit or revert upserts the
topic read from the revision's record text (dropping its old title first when it was renamed), a
removal drops it, hide and unhide change what a guild sees. Applying the log in id order from the
position an index was loaded at gives the same index as loading it afresh.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, tzinfo
from typing import Protocol

from bot.core.changes import ChangeEvent
from bot.core.engine import TopicIndex
from bot.core.model import Topic

log = logging.getLogger(__name__)


def apply_change(index: TopicIndex, event: ChangeEvent, tz: tzinfo = UTC) -> None:
    """Apply one change event to ``index``."""
    if event.title is None:
        return
    if event.action == "hide" and event.guild_id is not None:
        index.hide(event.guild_id, event.title)
    elif event.action == "unhide" and event.guild_id is not None:
        index.unhide(event.guild_id, event.title)
    elif event.action == "remove":
        index.remove(event.title, event.guild_id)
    elif event.writes_topic:
        topic = event.topic(tz)
        if topic is None:
            return
        if event.previous_title is not None and event.previous_title.casefold() != topic.title.casefold():
            index.remove(event.previous_title, event.guild_id)
        index.upsert(topic, event.guild_id)


class IndexUpdater:
    """A ``ChangeFeed`` subscriber that applies every change to ``index``.

    ``index`` may be replaced (``Services.reload_index``) between batches.
    """

    def __init__(self, index: TopicIndex, tz: tzinfo = UTC) -> None:
        self.index = index
        self.tz = tz

    async def __call__(self, events: Sequence[ChangeEvent], /) -> None:
        for event in events:
            apply_change(self.index, event, self.tz)
        log.debug("index: applied change events %d to %d", events[0].id, events[-1].id)


class MeaningIndex(Protocol):
    """What ``MeaningUpdater`` keeps current (``bot.core.semantic.SemanticIndex``)."""

    def upsert(self, topic: Topic, guild_id: int | None = None) -> None: ...

    def remove(self, title: str, guild_id: int | None = None) -> bool: ...


class MeaningUpdater:
    """A ``ChangeFeed`` subscriber that keeps the semantic signal's vectors in step with the topics
    (hiding needs nothing: what a guild sees is decided by the ``TopicIndex``)."""

    def __init__(self, meaning: MeaningIndex, tz: tzinfo = UTC) -> None:
        self.meaning = meaning
        self.tz = tz

    async def __call__(self, events: Sequence[ChangeEvent], /) -> None:
        for event in events:
            if event.title is None:
                continue
            if event.action == "remove":
                self.meaning.remove(event.title, event.guild_id)
            elif event.writes_topic and (topic := event.topic(self.tz)) is not None:
                if event.previous_title is not None and event.previous_title.casefold() != topic.title.casefold():
                    self.meaning.remove(event.previous_title, event.guild_id)
                self.meaning.upsert(topic, event.guild_id)
