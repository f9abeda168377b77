"""Wiring: build the store, the in-memory index, the answerer and the renderer from settings.

Entry points (the CLI, ``topicbot run``) call ``build_services`` once and pass the result down;
nothing here is a module-level singleton.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.core.answers import Answer
from bot.core.change_feed import ChangeFeed, Wakeup
from bot.core.changes import KNOWLEDGE_AUTHOR
from bot.core.engine import Answerer, MatchParams, MeaningSearch, TopicIndex
from bot.core.importing import import_folder, record_files
from bot.core.index_loading import open_index, write_snapshot
from bot.core.index_updates import IndexUpdater, MeaningUpdater
from bot.core.moderation import TopicEditor
from bot.core.rendering import Renderer
from bot.core.storage.engine import make_engine, make_session_factory, migrate
from bot.core.storage.repository import TopicRepository
from bot.core.storage.usage import UsageStore
from bot.core.storage.wakeups import wakeup_for
from bot.core.usage.metrics import ChangeMetrics, Metrics, NullMetrics, PrometheusMetrics
from bot.core.usage.queries import UsageQueries
from bot.core.usage.recorder import UsageRecorder
from bot.core.usage.records import AskContext

if TYPE_CHECKING:
    from bot.core.semantic import SemanticIndex

log = logging.getLogger(__name__)

#: ``keep_related_current``: topics per batch (a few ms each at 100,000 topics) and the pause when all are done.
RELATED_BATCH = 4
RELATED_IDLE_S = 5.0
#: ``keep_related_current`` saves the snapshot after a pass computed at least this many lists.
RELATED_SAVE_AFTER = 500
#: ``refresh_index_snapshot`` computes at most this many dropped "see also" lists (the bot does the rest).
RELATED_AT_IMPORT = 2_000


@dataclass
class StoreServices:
    """The store and its one write path, for front ends that never answer questions (the dashboard).

    ``feed`` delivers every change (this process's and every other's) to its subscribers;
    ``follow_changes`` keeps it reading the store. ``process_id`` names this process where
    processes must tell themselves apart (mod-log claims). ``recorder`` (``None`` when ``[usage]
    enabled`` is false) logs asks off the answer's path once ``run_recorder`` runs; ``usage``
    answers read-only questions about the log; ``metrics`` counts.
    """

    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    repository: TopicRepository
    editor: TopicEditor
    feed: ChangeFeed
    usage_store: UsageStore
    usage: UsageQueries
    recorder: UsageRecorder | None = None
    metrics: Metrics = field(default_factory=NullMetrics)
    process_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    #: Whether a user is still a moderator of a guild, as the Discord bot in this process sees it (set by
    #: the bot when it starts; the dashboard asks it when a session is used).
    moderator_check: Callable[[int, int], Awaitable[bool | None]] | None = None
    #: Whether a user owns the bot's application (set by the bot; the dashboard asks it at Discord sign-in).
    owner_check: Callable[[int], Awaitable[bool]] | None = None

    async def run_recorder(self) -> None:
        """Write the usage log in batches until cancelled (then write what is still queued)."""
        if self.recorder is not None:
            await self.recorder.run()

    def wakeup(self, *, poll_interval: float | None = None) -> Wakeup:
        """How this process learns that another one wrote: NOTIFY on PostgreSQL, polling on SQLite."""
        return wakeup_for(self.engine, poll_interval=poll_interval)

    async def follow_changes(self, wakeup: Wakeup | None = None) -> None:
        """Apply every other process's changes as they are committed, until cancelled."""
        wakeup = wakeup or self.wakeup()
        try:
            await self.feed.follow(wakeup)
        finally:
            await wakeup.close()

    async def close(self) -> None:
        if self.recorder is not None:
            try:
                await self.recorder.flush()
            except Exception:  # closing must not fail because the log could not be written
                log.exception("usage log: the last records could not be written")
        await self.engine.dispose()


@dataclass(kw_only=True)
class Services(StoreServices):
    """Everything a front end that answers questions needs, built once per process: the store, and
    the in-memory ``index`` (kept up to date by ``index_updater``, the feed's first subscriber), the
    ``answerer`` and the ``renderer``. ``ask`` is the one entry for a question, whichever front end
    asks it."""

    index: TopicIndex
    answerer: Answerer
    renderer: Renderer
    index_updater: IndexUpdater
    meaning: MeaningSearch | None = None

    def ask(self, question: str, context: AskContext, *, record: bool = True) -> Answer:
        """``answerer.answer`` with its "see also" topics, timed and queued for the usage log unless
        ``record`` is false (recording never delays or breaks the answer)."""
        started = time.perf_counter()
        answer = self.answerer.answer(question, guild_id=context.guild_id)
        if record and self.recorder is not None:
            self.recorder.record(answer, context, latency_s=time.perf_counter() - started)
        return self.answerer.with_related(answer, context.guild_id)

    async def keep_related_current(self, *, batch: int = RELATED_BATCH, idle_s: float = RELATED_IDLE_S) -> None:
        """Compute the "see also" lists still missing, a few topics at a time between other work
        (after start-up from the store, and after a bulk change), and save the index snapshot when a
        pass that computed many completes, so the next start has them (the few an edit drops are
        saved with the snapshot at close); until cancelled."""
        while True:
            computed = 0
            while (done := self.answerer.warm_related(batch)) > 0:
                computed += done
                await asyncio.sleep(0)  # let replies and gateway events through between batches
            if computed:
                log.info("related topics: computed for %d topics", computed)
            if computed >= RELATED_SAVE_AFTER:  # a pass after start-up or a bulk change, not an edit's few
                await self.save_snapshot()
            await asyncio.sleep(idle_s)

    async def save_snapshot(self) -> None:
        """Write the index snapshot (a snapshot that cannot be written is logged: only a slower start)."""
        snapshot = snapshot_path(self.settings)
        if snapshot is None or self.feed.position <= 0:
            return
        try:
            await write_snapshot(self.repository, snapshot, store_address(self.settings.database_url),
                                 self.index, self.feed.position)
        except Exception:  # the cache is an optimisation: never fail the caller for it
            log.exception("index snapshot: not saved")

    async def close(self) -> None:
        gc.unfreeze()  # what was kept out of collection at start-up may be collected again
        await self.save_snapshot()
        await super().close()


def seeds(settings: Settings) -> bool:
    """Whether an empty store is filled from ``knowledge_dir`` on first use: the default embedded store
    gets the shipped sample topics (a fresh install answers at once), and any store gets the records
    of a ``knowledge_dir`` the configuration names; a store of the user's own (``--database-url``) is
    never filled with the samples."""
    from bot.config import REPO_ROOT, default_database_url

    shipped = (REPO_ROOT / "knowledge").resolve()
    return settings.database_url == default_database_url() or settings.knowledge_dir.resolve() != shipped


async def seed_store(repository: TopicRepository, settings: Settings) -> bool:
    """Import ``settings.knowledge_dir`` into a store that has no global topics yet; whether it did.

    Front ends that read call this first (when ``seeds`` says so), so a fresh install sees the
    shipped topics whatever it first asks; commands that write (``import``, ``edit``...) never do.
    """
    if await repository.search_titles("", limit=1):
        return False
    if not settings.knowledge_dir.is_dir() or not record_files(settings.knowledge_dir):
        return False
    started = time.perf_counter()
    diff = await import_folder(repository, settings.knowledge_dir, tz=settings.tz, author=KNOWLEDGE_AUTHOR)
    log.info("first use of this store: imported the %d topics of %s into it (%.2f s)", len(diff.added),
             settings.knowledge_dir, time.perf_counter() - started)
    for refused in diff.refused:
        log.warning("%s: %s; left out", settings.knowledge_dir / refused.source, refused.reason)
    return True


@dataclass(frozen=True)
class _Store:
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    repository: TopicRepository


async def _open_store(settings: Settings, seed_knowledge: bool | None) -> _Store:
    engine = make_engine(settings.database_url)
    try:
        await migrate(engine)
        session_factory = make_session_factory(engine)
        repository = TopicRepository(session_factory, tz=settings.tz, limits=settings.limits.record_limits)
        if seeds(settings) if seed_knowledge is None else seed_knowledge:
            await seed_store(repository, settings)
    except BaseException:
        await engine.dispose()
        raise
    return _Store(engine, session_factory, repository)


def _store_parts(settings: Settings, store: _Store, feed: ChangeFeed, metrics: Metrics) -> dict[str, Any]:
    """The fields of ``StoreServices``, for it and for ``Services``."""
    if settings.metrics.enabled:
        feed.subscribe(ChangeMetrics(metrics))
    usage_store = UsageStore(store.session_factory)
    recorder = None
    if settings.usage.enabled:
        recorder = UsageRecorder(usage_store, low_confidence=settings.usage.low_confidence,
                                 retention=timedelta(days=settings.usage.retention_days), metrics=metrics)
    return {"settings": settings, "engine": store.engine, "session_factory": store.session_factory,
            "repository": store.repository, "editor": TopicEditor(store.repository, feed), "feed": feed,
            "usage_store": usage_store, "usage": UsageQueries(usage_store), "recorder": recorder,
            "metrics": metrics}


async def build_store_services(settings: Settings, *, seed_knowledge: bool | None = None) -> StoreServices:
    """Migrate the store and fill an empty one (``seeds``; ``seed_knowledge`` overrides); no answer index."""
    metrics: Metrics = PrometheusMetrics() if settings.metrics.enabled else NullMetrics()
    store = await _open_store(settings, seed_knowledge)
    try:
        feed = ChangeFeed(store.repository, position=await store.repository.last_change_id())
    except BaseException:
        await store.engine.dispose()
        raise
    return StoreServices(**_store_parts(settings, store, feed, metrics))


async def build_services(settings: Settings, *, seed_knowledge: bool | None = None) -> Services:
    """Migrate the store, fill an empty one (``seeds``; ``seed_knowledge`` overrides), load the index."""
    metrics: Metrics = PrometheusMetrics() if settings.metrics.enabled else NullMetrics()
    store = await _open_store(settings, seed_knowledge)
    repository = store.repository
    try:
        # Read first: changes committed while the index loads are then applied again (harmlessly),
        # never missed.
        position = await repository.last_change_id()
        snapshot, address = snapshot_path(settings), store_address(settings.database_url)
        index, index_position = await open_index(repository, position, snapshot, address, MatchParams())
    except BaseException:
        await store.engine.dispose()
        raise
    feed = ChangeFeed(repository, position=index_position)
    updater = IndexUpdater(index, settings.tz)
    feed.subscribe(updater)
    if index_position < position:  # the changes made since the snapshot
        await feed.catch_up()
        if snapshot is not None:
            await write_snapshot(repository, snapshot, address, index, feed.position)
    parts = _store_parts(settings, store, feed, metrics)
    try:
        meaning = _load_meaning(settings, index)
    except BaseException:  # the extra is missing: say so, leaving no connection open
        await store.engine.dispose()
        raise
    if meaning is not None:
        feed.subscribe(MeaningUpdater(meaning, settings.tz))
    # The index is a large, long-lived heap: keep it out of the cyclic collector's full passes, which
    # would otherwise pause an answer for hundreds of milliseconds at 100,000 topics.
    gc.collect()
    gc.freeze()
    return Services(**parts, index=index, answerer=Answerer(index, meaning),
                    renderer=Renderer(),
                    index_updater=updater, meaning=meaning)


async def refresh_index_snapshot(settings: Settings) -> int | None:
    """Bring the index snapshot up to the store's newest change (what ``topicbot import`` ends with, so
    the first question after an import loads the index instead of building it from the store), and
    with the semantic signal on, the vector cache too. Returns how many topics the index holds, or
    ``None`` when snapshots are off."""
    snapshot = snapshot_path(settings)
    if snapshot is None:
        return None
    store = await _open_store(settings, False)
    try:
        repository = store.repository
        position = await repository.last_change_id()
        address = store_address(settings.database_url)
        index, at = await open_index(repository, position, snapshot, address, MatchParams())
        if at < position:
            feed = ChangeFeed(repository, position=at)
            feed.subscribe(IndexUpdater(index, settings.tz))
            await feed.catch_up()
            # The snapshot had "see also" lists (the bot computed them): an import of a few topics
            # keeps them whole, computing the lists it dropped (bounded work: a few ms a topic).
            if len(index.related_lists) > 0:
                Answerer(index).warm_related(RELATED_AT_IMPORT)
            await write_snapshot(repository, snapshot, address, index, feed.position)
        if settings.semantic.enabled:  # embed what changed now, so the next start reads every vector cached
            _load_meaning(settings, index)
        return len(index)
    finally:
        await store.engine.dispose()


def snapshot_path(settings: Settings) -> Path | None:
    """Where this process keeps its index snapshot (``index_snapshot``: "auto", "off" or a path).

    "auto" is beside a SQLite file (``topicbot.db.index``), in the user cache folder for a server
    database, and nowhere for an in-memory store.
    """
    choice = settings.index_snapshot.strip()
    if choice.lower() == "off":
        return None
    if choice.lower() != "auto":
        return Path(choice).expanduser()
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        return None if database in ("", ":memory:") or database.startswith("file:") else Path(database + ".index")
    import platformdirs

    digest = hashlib.sha256(store_address(settings.database_url).encode()).hexdigest()[:16]
    return Path(platformdirs.user_cache_dir("topicbot", appauthor=False)) / f"index-{digest}.pickle"


def store_address(database_url: str) -> str:
    """The store's address without its password (what a snapshot is of)."""
    return make_url(database_url).render_as_string(hide_password=True)


def _load_meaning(settings: Settings, index: TopicIndex) -> SemanticIndex | None:
    """The semantic signal when ``[semantic] enabled``: vectors of every topic, computed only for
    topics whose text changed since they were cached. Raises ``SemanticUnavailableError`` (one line
    naming the extra) when the extra is not installed."""
    if not settings.semantic.enabled:
        return None
    from bot.core.semantic import SemanticIndex, SqliteVectorCache, load_embedder

    started = time.perf_counter()
    meaning = SemanticIndex(load_embedder(settings.semantic.model), SqliteVectorCache())
    meaning.reserve(len(index))
    embedded = meaning.upsert_many(index.entries())
    log.info("semantic signal: %d topics (%d embedded now) in %.2f s", len(meaning), embedded,
             time.perf_counter() - started)
    return meaning

