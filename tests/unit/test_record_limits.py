"""``bot.core.record_limits``: the pure check of a record against the ``[limits]``, and its config."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import ConfigError, load_settings
from bot.core.errors import RecordTooLargeError
from bot.core.importing import read_upload
from bot.core.model import Attribute, TimelineEvent, WebResult
from bot.core.record_format import format_record, parse_record
from bot.core.record_limits import (
    DEFAULT_LIMITS,
    LimitBreach,
    RecordLimits,
    check_record_limits,
    enforce_record_limits,
    record_size,
)
from tests.conftest import build_topic

ROOT = Path(__file__).resolve().parents[2]


def _events(count: int) -> tuple[TimelineEvent, ...]:
    return tuple(TimelineEvent(f"Event {i}.", date(2024, 1, 1), "Wire") for i in range(count))


def test_a_small_record_fits_the_defaults() -> None:
    assert check_record_limits(build_topic(), DEFAULT_LIMITS) == []


@pytest.mark.parametrize("folder", ["knowledge", "tests/data/records"])
def test_every_shipped_and_test_record_fits_the_defaults(folder: str) -> None:
    for path in sorted((ROOT / folder).glob("*.txt")):
        data = path.read_bytes()
        topic = parse_record(data.decode("utf-8"))
        assert check_record_limits(topic, DEFAULT_LIMITS, size=len(data)) == [], path.name


def test_too_many_timeline_events_is_named_with_its_count_limit_and_key() -> None:
    topic = build_topic(timeline=_events(12))
    [breach] = check_record_limits(topic, RecordLimits(timeline_events=10))
    assert breach == LimitBreach("timeline_events", 12, 10, "{size} timeline events")
    assert str(breach) == "12 timeline events, the limit is 10 ([limits] timeline_events)"


def test_the_message_names_the_record_and_groups_thousands() -> None:
    topic = build_topic(timeline=_events(5_001))
    with pytest.raises(RecordTooLargeError) as caught:
        enforce_record_limits("records/big.txt", topic, DEFAULT_LIMITS)
    assert str(caught.value) == "records/big.txt: 5,001 timeline events, the limit is 5,000 ([limits] timeline_events)"
    assert caught.value.record == "records/big.txt"


def test_every_breach_is_listed_size_first() -> None:
    topic = build_topic(
        attributes=tuple(Attribute(f"Name {i}", "value") for i in range(4)),
        web_results=tuple(WebResult(f"Result {i}", "snippet") for i in range(3)),
    )
    limits = RecordLimits(record_bytes=100, attributes=3, web_results=2)
    keys = [breach.key for breach in check_record_limits(topic, limits)]
    assert keys == ["record_bytes", "attributes", "web_results"]


def test_the_longest_field_over_field_chars_is_named() -> None:
    topic = build_topic(summary="s" * 300)
    [breach] = check_record_limits(topic, RecordLimits(field_chars=200))
    assert str(breach) == "the summary is 300 characters long, the limit is 200 ([limits] field_chars)"


def test_a_given_size_is_used_instead_of_formatting_the_record() -> None:
    topic = build_topic()
    assert [b.key for b in check_record_limits(topic, RecordLimits(record_bytes=10), size=5)] == []
    assert [b.key for b in check_record_limits(topic, RecordLimits(record_bytes=10))] == ["record_bytes"]
    assert record_size(topic) == len(format_record(topic).encode("utf-8"))


def test_an_oversized_upload_is_refused_before_it_is_parsed() -> None:
    # Not a record at all: only its size is looked at.
    with pytest.raises(RecordTooLargeError) as refused:
        read_upload("big.txt", b"x" * 101, limits=RecordLimits(record_bytes=100))
    assert str(refused.value) == "big.txt: 101 bytes, the limit is 100 ([limits] record_bytes)"


@given(
    events=st.integers(0, 30), attributes=st.integers(0, 30), results=st.integers(0, 30),
    limit_events=st.integers(1, 30), limit_attributes=st.integers(1, 30), limit_results=st.integers(1, 30),
)
def test_a_count_is_refused_exactly_when_it_goes_over_its_limit(
    events: int, attributes: int, results: int, limit_events: int, limit_attributes: int, limit_results: int,
) -> None:
    topic = build_topic(
        timeline=_events(events),
        attributes=tuple(Attribute(f"Name {i}", "value") for i in range(attributes)),
        web_results=tuple(WebResult(f"Result {i}", "snippet") for i in range(results)),
    )
    limits = RecordLimits(timeline_events=limit_events, attributes=limit_attributes, web_results=limit_results)
    breaches = {b.key: b for b in check_record_limits(topic, limits)}
    expected = {key for key, count, limit in (("timeline_events", events, limit_events),
                                              ("attributes", attributes, limit_attributes),
                                              ("web_results", results, limit_results)) if count > limit}
    assert set(breaches) == expected
    for breach in breaches.values():
        assert breach.size > breach.limit
    # Raising every limit never adds a breach.
    looser = replace(limits, timeline_events=limit_events + 5, attributes=limit_attributes + 5,
                     web_results=limit_results + 5)
    assert {b.key for b in check_record_limits(topic, looser)} <= set(breaches)


def test_the_limits_section_is_read_and_checked(tmp_path: Path) -> None:
    config = tmp_path / "topicbot.toml"
    config.write_text("[limits]\ntimeline_events = 50\nrecord_bytes = 1000000\n", encoding="utf-8")
    limits = load_settings(config, {}).limits.record_limits
    assert (limits.timeline_events, limits.record_bytes, limits.attributes) == (50, 1_000_000, 500)
    assert load_settings(None, {}).limits.record_limits == DEFAULT_LIMITS
    config.write_text("[limits]\nattributes = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[limits\] attributes must be a whole number ≥ 1, got 0"):
        load_settings(config, {})
    warnings: list[str] = []
    config.write_text("[limits]\ntimeline_event = 5\n", encoding="utf-8")
    load_settings(config, {}, warn=warnings.append)
    assert warnings and "did you mean 'timeline_events'" in warnings[0]


def test_the_example_config_holds_the_defaults() -> None:
    assert load_settings(ROOT / "config.example.toml", {}).limits.record_limits == DEFAULT_LIMITS


def test_a_long_field_or_alias_is_found_whether_or_not_the_record_is_longer_than_field_chars() -> None:
    # The quick check skips the fields of a record no longer than field_chars bytes, but not the moderator
    # aliases, which the record does not hold.
    small = build_topic(aliases=("A moderator's long alias",))
    size = record_size(small)
    assert [str(b) for b in check_record_limits(small, RecordLimits(field_chars=size))] == []
    [longest] = check_record_limits(small, RecordLimits(field_chars=10))
    assert str(longest) == f"the description is {len(small.description)} characters long, the limit is 10 " \
        "([limits] field_chars)"
    alias = "a" * (size + 1)
    only_alias = check_record_limits(replace(small, aliases=(alias,)), RecordLimits(field_chars=size))
    assert [str(b) for b in only_alias] == [
        f"the alias {alias!r} is {size + 1:,} characters long, the limit is {size:,} ([limits] field_chars)"]


@given(text=st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "Zs"]), max_size=60),
       limit=st.integers(1, 400))
def test_the_quick_check_agrees_with_naming_every_field(text: str, limit: int) -> None:
    """Records above and below ``limit`` bytes: the quick check (by size) and the named one agree."""
    topic = build_topic(summary=text.strip() or "x", attributes=(), timeline=(), background=(), web_results=())
    longest = max(len(topic.title), len(topic.description), len(topic.summary))
    breaches = check_record_limits(topic, RecordLimits(field_chars=limit))
    assert [b.key for b in breaches] == (["field_chars"] if longest > limit else [])
