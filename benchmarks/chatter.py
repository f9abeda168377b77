"""How often ordinary chat gets a topic answer: ``python -m benchmarks.chatter --lines FILE --knowledge DIR``.

``FILE`` holds one chat message per line (a plain export of a channel, a public chat corpus…); none of
them is a question about a tracked topic, so every answer that names a topic, offers a choice of
topics or lists topics is a false positive. The share of such lines is printed beside the answer path's
latency, with and without the semantic signal (``--semantic``), and each false positive is listed so it
can be read. Lines that are empty or only a mention are skipped.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from benchmarks.accuracy import load_index, meaning_for
from benchmarks.figures import latency
from bot.core.answers import Answer
from bot.core.engine import Answerer


def answered(answer: Answer) -> bool:
    """The bot would reply with something about topics (not a silent miss)."""
    return answer.topic is not None or bool(answer.candidates) or answer.intent == "list"


def _describe(answer: Answer) -> str:
    if answer.topic is not None:
        return f"{answer.topic.title} [{answer.intent}]"
    if answer.candidates:
        return "choice of " + ", ".join(answer.candidates)
    return answer.intent


def run(lines_file: Path, knowledge: Path, semantic: str | None, show: int) -> int:
    lines = [line.strip() for line in lines_file.read_text(encoding="utf-8", errors="replace").splitlines()]
    lines = [line for line in lines if line and not line.startswith("<@")]
    if not lines:
        print(f"{lines_file}: no chat lines to ask", file=sys.stderr)
        return 2
    index = load_index(knowledge)
    answerer = Answerer(index, meaning_for(index, semantic) if semantic else None)
    false_positives: list[tuple[str, Answer]] = []
    timings: list[float] = []
    for line in lines:
        started = time.perf_counter()
        answer = answerer.answer(line)
        timings.append((time.perf_counter() - started) * 1000.0)
        if answered(answer):
            false_positives.append((line, answer))
    share = 100.0 * len(false_positives) / len(lines)
    timing = latency(timings)
    print(f"records: {len(index)}; chat lines: {len(lines)}; semantic: {semantic or 'off'}")
    print(f"answered with a topic: {share:.1f}% ({len(false_positives)}/{len(lines)})")
    print(f"latency of answer(): p50 {timing.p50:.2f} ms  p99 {timing.p99:.2f} ms")
    for line, answer in false_positives[:show]:
        print(f"  {line[:100]!r} -> {_describe(answer)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chatter", description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=Path, required=True, help="chat messages, one per line")
    parser.add_argument("--knowledge", type=Path, required=True, help="records directory")
    parser.add_argument("--semantic", nargs="?", const="bundled", default=None, metavar="MODEL",
                        help="add the semantic signal (the [semantic] extra)")
    parser.add_argument("--show", type=int, default=50, help="list at most this many false positives")
    args = parser.parse_args(argv)
    for path in (args.lines, args.knowledge):
        if not path.exists():
            parser.exit(2, f"{path}: no such file or directory\n")
    return run(args.lines, args.knowledge, args.semantic, args.show)


if __name__ == "__main__":
    raise SystemExit(main())
