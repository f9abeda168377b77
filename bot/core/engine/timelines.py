"""A topic's timeline events in a date range, or the nearest ones when the range holds none."""

from __future__ import annotations

from bot.core.answers import DateRange
from bot.core.model import TimelineEvent, Topic

#: Events offered when the range asked about holds none.
NEAREST_EVENTS = 3


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
