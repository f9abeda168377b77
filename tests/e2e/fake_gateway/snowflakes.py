"""Snowflake ids shaped like Discord's: milliseconds since the Discord epoch, then a counter."""

from __future__ import annotations

import itertools
import time

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeFactory:
    """Hands out increasing snowflakes whose timestamp part is the current time."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._last = 0

    def next(self) -> int:
        stamp = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (stamp << 22) | (next(self._counter) & 0x3FFFFF)
        # Never go backwards, even if the clock does.
        self._last = max(value, self._last + 1)
        return self._last

    def next_str(self) -> str:
        return str(self.next())
