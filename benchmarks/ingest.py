"""Ingest benchmark: parse and import N synthetic records into a fresh SQLite file and PostgreSQL.

Usage::

    python3 ../shared/eval/tools/gen_corpus.py 100000 --out /tmp/corpus
    python -m benchmarks.ingest /tmp/corpus --n 1000 10000 100000 --backend sqlite postgresql

``DIR`` is the corpus folder (records in ``DIR/topics/*.txt``) or a folder of records. Each (N,
backend) run happens in its own subprocess so its peak RSS is its own. PostgreSQL runs use a
dedicated database (``--postgres-url``, default ``topicbot_ingest_bench``), dropped and recreated
before each run, so the test database is never touched.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.figures import peak_rss_mb
from benchmarks.stores import fresh_postgres, records_dir
from bot.core.importing import import_folder
from bot.core.storage import TopicRepository, make_engine, make_session_factory, migrate

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/topicbot_ingest_bench"


async def _run_one(records: Path, n: int, backend: str, pg_url: str, chunk: int) -> dict[str, float | int | str]:
    with tempfile.TemporaryDirectory(prefix="topicbot-ingest-") as tmp:
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        else:
            url = pg_url
            await fresh_postgres(url)
        engine = make_engine(url)
        try:
            await migrate(engine)
            repo = TopicRepository(make_session_factory(engine))
            start = time.perf_counter()
            diff = await import_folder(repo, records, limit=n, chunk_size=chunk)
            seconds = time.perf_counter() - start
            import_peak_mb = peak_rss_mb()
            check_start = time.perf_counter()
            loaded = len(await repo.list())
            list_seconds = time.perf_counter() - check_start
        finally:
            await engine.dispose()
    return {
        "backend": backend,
        "n": len(diff.added),
        "seconds": seconds,
        "records_per_s": len(diff.added) / seconds if seconds else 0.0,
        "peak_rss_mb": import_peak_mb,
        "peak_rss_with_list_mb": peak_rss_mb(),
        "list_seconds": list_seconds,
        "listed": loaded,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ingest", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="corpus folder from gen_corpus.py (or a folder of records)")
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--backend", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--postgres-url", default=DEFAULT_PG)
    parser.add_argument("--chunk", type=int, default=1000, help="records per chunk")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    records = records_dir(args.folder)
    if args.one:
        result = asyncio.run(_run_one(records, args.n[0], args.backend[0], args.postgres_url, args.chunk))
        print(json.dumps(result))
        return 0
    available = len(list(records.glob("*.txt")))
    print(f"{available} records in {records}")
    print(f"{'backend':<11} {'N':>7} {'seconds':>8} {'records/s':>10} {'peak RSS MB':>12} {'list() s':>9} "
          f"{'RSS after list':>15}")
    for backend in args.backend:
        for n in args.n:
            command = [sys.executable, "-m", "benchmarks.ingest", str(args.folder), "--one", "--n", str(n),
                       "--backend", backend, "--postgres-url", args.postgres_url, "--chunk", str(args.chunk)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"{backend:<11} {n:>7} failed:\n{done.stderr.strip()}")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{r['backend']:<11} {r['n']:>7} {r['seconds']:>8.2f} {r['records_per_s']:>10.0f} "
                  f"{r['peak_rss_mb']:>12.1f} {r['list_seconds']:>9.2f} {r['peak_rss_with_list_mb']:>15.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
