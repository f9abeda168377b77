"""Fit the semantic signal's calibration on labelled questions: ``python -m benchmarks.calibrate``.

Tries every combination of the ``MeaningCalibration`` thresholds on a grid, answers the labelled
questions with each, and prints the best few by overall accuracy (ties: the stricter thresholds).
Fit on the development set only; check the result on a split you never fit on (``--check``).
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.accuracy import DEFAULT_EVAL, is_correct, load_index, meaning_for
from benchmarks.labels import read_labels
from bot.core.engine import Answerer, MeaningCalibration, MeaningSearch, TopicIndex

GRID: dict[str, tuple[float, ...]] = {
    "agree": (0.45, 0.5, 0.55, 0.6),
    "agree_score": (10.0, 20.0, 25.0),
    "alone": (0.65, 0.7, 0.75, 0.8),
    "margin": (0.04, 0.08, 0.12),
    "attribute": (0.45, 0.55, 0.65),
}


def accuracy(index: TopicIndex, meaning: MeaningSearch, labels: list[dict[str, Any]],
             calibration: MeaningCalibration) -> float:
    answerer = Answerer(index, meaning, calibration)
    return sum(is_correct(label, answerer.answer(label["q"])) for label in labels) / len(labels)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="the eval directory (knowledge/, questions)")
    parser.add_argument("--model", default="bundled", help="the [semantic] model")
    parser.add_argument("--also-knowledge", type=Path, help="records of a second labelled set to fit on too")
    parser.add_argument("--also", type=Path, help="labelled questions of that second set")
    parser.add_argument("--check-knowledge", type=Path, help="records of a split never fitted on")
    parser.add_argument("--check", type=Path, help="labelled questions of that split")
    args = parser.parse_args(argv)
    index = load_index(args.eval / "knowledge")
    meaning = meaning_for(index, args.model)
    labels = read_labels(args.eval / "questions.dev.jsonl")
    sets: list[tuple[TopicIndex, MeaningSearch, list[dict[str, Any]]]] = [(index, meaning, labels)]
    if args.also and args.also_knowledge:
        also_index = load_index(args.also_knowledge)
        sets.append((also_index, meaning_for(also_index, args.model), read_labels(args.also)))
    total = sum(len(s[2]) for s in sets)
    results: list[tuple[float, MeaningCalibration]] = []
    names = list(GRID)
    for values in itertools.product(*(GRID[name] for name in names)):
        chosen: dict[str, Any] = dict(zip(names, values, strict=True))
        calibration = replace(MeaningCalibration(), **chosen)
        score = sum(accuracy(i, m, lab, calibration) * len(lab) for i, m, lab in sets) / total
        results.append((score, calibration))
    # Best first; among equals the strictest (highest thresholds).
    results.sort(key=lambda r: (-r[0], -r[1].alone, -r[1].agree, -r[1].agree_score, -r[1].margin, -r[1].attribute))
    print(f"default {MeaningCalibration()}: {accuracy(index, meaning, labels, MeaningCalibration()):.1%}")
    for score, calibration in results[:5]:
        print(f"{score:.1%}  {calibration}")
    if args.check and args.check_knowledge:
        check_index = load_index(args.check_knowledge)
        check_meaning = meaning_for(check_index, args.model)
        check_labels = read_labels(args.check)
        best = results[0][1]
        print(f"check split, best fit: {accuracy(check_index, check_meaning, check_labels, best):.1%}; "
              f"default: {accuracy(check_index, check_meaning, check_labels, MeaningCalibration()):.1%}")


if __name__ == "__main__":
    main()
