"""Reading and writing topic records in the plain-text record format, losslessly.

The layout (``\\n`` line ends, no trailing newline)::

    <Title>
    (blank)
    Topic
    (blank)
    <description>
    (blank)
    (blank)
    First Mentioned / (blank) / <M/D/YYYY, H:MM:SS AM|PM> / (blank)
    Last Updated / (blank) / <timestamp> / (blank)
    Research Retrieved / (blank) / <timestamp> / (blank)
    Summary / (blank) / <summary> / (blank)
    Research Data
    Extracted Attributes
      • <name> / (blank) / "    <value>" / (blank)                 (0..n)
    Timeline
      • <text> (Source: <source>) / (blank) / "    YYYY-MM-DD" / (blank)   (0..n)
    <heading> / (blank) / <paragraph> / (blank)                   (0..n background sections)
    Web Search Results
      • <title> / (blank) / ["    <url>" / (blank)] / "    <snippet paragraph>" ...
      (results separated by one blank line; the last snippet ends the file)

A web result's link is its own indented paragraph made of exactly one http(s) URL, placed before
the snippet. Guarantees: ``format_record(parse_record(text)) == text`` for every text that parses,
and ``parse_record(format_record(topic)) == topic`` for every valid topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, tzinfo
from typing import Final

from bot.core.errors import FieldTooLongError, RecordFormatError, UnrepresentableTopicError
from bot.core.model import (
    STRICT_URL_RE,
    Attribute,
    BackgroundSection,
    TimelineEvent,
    Topic,
    WebResult,
    check_length,
    check_title_key,
)

BULLET: Final = "  \u2022 "
INDENT: Final = "    "
_TIMESTAMP_RE: Final = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}), (\d{1,2}):(\d{2}):(\d{2}) (AM|PM)")
_DATE_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_SOURCE_RE: Final = re.compile(r"(?P<text>.*) \(Source: (?P<source>[^()]*)\)")
_LONE_URL_RE: Final = STRICT_URL_RE
_WEB_RESULTS: Final = "Web Search Results"
_TIMESTAMP_EXAMPLE: Final = "a timestamp like '1/6/2026, 5:05:08 AM'"
#: Control characters no field may hold (PostgreSQL refuses NUL in text; none of them is visible).
#: Tab is allowed; line breaks are structure.
#: Control characters (C0 but tab and line feed, DEL, C1) and the bidirectional embeddings, overrides
#: and isolates, which can make a title render reversed in a terminal or in Discord.
_CONTROL_RE: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def format_timestamp(moment: datetime, tz: tzinfo = UTC) -> str:
    """``1/6/2026, 5:05:08 AM``: no zero padding on month, day and hour, as records write it."""
    local = moment.astimezone(tz)
    hour = local.hour % 12 or 12
    half = "AM" if local.hour < 12 else "PM"
    return f"{local.month}/{local.day}/{local.year}, {hour}:{local.minute:02d}:{local.second:02d} {half}"


def parse_timestamp(text: str, tz: tzinfo = UTC, line: int = 0) -> datetime:
    """Parse a record timestamp as a time in ``tz``; raise ``RecordFormatError`` if it is not one."""
    match = _TIMESTAMP_RE.fullmatch(text)
    if match is None:
        raise RecordFormatError(line, _TIMESTAMP_EXAMPLE, repr(text))
    month, day, year, hour, minute, second = (int(g) for g in match.groups()[:6])
    if not 1 <= hour <= 12:
        raise RecordFormatError(line, "an hour from 1 to 12", repr(text))
    hour = hour % 12 + (12 if match.group(7) == "PM" else 0)
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError as exc:
        raise RecordFormatError(line, "a real calendar date and time", f"{text!r} ({exc})") from None
    wall = moment.replace(tzinfo=None)
    if moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        raise RecordFormatError(line, f"a time that exists in {tz}", f"{text!r}, which the clocks skip that day "
                                "(daylight saving time)")
    if format_timestamp(moment, tz) != text:
        raise RecordFormatError(line, _TIMESTAMP_EXAMPLE + " without zero padding", repr(text))
    # In UTC: a wall time that happens twice (clocks going back) is read as its first occurrence, and an
    # aware datetime in the repeated hour would compare unequal to every other time zone's (PEP 495).
    return moment.astimezone(UTC)


def written_moment(moment: datetime, tz: tzinfo) -> datetime:
    """``moment`` as the record format keeps it in ``tz``: the same instant, except in the hour the
    clocks go back, whose second occurrence the format cannot tell from the first; that one becomes
    the first, so a topic reads back from its record exactly."""
    return parse_timestamp(format_timestamp(moment, tz), tz)


def as_written(topic: Topic, tz: tzinfo) -> Topic:
    """``topic`` with its three timestamps as the record format keeps them in ``tz`` (``written_moment``)."""
    return replace(topic, first_mentioned=written_moment(topic.first_mentioned, tz),
                   last_updated=written_moment(topic.last_updated, tz),
                   research_retrieved=written_moment(topic.research_retrieved, tz))


class _Lines:
    """A cursor over the record's lines that reports 1-based line numbers in its errors."""

    __slots__ = ("count", "index", "lines")

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.count = len(self.lines)
        self.index = 0

    @property
    def line_number(self) -> int:
        return self.index + 1

    def at_end(self) -> bool:
        return self.index >= self.count

    def peek(self) -> str | None:
        index = self.index
        return self.lines[index] if index < self.count else None

    def found(self) -> str:
        line = self.peek()
        if line is None:
            return "the end of the record"
        return "an empty line" if line == "" else repr(_shorten(line))

    def fail(self, expected: str) -> RecordFormatError:
        return RecordFormatError(self.line_number, expected, self.found())

    def take(self, what: str) -> str:
        index = self.index
        if index >= self.count:
            raise self.fail(what)
        self.index = index + 1
        return self.lines[index]

    def limited(self, field: str, value: str, line: int) -> str:
        """``value`` if it fits ``LIMITS[field]``; else ``FieldTooLongError`` naming ``line``."""
        try:
            check_length(field, value)
        except FieldTooLongError as error:
            raise error.at_line(line) from None
        return value

    def take_text(self, what: str) -> str:
        """A line of free text: it may not be empty or look like a bullet."""
        index = self.index
        line = self.lines[index] if index < self.count else ""
        if line == "" or line.startswith(BULLET):
            raise self.fail(what)
        self.index = index + 1
        return line

    def expect(self, literal: str) -> None:
        index = self.index
        if index < self.count and self.lines[index] == literal:
            self.index = index + 1
            return
        raise self.fail("an empty line" if literal == "" else repr(literal))

    def take_indented(self, what: str) -> str:
        index = self.index
        line = self.lines[index] if index < self.count else None
        if line is None or not line.startswith(INDENT):
            raise self.fail(f"{what}, indented by four spaces")
        self.index = index + 1
        return line[4:]


def _shorten(line: str, width: int = 60) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


def parse_record(text: str, tz: tzinfo = UTC) -> Topic:
    """Parse one record. Raises ``RecordFormatError`` (with a line number) or ``FieldTooLongError``.

    Timestamps are read as times in ``tz`` (UTC unless configured otherwise).
    """
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raise RecordFormatError(line, "'\\n' line endings", "a carriage return ('\\r')")
    if text.startswith("\ufeff"):
        raise RecordFormatError(1, "the title", "a byte-order mark before it")
    control = _CONTROL_RE.search(text)
    if control is not None:
        line = text[: control.start()].count("\n") + 1
        raise RecordFormatError(line, "text without control characters or bidirectional overrides",
                                f"U+{ord(control.group()):04X}")
    cursor = _Lines(text)
    title = cursor.limited("title", cursor.take_text("the topic title"), 1)
    try:
        check_title_key(title)
    except FieldTooLongError as error:
        raise error.at_line(1) from None
    cursor.expect("")
    cursor.expect("Topic")
    cursor.expect("")
    description = cursor.limited("description", cursor.take_text("the one-paragraph description"),
                                 cursor.line_number)
    cursor.expect("")
    cursor.expect("")
    stamps: list[datetime] = []
    for heading in ("First Mentioned", "Last Updated", "Research Retrieved"):
        cursor.expect(heading)
        cursor.expect("")
        line_number = cursor.line_number
        stamps.append(parse_timestamp(cursor.take(_TIMESTAMP_EXAMPLE), tz, line_number))
        cursor.expect("")
    cursor.expect("Summary")
    cursor.expect("")
    summary = cursor.limited("summary", cursor.take_text("the summary paragraph"), cursor.line_number)
    cursor.expect("")
    cursor.expect("Research Data")
    cursor.expect("Extracted Attributes")
    attributes = tuple(_parse_attributes(cursor))
    cursor.expect("Timeline")
    timeline = tuple(_parse_timeline(cursor))
    background = tuple(_parse_background(cursor))
    cursor.expect(_WEB_RESULTS)
    web_results = tuple(_parse_web_results(cursor))
    topic = Topic(
        title=title,
        description=description,
        first_mentioned=stamps[0],
        last_updated=stamps[1],
        research_retrieved=stamps[2],
        summary=summary,
        attributes=attributes,
        timeline=timeline,
        background=background,
        web_results=web_results,
    )
    topic.validate()
    return topic


def _parse_attributes(cursor: _Lines) -> Iterator[Attribute]:
    while (line := cursor.peek()) is not None and line.startswith(BULLET):
        name = cursor.limited("attribute_name", cursor.take("an attribute")[len(BULLET):], cursor.line_number)
        cursor.expect("")
        value = cursor.limited("attribute_value", cursor.take_indented("the attribute value"), cursor.line_number)
        cursor.expect("")
        yield Attribute(name, value)


def _parse_timeline(cursor: _Lines) -> Iterator[TimelineEvent]:
    while (line := cursor.peek()) is not None and line.startswith(BULLET):
        event_line = cursor.line_number
        raw = cursor.take("a timeline event")[len(BULLET):]
        match = _SOURCE_RE.fullmatch(raw)
        text, source = (match.group("text"), match.group("source")) if match else (raw, None)
        cursor.limited("event_text", text, event_line)
        if source is not None:
            cursor.limited("event_source", source, event_line)
        cursor.expect("")
        line_number = cursor.line_number
        day_text = cursor.take_indented("the event date (YYYY-MM-DD)")
        if not _DATE_RE.fullmatch(day_text):
            raise RecordFormatError(line_number, "an event date like '    2024-03-15'", repr(day_text))
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise RecordFormatError(line_number, "a real calendar date", repr(day_text)) from None
        cursor.expect("")
        yield TimelineEvent(text=text, date=day, source=source)


def _parse_background(cursor: _Lines) -> Iterator[BackgroundSection]:
    while (line := cursor.peek()) is not None and line != _WEB_RESULTS:
        if line == "" or line.startswith((BULLET, INDENT)):
            raise cursor.fail(f"a background section heading or {_WEB_RESULTS!r}")
        heading = cursor.limited("section_heading", cursor.take("a section heading"), cursor.line_number)
        cursor.expect("")
        paragraph = cursor.limited("section_paragraph", cursor.take_text("the section paragraph"), cursor.line_number)
        cursor.expect("")
        yield BackgroundSection(heading, paragraph)


def _parse_web_results(cursor: _Lines) -> Iterator[WebResult]:
    first = True
    while not cursor.at_end():
        if not first:
            cursor.expect("")
        first = False
        line = cursor.peek()
        if line is None or not line.startswith(BULLET):
            raise cursor.fail("a web result title ('  • title')")
        title = cursor.limited("result_title", cursor.take("a web result")[len(BULLET):], cursor.line_number)
        cursor.expect("")
        snippet_line = cursor.line_number
        paragraphs = [cursor.take_indented("the result snippet")]
        while cursor.peek() == "" and cursor.index + 1 < len(cursor.lines) \
                and cursor.lines[cursor.index + 1].startswith(INDENT):
            cursor.index += 1
            paragraphs.append(cursor.take_indented("the result snippet"))
        if cursor.peek() == "" and cursor.index + 1 == len(cursor.lines):
            raise RecordFormatError(cursor.line_number, "the end of the record (records end without a trailing "
                                    "newline)", "an empty last line")
        url: str | None = None
        if len(paragraphs) > 1 and _LONE_URL_RE.fullmatch(paragraphs[0]):
            url = cursor.limited("result_url", paragraphs.pop(0), snippet_line)
            snippet_line += 2
        snippet = cursor.limited("result_snippet", "\n\n".join(paragraphs), snippet_line)
        yield WebResult(title=title, snippet=snippet, url=url)


def printable(field: str, value: str) -> None:
    """Raise ``UnrepresentableTopicError`` if ``value`` holds a control character (other than tab)."""
    control = _CONTROL_RE.search(value)
    if control is not None:
        found = f"U+{ord(control.group()):04X}"
        raise UnrepresentableTopicError(field, f"must not contain control characters or bidirectional overrides "
                                               f"(found {found})")


def check_representable(topic: Topic) -> None:
    """Raise ``UnrepresentableTopicError`` unless ``format_record`` can write ``topic`` losslessly."""

    def one_line(field: str, value: str, *, required: bool = False) -> None:
        if "\n" in value or "\r" in value:
            raise UnrepresentableTopicError(field, "must be a single line (no line breaks)")
        printable(field, value)
        if required and value == "":
            raise UnrepresentableTopicError(field, "must not be empty")

    def free_text(field: str, value: str) -> None:
        one_line(field, value, required=True)
        if value.startswith(BULLET):
            raise UnrepresentableTopicError(field, "must not start with a bullet ('  • ')")

    free_text("title", topic.title)
    for alias in topic.aliases:
        one_line("alias", alias)
    free_text("description", topic.description)
    free_text("summary", topic.summary)
    for attribute in topic.attributes:
        one_line("attribute name", attribute.name)
        one_line(f"attribute {attribute.name!r}", attribute.value)
    for event in topic.timeline:
        one_line("event text", event.text)
        if event.source is None:
            if _SOURCE_RE.fullmatch(event.text):
                raise UnrepresentableTopicError("event text", "must not end in '(Source: …)' when no source is given")
        else:
            one_line("event source", event.source)
            if "(" in event.source or ")" in event.source:
                raise UnrepresentableTopicError("event source", "must not contain parentheses")
    for section in topic.background:
        free_text("section heading", section.heading)
        if section.heading == _WEB_RESULTS or section.heading.startswith(INDENT):
            raise UnrepresentableTopicError("section heading", f"must not be {_WEB_RESULTS!r} or start indented")
        free_text("section paragraph", section.paragraph)
    for result in topic.web_results:
        one_line("result title", result.title)
        if result.url is not None and not _LONE_URL_RE.fullmatch(result.url):
            raise UnrepresentableTopicError("result link", f"{result.url!r} is not an http(s) URL")
        paragraphs = result.snippet.split("\n\n")
        for paragraph in paragraphs:
            one_line(f"snippet of {result.title!r}", paragraph)
        if result.url is None and len(paragraphs) > 1 and _LONE_URL_RE.fullmatch(paragraphs[0]):
            raise UnrepresentableTopicError(f"snippet of {result.title!r}",
                                            "must not start with a lone URL paragraph (give it as the link)")


def format_record(topic: Topic, tz: tzinfo = UTC) -> str:
    """Write ``topic`` in the record format (the inverse of ``parse_record``).

    Raises ``UnrepresentableTopicError`` for a topic the format cannot hold (see ``check_representable``).
    """
    check_representable(topic)
    out: list[str] = [topic.title, "", "Topic", "", topic.description, "", ""]
    for heading, moment in (
        ("First Mentioned", topic.first_mentioned),
        ("Last Updated", topic.last_updated),
        ("Research Retrieved", topic.research_retrieved),
    ):
        out += [heading, "", format_timestamp(moment, tz), ""]
    out += ["Summary", "", topic.summary, "", "Research Data", "Extracted Attributes"]
    for attribute in topic.attributes:
        out += [BULLET + attribute.name, "", INDENT + attribute.value, ""]
    out.append("Timeline")
    for event in topic.timeline:
        suffix = f" (Source: {event.source})" if event.source is not None else ""
        out += [f"{BULLET}{event.text}{suffix}", "", INDENT + event.date.isoformat(), ""]
    for section in topic.background:
        out += [section.heading, "", section.paragraph, ""]
    out.append(_WEB_RESULTS)
    for number, result in enumerate(topic.web_results):
        if number:
            out.append("")
        out += [BULLET + result.title, ""]
        if result.url is not None:
            out += [INDENT + result.url, ""]
        out.append("\n\n".join(INDENT + paragraph for paragraph in result.snippet.split("\n\n")))
    return "\n".join(out)
