"""Propagation benchmark: how long a change takes to reach another process's index, and what following costs.

Usage::

    python -m benchmarks.propagation --backend sqlite postgresql --edits 100 --idle 30

For each backend a follower runs in a subprocess (its own engine, index and ``ChangeFeed``, woken by
NOTIFY on PostgreSQL and by polling on SQLite, exactly as ``topicbot run`` does) and reports the
wall-clock time at which each change event reached its index. This process makes ``--edits`` edits
through ``TopicEditor`` at random intervals (0.1-0.4 s, so the poll phase varies) and notes when each
was committed. Propagation delay = applied - committed (same machine, same clock). Then both stay
idle for ``--idle`` seconds and the follower reports how many catch-up queries it made and how much
CPU it used meanwhile. PostgreSQL runs use a dedicated database (default
``topicbot_propagation_bench``), dropped and recreated first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from benchmarks.stores import fresh_postgres
from bot.core.change_feed import ChangeFeed
from bot.core.changes import Author, ChangeEvent
from bot.core.engine import TopicIndex
from bot.core.index_updates import IndexUpdater
from bot.core.moderation import TopicEditor
from bot.core.record_format import parse_record
from bot.core.storage import TopicRepository, make_engine, make_session_factory, migrate
from bot.core.storage.wakeups import wakeup_for

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/topicbot_propagation_bench"
RECORD = Path(__file__).resolve().parent.parent / "tests" / "data" / "records" / "012_nuclear_fusion.txt"
AUTHOR = Author("bench", "cli")


class CountingSource:
    """The repository, counting the catch-up queries the feed makes."""

    def __init__(self, repository: TopicRepository) -> None:
        self.repository = repository
        self.queries = 0

    async def last_change_id(self) -> int:
        return await self.repository.last_change_id()

    async def changes_after(self, after: int, *, limit: int = 1000) -> list[ChangeEvent]:
        self.queries += 1
        return await self.repository.changes_after(after, limit=limit)


async def _follow(url: str) -> None:
    """The follower process: print one JSON line per applied event; answer "stats" on stdin."""
    engine = make_engine(url)
    repository = TopicRepository(make_session_factory(engine))
    source = CountingSource(repository)
    index = TopicIndex((s.topic, s.guild_id) for s in await repository.list_all())
    feed = ChangeFeed(source)
    await feed.start_at_newest()
    updater = IndexUpdater(index)

    async def stamp(events: Sequence[ChangeEvent], /) -> None:
        await updater(events)
        now = time.time()
        for event in events:
            print(json.dumps({"id": event.id, "t": now}), flush=True)

    feed.subscribe(stamp)
    follower = asyncio.create_task(feed.follow(wakeup_for(engine)))
    print(json.dumps({"ready": True}), flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        if line.strip() == b"stats":
            print(json.dumps({"queries": source.queries, "cpu_s": time.process_time()}), flush=True)
    follower.cancel()
    await engine.dispose()


async def _read_json(stream: asyncio.StreamReader) -> dict[str, float]:
    line = await asyncio.wait_for(stream.readline(), 30)
    if not line:
        raise RuntimeError("the follower exited")
    return dict(json.loads(line))


async def _run(backend: str, url: str, edits: int, idle: float) -> dict[str, float]:
    engine = make_engine(url)
    await migrate(engine)
    editor = TopicEditor(TopicRepository(make_session_factory(engine)))
    topic = parse_record(RECORD.read_text(encoding="utf-8"))
    await editor.add(topic, author=AUTHOR)
    follower = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.propagation", "--follow", url,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )
    stdin, stdout = follower.stdin, follower.stdout
    if stdin is None or stdout is None:
        raise RuntimeError("the follower has no pipes")
    try:
        await _read_json(stdout)  # ready
        committed: dict[int, float] = {}
        applied: dict[int, float] = {}

        async def collect() -> None:
            while len(applied) < edits:
                line = await _read_json(stdout)
                applied[int(line["id"])] = line["t"]

        collecting = asyncio.create_task(collect())
        for n in range(edits):
            await asyncio.sleep(random.uniform(0.1, 0.4))
            await editor.edit(topic.title, replace(topic, summary=f"Summary number {n}."), author=AUTHOR)
            committed[await editor.repository.last_change_id()] = time.time()
        await asyncio.wait_for(collecting, 30)
        delays = sorted((applied[i] - committed[i]) * 1000 for i in committed)

        stdin.write(b"stats\n")
        before = await _read_json(stdout)
        await asyncio.sleep(idle)
        stdin.write(b"stats\n")
        after = await _read_json(stdout)
    finally:
        stdin.close()
        await follower.wait()
        await engine.dispose()
    return {
        "p50_ms": statistics.median(delays),
        "p99_ms": delays[min(len(delays) - 1, round(0.99 * (len(delays) - 1)))],
        "max_ms": delays[-1],
        "idle_queries_per_s": (after["queries"] - before["queries"]) / idle,
        "idle_cpu_percent": 100 * (after["cpu_s"] - before["cpu_s"]) / idle,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.propagation", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of idle following to measure")
    parser.add_argument("--postgres-url", default=DEFAULT_PG)
    parser.add_argument("--follow", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.follow:
        asyncio.run(_follow(args.follow))
        return 0
    print(f"{'backend':<11} {'edits':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'idle queries/s':>15} "
          f"{'idle CPU %':>11}")
    for backend in args.backend:
        with tempfile.TemporaryDirectory(prefix="topicbot-propagation-") as tmp:
            if backend == "sqlite":
                url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            else:
                url = args.postgres_url
                asyncio.run(fresh_postgres(url))
            r = asyncio.run(_run(backend, url, args.edits, args.idle))
        print(f"{backend:<11} {args.edits:>5} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['max_ms']:>8.1f} "
              f"{r['idle_queries_per_s']:>15.2f} {r['idle_cpu_percent']:>11.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
