"""The usage log on both backends: asks, misses, suggestions, follows, options, retention, the recorder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.engine import TopicIndex
from bot.core.engine.answering import Answerer
from bot.core.errors import StorageUnavailableError
from bot.core.storage import UsageStore
from bot.core.usage.misses import SuggestedAlias
from bot.core.usage.queries import UsageQueries
from bot.core.usage.recorder import UsageRecorder
from bot.core.usage.records import AskContext, AskRecord, Candidate
from tests.unit.answer_fixtures import sample_topics

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(session_factory: async_sessionmaker[AsyncSession]) -> UsageStore:
    return UsageStore(session_factory)


def record(question: str, outcome: str = "miss", *, guild: int | None = 1, at: datetime = NOW, user: int | None = 7,
           topic: str | None = None) -> AskRecord:
    return AskRecord(guild, 10, question, outcome, "none", topic,  # type: ignore[arg-type]
                     (Candidate("Skyleaf", 40.5),), 0.25, at, 1.25, user)


async def test_asks_round_trip_and_author_ids_are_kept_only_for_opted_in_guilds(store: UsageStore) -> None:
    await store.set_log_authors(2, True)
    await store.add_asks([record("skyleef", guild=1), record("skyleef", guild=2), record("x", guild=None)],
                         log_authors=await store.log_author_guilds())
    [one] = await store.asks(1, NOW - timedelta(days=1))
    assert one == record("skyleef", guild=1, user=None)
    [two] = await store.asks(2, NOW - timedelta(days=1))
    assert two.user_id == 7
    assert [r.question for r in await store.asks(None, NOW - timedelta(days=1))] == ["x"]
    await store.set_log_authors(2, False)
    assert await store.log_author_guilds() == set()


async def test_misses_only_periods_and_grouping_through_the_queries(store: UsageStore) -> None:
    await store.add_asks([record("skyleef"), record("skyleef", at=NOW - timedelta(hours=1)),
                          record("old", at=NOW - timedelta(days=30)),
                          record("skyleaf", "answered", topic="Skyleaf")])
    queries = UsageQueries(store, clock=lambda: NOW + timedelta(minutes=1))
    groups = await queries.misses(1, days=7)
    assert [(g.question, g.count) for g in groups] == [("skyleef", 2)]
    stats = await queries.stats(1, days=7)
    assert (stats.asks, stats.answered, stats.misses) == (3, 1, 2)
    assert [g.question for g in await queries.misses(1, days=60)] == ["skyleef", "old"]


async def test_suggestions_count_and_decisions_stick(store: UsageStore) -> None:
    pair = SuggestedAlias(1, "skyleef", "Skyleaf")
    await store.suggest([pair], NOW)
    await store.suggest([pair, SuggestedAlias(1, "sky leaf", "Skyleaf")], NOW)
    pending = await store.suggestions(1)
    assert [(s.question, s.count) for s in pending] == [("skyleef", 2), ("sky leaf", 1)]
    assert await store.suggestions(2) == []
    assert await store.decide(pending[0].id, 1, "accepted", NOW)
    assert not await store.decide(pending[0].id, 2, "accepted", NOW)
    await store.suggest([pair], NOW)
    assert [s.question for s in await store.suggestions(1)] == ["sky leaf"]
    assert (await store.suggestion(pending[0].id, 1)).status == "accepted"  # type: ignore[union-attr]


async def test_prune_and_purge(store: UsageStore) -> None:
    await store.add_asks([record("a", at=NOW - timedelta(days=100)), record("b"), record("c", guild=2)])
    await store.suggest([SuggestedAlias(1, "b", "Skyleaf")], NOW)
    assert await store.prune(NOW - timedelta(days=90)) == 1
    assert await store.purge(1) == 1
    assert await store.asks(1, NOW - timedelta(days=365)) == []
    assert await store.suggestions(1) == []
    assert len(await store.asks(2, NOW - timedelta(days=365))) == 1


async def test_follows_by_title_key_across_scopes_and_renames(store: UsageStore) -> None:
    assert await store.follow(1, 10, "Skyleaf", by="mod", at=NOW)
    assert not await store.follow(1, 10, "SKYLEAF", by="mod", at=NOW)
    assert await store.follow(2, 20, "Skyleaf", by="mod", at=NOW)
    assert [(f.guild_id, f.channel_id) for f in await store.followers(["skyleaf"], None)] == [(1, 10), (2, 20)]
    assert [(f.guild_id, f.channel_id) for f in await store.followers(["Skyleaf"], 2)] == [(2, 20)]
    await store.rename_follows("Skyleaf", "Skyleaf Farms", None)
    assert [f.title for f in await store.follows(1)] == ["Skyleaf Farms"]
    assert await store.unfollow(1, None, "skyleaf farms") == 1
    assert await store.follows(1) == []


async def test_the_recorder_writes_batches_and_suggests_aliases(store: UsageStore) -> None:
    clock = iter([NOW, NOW + timedelta(seconds=20), NOW + timedelta(seconds=21)] + [NOW + timedelta(seconds=30)] * 10)
    recorder = UsageRecorder(store, clock=lambda: next(clock), low_confidence=0.0)
    answerer = Answerer(TopicIndex((topic, None) for topic in sample_topics()))
    context = AskContext(1, 10, 7)
    recorder.record(answerer.answer("apple pie recipe", guild_id=1), context, latency_s=0.002)
    recorder.record(answerer.answer("who is the ceo of skyleaf", guild_id=1), context, latency_s=0.001)
    recorder.feedback("who is the ceo of skyleaf", "Skyleaf", context)
    assert recorder.queued == 3
    assert await recorder.flush() == 3
    asks = await store.asks(1, NOW - timedelta(days=1))
    assert [a.outcome for a in asks] == ["miss", "answered", "feedback"]
    assert asks[0].latency_ms == 2.0
    assert all(a.user_id is None for a in asks)  # guild 1 did not opt in
    [suggestion] = await store.suggestions(1)
    assert (suggestion.question, suggestion.topic) == ("apple pie recipe", "Skyleaf")


class BrokenStore(UsageStore):
    def __init__(self) -> None:
        pass

    async def log_author_guilds(self) -> set[int]:
        raise StorageUnavailableError("the topic store at test is unavailable: down")

    async def add_asks(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("not reached")


async def test_a_store_outage_or_a_full_queue_loses_records_never_answers() -> None:
    recorder = UsageRecorder(BrokenStore(), queue_size=2)
    answer = Answerer(TopicIndex((topic, None) for topic in sample_topics())).answer("skyleaf")
    for _ in range(3):
        recorder.record(answer, AskContext(1, 10))
    assert (recorder.queued, recorder.dropped) == (2, 1)
    assert await recorder.flush() == 0
    assert (recorder.queued, recorder.failed) == (0, 2)
