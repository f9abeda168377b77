"""Reply latency through the CLI as a user runs it: ``python -m benchmarks.cli_batch --database-url URL
--questions FILE [--topicbot PATH ...] [--runs N]``.

Times ``topicbot ask --json --batch FILE`` (the whole reply: answer, see-also topics and rendering, one
process) and ``topicbot ask --json`` of one question (start-up alone), each ``--runs`` times, and
prints the per-question mean as (batch - start-up) / questions, best and median over the runs. Give
``--topicbot`` more than once to compare installs (another checkout's ``.venv/bin/topicbot``) in the
same run, alternating between them so a busy machine slows each alike. The store must already hold
the topics (``topicbot import``) and each install keeps its own index snapshot beside it, so point
each at a copy of the store (``{topicbot}`` in the URL is replaced by the install's number).
Questions are asked with ``--no-record`` where the install knows it, so the usage log stays as it was.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.command_line import UsageError, run_reporting_usage


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _knows_no_record(topicbot: str) -> bool:
    shown = subprocess.run([topicbot, "ask", "--help"], capture_output=True, text=True, check=False)
    return "--no-record" in shown.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cli_batch",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", required=True, help="the store ({topicbot} -> 1, 2, ... per install)")
    parser.add_argument("--questions", type=Path, required=True, help="JSON Lines with a \"q\" per line")
    parser.add_argument("--topicbot", action="append", help="a topicbot executable (default: this one)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    return run_reporting_usage(parser, _compare, args)


def _compare(args: argparse.Namespace) -> int:
    installs = args.topicbot or [str(Path(sys.executable).with_name("topicbot"))]
    if args.runs < 1:
        raise UsageError("--runs must be at least 1")
    for topicbot in installs:
        if not os.access(topicbot, os.X_OK):
            raise UsageError(f"--topicbot {topicbot}: not an executable (another checkout's .venv/bin/topicbot)")
    if not args.questions.is_file():
        raise UsageError(f"--questions {args.questions}: no such file")
    lines = [line for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise UsageError(f"--questions {args.questions}: no questions in it")
    count = len(lines)
    first = json.loads(lines[0])["q"]
    per_question: dict[str, list[float]] = {t: [] for t in installs}
    starts: dict[str, list[float]] = {t: [] for t in installs}
    for run in range(args.runs + 1):  # the first run of each install only warms its snapshot
        for number, topicbot in enumerate(installs, start=1):
            env = dict(os.environ, TOPICBOT_DATABASE_URL=args.database_url.replace("{topicbot}", str(number)))
            quiet = ["--no-record"] if _knows_no_record(topicbot) else []
            start = _timed([topicbot, "ask", "--json", *quiet, first], env)
            batch = _timed([topicbot, "ask", "--json", *quiet, "--batch", str(args.questions)], env)
            if run:
                starts[topicbot].append(start)
                per_question[topicbot].append((batch - start) / count * 1000.0)
    print(f"questions: {count}, runs: {args.runs}")
    for topicbot in installs:
        ms = per_question[topicbot]
        print(f"{topicbot}: full reply per question best {min(ms):.2f} ms, median {statistics.median(ms):.2f} ms; "
              f"start-up median {statistics.median(starts[topicbot]):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
