"""What recording asks in the usage log costs an answer: latency with and without the recorder.

Usage::

    python -m benchmarks.usage_recording [--rounds 20] [--database-url URL]

Builds the services over a temporary SQLite store (or ``--database-url``) seeded with the shipped
``knowledge/``, then answers the project's labelled questions ``--rounds`` times each way, in
alternating blocks: ``Answerer.answer`` alone, and ``Services.ask`` (answer + queue the record) with
the recorder's background writer running in the same event loop, yielding to it between questions
as a bot does between events. Prints p50/p99/max per answer and how many records were written,
dropped or lost. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from benchmarks.figures import latency
from bot.config import Settings
from bot.core.usage.records import AskContext
from bot.services import build_services

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "data" / "questions.jsonl"


async def _run(rounds: int, database_url: str) -> None:
    services = await build_services(Settings(database_url=database_url))
    recorder = services.recorder
    assert recorder is not None  # noqa: S101 - [usage] is on by default
    questions = [json.loads(line)["q"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    writer = asyncio.create_task(services.run_recorder())
    plain: list[float] = []
    recorded: list[float] = []
    context = AskContext(1, 2, 3)
    try:
        for question in questions:  # warm up
            services.answerer.answer(question, guild_id=1)
        for _ in range(rounds):
            for question in questions:
                started = time.perf_counter()
                services.answerer.answer(question, guild_id=1)
                plain.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0)
            for question in questions:
                started = time.perf_counter()
                services.ask(question, context)
                recorded.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0)
        await recorder.flush()
    finally:
        writer.cancel()
        await asyncio.gather(writer, return_exceptions=True)
        await services.close()
    for name, timings in (("answer alone", plain), ("answer + record", recorded)):
        figures = latency(timings)
        print(f"{name:<16} n={figures.n:<6} p50 {figures.p50:.3f} ms   p99 {figures.p99:.3f} ms   "
              f"max {figures.max:.3f} ms")
    print(f"records written {recorder.written}, dropped (queue full) {recorder.dropped}, "
          f"lost (store) {recorder.failed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url", help="a store to use instead of a temporary SQLite file")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(_run(options.rounds, url))


if __name__ == "__main__":
    main()
