"""Stale topics: a topic whose "last updated" is older than the configured age."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Final

from bot.core.model import Topic

DEFAULT_STALE_AFTER: Final = timedelta(days=365)


def is_stale(topic: Topic, now: datetime, max_age: timedelta = DEFAULT_STALE_AFTER) -> bool:
    return now - topic.last_updated > max_age


def stale_topics(topics: Iterable[Topic], now: datetime, max_age: timedelta = DEFAULT_STALE_AFTER) -> list[Topic]:
    """The stale ones among ``topics``, oldest "last updated" first."""
    return sorted((t for t in topics if is_stale(t, now, max_age)), key=lambda t: (t.last_updated, t.title))
