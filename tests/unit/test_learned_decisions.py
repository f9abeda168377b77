"""The learned decision step: its weights are what the trainer writes, its features fit its weights,
and it decides sensibly on the project's records (the default decision step)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks import train_decisions
from bot.core.engine import Answerer, TopicIndex, read
from bot.core.engine.attribute_cues import NO_CUES
from bot.core.engine.attributes import attribute_evidence, rest_shares
from bot.core.engine.decision_model import WEIGHTS, DecisionModel, DecisionModelError, shipped_model
from bot.core.engine.features import CANDIDATE_FEATURES, addressed_imperative, query_features
from bot.core.engine.learned_deciding import shipped_decider
from bot.core.engine.outcomes import Chatter, Listing, Miss, Pick
from bot.core.engine.ranking import rank
from bot.core.record_format import parse_record

RECORDS = Path(__file__).resolve().parents[1] / "data" / "records"


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    index = TopicIndex((parse_record(p.read_text(encoding="utf-8")), None) for p in sorted(RECORDS.glob("*.txt")))
    return Answerer(index, decider=shipped_decider())


#: The weights are written to six decimals; the static model's embeddings and numpy's sums differ in the
#: last bits from one CPU to another, which moves a few weights by one in the sixth decimal.
WEIGHT_TOLERANCE = 5e-6


# The trainer fits every model twice (about a minute alone on 2 cores); the suite's 120 s guard is for
# hangs, and a loaded machine took longer than that once.
@pytest.mark.timeout(600)
def test_the_shipped_weights_are_what_the_trainer_writes(tmp_path: Path) -> None:
    pytest.importorskip("model2vec")
    train_decisions.main(["--out", str(tmp_path), "--quiet"])
    for name in ("decisions.json", "decisions-lexical.json"):
        written = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        shipped = json.loads((WEIGHTS / name).read_text(encoding="utf-8"))
        assert _same_up_to_rounding(written, shipped), name


def _same_up_to_rounding(a: object, b: object) -> bool:
    """``a`` and ``b`` are the same JSON, numbers equal within ``WEIGHT_TOLERANCE``."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_up_to_rounding(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_up_to_rounding(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return abs(a - b) <= WEIGHT_TOLERANCE
    return a == b


def test_weights_that_differ_beyond_rounding_are_told_apart() -> None:
    assert _same_up_to_rounding({"w": [0.123456, 1]}, {"w": [0.123457, 1]})
    assert not _same_up_to_rounding({"w": [0.12345, 1]}, {"w": [0.12355, 1]})
    assert not _same_up_to_rounding({"w": [0.1]}, {"w": [0.1, 0.2]})
    assert not _same_up_to_rounding({"cues": {"runs": 1}}, {"cues": {"run": 1}})


def test_weights_for_other_features_are_refused() -> None:
    text = (WEIGHTS / "decisions-lexical.json").read_text(encoding="utf-8")
    with pytest.raises(DecisionModelError, match="retrain"):
        DecisionModel.from_json(text.replace('"cos_topic"', '"cos_title"'))


def test_every_feature_row_has_one_value_per_named_feature(answerer: Answerer) -> None:
    query = read("who runs waymo")
    rows = answerer.decider.candidate_rows_of(rank(answerer.index, query, None), None)
    assert rows and all(len(row) == len(CANDIDATE_FEATURES) for row in rows)
    assert len(query_features(query)) == len(CANDIDATE_FEATURES[1:13])


def test_the_thresholds_are_probabilities() -> None:
    for meaning in (True, False):
        limits = shipped_model(meaning).thresholds
        assert 0.0 < limits.answer < 1.0 and 0.0 <= limits.choice <= 1.0 and 0.0 <= limits.attribute < 1.0
        assert 0.0 < limits.member < 1.0


@pytest.mark.parametrize(("question", "topic", "intent", "attribute"), [
    ("who runs waymo", "Waymo", "attribute", "CEO"),
    ("starlink sources", "Starlink", "sources", None),
    ("what happened with starship in 2024", "Starship", "timeline", None),
    ("tell me about bitcoin", "Bitcoin", "summary", None),
])
def test_plain_questions_are_picked_with_what_they_ask(
        answerer: Answerer, question: str, topic: str, intent: str, attribute: str | None) -> None:
    outcome = answerer.outcome(read(question))
    assert isinstance(outcome, Pick)
    assert (outcome.topic.title, outcome.intent) == (topic, intent)
    assert (outcome.attribute.name if outcome.attribute else None) == attribute


@pytest.mark.parametrize("chat", ["good morning everyone", "anyone up for ranked tonight",
                                  "my cat is asleep on my keyboard"])
def test_chat_is_not_answered(answerer: Answerer, chat: str) -> None:
    assert isinstance(answerer.outcome(read(chat)), Miss | Chatter)


def test_reading_still_decides_lists_and_empty_messages(answerer: Answerer) -> None:
    assert isinstance(answerer.outcome(read("which topics do you track")), Listing)
    assert isinstance(answerer.outcome(read("<@1> 👍")), Chatter)


def test_probabilities_order_the_candidates(answerer: Answerer) -> None:
    model = shipped_model(False)
    rows = np.array(answerer.decider.candidate_rows_of(
        rank(answerer.index, read("waymo driverless rides"), None), None))
    chances = model.topic.probabilities(rows)
    assert chances.shape == (len(rows),) and ((chances >= 0) & (chances <= 1)).all()


def test_a_word_that_says_what_the_topic_is_names_an_attribute_only_directly(answerer: Answerer) -> None:
    chips = answerer.index.get("CHIPS Act")
    assert chips is not None
    evidence = attribute_evidence(read("the 2022 chips law").words, chips, NO_CUES)
    law = {e.attribute.name: e for e in evidence}["Signed Into Law"]
    assert law.direct == 1.0 and law.specific == 0.0  # "law" says what the act is
    signed = {e.attribute.name: e for e in attribute_evidence(read("chips act signed").words, chips, NO_CUES)}
    assert signed["Signed Into Law"].specific == 1.0


def test_the_rest_of_a_question_is_told_apart_from_the_topic_s_names(answerer: Answerer) -> None:
    chips = answerer.index.get("CHIPS Act")
    assert chips is not None
    assert rest_shares(read("chips act").words, chips) == (1.0, 0.0, 0.0, 0.0, 0.0)
    none, describes, valued, timed, other = rest_shares(read("the chips act semiconductor law lol").words, chips)
    assert none == 0.0 and describes > 0.0 and timed == 0.0
    assert describes + valued + timed + other == pytest.approx(1.0)


def test_words_only_the_timeline_writes_are_told_apart_from_the_rest(answerer: Answerer) -> None:
    chips = answerer.index.get("CHIPS Act")
    assert chips is not None
    # "stake" is written only in an event (the government's stake in Intel), "unpaid" likewise;
    # "pizza" nowhere in the record.
    none, describes, valued, timed, other = rest_shares(read("chips act stake unpaid pizza").words, chips)
    assert (none, describes, valued) == (0.0, 0.0, 0.0)
    assert timed == pytest.approx(2 / 3) and other == pytest.approx(1 / 3)


def test_a_phrase_describing_a_topic_asks_for_its_summary(answerer: Answerer) -> None:
    outcome = answerer.answer("the 2022 chips law")
    assert outcome.topic is not None and outcome.topic.title == "CHIPS Act" and outcome.intent == "summary"


def test_a_word_several_records_share_offers_them(answerer: Answerer) -> None:
    outcome = answerer.answer("self-driving")
    assert outcome.is_disambiguation
    assert {"Waymo", "Tesla Robotaxi", "Robotaxis"} <= set(outcome.candidates)


@pytest.mark.parametrize(("message", "imperative"), [
    ("give me the rundown on waymo", True),
    ("please walk me through the chips act", True),
    ("catch me up on bitcoin", True),
    ("my brother gave me his old starlink dish", False),
    ("he sent me a link about bitcoin", False),
    ("what us law covers stablecoins", False),  # "us": the United States as often as the speakers
    ("i tried those shots, not for me", False),
    ("me", False),
])
def test_an_imperative_addressed_to_the_bot_is_told_from_a_remark(message: str, imperative: bool) -> None:
    assert addressed_imperative(read(message).words) is imperative


@pytest.mark.parametrize(("asked", "topic"), [
    ("give me the rundown on waymo", "Waymo"),
    ("catch me up on bitcoin", "Bitcoin"),
    ("fill me in on starlink please", "Starlink"),
])
def test_a_request_naming_a_topic_is_answered(answerer: Answerer, asked: str, topic: str) -> None:
    outcome = answerer.outcome(read(asked))
    assert isinstance(outcome, Pick)
    assert outcome.topic.title == topic


@pytest.mark.parametrize("remark", ["my brother gave me his old starlink dish",
                                    "he sent me a bitcoin meme lol"])
def test_a_remark_naming_a_topic_in_passing_is_not(answerer: Answerer, remark: str) -> None:
    assert isinstance(answerer.outcome(read(remark)), Miss | Chatter)
