"""Related topics ("see also") on the project's own records, through the one answer path."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.answers import Intent
from bot.core.engine import TopicIndex
from bot.core.engine.answering import Answerer, answer_to_json
from bot.core.model import Topic
from bot.core.record_format import parse_record

RECORDS = Path(__file__).resolve().parents[1] / "data" / "records"
GUILD = 42



def _related(answerer: Answerer, title: str, intent: Intent, guild_id: int | None = None) -> tuple[str, ...]:
    """The "see also" titles a front end shows with an answer about ``title``."""
    return answerer.with_related(answerer.answer_topic(title, intent, guild_id=guild_id), guild_id).related

def records() -> list[Topic]:
    return [parse_record(p.read_text(encoding="utf-8")) for p in sorted(RECORDS.glob("*.txt"))]


@pytest.fixture
def answerer() -> Answerer:
    return Answerer(TopicIndex((t, None) for t in records()))


@pytest.mark.parametrize(("title", "expected"), [
    ("Waymo", {"Robotaxis", "Tesla Robotaxi"}),
    ("Robotaxis", {"Waymo", "Tesla Robotaxi"}),
    ("Starship", {"Starlink"}),
    ("Bitcoin", {"Stablecoins"}),
    ("Nuclear Fusion", {"Small Modular Reactors"}),
    ("Anthropic", {"OpenAI"}),
])
def test_a_topic_offers_the_topics_that_share_its_names_and_subject(answerer: Answerer, title: str,
                                                                    expected: set[str]) -> None:
    related = _related(answerer, title, "summary")
    assert set(related) == expected


def test_a_topic_sharing_only_everyday_words_with_others_offers_none(answerer: Answerer) -> None:
    assert _related(answerer, "GLP-1 Drugs", "summary") == ()


def test_at_most_three_and_never_the_topic_itself(answerer: Answerer) -> None:
    for topic in records():
        related = _related(answerer, topic.title, "summary")
        assert len(related) <= 3
        assert topic.title not in related


def test_free_text_answers_about_a_topic_carry_related_and_misses_do_not(answerer: Answerer) -> None:
    answer = answerer.with_related(answerer.answer("who runs waymo"))
    assert answer.topic is not None and answer.topic.title == "Waymo"
    assert "Robotaxis" in answer.related
    assert answer_to_json(answer, "")["related"] == list(answer.related)
    assert answerer.with_related(answerer.answer("good morning")).related == ()
    assert answerer.answer("who runs waymo").related == ()  # answer() alone never pays for them


def test_a_lone_topic_has_none() -> None:
    waymo = next(t for t in records() if t.title == "Waymo")
    assert Answerer(TopicIndex([(waymo, None)])).answer_topic("Waymo", "summary").related == ()


def test_hidden_topics_are_never_offered(answerer: Answerer) -> None:
    assert "Robotaxis" in _related(answerer, "Waymo", "summary", guild_id=GUILD)
    answerer.index.hide(GUILD, "Robotaxis")
    assert "Robotaxis" not in _related(answerer, "Waymo", "summary", guild_id=GUILD)
    assert "Robotaxis" in _related(answerer, "Waymo", "summary")  # other guilds still see it


def test_a_guilds_own_topic_is_offered_only_in_that_guild(answerer: Answerer) -> None:
    zoox = replace(next(t for t in records() if t.title == "Robotaxis"), title="Zoox Robotaxi", aliases=())
    answerer.index.upsert(zoox, GUILD)
    assert "Zoox Robotaxi" in _related(answerer, "Waymo", "summary", guild_id=GUILD)
    assert "Zoox Robotaxi" not in _related(answerer, "Waymo", "summary", guild_id=GUILD + 1)


def test_the_cache_is_invalidated_by_an_upsert(answerer: Answerer) -> None:
    assert _related(answerer, "GLP-1 Drugs", "summary") == ()
    glp1 = next(t for t in records() if t.title == "GLP-1 Drugs")
    rival = replace(glp1, title="Obesity Drugs", aliases=(), description=glp1.description)
    answerer.index.upsert(rival)
    assert _related(answerer, "GLP-1 Drugs", "summary") == ("Obesity Drugs",)
    answerer.index.remove("Obesity Drugs")
    assert _related(answerer, "GLP-1 Drugs", "summary") == ()


def test_meaning_merges_in_close_topics_above_the_floor() -> None:
    class Meaning:
        def search(self, text: str, k: int = 5, allowed: object = None) -> list[tuple[tuple[int | None, str], float]]:
            hits = [((None, "quantum computing"), 0.7), ((None, "nvidia"), 0.3), ((None, "glp-1 drugs"), 0.99)]
            return [(key, cos) for key, cos in hits if allowed is None or allowed(key)][:k]  # type: ignore[operator]

        def attribute_by_meaning(self, question: str, attribute_names: object, min_cosine: float = 0.0) -> None:
            return None

    answerer = Answerer(TopicIndex((t, None) for t in records()), Meaning())  # type: ignore[arg-type]
    assert _related(answerer, "GLP-1 Drugs", "summary") == ("Quantum Computing",)
    assert _related(answerer, "Bitcoin", "summary") == ("Stablecoins", "Quantum Computing", "GLP-1 Drugs")


@pytest.mark.skipif(any(importlib.util.find_spec(name) is None for name in ("numpy", "model2vec")),
                    reason="the semantic extra is not installed (pip install -e '.[semantic]')")
def test_with_the_bundled_model_meaning_adds_nothing_unrelated() -> None:
    from bot.core.semantic import SemanticIndex
    from bot.core.semantic.embedders import load_embedder

    topics = records()
    meaning = SemanticIndex(load_embedder())
    meaning.upsert_many((t, None) for t in topics)
    answerer = Answerer(TopicIndex((t, None) for t in topics), meaning)
    assert _related(answerer, "Bitcoin", "summary") == ("Stablecoins",)
    assert _related(answerer, "GLP-1 Drugs", "summary") == ()
    assert set(_related(answerer, "Waymo", "summary")) == {"Robotaxis", "Tesla Robotaxi"}
