"""Pure moderator edits: each returns a new topic with one change, or a clear error and no change."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

import pytest

from bot.core import editing
from bot.core.errors import EditError, FieldTooLongError
from bot.core.model import LIMITS, Attribute, TimelineEvent, Topic, WebResult
from bot.core.record_format import format_record, parse_record

MakeTopic = Callable[..., Topic]


def reads_back(topic: Topic) -> bool:
    """The record text of ``topic`` reads back as ``topic`` (aliases are not part of the record text)."""
    return dataclasses.replace(parse_record(format_record(topic)), aliases=topic.aliases) == topic


def test_set_summary_returns_a_new_topic_and_leaves_the_old_one(make_topic: MakeTopic) -> None:
    topic = make_topic()
    edited = editing.set_summary(topic, "  A new summary.  ")
    assert edited.summary == "A new summary."
    assert topic.summary != edited.summary
    assert edited.attributes == topic.attributes
    assert reads_back(edited)


def test_set_title_recomputes_derived_aliases(make_topic: MakeTopic) -> None:
    topic = make_topic("Fusion Power", description="Plain words only.", summary="Nothing in brackets.")
    edited = editing.set_description(topic, "Small modular reactors (SMRs) are compact.")
    assert "SMRs" in edited.derived_aliases
    renamed = editing.set_title(edited, "Compact Reactors")
    assert renamed.title == "Compact Reactors"
    assert "SMRs" in renamed.derived_aliases


@pytest.mark.parametrize("setter", [editing.set_title, editing.set_description, editing.set_summary])
def test_empty_scalar_field_is_refused(make_topic: MakeTopic, setter: Callable[[Topic, str], Topic]) -> None:
    with pytest.raises(EditError, match="cannot be empty"):
        setter(make_topic(), "   ")


def test_title_with_a_line_break_is_refused(make_topic: MakeTopic) -> None:
    with pytest.raises(EditError, match="one line"):
        editing.set_title(make_topic(), "Two\nLines")


@pytest.mark.parametrize(
    ("field", "edit"),
    [
        ("title", lambda t, s: editing.set_title(t, s)),
        ("summary", lambda t, s: editing.set_summary(t, s)),
        ("attribute_value", lambda t, s: editing.set_attribute(t, "Status", s)),
        ("event_text", lambda t, s: editing.add_event(t, s, date(2025, 1, 1))),
        ("alias", lambda t, s: editing.add_alias(t, s)),
        ("result_snippet", lambda t, s: editing.add_web_result(t, "A page", s)),
    ],
)
def test_over_long_values_raise_field_too_long_with_the_shared_limit(
    make_topic: MakeTopic, field: str, edit: Callable[[Topic, str], Topic]
) -> None:
    limit = LIMITS[field]
    with pytest.raises(FieldTooLongError) as caught:
        edit(make_topic(), "x" * (limit + 1))
    assert caught.value.field == field
    assert caught.value.limit == limit


def test_set_attribute_changes_in_place_case_insensitively(make_topic: MakeTopic) -> None:
    topic = make_topic()
    edited = editing.set_attribute(topic, "status", "Operational")
    assert [a.name for a in edited.attributes] == ["status", "Lead Lab"]
    assert edited.attribute("Status") == Attribute("status", "Operational")


def test_set_attribute_adds_a_new_one_at_the_end(make_topic: MakeTopic) -> None:
    edited = editing.set_attribute(make_topic(), "Budget", "12 million")
    assert edited.attributes[-1] == Attribute("Budget", "12 million")
    assert len(edited.attributes) == 3
    assert reads_back(edited)


def test_remove_attribute(make_topic: MakeTopic) -> None:
    edited = editing.remove_attribute(make_topic(), "LEAD LAB")
    assert [a.name for a in edited.attributes] == ["Status"]


def test_removing_a_missing_attribute_names_the_ones_there(make_topic: MakeTopic) -> None:
    with pytest.raises(EditError, match=r"no attribute called 'Budget' \(it has: Status, Lead Lab\)"):
        editing.remove_attribute(make_topic(), "Budget")


def test_add_event_keeps_the_timeline_in_date_order(make_topic: MakeTopic) -> None:
    topic = make_topic()  # events dated 2024-01-15 and 2024-07-01
    edited = editing.add_event(topic, "Spring milestone.", date(2024, 3, 1), "Press release")
    assert [e.date for e in edited.timeline] == [date(2024, 1, 15), date(2024, 3, 1), date(2024, 7, 1)]
    assert edited.timeline[1] == TimelineEvent("Spring milestone.", date(2024, 3, 1), "Press release")
    later = editing.add_event(edited, "Latest news.", date(2026, 1, 1))
    assert later.timeline[-1].source is None
    assert reads_back(later)


def test_event_source_with_parentheses_is_refused(make_topic: MakeTopic) -> None:
    with pytest.raises(EditError, match="parentheses"):
        editing.add_event(make_topic(), "Something.", date(2025, 1, 1), "A (nested) source")


def test_event_text_that_the_format_would_misread_is_refused(make_topic: MakeTopic) -> None:
    # Without a source, text ending in "(Source: ...)" would read back as an event with a source.
    with pytest.raises(EditError, match="record format"):
        editing.add_event(make_topic(), "Looks sourced (Source: Nowhere)", date(2025, 1, 1))


def test_remove_event_by_its_number(make_topic: MakeTopic) -> None:
    topic = make_topic()
    numbered = editing.numbered_events(topic)
    assert [n for n, _ in numbered] == [1, 2]
    edited = editing.remove_event(topic, 1)
    assert edited.timeline == topic.timeline[1:]


@pytest.mark.parametrize("number", [0, 3, -1])
def test_removing_an_event_that_is_not_there_says_which_numbers_exist(make_topic: MakeTopic, number: int) -> None:
    with pytest.raises(EditError, match=rf"no timeline event number {number} \(it has 1 to 2\)"):
        editing.remove_event(make_topic(), number)


def test_add_and_remove_web_result(make_topic: MakeTopic) -> None:
    topic = make_topic()
    edited = editing.add_web_result(topic, "Lab blog", "Notes from the lab.", "https://example.net/blog")
    assert edited.web_results[-1] == WebResult("Lab blog", "Notes from the lab.", "https://example.net/blog")
    assert "https://example.net/blog" in edited.links
    assert reads_back(edited)
    assert editing.remove_web_result(edited, 3) == topic


def test_web_result_url_must_be_a_link(make_topic: MakeTopic) -> None:
    with pytest.raises(EditError, match="http"):
        editing.add_web_result(make_topic(), "Lab blog", "Notes.", "example.net/blog")


def test_removing_a_missing_web_result(make_topic: MakeTopic) -> None:
    with pytest.raises(EditError, match="no web result number 5"):
        editing.remove_web_result(make_topic(), 5)


def test_aliases_are_added_and_removed_case_insensitively(make_topic: MakeTopic) -> None:
    topic = make_topic()
    edited = editing.add_alias(topic, "Fusion")
    assert edited.aliases == ("Fusion",)
    assert "Fusion" in edited.all_aliases
    with pytest.raises(EditError, match="already has the alias"):
        editing.add_alias(edited, "fusion")
    assert editing.remove_alias(edited, "FUSION").aliases == ()


def test_a_derived_alias_cannot_be_removed_by_hand(make_topic: MakeTopic) -> None:
    topic = make_topic()  # the description says "(TT)"
    assert "TT" in topic.derived_aliases
    with pytest.raises(EditError, match="comes from the text"):
        editing.remove_alias(topic, "TT")


def test_removing_an_unknown_alias(make_topic: MakeTopic) -> None:
    with pytest.raises(EditError, match="no moderator alias 'Nope'"):
        editing.remove_alias(make_topic(), "Nope")


def test_edits_chain_into_a_topic_that_round_trips(make_topic: MakeTopic) -> None:
    topic = make_topic()
    for edit in (
        lambda t: editing.set_summary(t, "Summary, second draft."),
        lambda t: editing.set_attribute(t, "Budget", "Unknown"),
        lambda t: editing.remove_event(t, 2),
        lambda t: editing.add_event(t, "Pilot plant approved.", date(2025, 2, 2), "Ministry"),
        lambda t: editing.remove_web_result(t, 1),
        lambda t: editing.add_alias(t, "FP"),
    ):
        topic = edit(topic)
    assert editing.checked(topic) is topic
    assert reads_back(topic)


def test_new_topic_from_the_add_form() -> None:
    from datetime import UTC, datetime

    topic = editing.new_topic(" Tidal Power ", "Electricity from tides (TP).", "Turbines in estuaries.",
                              datetime(2026, 2, 3, 4, 5, 6, 789, tzinfo=UTC))
    assert topic.title == "Tidal Power"
    assert topic.first_mentioned == topic.last_updated == datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert topic.derived_aliases == ("TP",)
    assert reads_back(topic)
    with pytest.raises(EditError, match="timezone-aware"):
        editing.new_topic("Tidal Power", "d", "s", datetime(2026, 2, 3))  # noqa: DTZ001 - the point of the test
    with pytest.raises(EditError, match="cannot be empty"):
        editing.new_topic("Tidal Power", "", "s", datetime(2026, 2, 3, tzinfo=UTC))


# --- set_fields: the whole-topic form -------------------------------------------------------------


def _fields_of(topic: Topic) -> editing.TopicFields:
    return editing.TopicFields(
        topic.title, topic.description, topic.summary,
        tuple((a.name, a.value) for a in topic.attributes),
        tuple((e.date, e.text, e.source) for e in topic.timeline),
        tuple((s.heading, s.paragraph) for s in topic.background),
        tuple((r.title, r.snippet, r.url) for r in topic.web_results),
        topic.aliases,
    )


def test_set_fields_with_the_topics_own_fields_changes_nothing() -> None:
    from tests.conftest import build_topic

    topic = build_topic(aliases=("Star Jar",))
    assert editing.set_fields(topic, _fields_of(topic)) == topic


def test_set_fields_replaces_every_part_in_the_order_given() -> None:
    from tests.conftest import build_topic

    topic = build_topic()
    fields = dataclasses.replace(
        _fields_of(topic), title=" Fusion Energy ", attributes=(("Budget", "Large"), ("Status", "On")),
        timeline=((date(2030, 1, 1), "Later first", None), (date(2020, 1, 1), "Earlier second", "Src")),
        web_results=(), aliases=("FE",))
    changed = editing.set_fields(topic, fields)
    assert changed.title == "Fusion Energy"
    assert [a.name for a in changed.attributes] == ["Budget", "Status"]
    assert [e.text for e in changed.timeline] == ["Later first", "Earlier second"]
    assert changed.web_results == () and changed.aliases == ("FE",)
    assert changed.first_mentioned == topic.first_mentioned


@pytest.mark.parametrize(("change", "message"), [
    ({"attributes": (("A", "1"), ("a", "2"))}, "Attribute 2: there is already an attribute called 'a'"),
    ({"attributes": (("A", ""),)}, "Attribute 1: the attribute value cannot be empty"),
    ({"timeline": ((date(2020, 1, 1), "x", "a (b)"),)}, "Timeline event 1: an event source cannot contain"),
    ({"web_results": (("t", "s", "ftp://x"),)}, "Web result 1: a web result URL must start with"),
    ({"background": (("Two\nlines", "p"),)}, "Background section 1: the heading must be one line"),
    ({"aliases": ("X", "x")}, "already has the alias 'x'"),
    ({"title": "  "}, "the title cannot be empty"),
    ({"attributes": (("A", "v" * (LIMITS["attribute_value"] + 1)),)}, "Attribute 1: "),
])
def test_set_fields_refuses_what_the_single_edits_refuse(change: dict[str, object], message: str) -> None:
    from tests.conftest import build_topic

    topic = build_topic()
    with pytest.raises(EditError, match=message.replace("(", r"\(")):
        editing.set_fields(topic, dataclasses.replace(_fields_of(topic), **change))  # type: ignore[arg-type]
