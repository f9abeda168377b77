"""Accuracy of the answer path on the labelled dev set: ``python -m benchmarks.accuracy --eval DIR``.

Imports the eval records into a temporary SQLite store (``load_index``: the same ``build_services``
path the CLI uses, so the index is built from what the store hands back), runs every question of
``questions.dev.jsonl`` through ``Answerer.answer`` and prints the figures below,
the mistakes and the latency of ``answer()``.

Metric definitions (the eval README's labels; where it is silent, as stated here):

* **correct** (for *overall* and *per style*): for ``none`` labels, the answer abstains (intent
  ``none``, no topic); for ``ambiguous`` labels, a disambiguation offering at least two of the
  labelled candidates; for ``list`` labels, intent ``list`` and, when candidates are labelled, every
  labelled candidate listed and at least half of those listed labelled; otherwise the topic is the
  labelled one (or an ``alt``), the intent matches and, for ``attribute``, so does the attribute.
* **answerable top-1**: over questions with a labelled topic, the answered topic is it (or an alt).
* **no-match precision / recall**: an abstention is an answer with intent ``none``; precision is
  the share of abstentions labelled ``none``, recall the share of ``none`` labels abstained on.
* **intent accuracy**: predicted intent equals the label, over all questions (a disambiguation
  carries the intent asked for, ``summary`` for "tell me about …").
* **attribute accuracy**: over ``attribute`` labels, topic and attribute name both right.
* **ambiguous handled**: over ``ambiguous`` labels, a disambiguation offering ≥ 2 labelled candidates.
* **timeline year accuracy**: over labels with a ``year``, topic right, intent ``timeline`` and the
  date range exactly that year (events inside it, or none and nearest events offered).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.command_line import UsageError, run_reporting_usage
from benchmarks.figures import latency
from benchmarks.labels import abstained, read_labels, topic_ok
from bot.config import Settings
from bot.core.answers import Answer
from bot.core.engine import Answerer, TopicIndex
from bot.services import build_services

if TYPE_CHECKING:
    from bot.core.semantic import SemanticIndex

DEFAULT_EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


def load_index(knowledge_dir: Path) -> TopicIndex:
    """Import ``knowledge_dir`` into a fresh temporary SQLite store and return the index built from it."""
    return asyncio.run(_load_through_store(knowledge_dir))


async def _load_through_store(knowledge_dir: Path) -> TopicIndex:
    with tempfile.TemporaryDirectory(prefix="topicbot-accuracy-") as tmp:
        settings = Settings(database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'eval.db'}", knowledge_dir=knowledge_dir)
        services = await build_services(settings, seed_knowledge=True)
        try:
            return services.index
        finally:
            await services.close()


def is_correct(label: dict[str, Any], answer: Answer) -> bool:
    """Whether ``answer`` is right for ``label`` (see the module docstring)."""
    if label["style"] == "ambiguous":
        return answer.is_disambiguation and len(set(answer.candidates) & set(label["candidates"])) >= 2
    if label["intent"] == "none":
        return abstained(answer)
    if label["intent"] == "list":
        if answer.intent != "list":
            return False
        wanted = set(label.get("candidates", []))
        if not wanted:
            return True
        got = set(answer.candidates)
        return wanted <= got and len(wanted & got) * 2 >= len(got)
    if not topic_ok(label, answer) or answer.intent != label["intent"]:
        return False
    if label["intent"] == "attribute":
        return answer.attribute is not None and answer.attribute.name == label["attribute"]
    return True


def _year_ok(label: dict[str, Any], answer: Answer) -> bool:
    year = label["year"]
    return (topic_ok(label, answer) and answer.intent == "timeline" and answer.date_range is not None
            and answer.date_range.start == date(year, 1, 1) and answer.date_range.end == date(year, 12, 31)
            and (bool(answer.events) or bool(answer.nearest_events)))


def _pct(num: int, den: int) -> str:
    return f"{100.0 * num / den:5.1f}% ({num}/{den})" if den else "  n/a"


def _describe(answer: Answer) -> str:
    if answer.is_disambiguation:
        return f"disambiguation {list(answer.candidates)}"
    if answer.intent == "list":
        return f"list {list(answer.candidates) or 'all'}"
    title = answer.topic.title if answer.topic else None
    attr = f" / {answer.attribute.name}" if answer.attribute else ""
    return f"{title} [{answer.intent}{attr}] ({answer.explanation.winner}={answer.explanation.winner_score:.1f})"


def _expected(label: dict[str, Any]) -> str:
    if label.get("candidates"):
        return f"{label['intent']} {label['candidates']}"
    attr = f" / {label['attribute']}" if label.get("attribute") else ""
    return f"{label['topic']} [{label['intent']}{attr}]"


def meaning_for(index: TopicIndex, model: str) -> SemanticIndex:
    """The semantic signal over the index's topics (``--semantic``), vectors kept in memory."""
    from bot.core.semantic import MemoryVectorCache, SemanticIndex, load_embedder

    meaning = SemanticIndex(load_embedder(model), MemoryVectorCache())
    meaning.upsert_many((topic, None) for topic in index.topics())
    return meaning


def run(knowledge_dir: Path, questions_file: Path, semantic: str | None = None) -> None:
    started = time.perf_counter()
    index = load_index(knowledge_dir)
    meaning = meaning_for(index, semantic) if semantic else None
    load_ms = (time.perf_counter() - started) * 1000.0
    answerer = Answerer(index, meaning)
    labels = read_labels(questions_file)
    results: list[tuple[dict[str, Any], Answer]] = []
    latencies: list[float] = []
    for label in labels:
        started = time.perf_counter()
        answer = answerer.answer(label["q"])
        latencies.append((time.perf_counter() - started) * 1000.0)
        results.append((label, answer))

    correct = [is_correct(lab, ans) for lab, ans in results]
    answerable = [(lab, ans) for lab, ans in results if lab["topic"] is not None]
    abstentions = [(lab, ans) for lab, ans in results if abstained(ans)]
    none_labels = [(lab, ans) for lab, ans in results if lab["intent"] == "none"]
    attribute_labels = [(lab, ans) for lab, ans in results if lab["intent"] == "attribute"]
    ambiguous = [(lab, ans) for lab, ans in results if lab["style"] == "ambiguous"]
    years = [(lab, ans) for lab, ans in results if "year" in lab]

    print(f"records: {len(index)} (imported into a temporary SQLite store and indexed in {load_ms:.0f} ms)")
    print(f"questions: {len(labels)}")
    print(f"overall                 {_pct(sum(correct), len(results))}")
    print(f"answerable top-1        {_pct(sum(topic_ok(lab, ans) for lab, ans in answerable), len(answerable))}")
    print(f"no-match precision      {_pct(sum(lab['intent'] == 'none' for lab, _ in abstentions), len(abstentions))}")
    print(f"no-match recall         {_pct(sum(abstained(ans) for _, ans in none_labels), len(none_labels))}")
    print(f"intent accuracy         {_pct(sum(ans.intent == lab['intent'] for lab, ans in results), len(results))}")
    attribute_ok = sum(is_correct(lab, ans) for lab, ans in attribute_labels)
    print(f"attribute accuracy      {_pct(attribute_ok, len(attribute_labels))}")
    print(f"ambiguous handled       {_pct(sum(is_correct(lab, ans) for lab, ans in ambiguous), len(ambiguous))}")
    print(f"timeline year accuracy  {_pct(sum(_year_ok(lab, ans) for lab, ans in years), len(years))}")
    print("per style:")
    by_style: dict[str, list[bool]] = defaultdict(list)
    for (lab, _), ok in zip(results, correct, strict=True):
        by_style[lab["style"]].append(ok)
    for style in sorted(by_style):
        print(f"  {style:14} {_pct(sum(by_style[style]), len(by_style[style]))}")
    timing = latency(latencies)
    print(f"latency of answer(): p50 {timing.p50:.2f} ms  p99 {timing.p99:.2f} ms  (n={timing.n})")
    mistakes = [(lab, ans) for (lab, ans), ok in zip(results, correct, strict=True) if not ok]
    print(f"mistakes ({len(mistakes)}):")
    for lab, ans in mistakes:
        print(f"  {lab['id']} {lab['q']!r}\n      expected: {_expected(lab)}\n      got:      {_describe(ans)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.accuracy",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="the eval directory (knowledge/, questions)")
    parser.add_argument("--knowledge", type=Path, help="records directory (default: EVAL/knowledge)")
    parser.add_argument("--questions", type=Path, help="labelled questions (default: EVAL/questions.dev.jsonl)")
    parser.add_argument("--semantic", nargs="?", const="bundled", default=None, metavar="MODEL",
                        help="add the semantic signal (the [semantic] extra; MODEL as in [semantic] model)")
    args = parser.parse_args(argv)
    return run_reporting_usage(parser, _run_named, args)


def _run_named(args: argparse.Namespace) -> int:
    knowledge = args.knowledge or args.eval / "knowledge"
    questions = args.questions or args.eval / "questions.dev.jsonl"
    if not knowledge.is_dir():
        raise UsageError(f"{knowledge}: no such folder of records (give --eval DIR or --knowledge DIR)")
    if not questions.is_file():
        raise UsageError(f"{questions}: no such file of labelled questions (give --eval DIR or --questions FILE)")
    run(knowledge, questions, args.semantic)
    return 0


if __name__ == "__main__":
    sys.exit(main())
