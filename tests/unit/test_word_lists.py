"""The engine's word lists (``bot/core/engine/words/``): each does what its file says it is for."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from bot.core.engine import Answerer, read
from bot.core.engine.lexicon import (
    ASPECT_WORDS,
    COMMON_WORDS,
    FUNCTION_WORDS,
    INTENT_WORDS,
    SYNONYM_GROUPS,
    WORDING_CUES,
    word_list,
)
from bot.core.engine.tokens import stem
from tests.unit.answer_fixtures import make_topic, sample_index

WORDS = resources.files("bot.core.engine") / "words"


def test_every_list_file_is_read_and_none_is_empty() -> None:
    names = sorted(p.name for p in WORDS.iterdir() if p.name.endswith(".txt"))
    assert len(names) >= 9
    for name in names:
        assert word_list(name.removesuffix(".txt")), name


def test_lists_matched_by_stem_name_each_word_once() -> None:
    for section in tomllib.loads((WORDS / "intent_cues.toml").read_text(encoding="utf-8")).values():
        words = [stem(w) for w in section.get("words", [])]
        assert len(words) == len(set(words)), section


def test_function_and_intent_words_are_never_evidence_for_a_topic() -> None:
    index = sample_index()
    assert index.question_tokens("what is the of tell me about the timeline and sources") == []
    assert {"the", "what", "about"} <= FUNCTION_WORDS and {"timeline", "sources", "summary"} <= INTENT_WORDS


def test_aspect_words_are_neutral_beside_a_named_topic() -> None:
    assert {"earnings", "price", "plans"} <= ASPECT_WORDS
    index = sample_index()
    assert [t.word for t in index.question_tokens("skyleaf earnings")] == ["skyleaf"]


def test_common_words_are_weighted_as_if_half_the_records_used_them() -> None:
    assert "day" in COMMON_WORDS
    index = sample_index()
    assert index.idf(stem("day")) < index.idf(stem("strawberry"))


def test_a_synonym_counts_where_the_record_uses_another_word_of_its_group() -> None:
    assert any({"law", "act"} <= group for group in SYNONYM_GROUPS)
    index = sample_index()
    best = index.rank("lettuce factories")[0]
    assert best.title == "Vertical Farming"  # the record says "farms", "warehouse"; not "factories"
    assert index.rank("lettuce plants")[0].title == "Vertical Farming"


@pytest.mark.parametrize(("question", "cue"), [
    ("skyleaf sources", "sources"), ("skyleaf source", "sources"), ("any links for skyleaf", "sources"),
    ("where'd you get that about skyleaf", "sources"),
    ("skyleaf milestones", "timeline"), ("skyleaf milestone", "timeline"), ("skyleaf news", "timeline"),
    ("has skyleaf been updated", "timeline"),
    ("when will skyleaf open in texas", "summary"),
    ("explain skyleaf", "summary"), ("skyleaf explained", "summary"),
    ("which farming topics do you track", "list"),
])
def test_intent_cues_in_any_listed_form(question: str, cue: str) -> None:
    assert read(question).intent_cue == cue


@pytest.mark.parametrize("question", [
    "the new skyleaf farm",  # "new" is not "news"
    "is skyleaf linked to ocean cleanup",  # "linked" is not "links"
    "what will happen to skyleaf",  # only "happened" asks for the past
])
def test_exact_cue_words_only_as_written(question: str) -> None:
    assert read(question).intent_cue not in ("sources", "timeline")


def test_a_year_before_a_timeline_word_is_a_date_and_before_another_noun_a_name() -> None:
    assert "news" in WORDING_CUES["dates"].exact
    assert read("the 2024 timeline of skyleaf").date_range is not None
    assert read("the 2024 election").date_range is None


def test_the_lists_come_from_the_data_files_not_the_code() -> None:
    # A topic whose only evidence is a word the function list holds is never found by it.
    index = sample_index()
    index.upsert(make_topic("Whether Report", "A report on whether."), None)
    assert all(s.title != "Whether Report" for s in index.rank("whether"))
    assert Answerer(index).answer("whether").chatter
