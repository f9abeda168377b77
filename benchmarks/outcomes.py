"""Every question's whole outcome, one JSON line each: ``python -m benchmarks.outcomes --knowledge DIR
--questions FILE [FILE …] [--semantic] --out FILE``.

The outcome is what a user would see and what the usage log would keep: topic, intent, attribute,
candidates, the date range and its events, the "see also" topics, the suggestions of a miss, the
confidence and the rendered text. Two engines that write the same file answer every question alike;
``tests/unit/test_engine_outcomes.py`` holds the engine to the file written before it was restructured.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from benchmarks.accuracy import load_index, meaning_for
from bot.core.answers import Answer
from bot.core.engine import Answerer
from bot.core.rendering import CLI_COMMANDS, Renderer


def outcome_record(answer: Answer, text: str) -> dict[str, Any]:
    """The comparable outcome of one answer (``text`` is its rendered reply)."""
    date_range = answer.date_range
    return {
        "q": answer.question,
        "topic": answer.topic.title if answer.topic else None,
        "intent": answer.intent,
        "attribute": answer.attribute.name if answer.attribute else None,
        "candidates": list(answer.candidates),
        "dates": None if date_range is None else [date_range.label, str(date_range.start), str(date_range.end)],
        "events": len(answer.events),
        "nearest": len(answer.nearest_events),
        "related": list(answer.related),
        "suggestions": list(answer.suggestions),
        "confidence": answer.confidence,
        "text": text,
    }


def outcomes(answerer: Answerer, questions: Iterable[str]) -> list[dict[str, Any]]:
    renderer = Renderer(commands=CLI_COMMANDS)
    out = []
    for question in questions:
        answer = answerer.with_related(answerer.answer(question))
        out.append(outcome_record(answer, renderer.render(answer).text))
    return out


def read_questions(paths: Iterable[Path]) -> list[str]:
    """The ``q`` of every JSON line, or every non-empty line of a plain text file."""
    found: list[str] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            found.append(json.loads(line)["q"] if path.suffix == ".jsonl" else line.strip())
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--knowledge", type=Path, required=True, help="records directory")
    parser.add_argument("--questions", type=Path, nargs="+", required=True,
                        help="labelled questions (.jsonl) or chat lines (one per line)")
    parser.add_argument("--semantic", nargs="?", const="bundled", default=None, metavar="MODEL")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    index = load_index(args.knowledge)
    meaning = meaning_for(index, args.semantic) if args.semantic else None
    records = outcomes(Answerer(index, meaning), read_questions(args.questions))
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"{len(records)} outcomes written to {args.out}")


if __name__ == "__main__":
    main()
