"""``UsageRecorder``: records asks off the answer's path, through a bounded queue flushed in batches.

``record`` only puts the answer on a queue (no I/O, never raises); a background task (``run``)
turns queued answers into ``AskRecord``s, pairs misses with second tries (alias suggestions), and
writes a batch at a time. When the queue is full new records are dropped (and counted); when the
store is unavailable the batch is dropped (and counted), never the answer. Every
``prune_interval`` the log older than ``retention`` is deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from bot.core.answers import Answer
from bot.core.storage.usage import UsageStore
from bot.core.usage.metrics import Metrics, NullMetrics
from bot.core.usage.misses import SecondTries, SuggestedAlias
from bot.core.usage.records import AskContext, AskRecord, feedback_record, outcome_of, record_of

log = logging.getLogger(__name__)

QUEUE_SIZE: Final = 10_000
BATCH_SIZE: Final = 500
FLUSH_INTERVAL_S: Final = 2.0
OPTIONS_REFRESH_S: Final = 60.0
PRUNE_INTERVAL_S: Final = 3600.0
DEFAULT_LOW_CONFIDENCE: Final = 0.3
DEFAULT_RETENTION: Final = timedelta(days=90)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class _Pending:
    at: datetime
    context: AskContext
    answer: Answer | None = None
    record: AskRecord | None = None
    latency_ms: float | None = None


class UsageRecorder:
    """Queue asks as they are answered; write them in batches from ``run``."""

    def __init__(
        self,
        store: UsageStore,
        *,
        low_confidence: float = DEFAULT_LOW_CONFIDENCE,
        retention: timedelta = DEFAULT_RETENTION,
        queue_size: int = QUEUE_SIZE,
        batch_size: int = BATCH_SIZE,
        flush_interval: float = FLUSH_INTERVAL_S,
        metrics: Metrics | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.store = store
        self.low_confidence = low_confidence
        self.retention = retention
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.metrics: Metrics = metrics or NullMetrics()
        self._clock = clock
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue(maxsize=queue_size)
        self._second_tries = SecondTries()
        self._log_authors: set[int] = set()
        self._options_read: float | None = None
        self._pruned: float | None = None
        self._flush_lock = asyncio.Lock()
        self.dropped = 0
        self.written = 0
        self.failed = 0

    # --- the hot path: no I/O, never raises ----------------------------------------------------

    def record(self, answer: Answer, context: AskContext, *, latency_s: float | None = None) -> None:
        """Queue one answered question (dropped, and counted, when the queue is full)."""
        try:
            self.metrics.answered(answer.intent, outcome_of(answer, low_confidence=self.low_confidence), latency_s)
            latency_ms = None if latency_s is None else round(latency_s * 1000.0, 3)
            self._put(_Pending(self._clock(), context, answer=answer, latency_ms=latency_ms))
        except Exception:  # recording must never break an answer
            log.exception("could not queue a usage record")

    def feedback(self, question: str, shown_topic: str, context: AskContext) -> None:
        """Queue a member's "not what I asked" about an answer on ``shown_topic``."""
        at = self._clock()
        self.metrics.answered("none", "feedback", None)
        self._put(_Pending(at, context, record=feedback_record(question, shown_topic, context, at)))

    def _put(self, pending: _Pending) -> None:
        try:
            self._queue.put_nowait(pending)
        except asyncio.QueueFull:
            self.dropped += 1
            self.metrics.dropped()
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.warning("usage queue full: %d records dropped so far", self.dropped)

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    # --- the background writer -----------------------------------------------------------------

    async def run(self) -> None:
        """Flush every ``flush_interval`` (or as soon as a batch is full), until cancelled."""
        try:
            while True:
                await self._wait_for_batch()
                await self.flush()
                await self._maybe_prune()
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(self.flush())

    async def _wait_for_batch(self) -> None:
        deadline = time.monotonic() + self.flush_interval
        while self._queue.qsize() < self.batch_size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            await asyncio.sleep(min(remaining, 0.05 if self._queue.qsize() else remaining))

    async def flush(self) -> int:
        """Write everything queued now; returns how many records were written."""
        written = 0
        async with self._flush_lock:
            while not self._queue.empty():
                batch = [self._queue.get_nowait() for _ in range(min(self.batch_size, self._queue.qsize()))]
                written += await self._write(batch)
        return written

    async def _write(self, batch: list[_Pending]) -> int:
        records: list[AskRecord] = []
        pairs: list[SuggestedAlias] = []
        for pending in batch:
            record = pending.record or self._record_of(pending)
            if record is None:
                continue
            records.append(record)
            pair = self._second_tries.see(record)
            if pair is not None:
                pairs.append(pair)
        try:
            await self._refresh_options()
            await self.store.add_asks(records, log_authors=self._log_authors)
            if pairs:
                await self.store.suggest(pairs, self._clock())
        except Exception as error:  # a store outage loses this batch, never an answer
            self.failed += len(records)
            self.metrics.store_error()
            log.warning("usage log: %d records lost: %s", len(records), error)
            return 0
        self.written += len(records)
        return len(records)

    def _record_of(self, pending: _Pending) -> AskRecord | None:
        answer = pending.answer
        if answer is None:
            return None
        return record_of(answer, pending.context, pending.at, low_confidence=self.low_confidence,
                         latency_ms=pending.latency_ms, chatter=answer.chatter)

    async def _refresh_options(self) -> None:
        now = time.monotonic()
        if self._options_read is None or now - self._options_read >= OPTIONS_REFRESH_S:
            self._log_authors = await self.store.log_author_guilds()
            self._options_read = now

    def options_changed(self) -> None:
        """Read the guilds' usage options again before the next write."""
        self._options_read = None

    async def _maybe_prune(self) -> None:
        now = time.monotonic()
        if self._pruned is not None and now - self._pruned < PRUNE_INTERVAL_S:
            return
        self._pruned = now
        try:
            removed = await self.store.prune(self._clock() - self.retention)
        except Exception as error:
            self.metrics.store_error()
            log.warning("usage log: pruning failed: %s", error)
            return
        if removed:
            log.info("usage log: pruned %d asks older than %s", removed, self.retention)
