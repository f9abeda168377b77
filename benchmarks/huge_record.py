"""One record just under the size limits, and the latency of questions about *other* topics:
``python -m benchmarks.huge_record --corpus DIR [--n 20000] [--max-questions 500] [--semantic [MODEL]]``.

Builds the index of the first N records of a ``gen_corpus.py`` folder in this process and asks the
corpus's questions (``answer()``, and the whole reply: answer, "see also" and rendering) without and
with one record just under every default limit of ``[limits]`` (timeline events, attributes, web
results, background sections, the record's bytes; each text just under the per-field bound),
written in the corpus's own words so that it shares words with every other topic (the worst case for
the ranker). The two states alternate for ``--rounds`` rounds (the record added and removed again,
as an edit would), so a change in the machine's load between them does not pass for the record's
cost; each figure is the median over the rounds. A plain rapidfuzz ``extractOne`` scan over the
titles is timed in the same run as the baseline. With ``--semantic`` the answers use the semantic
signal too (a ``SemanticIndex`` of the same topics, the record added to and removed from it with the
index, as ``benchmarks.accuracy`` builds it; ``bundled`` unless a model is named). Prints the figures
without and with the record, and with / without.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from benchmarks.accuracy import meaning_for
from benchmarks.command_line import UsageError, run_reporting_usage
from benchmarks.figures import latency
from benchmarks.stores import records_dir
from bot.core.engine import Answerer, TopicIndex
from bot.core.importing import record_files
from bot.core.model import Attribute, BackgroundSection, TimelineEvent, Topic, WebResult
from bot.core.record_format import format_record, parse_record
from bot.core.rendering import Renderer

#: Just under the defaults of ``[limits]`` (``bot.core.record_limits.RecordLimits``).
EVENTS, ATTRIBUTES, RESULTS, SECTIONS = 4_999, 499, 999, 499
RECORD_BYTES = 2_000_000
TEXT_CHARS = 3_990
SEED = 22



def huge_topic(words: Sequence[str], base: Topic, rng: random.Random) -> Topic:
    """A record just under every limit, its texts drawn from ``words``."""

    def text(chars: int) -> str:
        out: list[str] = []
        size = 0
        while size < chars - 20:
            word = rng.choice(words)
            out.append(word)
            size += len(word) + 1
        return " ".join(out).capitalize() + "."

    start = date(1990, 1, 1)
    topic = replace(
        base, title="Everything Ledger", aliases=(), derived_aliases=(),
        description=text(300), summary=text(TEXT_CHARS),
        attributes=tuple(Attribute(f"Measure {i}", text(60)) for i in range(ATTRIBUTES)),
        timeline=tuple(TimelineEvent(text(120), start + timedelta(days=i), "Ledger") for i in range(EVENTS)),
        background=tuple(BackgroundSection(f"Section {i}", text(TEXT_CHARS)) for i in range(SECTIONS)),
        web_results=tuple(WebResult(f"Result {i} {text(40)}", text(100), None) for i in range(RESULTS)),
    )
    while len(format_record(topic).encode()) >= RECORD_BYTES:  # trim the longest parts to fit the bytes
        topic = replace(topic, background=tuple(replace(b, paragraph=b.paragraph[: len(b.paragraph) * 9 // 10])
                                                for b in topic.background))
    return topic


def _measure(answerer: Answerer, renderer: Renderer, questions: Sequence[str]) -> dict[str, float]:
    answer_ms: list[float] = []
    reply_ms: list[float] = []
    for q in questions:
        started = time.perf_counter()
        answer = answerer.answer(q)
        answered = time.perf_counter()
        renderer.render(answerer.with_related(answer))
        done = time.perf_counter()
        answer_ms.append((answered - started) * 1000)
        reply_ms.append((done - started) * 1000)
    a, r = latency(answer_ms), latency(reply_ms)
    return {"answer_mean_ms": statistics.fmean(answer_ms), "answer_p50_ms": a.p50, "answer_p99_ms": a.p99,
            "reply_mean_ms": statistics.fmean(reply_ms), "reply_p50_ms": r.p50, "reply_p99_ms": r.p99}


def run(args: argparse.Namespace) -> int:
    if args.rounds < 1:
        raise UsageError("--rounds must be at least 1")
    if not args.corpus.is_dir():
        raise UsageError(f"--corpus {args.corpus}: no such folder")
    files = record_files(records_dir(args.corpus))[: args.n]
    questions_file = args.corpus / "questions.jsonl"
    if not files or not questions_file.is_file():
        raise UsageError(f"--corpus {args.corpus}: needs topics/*.txt and questions.jsonl (gen_corpus.py)")
    topics = [parse_record(p.read_text(encoding="utf-8")) for p in files]
    titles = {t.title for t in topics}
    labels = [json.loads(line) for line in questions_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [str(label["q"]) for label in labels if label.get("topic") in titles or label.get("topic") is None]
    questions = questions[: args.max_questions]
    rng = random.Random(SEED)
    words = sorted({w for t in topics[:2000] for w in re.findall(r"[A-Za-z]{3,}", t.summary)})
    started = time.perf_counter()
    index = TopicIndex((t, None) for t in topics)
    print(f"{len(topics):,} topics indexed in {time.perf_counter() - started:.1f} s; {len(questions)} questions",
          file=sys.stderr)
    meaning = None
    if args.semantic:
        started = time.perf_counter()
        meaning = meaning_for(index, args.semantic)
        print(f"semantic index ({args.semantic}) built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    answerer, renderer = Answerer(index, meaning), Renderer()
    huge = huge_topic(words, topics[0], rng)
    size = len(format_record(huge).encode())

    def add() -> None:
        index.upsert(huge)
        if meaning is not None:
            meaning.upsert(huge)

    def remove() -> None:
        index.remove(huge.title)
        if meaning is not None:
            meaning.remove(huge.title)

    started = time.perf_counter()
    add()
    added_s = time.perf_counter() - started
    for q in questions:  # the "see also" lists of the answered topics, as a running bot has them
        answerer.with_related(answerer.answer(q))
    without: list[dict[str, float]] = []
    with_it: list[dict[str, float]] = []
    for _ in range(args.rounds):
        remove()
        without.append(_measure(answerer, renderer, questions))
        add()
        with_it.append(_measure(answerer, renderer, questions))
    scan_ms: list[float] = []
    title_list = sorted(titles)
    for q in questions:
        started = time.perf_counter()
        process.extractOne(q, title_list, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=61)
        scan_ms.append((time.perf_counter() - started) * 1000)
    print(f"one record of {size:,} bytes ({len(huge.timeline):,} events, {len(huge.attributes)} attributes, "
          f"{len(huge.web_results)} web results, {len(huge.background)} sections) indexed in {added_s * 1000:.0f} ms")
    print(f"plain scan: mean {statistics.fmean(scan_ms):.2f} ms; medians of {args.rounds} rounds below")
    print("| figure | without the record | with it | with / without |")
    print("|---|---|---|---|")
    for key in without[0]:
        before = statistics.median(r[key] for r in without)
        after = statistics.median(r[key] for r in with_it)
        print(f"| {key} | {before:.2f} | {after:.2f} | {after / before:.3f} |")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.huge_record", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a gen_corpus.py folder")
    parser.add_argument("--n", type=int, default=20_000, help="records to index (default 20,000)")
    parser.add_argument("--max-questions", type=int, default=500, help="questions asked (default 500)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds without and with the record (default 3)")
    parser.add_argument("--semantic", nargs="?", const="bundled", default=None, metavar="MODEL",
                        help="answer with the semantic signal too (MODEL: a [semantic] model value, default bundled)")
    args = parser.parse_args(argv)
    return run_reporting_usage(parser, run, args)


if __name__ == "__main__":
    sys.exit(main())
