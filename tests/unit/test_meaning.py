"""The semantic signal in the answer path (``Answerer(index, meaning)``), with a stand-in for the
embedding model so the rules are tested exactly; one test uses the bundled model when installed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from bot.core.engine import Answerer, MeaningCalibration, RuleDecider, TopicIndex
from bot.core.model import Attribute
from tests.unit.answer_fixtures import make_topic

Key = tuple[int | None, str]


class FixedMeaning:
    """Cosines decided by the test: question text → [(title, cosine)], attribute by a phrase."""

    def __init__(self, answers: dict[str, list[tuple[str, float]]], attributes: dict[str, str] | None = None):
        self.answers = answers
        self.attributes = attributes or {}

    def search(self, text: str, k: int = 5, allowed: Callable[[Key], bool] | None = None) -> list[tuple[Key, float]]:
        hits = [((None, title.casefold()), cos) for title, cos in self.answers.get(text, [])]
        return [h for h in hits if allowed is None or allowed(h[0])][:k]

    def attribute_by_meaning(self, question: str, attribute_names: Sequence[str],
                             min_cosine: float = 0.0) -> tuple[str, float] | None:
        for phrase, name in self.attributes.items():
            if phrase in question and name in attribute_names:
                return name, 0.9
        return None


def _index() -> TopicIndex:
    return TopicIndex([(t, None) for t in (
        make_topic("Orbitnet", "A broadband service from low orbit satellites.",
                   attributes=(Attribute("Monthly Price", "About 90 dollars."), Attribute("Operator", "Skyco."))),
        make_topic("Heliocore", "A fusion power start-up building a stellarator."),
        make_topic("Gridstore", "Batteries that store power for the grid."),
    )])


CAL = MeaningCalibration(agree=0.5, agree_score=10.0, alone=0.7, margin=0.08, attribute=0.5)


def test_a_paraphrase_with_none_of_the_records_words_is_answered_by_meaning() -> None:
    meaning = FixedMeaning({"web access beamed down from space": [("Orbitnet", 0.82), ("Gridstore", 0.4)]})
    answer = Answerer(_index(), meaning, RuleDecider(CAL)).answer("web access beamed down from space")
    assert answer.topic is not None and answer.topic.title == "Orbitnet"
    assert answer.explanation.matched_field == "meaning"


def test_without_the_semantic_signal_the_same_paraphrase_is_a_miss() -> None:
    assert Answerer(_index()).answer("web access beamed down from space").topic is None


def test_two_topics_about_as_close_in_meaning_are_offered_not_picked() -> None:
    meaning = FixedMeaning({"clean energy ventures": [("Heliocore", 0.78), ("Gridstore", 0.75)]})
    answer = Answerer(_index(), meaning, RuleDecider(CAL)).answer("clean energy ventures")
    assert answer.topic is None
    assert set(answer.candidates) == {"Heliocore", "Gridstore"}


def test_meaning_alone_never_answers_one_word() -> None:
    meaning = FixedMeaning({"sunshine": [("Heliocore", 0.9)]})
    assert Answerer(_index(), meaning, RuleDecider(CAL)).answer("sunshine").topic is None


def test_a_weak_lexical_match_the_meaning_confirms_is_answered() -> None:
    question = "ok this may be silly but how does orbitnet actually get to my house these days honestly"
    lexical_only = Answerer(_index()).answer(question)
    meaning = FixedMeaning({question: [("Orbitnet", 0.6), ("Gridstore", 0.3)]})
    confirmed = Answerer(_index(), meaning, RuleDecider(CAL)).answer(question)
    assert confirmed.topic is not None and confirmed.topic.title == "Orbitnet"
    assert lexical_only.topic is None or lexical_only.topic.title == "Orbitnet"


def test_low_similarity_leaves_a_miss_a_miss() -> None:
    meaning = FixedMeaning({"my cat knocked the cup over": [("Gridstore", 0.3)]})
    assert Answerer(_index(), meaning, RuleDecider(CAL)).answer("my cat knocked the cup over").topic is None


def test_an_attribute_is_chosen_by_meaning_when_no_attribute_word_matches() -> None:
    question = "what does orbitnet cost"
    meaning = FixedMeaning({question: [("Orbitnet", 0.6)]}, {"cost": "Monthly Price"})
    answer = Answerer(_index(), meaning, RuleDecider(CAL)).answer(question)
    assert answer.intent == "attribute" and answer.attribute is not None
    assert answer.attribute.name == "Monthly Price"


def test_the_bundled_model_finds_a_paraphrase_among_the_projects_records() -> None:
    pytest.importorskip("model2vec", reason="the [semantic] extra is not installed")
    from pathlib import Path

    from bot.core.record_format import parse_record
    from bot.core.semantic import MemoryVectorCache, SemanticIndex, load_embedder

    records = sorted((Path(__file__).parent.parent / "data" / "records").glob("*.txt"))
    index = TopicIndex((parse_record(p.read_text(encoding="utf-8")), None) for p in records)
    meaning = SemanticIndex(load_embedder("bundled"), MemoryVectorCache())
    meaning.upsert_many(index.entries())
    answerer = Answerer(index, meaning, RuleDecider(MeaningCalibration(alone=0.55, margin=0.02)))
    answer = answerer.answer("web access delivered by a swarm of satellites")
    assert answer.topic is not None and answer.topic.title == "Starlink"
    assert answerer.answer("lmao that's wild").topic is None
