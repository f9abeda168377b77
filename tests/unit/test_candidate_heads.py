"""What the decision step reads of its candidates without unpacking them (``TopicHead``) is what it
would read of the topics themselves."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.engine import TopicIndex
from bot.core.engine.attributes import asks_attribute, attribute_evidence
from bot.core.engine.decision_model import shipped_model
from bot.core.engine.ranking import TopicHead
from bot.core.model import Attribute
from tests.unit.answer_fixtures import make_topic, sample_topics
from tests.unit.test_matching_engine import _through_a_snapshot

_WORDS = ("who", "runs", "ceo", "ceos", "founded", "founder", "when", "crops", "main", "energy", "use", "leads",
          "plastic", "removed", "launch", "skyleaf", "vertical", "farming", "cost", "headquarters", "hq", "the")

CUES = shipped_model(False).cues


def test_each_slot_keeps_the_head_of_its_topic_through_edits_and_a_snapshot() -> None:
    topics = sample_topics()
    index = TopicIndex((t, None) for t in topics)
    edited = make_topic(topics[0].title, "Edited.", attributes=(Attribute("Owner", "Someone."),), aliases=("VF",))
    index.upsert(edited, None)
    for loaded in (index, _through_a_snapshot(index)):
        for key in loaded.topic_keys():
            slot = loaded._slot_of[key]
            assert loaded.head_at(slot) == TopicHead.of(loaded.topic_at(slot))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=6), st.integers(0, len(sample_topics()) - 1))
def test_asks_attribute_from_the_head_is_the_most_the_names_evidence_says(words: list[str], which: int) -> None:
    topic = sample_topics()[which]
    head = TopicHead.of(topic)
    plain = max((e.direct + e.cue for e in attribute_evidence(words, topic, CUES, values=False)), default=0.0)
    assert asks_attribute(words, head.title, head.aliases, head.attribute_names, CUES) == plain
