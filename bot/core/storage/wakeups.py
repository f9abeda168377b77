"""Wake-ups for a ``ChangeFeed`` follower: when may another process have written to the change log?

PostgreSQL: ``LISTEN`` on a connection of its own; writers ``NOTIFY`` in the transaction of the
change, so the follower is woken as the change is committed. A notification sent while that
connection was down is lost, but nothing depends on it: after reconnecting the follower catches
up from its last seen change id, and it also catches up every ``fallback_interval`` seconds.

SQLite has no notifications: the follower polls (one indexed query that finds nothing when
nothing changed) every ``interval`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.change_feed import Wakeup
from bot.core.storage._change_log import CHANGES_CHANNEL

log = logging.getLogger(__name__)

#: SQLite: how often a follower looks for changes made by other processes (the issue asks ≤ 1 s).
POLL_INTERVAL_S: Final = 0.5
#: PostgreSQL: a catch-up at least this often even without notifications (a safety net only).
FALLBACK_INTERVAL_S: Final = 10.0
RECONNECT_DELAY_S: Final = 0.5


class PollingWakeup:
    """Wake every ``interval`` seconds."""

    def __init__(self, interval: float = POLL_INTERVAL_S) -> None:
        self.interval = interval

    async def wait(self) -> None:
        await asyncio.sleep(self.interval)

    async def close(self) -> None:
        return None


class NotifyWakeup:
    """Wake on PostgreSQL ``NOTIFY`` from writers of this schema; reconnect (and wake) when the connection drops."""

    def __init__(self, engine: AsyncEngine, *, fallback_interval: float = FALLBACK_INTERVAL_S) -> None:
        self._engine = engine
        self.fallback_interval = fallback_interval
        self._woken = asyncio.Event()
        self._connection: AsyncConnection | None = None
        self._driver: Any = None
        self._schema: str | None = None
        self._lost = False
        self.connects = 0

    @property
    def listening(self) -> bool:
        return self._driver is not None and not self._lost and not self._driver.is_closed()

    def backend_pid(self) -> int | None:
        """The PostgreSQL backend process id of the listening connection (for tests that cut it)."""
        return None if self._driver is None else int(self._driver.get_server_pid())

    async def _connect(self) -> None:
        connection = await self._engine.connect()
        try:
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            self._schema = str(await driver.fetchval("SELECT current_schema()"))
            await driver.add_listener(CHANGES_CHANNEL, self._notified)
            driver.add_termination_listener(self._terminated)
        except BaseException:
            await _discard(connection)
            raise
        self._connection, self._driver, self._lost = connection, driver, False
        self.connects += 1
        log.debug("listening for changes on %s (schema %s)", CHANGES_CHANNEL, self._schema)

    def _notified(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:  # noqa: ANN401
        if payload == self._schema:
            self._woken.set()

    def _terminated(self, _connection: Any) -> None:  # noqa: ANN401
        self._lost = True
        self._woken.set()

    async def _reconnect(self) -> None:
        """(Re)open the listening connection; on failure, wait a little (the caller catches up either way)."""
        await self._drop()
        try:
            await self._connect()
        except Exception as error:  # the store is down: try again at the next wait
            log.warning("cannot listen for changes (%s); retrying in %.1f s", error, RECONNECT_DELAY_S)
            await asyncio.sleep(RECONNECT_DELAY_S)

    async def wait(self) -> None:
        if not self.listening:
            # First call, or the connection dropped: whatever was notified before LISTEN took hold
            # is lost, so return at once and let the follower catch up from its position.
            await self._reconnect()
            self._woken.clear()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._woken.wait(), self.fallback_interval)
        self._woken.clear()

    async def _drop(self) -> None:
        connection, driver = self._connection, self._driver
        self._connection, self._driver = None, None
        if driver is not None and not driver.is_closed():
            with contextlib.suppress(Exception):
                await driver.remove_listener(CHANGES_CHANNEL, self._notified)
        if connection is not None:
            await _discard(connection)

    async def close(self) -> None:
        await self._drop()


async def _discard(connection: AsyncConnection) -> None:
    """Close a connection and keep it out of the pool (it may be broken, and it was listening)."""
    with contextlib.suppress(Exception):
        await connection.invalidate()
    with contextlib.suppress(Exception):
        await connection.close()


def wakeup_for(engine: AsyncEngine, *, poll_interval: float | None = None) -> Wakeup:
    """``NotifyWakeup`` on PostgreSQL, ``PollingWakeup`` elsewhere."""
    if engine.dialect.name == "postgresql":
        return NotifyWakeup(engine, fallback_interval=poll_interval or FALLBACK_INTERVAL_S)
    return PollingWakeup(poll_interval or POLL_INTERVAL_S)
