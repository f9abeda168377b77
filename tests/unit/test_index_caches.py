"""What the index remembers between questions (the visible slots of each guild, the names a "did you
mean" search scores) is what it would work out afresh, whatever changed in between."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.engine import TopicIndex
from tests.unit.answer_fixtures import make_topic, sample_topics

_TITLES = ("Skyleaf", "Ocean Cleanup", "Lunar Gateway", "Vertical Farming", "Tidal Power", "Kelp Farms")
_OPERATIONS = st.lists(st.tuples(st.sampled_from(("upsert", "remove", "hide", "unhide")),
                                 st.sampled_from(_TITLES), st.sampled_from((None, 1, 2))), max_size=12)


@settings(max_examples=60, deadline=None)
@given(_OPERATIONS)
def test_a_remembered_visible_mask_is_the_one_computed_afresh(operations: list[tuple[str, str, int | None]]) -> None:
    index = TopicIndex((t, None) for t in sample_topics())
    for operation, title, guild in operations:
        for asked in (None, 1, 2):
            assert np.array_equal(index._visible_mask(asked), index._compute_visible_mask(asked))
            assert np.array_equal(index._hidden_mask(asked), ~index._compute_visible_mask(asked))
        if operation == "upsert":
            index.upsert(make_topic(title, f"About {title.lower()} and kelp."), guild)
        elif operation == "remove":
            index.remove(title, guild)
        elif guild is not None:
            (index.hide if operation == "hide" else index.unhide)(guild, title)
    for asked in (None, 1, 2):
        assert np.array_equal(index._visible_mask(asked), index._compute_visible_mask(asked))
        assert not index._visible_mask(asked).flags.writeable


def test_the_second_scorer_of_a_did_you_mean_reads_the_names_the_first_decoded() -> None:
    index = TopicIndex((t, None) for t in sample_topics())
    first = index.closest_titles("skyleef farms", limit=3)
    index.upsert(make_topic("Skyleaf Farms", "Farms of Skyleaf."), None)  # a change: names looked up afresh
    again = index.closest_titles("skyleef farms", limit=3)
    added = make_topic("Skyleaf Farms", "Farms of Skyleaf.")
    fresh = TopicIndex([*((t, None) for t in sample_topics()), (added, None)])
    assert again == fresh.closest_titles("skyleef farms", limit=3)
    assert first == TopicIndex((t, None) for t in sample_topics()).closest_titles("skyleef farms", limit=3)
