"""The semantic signal in the answer path (``Answerer(index, meaning)``): the learned decisions weigh
the bundled model's cosines (when the [semantic] extra is installed) beside the ranker's evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.engine import Answerer, TopicIndex
from bot.core.model import Attribute
from bot.core.record_format import parse_record
from tests.unit.answer_fixtures import make_topic

RECORDS = Path(__file__).parent.parent / "data" / "records"


def _index() -> TopicIndex:
    return TopicIndex([(t, None) for t in (
        make_topic("Orbitnet", "A broadband service from low orbit satellites.",
                   attributes=(Attribute("Monthly Price", "About 90 dollars."), Attribute("Operator", "Skyco."))),
        make_topic("Heliocore", "A fusion power start-up building a stellarator."),
        make_topic("Gridstore", "Batteries that store power for the grid."),
    )])


def test_without_the_semantic_signal_a_paraphrase_in_none_of_the_records_words_is_a_miss() -> None:
    assert Answerer(_index()).answer("web access beamed down from space").topic is None


@pytest.fixture(scope="module")
def with_meaning() -> Answerer:
    pytest.importorskip("model2vec", reason="the [semantic] extra is not installed")
    from bot.core.semantic import MemoryVectorCache, SemanticIndex, load_embedder

    index = TopicIndex((parse_record(p.read_text(encoding="utf-8")), None) for p in sorted(RECORDS.glob("*.txt")))
    meaning = SemanticIndex(load_embedder("bundled"), MemoryVectorCache())
    meaning.upsert_many(index.entries())
    return Answerer(index, meaning)


def test_the_bundled_model_finds_a_paraphrase_among_the_projects_records(with_meaning: Answerer) -> None:
    answer = with_meaning.answer("web access delivered by a swarm of satellites")
    assert answer.topic is not None and answer.topic.title == "Starlink"
    assert with_meaning.answer("lmao that's wild").topic is None
