"""The listing model: requests for the list of topics in everyday words, with and without a subject."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from bot.core.engine import Answerer, TopicIndex
from bot.core.engine.features import LIST_FEATURES, list_features, list_subject
from bot.core.engine.reading import read
from bot.core.record_format import parse_record

RECORDS = Path(__file__).resolve().parents[1] / "data" / "records"


@lru_cache(maxsize=1)
def _answerer() -> Answerer:
    topics = [parse_record(p.read_text(encoding="utf-8")) for p in sorted(RECORDS.glob("*.txt"))]
    return Answerer(TopicIndex((t, None) for t in topics))


@pytest.mark.parametrize("question", [
    "which subjects do you follow",
    "what do you keep tabs on",
    "name everything you track",
    "what have you got",
    "which entries do you have",
])
def test_a_request_for_the_catalogue_lists_every_topic(question: str) -> None:
    answer = _answerer().answer(question)
    assert answer.intent == "list"
    assert len(answer.candidates) == len(list(RECORDS.glob("*.txt")))


def test_a_request_naming_a_subject_lists_the_topics_on_it() -> None:
    answer = _answerer().answer("do you have anything on crypto")
    assert answer.intent == "list" and answer.list_filter == "crypto"
    assert set(answer.candidates) == {"Bitcoin", "Stablecoins"}


@pytest.mark.parametrize(("question", "title"), [
    ("what do you know about waymo", "Waymo"),
    ("give me the starlink sources", "Starlink"),
])
def test_a_question_about_one_topic_is_not_a_list(question: str, title: str) -> None:
    answer = _answerer().answer(question)
    assert answer.intent != "list"
    assert answer.topic is not None and answer.topic.title == title


@pytest.mark.parametrize("chat", [
    "what are you up to tonight",
    pytest.param("what subjects did you take in school", marks=pytest.mark.xfail(
        strict=True, reason="known miss: a collection word, 'you' and one word left read as a catalogue request")),
])
def test_chat_about_the_listener_is_not_a_list(chat: str) -> None:
    assert _answerer().answer(chat).intent != "list"


def test_the_subject_is_what_is_left_beside_asking_for_a_list() -> None:
    assert list_subject(read("which robots stuff do u have")) == ["robots"]
    assert list_subject(read("what do you track")) == []


def test_there_is_one_feature_per_name() -> None:
    assert len(list_features(read("list the topics"), None)) == len(LIST_FEATURES)
