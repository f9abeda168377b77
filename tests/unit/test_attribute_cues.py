"""Which question words point at which attribute names: learned from labelled questions, not listed.

``learn_cues`` counts, per question word and attribute-name word, how much more often than usual
that attribute is asked when the word is said; the shipped cues come with the decision weights.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.engine import read
from bot.core.engine.attribute_cues import MIN_HITS, NO_CUES, AttributeCues, CueExample, learn_cues
from bot.core.engine.attributes import attribute_evidence
from bot.core.engine.decision_model import shipped_model
from bot.core.engine.tokens import stem
from tests.unit.answer_fixtures import sample_topics

NAMES = ("CEO", "Headquarters", "Founded")


def asked(words: str, attribute: str | None) -> CueExample:
    return CueExample(words.split(), NAMES, attribute)


def test_a_word_said_when_one_attribute_is_asked_points_at_it() -> None:
    examples = [asked("who runs", "CEO"), asked("who running now", "CEO"), asked("runs who", "CEO"),
                asked("where based", "Headquarters"), asked("where offices", "Headquarters"),
                asked("what is", None), asked("what is it", None), asked("when started", "Founded")]
    cues = learn_cues(examples)
    assert set(cues.of("runs")) == {"ceo"}  # "runs" and "running" are one stem
    assert cues.of("running")["ceo"] == cues.of("run")["ceo"] > 0.0
    assert set(cues.of("where")) == {stem("headquarters")}
    assert cues.of("what") == {}  # said only by questions for the summary: it points at nothing
    assert cues.of("started") == {}  # said once: fewer than MIN_HITS questions


def test_a_word_said_as_often_for_the_summary_as_for_an_attribute_points_at_nothing() -> None:
    # Half the questions ask for the CEO, and half of those saying "company" do: no lift.
    examples = [asked("company boss", "CEO"), asked("company leader", "CEO"),
                asked("company story", None), asked("company explained", None),
                asked("weather", "CEO"), asked("rain", None)]
    assert "ceo" not in learn_cues(examples).of("company")


def test_rare_links_weigh_less_than_links_said_often() -> None:
    few = learn_cues([asked("boss", "CEO")] * MIN_HITS + [asked("x", "Headquarters")] * 4)
    many = learn_cues([asked("boss", "CEO")] * 10 + [asked("x", "Headquarters")] * 20)
    assert 0.0 < few.of("boss")["ceo"] < many.of("boss")["ceo"] <= 1.0


words = st.lists(st.sampled_from(["who", "runs", "where", "based", "when", "started", "what", "is"]),
                 min_size=1, max_size=4)
examples = st.lists(st.builds(CueExample, words, st.just(NAMES), st.sampled_from([*NAMES, None])), max_size=40)


@settings(max_examples=60, deadline=None)
@given(examples)
def test_learned_cues_weigh_between_0_and_1_and_survive_the_weights_file(found: list[CueExample]) -> None:
    cues = learn_cues(found)
    assert all(0.0 < w <= 1.0 for names in cues.links.values() for w in names.values())
    again = AttributeCues.from_json(json.loads(json.dumps(cues.to_json())))
    assert again.to_json() == cues.to_json()


def test_without_cues_only_the_attribute_names_words_count() -> None:
    skyleaf = next(t for t in sample_topics() if t.title == "Skyleaf")
    evidence = attribute_evidence(read("who runs skyleaf").words, skyleaf, NO_CUES)
    assert all(e.cue == 0.0 and e.direct == 0.0 for e in evidence)
    named = attribute_evidence(read("skyleaf ceo").words, skyleaf, NO_CUES)
    assert [e.attribute.name for e in named if e.direct > 0] == ["CEO"]


@pytest.mark.parametrize(("question", "attribute"), [
    ("who runs skyleaf", "CEO"),
    ("who is running skyleaf", "CEO"),  # another inflection of the same word
    ("where is skyleaf based", "Headquarters"),
    ("where are skyleaf's offices", "Headquarters"),
])
@pytest.mark.parametrize("meaning", [False, True], ids=["lexical", "with-meaning"])
def test_the_shipped_cues_point_everyday_words_at_attribute_names(question: str, attribute: str,
                                                                  meaning: bool) -> None:
    skyleaf = next(t for t in sample_topics() if t.title == "Skyleaf")
    evidence = attribute_evidence(read(question).words, skyleaf, shipped_model(meaning).cues)
    strongest = max(evidence, key=lambda e: e.direct + e.cue)
    assert strongest.cue > 0.0 and strongest.attribute.name == attribute


def test_the_trainer_counts_the_cues_again_without_each_fold() -> None:
    from benchmarks.train_decisions import FOLDS, fold_cues

    examples: list[CueExample | None] = [asked("who runs", "CEO"), asked("who leads", "CEO"), None,
                                         asked("bossman runs", "CEO"), asked("bossman who", "CEO"),
                                         asked("where based", "Headquarters")]
    folds = [0, 0, 1, 2, 2, 3]
    per_fold = fold_cues(examples, folds)
    assert len(per_fold) == FOLDS
    assert "ceo" not in per_fold[2].of("bossman")  # said only by fold 2's questions
    assert "ceo" in per_fold[0].of("bossman") and "ceo" not in per_fold[0].of("who")  # fold 0 held: "who" seen once
    assert per_fold[4].to_json() == learn_cues(e for e in examples if e is not None).to_json()
