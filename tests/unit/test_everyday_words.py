"""Everyday English words mean themselves: no typo of a name, a name only as written, an acronym
that spells one only in capitals, and a name word in its everyday sense beside another subject."""

from __future__ import annotations

from bot.core.engine import TopicIndex
from bot.core.engine.answering import Answerer
from tests.unit.answer_fixtures import make_topic


def _answerer() -> Answerer:
    fillers = [make_topic(title, f"{title} is a subject about {word}.")
               for title, word in (("Kelp Farms", "seaweeds"), ("Peat Bogs", "wetlands"), ("Glass Art", "furnaces"),
                                   ("Bee Keeping", "hives"), ("Salt Mines", "caverns"), ("Tea Trade", "leaves"))]
    return Answerer(TopicIndex([(t, None) for t in (
        *fillers,
        make_topic("Daon Health", "Daon Health makes glucose sensors."),
        make_topic("Movi Bio", "Movi Bio develops gene therapies. Movi was founded in Basel."),
        make_topic("Lovenzopa Labs", "Lovenzopa Labs (LOVE) builds warehouse robots."),
        make_topic("Near Aerospace", "Near Aerospace (NEAR) launches small satellites."),
        make_topic("Magr Networks", "Magr Networks runs fibre lines."),
    )]))


def test_an_everyday_word_is_no_typo_of_a_name() -> None:
    answerer = _answerer()
    assert answerer.answer("is the server down").topic is None
    daon = answerer.answer("daon helth")
    assert daon.topic is not None and daon.topic.title == "Daon Health"  # a real slip still counts


def test_an_everyday_word_names_a_topic_only_as_written() -> None:
    answerer = _answerer()
    assert answerer.answer("what movie should i watch").topic is None
    movi = answerer.answer("what is movi bio")
    assert movi.topic is not None and movi.topic.title == "Movi Bio"


def test_an_acronym_spelling_an_everyday_word_counts_only_in_capitals() -> None:
    answerer = _answerer()
    assert answerer.answer("what is love").topic is None
    love = answerer.answer("what is LOVE")
    assert love.topic is not None and love.topic.title == "Lovenzopa Labs"


def test_a_name_word_in_its_everyday_sense_beside_another_subject_is_no_naming() -> None:
    answerer = _answerer()
    assert answerer.answer("best pizza near me").topic is None
    near = answerer.answer("near aerospace launches")
    assert near.topic is not None and near.topic.title == "Near Aerospace"


def test_a_right_spelt_everyday_phrase_is_no_misspelt_name() -> None:
    answerer = _answerer()
    assert answerer.answer("how do magnets work").topic is None
    typo = answerer.answer("magr netwroks")
    assert typo.topic is not None and typo.topic.title == "Magr Networks"
