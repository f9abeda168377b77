"""Research-pipeline sync, timed: ``python -m benchmarks.sync --corpus DIR [--database-url URL] [--changes N]``.

1. **Initial load:** ``topicbot import DIR`` and ``topicbot sync DIR`` of the same folder (a
   ``gen_corpus.py`` corpus's ``topics/``), each into a fresh store, as separate processes, timed whole.
2. **Change → answer:** ``topicbot sync DIR --watch`` runs in another process over a small folder; this
   process holds the index as a running bot does (``build_services`` + ``follow_changes``). Each of
   ``--changes`` rewrites one record's summary with a fresh word; the latency is from the file being
   renamed into place to this process's ``Answerer`` answering with the new summary. Prints p50/p99.

``--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/{n}`` measures PostgreSQL (``{n}`` becomes a
database made afresh for each run); by default a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.config import Settings
from bot.services import build_services


def _topicbot() -> list[str]:
    script = Path(sys.executable).with_name("topicbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def _env(url: str, knowledge: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOPICBOT_")}
    env["TOPICBOT_DATABASE_URL"] = url
    return env


def _timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([*_topicbot(), *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _fresh(url_template: str | None, work: Path, name: str) -> str:
    """A store nobody used: a new SQLite file, or a PostgreSQL database (re)made for this run."""
    if url_template is None:
        return f"sqlite+aiosqlite:///{work / (name + '.db')}"
    url = url_template.replace("{n}", f"topicbot_bench_{name}")
    asyncio.run(_recreate(url))
    return url


async def _recreate(url: str) -> None:
    import asyncpg  # type: ignore[import-untyped]
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = await asyncpg.connect(host=target.host or "127.0.0.1", port=target.port or 5432,
                                  user=target.username or "postgres", database="postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{target.database}"')
        await admin.execute(f'CREATE DATABASE "{target.database}"')
    finally:
        await admin.close()


def initial_load(corpus: Path, url_template: str | None, work: Path) -> None:
    empty = work / "no-knowledge"
    empty.mkdir(exist_ok=True)
    count = len(list(corpus.glob("*.txt")))
    imported = _timed(["import", str(corpus)], _env(_fresh(url_template, work, "import"), empty))
    synced = _timed(["sync", str(corpus)], _env(_fresh(url_template, work, "sync"), empty))
    print(f"initial load of {count} records: import {imported:.2f} s, sync {synced:.2f} s "
          f"(sync / import = {synced / imported:.2f})")


async def change_to_answer(corpus: Path, url: str, work: Path, changes: int) -> None:
    folder = work / "watched"
    folder.mkdir()
    for path in sorted(corpus.glob("*.txt"))[:50]:
        shutil.copy(path, folder / path.name)
    empty = work / "no-knowledge"
    empty.mkdir(exist_ok=True)
    subprocess.run([*_topicbot(), "sync", str(folder)], env=_env(url, empty), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    watcher = subprocess.Popen([*_topicbot(), "sync", str(folder), "--watch"], env=_env(url, empty),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    services = await build_services(Settings(database_url=url, knowledge_dir=empty), seed_knowledge=False)
    following = asyncio.create_task(services.follow_changes())
    latencies: list[float] = []
    try:
        await asyncio.sleep(1.0)  # the watcher is up
        files = sorted(folder.glob("*.txt"))
        for n in range(changes):
            path = files[n % len(files)]
            text = path.read_text(encoding="utf-8")
            title = text.split("\n", 1)[0]
            old = text.split("\nSummary\n\n", 1)[1].split("\n\n", 1)[0]
            word = f"Zorblat{n:04d}"
            temporary = path.with_name(path.name + ".tmp")
            temporary.write_text(text.replace(old, f"Updated {word}.", 1), encoding="utf-8")
            os.replace(temporary, path)  # the documented way: written whole, renamed into place
            started = time.perf_counter()
            while True:
                topic = services.index.get(title)
                if topic is not None and word in topic.summary:
                    break
                if time.perf_counter() - started > 30:
                    raise TimeoutError(f"change {n} not answered within 30 s")
                await asyncio.sleep(0.01)
            latencies.append(time.perf_counter() - started)
            await asyncio.sleep(0.4)  # the next change to another file, later
    finally:
        watcher.terminate()
        watcher.wait(30)
        following.cancel()
        await asyncio.gather(following, return_exceptions=True)
        await services.close()
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    print(f"change written -> answered by another process: p50 {statistics.median(ordered):.2f} s, "
          f"p99 {p99:.2f} s, max {ordered[-1]:.2f} s (n={len(ordered)})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, required=True, help="a folder of record files (gen_corpus topics/)")
    parser.add_argument("--database-url", help="PostgreSQL URL ({n}: run name) instead of temporary SQLite")
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        parser.exit(2, f"{args.corpus}: not a folder\n")
    with tempfile.TemporaryDirectory(prefix="topicbot-sync-") as tmp:
        work = Path(tmp)
        initial_load(args.corpus, args.database_url, work)
        url = _fresh(args.database_url, work, "watch")
        asyncio.run(change_to_answer(args.corpus, url, work, args.changes))


if __name__ == "__main__":
    main()
