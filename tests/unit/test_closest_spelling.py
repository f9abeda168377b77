"""Near-identical names: when a question spells one name clearly better than the others that score
as close, that name is answered; names it spells about equally well are still offered as a choice."""

from __future__ import annotations

import pytest
from answer_fixtures import make_topic
from expected_misses import LEARNED_MISS

from bot.core.engine import TopicIndex
from bot.core.engine.answering import Answerer


def _answerer() -> Answerer:
    topics = [
        make_topic("Terwenlen Energy", "A maker of grid batteries in the north."),
        make_topic("Terlen Energy", "A wind park operator on the coast."),
        make_topic("Harbour Lantern Festival", "A yearly festival of paper lanterns."),
        make_topic("Lantern Harbour Festival", "A rowing race between lantern boats."),
        make_topic("Quil", "A note-taking app for students."),
        make_topic("Quilbrook Analytics", "A consultancy for retail data.", aliases=("QUIL",)),
        make_topic("Velmora Labs", "A maker of lab robots."),
        make_topic("Velmara Labs", "A maker of lab glassware."),
        *(make_topic(f"Filler {word}", f"A subject about {word}.") for word in ("kelp", "peat", "salt", "tea")),
    ]
    return Answerer(TopicIndex((t, None) for t in topics))


@pytest.mark.parametrize(("question", "title"), [
    ("terwenlen enrgy", "Terwenlen Energy"),  # one slip from one name, several letters from the other
    # the same words, in this name's order
    ("harbour lantern festival", "Harbour Lantern Festival"),
    # a title as written beats a longer name whose alias it also is
    pytest.param("tell me about quil", "Quil", marks=LEARNED_MISS),
])
def test_the_name_spelt_clearly_best_is_answered(question: str, title: str) -> None:
    answer = _answerer().answer(question)
    assert answer.topic is not None and answer.topic.title == title


def test_names_spelt_about_equally_well_are_still_a_choice() -> None:
    answer = _answerer().answer("velmera labs")
    assert answer.topic is None
    assert set(answer.candidates) == {"Velmora Labs", "Velmara Labs"}
