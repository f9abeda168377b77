"""``ChangeFeed``: one process's view of the change log, handed to its subscribers in order.

The feed remembers the id of the last event it delivered. ``catch_up`` reads every newer event
from the store, oldest first, and gives each batch to every subscriber; it runs after each write
this process makes (so its own changes are visible before the write returns) and whenever a
``Wakeup`` says another process may have written (PostgreSQL ``NOTIFY``, or a poll on SQLite).
Since the position is the last id delivered, a process that was disconnected or asleep catches up
from there: nothing is missed, nothing is delivered twice.

A subscriber that raises is logged and skipped for that batch; the others still get it, and the
feed moves on (a failing mod-log post must not stop the index from learning of a change).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Final, Protocol

from bot.core.changes import ChangeEvent, Subscriber
from bot.core.errors import StorageUnavailableError

log = logging.getLogger(__name__)

#: Events read from the store per query while catching up.
BATCH_SIZE: Final = 500
#: Delay before trying again after the store could not be read.
RETRY_DELAY_S: Final = 1.0


class ChangeSource(Protocol):
    """Where the feed reads the change log from (``TopicRepository``)."""

    async def last_change_id(self) -> int: ...

    async def changes_after(self, after: int, *, limit: int = ...) -> list[ChangeEvent]: ...


class Wakeup(Protocol):
    """Tells the follower when the change log may have grown."""

    async def wait(self) -> None:
        """Return when there may be new events (at the latest after the wake-up's own interval)."""

    async def close(self) -> None: ...


class ChangeFeed:
    """Deliver the change log to subscribers, in id order, each event once."""

    def __init__(self, source: ChangeSource, *, position: int = 0, batch_size: int = BATCH_SIZE) -> None:
        self._source = source
        self.position = position
        self._batch_size = batch_size
        self._subscribers: list[Subscriber] = []
        self._lock = asyncio.Lock()
        self.delivered = 0

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)

    async def start_at_newest(self) -> int:
        """Skip everything already in the log (the caller has just loaded the current state)."""
        self.position = await self._source.last_change_id()
        return self.position

    async def catch_up(self) -> int:
        """Deliver every event newer than ``position``; returns how many were delivered."""
        async with self._lock:
            delivered = 0
            while True:
                events = await self._source.changes_after(self.position, limit=self._batch_size)
                if not events:
                    return delivered
                await self._deliver(events)
                self.position = events[-1].id
                delivered += len(events)
                self.delivered += len(events)
                if len(events) < self._batch_size:
                    return delivered

    async def _deliver(self, events: Sequence[ChangeEvent]) -> None:
        for subscriber in list(self._subscribers):
            try:
                await subscriber(events)
            except Exception:  # one subscriber's failure must not stop the others, or the feed
                log.exception("a change-feed subscriber failed on events %d to %d", events[0].id, events[-1].id)

    async def follow(self, wakeup: Wakeup) -> None:
        """Catch up now and after every wake-up, until cancelled; store outages are retried."""
        while True:
            try:
                await self.catch_up()
            except StorageUnavailableError as error:
                log.warning("change feed: %s; trying again", error)
                await asyncio.sleep(RETRY_DELAY_S)
                continue
            await wakeup.wait()
