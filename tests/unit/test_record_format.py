"""The record format: lossless round trips, line-numbered errors, field limits and links."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.errors import FieldTooLongError, RecordFormatError, UnrepresentableTopicError
from bot.core.model import (
    LIMITS,
    STRICT_URL_RE,
    TITLE_KEY_LIMIT,
    Attribute,
    BackgroundSection,
    TimelineEvent,
    Topic,
    WebResult,
)
from bot.core.names import name_key
from bot.core.record_format import BULLET, INDENT, format_record, parse_record

RECORDS_DIR = Path(__file__).resolve().parents[1] / "data" / "records"
RECORD_PATHS = sorted(RECORDS_DIR.glob("*.txt"))
SEED = RECORDS_DIR / "000_d2cd8480304b6b42.txt"
LONE_URL = STRICT_URL_RE
SOURCE_SUFFIX = re.compile(r".* \(Source: [^()]*\)")


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def record_titled(title: str) -> str:
    for path in RECORD_PATHS:
        text = read(path)
        if text.split("\n", 1)[0] == title:
            return text
    raise LookupError(title)


# --- round trips on the project's records -------------------------------------------------------


def test_sample_records_are_present() -> None:
    assert SEED in RECORD_PATHS
    assert len(RECORD_PATHS) >= 11


@pytest.mark.parametrize("path", RECORD_PATHS, ids=lambda p: p.name)
def test_record_round_trips_byte_for_byte(path: Path) -> None:
    text = read(path)
    assert format_record(parse_record(text)) == text


@pytest.mark.parametrize("path", RECORD_PATHS, ids=lambda p: p.name)
def test_record_parses_into_a_complete_topic(path: Path) -> None:
    topic = parse_record(read(path))
    assert topic.title == read(path).split("\n", 1)[0]
    assert topic.attributes
    assert topic.timeline
    assert topic.web_results
    assert topic.first_mentioned.tzinfo is not None


def test_seed_fields_are_read_into_the_model() -> None:
    topic = parse_record(read(SEED))
    assert topic.title == "AI Training Data"
    assert topic.first_mentioned == datetime(2026, 1, 1, 6, 49, 46, tzinfo=UTC)
    assert topic.last_updated == datetime(2026, 1, 6, 5, 5, 8, tzinfo=UTC)
    assert [a.name for a in topic.attributes] == [
        "Definition", "Data Formats", "Economic Role", "Core Methodology", "Environmental Impact",
    ]
    assert topic.timeline[0].date == date(2020, 1, 1)
    assert topic.timeline[0].source == "Wikipedia"
    assert topic.timeline[1].source is not None
    assert topic.timeline[1].source.startswith("Document ")
    assert [s.heading for s in topic.background] == ["Generative artificial intelligence"]
    assert len(topic.web_results) == 5
    assert all(result.url is None for result in topic.web_results)


def test_afternoon_and_midnight_timestamps_are_read_in_twenty_four_hours() -> None:
    topic = parse_record(record_titled("Quantum Computing"))
    assert topic.first_mentioned == datetime(2025, 11, 1, 12, 0, 0, tzinfo=UTC)  # 12:00:00 PM
    assert topic.last_updated == datetime(2026, 1, 6, 0, 59, 59, tzinfo=UTC)  # 12:59:59 AM


# --- Hypothesis: parse(format(topic)) == topic --------------------------------------------------

# No control characters but tab, no bidirectional overrides: the format refuses them (PostgreSQL cannot
# store NUL; an override can make a title render reversed).
_CHARS = st.characters(blacklist_categories=("Cs",),
                       blacklist_characters="".join(map(chr, [*range(0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0),
                                                             *range(0x202A, 0x202F), *range(0x2066, 0x206A)])))


def _line(max_size: int, *, min_size: int = 1) -> st.SearchStrategy[str]:
    """One line of free text: no line breaks and not starting with the bullet.

    Leading spaces are allowed (the parser keeps them); a byte-order mark cannot start a record.
    """
    return st.text(_CHARS, min_size=min_size, max_size=max_size).filter(
        lambda s: not s.startswith((BULLET, "\ufeff"))
    )


_moments = st.datetimes(
    min_value=datetime(1970, 1, 1),  # noqa: DTZ001 - bounds are naive; timezones= makes values aware
    max_value=datetime(2100, 12, 31, 23, 59, 59),  # noqa: DTZ001
    timezones=st.just(UTC),
).map(lambda moment: moment.replace(microsecond=0))

_attributes = st.builds(
    Attribute,
    name=_line(LIMITS["attribute_name"], min_size=0),
    value=_line(LIMITS["attribute_value"], min_size=0),
)

_sources = st.one_of(
    st.none(),
    st.just("Wikipedia"),
    st.uuids(version=4).map(lambda u: f"Document {u}"),
    st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="()"), max_size=40),
)


@st.composite
def _events(draw: st.DrawFn) -> TimelineEvent:
    source = draw(_sources)
    texts = _line(LIMITS["event_text"])
    if source is None:
        # Without a source, text ending in "(Source: …)" would read back as a sourced event.
        texts = texts.filter(lambda s: not SOURCE_SUFFIX.fullmatch(s))
    text = draw(texts)
    return TimelineEvent(text=text, date=draw(st.dates()), source=source)


_sections = st.builds(
    BackgroundSection,
    # A heading indented like a snippet or equal to the next section's header would end the section.
    heading=_line(LIMITS["section_heading"]).filter(lambda s: s != "Web Search Results" and not s.startswith(INDENT)),
    paragraph=_line(LIMITS["section_paragraph"]),
)

_urls = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}/{path}",
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?(\.[a-z]{2,6}){1,2}", fullmatch=True),
    # Any printable ASCII but the quote and angle brackets, which a link may not contain.
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters='"<>'), max_size=40),
)


@st.composite
def _web_results(draw: st.DrawFn) -> WebResult:
    url = draw(st.one_of(st.none(), _urls))
    paragraphs = draw(st.lists(_line(400, min_size=0), min_size=1, max_size=3))
    if url is None and len(paragraphs) > 1:
        # A lone URL as the first of several paragraphs is, by the format's rule, the result's link.
        paragraphs[0] = draw(_line(400, min_size=0).filter(lambda s: not LONE_URL.fullmatch(s)))
    return WebResult(title=draw(_line(LIMITS["result_title"])), snippet="\n\n".join(paragraphs), url=url)


_topics = st.builds(
    Topic,
    # A title whose comparison key (NFKC, case-folded) would not fit the store's key column is refused.
    title=_line(LIMITS["title"]).filter(lambda s: len(name_key(s)) <= TITLE_KEY_LIMIT),
    description=_line(LIMITS["description"]),
    first_mentioned=_moments,
    last_updated=_moments,
    research_retrieved=_moments,
    summary=_line(LIMITS["summary"]),
    attributes=st.lists(_attributes, max_size=6).map(tuple),
    timeline=st.lists(_events(), max_size=6).map(tuple),
    background=st.lists(_sections, max_size=2).map(tuple),
    web_results=st.lists(_web_results(), max_size=4).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(_topics)
def test_generated_topics_survive_format_then_parse(topic: Topic) -> None:
    text = format_record(topic)
    assert parse_record(text) == topic
    assert format_record(parse_record(text)) == text


@settings(max_examples=100, deadline=None)
@given(_topics)
def test_formatted_records_have_no_trailing_newline_or_carriage_return(topic: Topic) -> None:
    text = format_record(topic)
    assert not text.endswith("\n")
    assert "\r" not in text


# --- malformed records: each error names its line ---------------------------------------------


def _replace_line(text: str, old: str, new: str) -> tuple[str, int]:
    """Replace the first line equal to ``old``; return the new text and that line's 1-based number."""
    lines = text.split("\n")
    index = lines.index(old)
    lines[index] = new
    return "\n".join(lines), index + 1


def _parse_error(text: str) -> RecordFormatError:
    with pytest.raises(RecordFormatError) as caught:
        parse_record(text)
    return caught.value


def test_missing_topic_header_is_reported_on_its_line() -> None:
    text, line = _replace_line(read(SEED), "Topic", "Topics")
    error = _parse_error(text)
    assert error.line == line == 3
    assert error.expected == "'Topic'"
    assert str(error) == "line 3: expected 'Topic', found 'Topics'"


def test_bad_timestamp_is_reported_on_its_line() -> None:
    text, line = _replace_line(read(SEED), "1/6/2026, 5:05:08 AM", "2026-01-06 05:05:08")
    error = _parse_error(text)
    assert error.line == line
    assert "timestamp like '1/6/2026, 5:05:08 AM'" in str(error)
    assert "2026-01-06 05:05:08" in error.found


def test_zero_padded_timestamp_is_rejected_so_round_trips_stay_exact() -> None:
    text, line = _replace_line(read(SEED), "1/6/2026, 5:05:08 AM", "01/06/2026, 05:05:08 AM")
    error = _parse_error(text)
    assert error.line == line
    assert "without zero padding" in str(error)


def test_impossible_timestamp_is_rejected() -> None:
    text, line = _replace_line(read(SEED), "1/6/2026, 5:05:08 AM", "2/30/2026, 5:05:08 AM")
    error = _parse_error(text)
    assert error.line == line
    assert "a real calendar date and time" in str(error)


def test_badly_written_event_date_is_reported_on_its_line() -> None:
    text, line = _replace_line(read(SEED), INDENT + "2024-03-15", INDENT + "March 15, 2024")
    error = _parse_error(text)
    assert error.line == line
    assert "an event date like '    2024-03-15'" in str(error)
    assert "March 15, 2024" in error.found


def test_impossible_event_date_is_reported_on_its_line() -> None:
    text, line = _replace_line(read(SEED), INDENT + "2024-03-15", INDENT + "2024-02-30")
    error = _parse_error(text)
    assert error.line == line
    assert "a real calendar date" in str(error)


def test_unindented_attribute_value_is_reported_on_its_line() -> None:
    value = "Text, images, audio, video, software code, tabular, and sensor data."
    text, line = _replace_line(read(SEED), INDENT + value, value)
    error = _parse_error(text)
    assert error.line == line
    assert "the attribute value, indented by four spaces" in str(error)


def test_trailing_newline_is_reported_on_the_empty_last_line() -> None:
    text = read(SEED) + "\n"
    error = _parse_error(text)
    assert error.line == text.count("\n") + 1
    assert "without a trailing newline" in str(error)
    assert error.found == "an empty last line"


def test_crlf_line_endings_are_reported_on_the_first_line() -> None:
    error = _parse_error(read(SEED).replace("\n", "\r\n"))
    assert error.line == 1
    assert "'\\n' line endings" in str(error)
    assert "carriage return" in error.found


def test_carriage_return_later_in_the_record_names_that_line() -> None:
    text, line = _replace_line(read(SEED), "Summary", "Summary\r")
    error = _parse_error(text)
    assert error.line == line


def test_truncated_record_reports_the_end_of_the_record() -> None:
    lines = read(SEED).split("\n")
    cut = lines.index("Research Data") + 1  # keep up to and including "Research Data"
    error = _parse_error("\n".join(lines[:cut]))
    assert error.line == cut + 1
    assert error.expected == "'Extracted Attributes'"
    assert error.found == "the end of the record"


def test_record_cut_inside_a_web_result_is_reported() -> None:
    lines = read(SEED).split("\n")
    last_title = max(i for i, line in enumerate(lines) if line.startswith(BULLET))
    error = _parse_error("\n".join(lines[: last_title + 2]))  # the bullet and the blank line after it
    assert error.line == last_title + 3
    assert "the result snippet, indented by four spaces" in str(error)
    assert error.found == "the end of the record"


def test_empty_record_is_reported_on_line_one() -> None:
    error = _parse_error("")
    assert error.line == 1
    assert error.expected == "the topic title"


def test_byte_order_mark_is_reported() -> None:
    error = _parse_error("\ufeff" + read(SEED))
    assert error.line == 1
    assert "byte-order mark" in str(error)


def test_error_can_name_its_file() -> None:
    error = _parse_error("").with_source("knowledge/broken.txt")
    assert error.line == 1
    assert str(error).startswith("knowledge/broken.txt: line 1: expected the topic title")


# --- field limits ---------------------------------------------------------------------------


def test_over_long_title_names_the_field_and_its_limit() -> None:
    text = read(SEED)
    title = text.split("\n", 1)[0]
    with pytest.raises(FieldTooLongError) as caught:
        parse_record(text.replace(title, "T" * (LIMITS["title"] + 1), 1))
    assert caught.value.field == "title"
    assert caught.value.limit == LIMITS["title"] == 200
    assert caught.value.length == 201
    assert caught.value.line == 1
    assert str(caught.value) == "line 1: title is 201 characters long; the limit is 200"


def test_over_long_summary_names_the_field_and_its_limit() -> None:
    text = read(SEED)
    summary = parse_record(text).summary
    long_summary = (summary + " ") * (LIMITS["summary"] // len(summary) + 1)
    with pytest.raises(FieldTooLongError) as caught:
        parse_record(text.replace(summary, long_summary.strip(), 1))
    assert caught.value.field == "summary"
    assert caught.value.limit == LIMITS["summary"]
    assert caught.value.length == len(long_summary.strip())
    assert "summary" in str(caught.value)
    assert str(LIMITS["summary"]) in str(caught.value)


def test_title_at_the_limit_is_accepted() -> None:
    text = read(SEED)
    title = text.split("\n", 1)[0]
    assert parse_record(text.replace(title, "T" * LIMITS["title"], 1)).title == "T" * 200


# --- links ----------------------------------------------------------------------------------


def test_url_on_its_own_line_becomes_the_result_url() -> None:
    result = parse_record(record_titled("Waymo")).web_results[0]
    assert result.url == "https://en.wikipedia.org/wiki/Waymo"
    assert not result.snippet.startswith("http")
    assert result.links == ("https://en.wikipedia.org/wiki/Waymo",)


def test_inline_url_in_a_snippet_is_found_by_links() -> None:
    result = parse_record(record_titled("Waymo")).web_results[1]
    assert result.url is None
    assert result.links == ("https://waymo.com/rides/",)


def test_inline_url_ending_a_sentence_loses_its_full_stop() -> None:
    result = WebResult(title="t", snippet="Read it at https://example.org/a/b. Then stop.")
    assert result.links == ("https://example.org/a/b",)


def test_snippet_that_is_only_a_url_stays_a_snippet() -> None:
    result = parse_record(record_titled("Quantum Computing")).web_results[2]
    assert result.url is None
    assert result.snippet == "https://www.ibm.com/quantum/technology"
    assert result.links == ("https://www.ibm.com/quantum/technology",)


def test_url_line_before_a_multi_paragraph_snippet() -> None:
    result = parse_record(record_titled("Nuclear Fusion")).web_results[1]
    assert result.url == "https://www.iter.org/"
    assert result.snippet.count("\n\n") == 1


def test_topic_links_are_in_record_order_without_duplicates() -> None:
    topic = parse_record(record_titled("OpenAI"))
    assert topic.links == (
        "https://en.wikipedia.org/wiki/OpenAI",
        "https://openai.com/news/",
        "https://help.openai.com/",
    )


def test_seed_has_no_links() -> None:
    assert parse_record(read(SEED)).links == ()


def test_formatted_url_sits_on_its_own_indented_line() -> None:
    topic = parse_record(record_titled("Waymo"))
    lines = format_record(topic).split("\n")
    at = lines.index(BULLET + "Waymo - Wikipedia")
    assert lines[at + 1 : at + 4] == ["", INDENT + "https://en.wikipedia.org/wiki/Waymo", ""]


# --- topics the format cannot represent -------------------------------------------------------
# ``format_record`` promises a lossless round trip "for every valid topic", but nothing checks that
# a topic is representable: these topics are written without complaint and then read back
# differently (or not at all) unless refused, so format_record refuses them.

_AT = datetime(2025, 1, 1, tzinfo=UTC)
_UNREPRESENTABLE = {
    "event source with parentheses": {"timeline": (TimelineEvent("x", date(2025, 1, 1), "Document (draft)"),)},
    "result url that is not a url": {"web_results": (WebResult("t", "snippet", url="not a url"),)},
    "snippet with a single line break": {"web_results": (WebResult("t", "first line\nsecond line"),)},
    "empty description": {"description": ""},
    "description starting with the bullet": {"description": BULLET + "point"},
    "heading starting with the bullet": {"background": (BackgroundSection(BULLET + "h", "p"),)},
}


@pytest.mark.parametrize("changes", _UNREPRESENTABLE.values(), ids=list(_UNREPRESENTABLE))
def test_unrepresentable_topic_is_refused_rather_than_silently_altered(changes: dict[str, object]) -> None:
    fields: dict[str, object] = {
        "title": "T", "description": "D", "first_mentioned": _AT, "last_updated": _AT,
        "research_retrieved": _AT, "summary": "S", **changes,
    }
    topic = Topic(**fields)  # type: ignore[arg-type]
    with pytest.raises(UnrepresentableTopicError):
        format_record(topic)
