"""Loading the in-memory index at start-up: from its snapshot when it is current enough, else from the
store (and then writing the snapshot), and saving it again when the process closes.

``open_index`` returns the index with the change-log position it reflects; the caller's change feed
starts there, so the changes made since the snapshot are applied like any other change.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final, Protocol

from bot.core.changes import ChangeEvent
from bot.core.engine import MatchParams, StoreMark, TopicIndex, load_snapshot, save_snapshot
from bot.core.storage.stored import StoredTopic

log = logging.getLogger(__name__)

#: More changes than this since the snapshot (or this share of its topics) are cheaper to rebuild from.
MAX_REPLAY: Final = 5_000
MAX_REPLAY_SHARE: Final = 0.1


class IndexSource(Protocol):
    def topic_batches(self) -> AsyncIterator[list[StoredTopic]]: ...

    async def hidden_pairs(self) -> list[tuple[int, str]]: ...

    async def changes_after(self, after: int, *, limit: int = ...) -> list[ChangeEvent]: ...


async def build_index(source: IndexSource, params: MatchParams) -> TopicIndex:
    """The index of every scope (global topics and each guild's own), with each guild's hidden topics,
    read from the store a batch at a time (bounded memory beside the index itself)."""
    index = TopicIndex(params=params)
    async for batch in source.topic_batches():
        for stored in batch:
            index.upsert(stored.topic, stored.guild_id)
        del batch
    index.compact()
    index.warm()
    for guild_id, title in await source.hidden_pairs():
        index.hide(guild_id, title)
    return index


async def mark_of(source: IndexSource, store: str, position: int) -> StoreMark:
    """The mark of ``store`` at change ``position`` (the time of that change identifies it)."""
    if position <= 0:
        return StoreMark(store, 0, "")
    events = await source.changes_after(position - 1, limit=1)
    changed_at = events[0].created_at.isoformat() if events and events[0].id == position else "?"
    return StoreMark(store, position, changed_at)


async def open_index(source: IndexSource, position: int, snapshot: Path | None, store: str,
                     params: MatchParams) -> tuple[TopicIndex, int]:
    """The index and the change-log position it reflects (at most ``position``, the store's newest)."""
    started = time.perf_counter()
    if snapshot is not None:
        found = load_snapshot(snapshot, store, params)
        if found is not None:
            mark = found.mark
            gap = position - mark.position
            current = mark.position <= position and await mark_of(source, store, mark.position) == mark
            if current and gap <= max(MAX_REPLAY, MAX_REPLAY_SHARE * len(found.index)):
                log.info("index: %d topics from %s in %.2f s (%d later changes to apply)", len(found.index),
                         snapshot, time.perf_counter() - started, gap)
                return found.index, mark.position
    index = await build_index(source, params)
    log.info("index: %d topics built from the store in %.2f s", len(index), time.perf_counter() - started)
    if snapshot is not None and await write_snapshot(source, snapshot, store, index, position):
        # Loaded back, its documents and topics are read from the file instead of kept in memory.
        found = load_snapshot(snapshot, store, params)
        if found is not None and found.mark.position == position:
            return found.index, position
    return index, position


async def write_snapshot(source: IndexSource, snapshot: Path, store: str, index: TopicIndex, position: int) -> bool:
    """Save ``index`` as of ``position``; a snapshot that cannot be written is only a slower next start.
    Returns whether it was written."""
    try:
        save_snapshot(snapshot, index, await mark_of(source, store, position))
    except OSError as error:
        log.warning("index snapshot %s could not be written (%s); the next start rebuilds the index",
                    snapshot, error)
        return False
    return True
