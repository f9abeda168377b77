"""The engine answers every labelled question of the project as it did before it was restructured.

``tests/data/engine_outcomes.*.jsonl`` were written by ``python -m benchmarks.outcomes`` (see its
docstring) with the engine as it was before the read / rank / decide / render pipeline; a change
that moves any answer (topic, intent, attribute, candidates, dates, see-also, suggestions,
confidence or the rendered text) fails here and must be listed, with its reason, where the file is
rewritten.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.accuracy import load_index, meaning_for
from benchmarks.outcomes import outcomes, read_questions
from bot.core.engine.answering import Answerer

DATA = Path(__file__).resolve().parents[1] / "data"
QUESTION_FILES = [DATA / "questions.jsonl", DATA / "questions.fresh.jsonl", DATA / "questions.heldout.jsonl"]


def _expected(name: str) -> list[dict[str, object]]:
    lines = (DATA / f"engine_outcomes.{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _compare(got: list[dict[str, object]], expected: list[dict[str, object]]) -> None:
    assert len(got) == len(expected)
    differing = [(e["q"], {k: (e[k], g.get(k)) for k in e if e[k] != g.get(k)})
                 for g, e in zip(got, expected, strict=True) if g != e]
    assert differing == []


def test_lexical_outcomes_are_unchanged(eval_answerer) -> None:
    _compare(outcomes(eval_answerer, read_questions(QUESTION_FILES)), _expected("lexical"))


def test_semantic_outcomes_are_unchanged(eval_answerer_semantic) -> None:
    _compare(outcomes(eval_answerer_semantic, read_questions(QUESTION_FILES)), _expected("semantic"))


@pytest.fixture(scope="module")
def eval_answerer() -> Answerer:
    return Answerer(load_index(DATA / "records"))


@pytest.fixture(scope="module")
def eval_answerer_semantic(eval_answerer: Answerer) -> Answerer:
    pytest.importorskip("model2vec")
    return Answerer(eval_answerer.index, meaning_for(eval_answerer.index, "bundled"))
