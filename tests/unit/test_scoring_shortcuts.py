"""The ranker's scoring, with its work remembered per question and its shortcuts over a packed
document, scores every topic exactly as the plain computation does (``scoring_reference``): the same
``TopicScore``, every float to the last bit, against the packed document and the plain one alike."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.accuracy import load_index
from bot.core.engine import TopicIndex
from bot.core.engine.reading import read
from bot.core.engine.scoring import name_cover, name_hits_of, score_topic
from bot.core.engine.topic_documents import NameWords, TopicDocument, build_document
from bot.core.engine.topic_scores import full_names
from bot.core.model import Attribute, Topic
from tests.unit import scoring_reference as reference
from tests.unit.answer_fixtures import make_topic, sample_topics
from tests.unit.scoring_reference import reference_score

DATA = Path(__file__).resolve().parents[1] / "data"
QUESTION_FILES = ("questions.jsonl", "questions.fresh.jsonl", "questions.heldout.jsonl", "questions.blind.jsonl")
_SYLLABLES = ("ka", "lo", "mi", "ten", "ra", "vo", "sel", "du", "po", "ni", "zar", "ek")
#: Everyday words (some also acronyms of the corpus below: "NEAR", "LOVE") and prose words.
_EVERYDAY = ("near", "love", "movie", "apple", "day", "close", "work", "car", "vehicle", "law", "electric", "chips")
_PROSE = ("harbour", "lantern", "copper", "orchard", "glacier", "tunnel", "market", "signal", "meadow")


def _scores_alike(index: TopicIndex, question: str, documents: dict[int, TopicDocument]) -> None:
    """Every topic of ``index`` scored against ``question`` as the ranker does and as the reference does."""
    found = index.evidence(read(question))
    if found is None:
        return
    evidence, whole = found
    for key in index.topic_keys():
        slot = index._slot_of[key]
        packed = index.document_at(slot)
        plain = documents.setdefault(slot, build_document(index.topic_at(slot)))
        expected = reference_score(packed.title, plain, evidence, whole.get(slot, 0.0))
        assert reference_score(packed.title, packed, evidence, whole.get(slot, 0.0)) == expected, question
        assert score_topic(packed.title, packed, evidence, whole.get(slot, 0.0)) == expected, question
        assert score_topic(packed.title, plain, evidence, whole.get(slot, 0.0)) == expected, question


def _labelled_questions() -> list[str]:
    found: list[str] = []
    for name in QUESTION_FILES:
        found += [str(json.loads(line)["q"]) for line in (DATA / name).read_text(encoding="utf-8").splitlines()
                  if line.strip()]
    return found


@pytest.fixture(scope="module")
def records_index() -> TopicIndex:
    return load_index(DATA / "records")


def test_the_labelled_questions_score_every_record_as_the_plain_computation_does(records_index: TopicIndex) -> None:
    documents: dict[int, TopicDocument] = {}
    rng = random.Random(3)
    for i, question in enumerate(_labelled_questions()[::2]):  # as written, in capitals or shuffled, in turn
        words = question.split()
        asked = (question, question.upper(), " ".join(rng.sample(words, len(words))))[i % 3]
        _scores_alike(records_index, asked, documents)


def _corpus(seed: int) -> list[Topic]:
    """Invented topics that share name words, run words together, and name themselves with acronyms
    that spell everyday words."""
    rng = random.Random(seed)
    topics: dict[str, Topic] = {t.title.casefold(): t for t in sample_topics()}
    for _ in range(25):
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
        title = rng.choice((word.capitalize(), f"{word.capitalize()} {rng.choice(_EVERYDAY).capitalize()}",
                            rng.choice(_EVERYDAY).upper(), f"{word.capitalize()} {rng.choice(_SYLLABLES)}"))
        prose = " ".join(rng.choice(_PROSE + _EVERYDAY) for _ in range(8))
        aliases = (word.upper()[:4],) if rng.random() < 0.3 else ()
        topics[title.casefold()] = make_topic(
            title, f"{title} is a {rng.choice(_PROSE)} about {prose}. {rng.choice(_EVERYDAY).capitalize()} matters.",
            f"It covers {prose}.", attributes=(Attribute(rng.choice(_PROSE).capitalize(), prose),), aliases=aliases)
    return list(topics.values())


def _question(rng: random.Random, topics: list[Topic]) -> str:
    """Words of a name, run together, misspelt or in capitals, among everyday and prose words."""
    words = rng.choice(topics).title.split()[: rng.randint(1, 3)]
    if len(words) >= 2 and rng.random() < 0.3:
        words = ["".join(words)]
    words += [rng.choice(_PROSE + _EVERYDAY) for _ in range(rng.randint(0, 3))]
    rng.shuffle(words)
    words = [w[:-1] + w[-1] * 2 if rng.random() < 0.15 and len(w) > 3 else w for w in words]
    return " ".join(w.upper() if rng.random() < 0.2 else w.lower() for w in words)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000))
def test_invented_questions_score_every_topic_as_the_plain_computation_does(seed: int) -> None:
    topics = _corpus(seed)
    index = TopicIndex((t, None) for t in topics)
    documents: dict[int, TopicDocument] = {}
    rng = random.Random(seed)
    for _ in range(15):
        _scores_alike(index, _question(rng, topics), documents)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(("Near", "NEAR", "Love", "Tesla", "Coil", "DOGE", "Glp", "1", "Cars")),
                         min_size=1, max_size=4), min_size=1, max_size=3),
       st.lists(st.sampled_from(("near", "love", "tesla", "coil", "teslas", "doge", "dog", "glp1", "car", "NEAR")),
                min_size=1, max_size=4))
def test_name_hits_and_cover_remembered_per_question_are_the_plain_computation(
        names: list[list[str]], asked: list[str]) -> None:
    index = TopicIndex([(make_topic("Tesla Coil", "A coil."), None), (make_topic("Doge", "A dog."), None)])
    found = index.evidence(read(" ".join(asked)))
    if found is None:
        return
    evidence, _ = found
    name_words = tuple(NameWords.of(" ".join(name), is_title=i == 0) for i, name in enumerate(names))
    for _ in range(2):  # the second time from what the first remembered
        hits = name_hits_of(name_words, evidence)
        assert hits == reference.name_hits_of(name_words, evidence)
        assert name_cover(name_words, hits, evidence) == reference.name_cover(name_words, hits, evidence)
        assert full_names(name_words, hits) == reference.full_names(name_words, hits)
