"""Which question words say what kind of answer is wanted: learned from labelled questions.

``learn_intent_words`` counts, per word, how much more (or less) often than usual each intent is
asked when the word is said; the shipped table comes with the decision weights and is one more piece
of evidence the intent model weighs.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.engine.decision_model import shipped_model
from bot.core.engine.features import INTENTS
from bot.core.engine.intent_words import MIN_QUESTIONS, NO_INTENT_WORDS, IntentExample, IntentWords, learn_intent_words
from bot.core.engine.tokens import stem

BACKSTORY = stem("backstory")


def said(words: str, intent: str) -> IntentExample:
    return IntentExample(words.split(), intent)


SAMPLE = [said("what happened lately", "timeline"), said("what happens next", "timeline"),
          said("happened in 2024", "timeline"), said("who runs it", "attribute"), said("who owns it", "attribute"),
          said("who founded it", "attribute"), said("what is it", "summary"), said("what is this", "summary"),
          said("explain it", "summary"), said("link please", "sources")]


def test_a_word_said_for_one_intent_raises_it_and_lowers_the_others() -> None:
    lifts = learn_intent_words(SAMPLE).lifts
    happen = lifts["happen"]  # "happened" and "happens" are one stem
    assert happen["timeline"] > 0.0 and happen["summary"] < 0.0 and happen["attribute"] < 0.0
    assert lifts["who"]["attribute"] > 0.0 > lifts["who"]["timeline"]
    assert "explain" not in lifts and "link" not in lifts  # said by fewer than MIN_QUESTIONS questions


def test_the_evidence_sums_each_stems_lifts_once_in_the_order_asked() -> None:
    words = learn_intent_words(SAMPLE)
    one = words.evidence(["happened"], INTENTS)
    assert words.evidence(["happened", "happens"], INTENTS) == one  # the same stem counts once
    assert one == [words.lifts["happen"].get(intent, 0.0) for intent in INTENTS]
    assert NO_INTENT_WORDS.evidence(["happened"], INTENTS) == [0.0] * len(INTENTS)


def test_rare_words_move_the_intents_less_than_words_said_often() -> None:
    rest = [said("x", "summary")] * 6
    few = learn_intent_words([said("backstory", "timeline")] * MIN_QUESTIONS + rest)
    many = learn_intent_words([said("backstory", "timeline")] * 12 + rest * 2)
    assert 0.0 < few.lifts[BACKSTORY]["timeline"] < many.lifts[BACKSTORY]["timeline"] < 1.0


words = st.lists(st.sampled_from(["who", "when", "what", "happened", "link", "is", "explain"]), min_size=1,
                 max_size=4)
examples = st.lists(st.builds(IntentExample, words, st.sampled_from(INTENTS)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(examples)
def test_learned_lifts_lie_between_minus_1_and_1_and_survive_the_weights_file(found: list[IntentExample]) -> None:
    learned = learn_intent_words(found)
    assert all(-1.0 < lift < 1.0 for lifts in learned.lifts.values() for lift in lifts.values())
    again = IntentWords.from_json(json.loads(json.dumps(learned.to_json())))
    assert again.to_json() == learned.to_json()


@pytest.mark.parametrize("meaning", [False, True], ids=["lexical", "with-meaning"])
@pytest.mark.parametrize(("word", "intent"), [("happened", "timeline"), ("history", "timeline"),
                                              ("who", "attribute"), ("sources", "sources")])
def test_the_shipped_words_raise_the_intent_they_are_said_for(word: str, intent: str, meaning: bool) -> None:
    evidence = dict(zip(INTENTS, shipped_model(meaning).intent_words.evidence([word], INTENTS), strict=True))
    assert evidence[intent] > 0.0 and max(evidence, key=lambda k: evidence[k]) == intent


def test_the_trainer_counts_the_words_again_without_each_fold() -> None:
    from benchmarks.train_decisions import FOLDS, fold_intent_words

    found: list[IntentExample | None] = [said("backstory please", "timeline"), None, said("backstory", "timeline"),
                                         said("backstory now", "timeline"), said("what is it", "summary"),
                                         said("what is that", "summary"), said("what is this", "summary")]
    folds = [1, 1, 1, 1, 0, 2, 3]
    per_fold = fold_intent_words(found, folds)
    assert len(per_fold) == FOLDS
    assert BACKSTORY not in per_fold[1].lifts  # said only by fold 1's questions
    assert per_fold[0].lifts[BACKSTORY]["timeline"] > 0.0
    assert per_fold[4].to_json() == learn_intent_words(e for e in found if e is not None).to_json()
