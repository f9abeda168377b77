"""Cold-start time of the ``topicbot`` command line, and what its imports cost.

Usage::

    python -m benchmarks.cli_startup [--runs 10]

Runs ``topicbot --help``, ``--version``, ``list`` and ``ask`` as fresh processes against a SQLite
store in a temporary folder (seeded by a first, untimed run) and prints the minimum and median wall
time of each, then the slowest top-level imports of ``ask`` from ``python -X importtime``.
Targets (issue 13): ``--help`` ≤ 0.4 s, ``ask`` ≤ 0.8 s. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "--version": ["--version"],
    "list": ["list"],
    "ask": ["ask", "who is the ceo of anthropic"],
}
_IMPORT_LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \|( +)(\S+)")


def _time(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _top_imports(args: list[str], env: dict[str, str], count: int = 8) -> list[tuple[str, float]]:
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "bot", *args], env=env,
                            check=True, capture_output=True, text=True)
    found = [(m.group(3), int(m.group(1)) / 1e6) for m in map(_IMPORT_LINE.match, result.stderr.splitlines())
             if m is not None and len(m.group(2)) <= 3]  # top-level and their direct imports
    return sorted(found, key=lambda item: item[1], reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "TOPICBOT_DATABASE_URL": f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"}
        _time(["list"], env)  # first use: migrate and seed the store
        for name, args in COMMANDS.items():
            times = [_time(args, env) for _ in range(options.runs)]
            print(f"topicbot {name:<10} min {min(times):.2f} s   median {statistics.median(times):.2f} s")
        print("slowest imports of `topicbot ask` (cumulative, s):")
        for module, seconds in _top_imports(COMMANDS["ask"], env):
            print(f"  {seconds:6.3f}  {module}")


if __name__ == "__main__":
    main()
