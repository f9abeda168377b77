"""The "see also" lists kept with the index: computed when topics change, read without ranking,
dropped only where a change reaches, and saved with the snapshot (issue 22)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.engine import StoreMark, TopicIndex, load_snapshot, save_snapshot
from bot.core.engine.answering import Answerer
from bot.core.engine.related import RelatedTopics
from bot.core.engine.related_lists import MAX_PENDING, RelatedLists
from bot.core.model import Topic
from bot.core.record_format import parse_record

DATA = Path(__file__).resolve().parents[1] / "data"
RECORDS = DATA / "records"
PINNED = DATA / "related_topics.json"


def records() -> list[Topic]:
    return [parse_record(p.read_text(encoding="utf-8")) for p in sorted(RECORDS.glob("*.txt"))]


class CountingIndex(TopicIndex):
    """A ``TopicIndex`` that counts the rankings asked of it."""

    rankings = 0

    def rank(self, *args: object, **kwargs: object) -> list:  # type: ignore[override, type-arg]
        type(self).rankings += 1
        return super().rank(*args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def index() -> CountingIndex:
    CountingIndex.rankings = 0
    return CountingIndex((t, None) for t in records())


def _warm_all(related: RelatedTopics) -> int:
    total = 0
    while (done := related.warm(5)) > 0:
        total += done
    return total


def test_the_lists_are_the_pinned_ones(index: CountingIndex) -> None:
    """The lists on the project's records are pinned (``tests/data/related_topics.json``): computing
    them ahead changes none of them."""
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    related = RelatedTopics(index)
    assert _warm_all(related) == len(records())
    assert {t.title: list(related.of(t)) for t in records()} == pinned


def test_a_reply_reads_a_computed_list_without_ranking(index: CountingIndex) -> None:
    related = RelatedTopics(index)
    _warm_all(related)
    before = CountingIndex.rankings
    for topic in records():
        related.of(topic)
    assert CountingIndex.rankings == before
    assert related.warm(5) == 0


def test_warming_ranks_each_definition_once(index: CountingIndex) -> None:
    _warm_all(RelatedTopics(index))
    assert CountingIndex.rankings == len(records())


def test_adding_one_topic_drops_only_the_lists_it_reaches(index: CountingIndex) -> None:
    related = RelatedTopics(index)
    _warm_all(related)
    glp1 = next(t for t in records() if t.title == "GLP-1 Drugs")
    assert related.of(glp1) == ()
    index.upsert(replace(glp1, title="Obesity Drugs", aliases=()))
    assert related.of(glp1) == ("Obesity Drugs",)
    kept = [t for t in records() if index.related_lists.get((None, t.title.casefold())) is not None]
    assert len(kept) >= len(records()) - 3  # the new topic's neighbours only, not every list
    before = CountingIndex.rankings
    assert related.of(next(t for t in records() if t.title == "Bitcoin")) == ("Stablecoins",)
    assert CountingIndex.rankings == before  # an unrelated topic's list was kept


def test_a_removed_topic_leaves_every_list_that_named_it(index: CountingIndex) -> None:
    related = RelatedTopics(index)
    _warm_all(related)
    waymo = next(t for t in records() if t.title == "Waymo")
    assert "Robotaxis" in related.of(waymo)
    index.remove("Robotaxis")
    assert index.related_lists.get((None, "waymo")) is None
    assert "Robotaxis" not in related.of(waymo)


def test_the_lists_are_saved_with_the_snapshot(index: CountingIndex, tmp_path: Path) -> None:
    related = RelatedTopics(index)
    _warm_all(related)
    path = tmp_path / "index.snapshot"
    save_snapshot(path, index, StoreMark("store", 1, "now"))
    found = load_snapshot(path, "store", index.params)
    assert found is not None
    loaded = RelatedTopics(found.index)
    assert loaded.warm(5) == 0  # nothing left to compute
    assert [loaded.of(t) for t in records()] == [related.of(t) for t in records()]


def test_a_guild_with_its_own_topics_gets_its_own_lists(index: CountingIndex) -> None:
    answerer = Answerer(index)
    _warm_all(answerer.related)
    robotaxis = next(t for t in records() if t.title == "Robotaxis")
    index.upsert(replace(robotaxis, title="Zoox Robotaxi", aliases=()), 7)
    waymo = next(t for t in records() if t.title == "Waymo")
    assert "Zoox Robotaxi" in answerer.related.of(waymo, 7)
    assert "Zoox Robotaxi" not in answerer.related.of(waymo, 8)
    assert "Zoox Robotaxi" not in answerer.related.of(waymo)


def test_a_bulk_change_drops_everything_instead_of_settling_each_change() -> None:
    lists = RelatedLists()
    lists.put((None, "a"), ("B",))
    for n in range(MAX_PENDING + 1):
        lists.changed((None, f"new {n}"))
    assert len(lists) == 0
    assert lists.pending() == []  # nothing left to settle: every list is computed afresh
    lists.changed((None, "b"))
    assert lists.pending() == [(None, "b")]


def test_dropping_a_list_forgets_what_it_named() -> None:
    lists = RelatedLists()
    lists.put((None, "a"), ("B", "C"))
    lists.put((None, "d"), ("B",))
    lists.changed((None, "b"))
    assert lists.get((None, "a")) is None and lists.get((None, "d")) is None
    lists.put((None, "a"), ("C",))
    lists.changed((None, "b"))
    assert lists.get((None, "a")) == ("C",)


def test_is_visible_agrees_with_get_without_unpacking(index: CountingIndex) -> None:
    """A reply filters its list by what the guild sees without unpacking each listed topic."""
    robotaxis = next(t for t in records() if t.title == "Robotaxis")
    index.upsert(replace(robotaxis, title="Zoox Robotaxi", aliases=()), 7)
    index.hide(7, "Waymo")
    titles = [*(t.title for t in records()), "Zoox Robotaxi", "No Such Topic"]
    for guild_id in (None, 7, 8):
        for title in titles:
            assert index.is_visible(title, guild_id) == (index.get(title, guild_id) is not None), (title, guild_id)
