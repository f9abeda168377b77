"""Per-field topic diffs and their text for replies and the mod log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from bot.core import editing
from bot.core.model import Attribute, BackgroundSection, TimelineEvent, Topic, WebResult
from bot.core.topic_diff import AttributeChange, FieldChange, diff_topics, format_diff

MakeTopic = Callable[..., Topic]


def test_identical_topics_have_an_empty_diff(make_topic: MakeTopic) -> None:
    diff = diff_topics(make_topic(), make_topic())
    assert diff.is_empty
    assert diff.changed_parts == ()
    assert format_diff(diff) == "**Fusion Power**\nNo changes."


def test_scalar_fields_show_before_and_after(make_topic: MakeTopic) -> None:
    before = make_topic()
    after = editing.set_summary(editing.set_title(before, "Fusion Energy"), "Rewritten summary.")
    diff = diff_topics(before, after)
    assert diff.fields == (
        FieldChange("title", "Title", "Fusion Power", "Fusion Energy"),
        FieldChange("summary", "Summary", before.summary, "Rewritten summary."),
    )
    assert diff.before_title == "Fusion Power"
    assert diff.after_title == "Fusion Energy"
    text = format_diff(diff)
    assert "~ Title: \u201cFusion Power\u201d \u2192 \u201cFusion Energy\u201d" in text
    assert "\u2192 \u201cRewritten summary.\u201d" in text


def test_timestamps_are_shown_in_the_record_form(make_topic: MakeTopic) -> None:
    before = make_topic()
    after = replace(before, last_updated=before.last_updated.replace(hour=16))
    [change] = diff_topics(before, after).fields
    assert change.field == "last_updated"
    assert (change.before, change.after) == ("6/2/2025, 2:00:00 PM", "6/2/2025, 4:00:00 PM")


def test_attributes_added_removed_and_changed_by_name(make_topic: MakeTopic) -> None:
    before = make_topic()  # Status, Lead Lab
    after = editing.set_attribute(editing.remove_attribute(before, "Lead Lab"), "Status", "Operational")
    after = editing.set_attribute(after, "Budget", "Unknown")
    diff = diff_topics(before, after)
    assert diff.attributes_added == (Attribute("Budget", "Unknown"),)
    assert diff.attributes_removed == (Attribute("Lead Lab", "Test Lab One"),)
    assert diff.attributes_changed == (AttributeChange("Status", "Experimental", "Operational"),)
    assert diff.changed_parts == ("attributes",)
    lines = format_diff(diff).splitlines()
    assert lines[1:] == [
        "Attributes:",
        "+ Budget: Unknown",
        "~ Status: \u201cExperimental\u201d \u2192 \u201cOperational\u201d",
        "- Lead Lab: Test Lab One",
    ]


def test_timeline_events_added_and_removed(make_topic: MakeTopic) -> None:
    before = make_topic()
    after = editing.add_event(editing.remove_event(before, 2), "Plant approved.", date(2025, 2, 2), "Ministry")
    diff = diff_topics(before, after)
    assert diff.events_added == (TimelineEvent("Plant approved.", date(2025, 2, 2), "Ministry"),)
    assert diff.events_removed == (before.timeline[1],)
    text = format_diff(diff)
    assert "+ 2025-02-02: Plant approved. (source: Ministry)" in text
    assert "- 2024-07-01: A follow-up without a named source." in text


def test_reordering_alone_adds_and_removes_nothing(make_topic: MakeTopic) -> None:
    before = make_topic()
    after = replace(before, timeline=tuple(reversed(before.timeline)), web_results=tuple(reversed(before.web_results)))
    diff = diff_topics(before, after)
    assert diff.events_added == diff.events_removed == ()
    assert diff.web_results_added == diff.web_results_removed == ()


def test_repeated_items_are_counted(make_topic: MakeTopic) -> None:
    event = TimelineEvent("Same thing twice.", date(2024, 1, 1))
    before = make_topic(timeline=(event,))
    after = make_topic(timeline=(event, event))
    assert diff_topics(before, after).events_added == (event,)
    assert diff_topics(after, before).events_removed == (event,)


def test_background_web_results_and_aliases(make_topic: MakeTopic) -> None:
    before = make_topic(aliases=("FP",))
    after = replace(
        before,
        background=(BackgroundSection("New context", "Another paragraph."),),
        web_results=(*before.web_results[1:], WebResult("Lab blog", "Notes.", "https://example.net/blog")),
        aliases=("Fusion",),
    )
    diff = diff_topics(before, after)
    assert diff.background_added == (BackgroundSection("New context", "Another paragraph."),)
    assert diff.background_removed == before.background
    assert diff.web_results_added == (WebResult("Lab blog", "Notes.", "https://example.net/blog"),)
    assert diff.web_results_removed == before.web_results[:1]
    assert (diff.aliases_added, diff.aliases_removed) == (("Fusion",), ("FP",))
    assert diff.changed_parts == ("background", "web_results", "aliases")
    text = format_diff(diff)
    assert "+ Lab blog <https://example.net/blog>" in text
    assert "Aliases:\n+ Fusion\n- FP" in text


def test_a_new_topic_and_a_removed_one(make_topic: MakeTopic) -> None:
    topic = make_topic()
    added = diff_topics(None, topic)
    assert added.before_title is None
    assert added.after_title == "Fusion Power"
    assert added.attributes_added == topic.attributes
    assert added.events_added == topic.timeline
    assert format_diff(added).splitlines() == [
        "**Fusion Power** (new topic)", "Attributes: 2", "Timeline: 2", "Background: 1", "Web results: 2"
    ]
    removed = diff_topics(topic, None)
    assert removed.attributes_removed == topic.attributes
    assert format_diff(removed).splitlines()[0] == "**Fusion Power** (removed)"


@pytest.mark.parametrize("limit", [60, 200, 500])
def test_format_diff_stays_within_the_limit_and_says_what_was_cut(make_topic: MakeTopic, limit: int) -> None:
    before = make_topic()
    after = before
    for n in range(40):
        after = editing.set_attribute(after, f"Attribute {n}", "value " * 10)
    text = format_diff(diff_topics(before, after), limit)
    assert len(text) <= limit
    assert text.endswith("more lines")


def test_long_values_are_previewed_on_one_line(make_topic: MakeTopic) -> None:
    before = make_topic()
    after = editing.set_summary(before, "word " * 400)
    [line] = [line for line in format_diff(diff_topics(before, after)).splitlines() if line.startswith("~ Summary")]
    assert "\u2026" in line
    assert len(line) < 400
