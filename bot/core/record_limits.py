"""Limits on the size of one record, so that one huge topic cannot slow every question.

The record format bounds each text field (``bot.core.model.LIMITS``) but not how many parts a
record has: a valid 53 MB record with 278,000 timeline events imports, and then every later
question pays for it. ``RecordLimits`` bounds the whole record (its size in bytes and the number of
each kind of part) and, below the per-field bounds, any one text field. The values come from the
``[limits]`` section of the configuration; the defaults are generous: the largest real records (the
shipped ``knowledge/``, the test and eval records, a 20,000-topic synthetic corpus) are under 10 KB
with at most 7 attributes, 6 timeline events and 5 web results.

``check_record_limits`` is a pure function; the store calls it on every write (``TopicRepository``),
and the readers of record files call it with the file's name first (``bot.core.importing.read_upload``)
so that a refusal names the file, and an oversized file is refused before it is parsed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import UTC
from typing import Final

from bot.core.errors import RecordTooLargeError
from bot.core.model import Topic
from bot.core.record_format import format_record

#: The configuration section the limits are read from (named in every refusal).
SECTION: Final = "limits"


@dataclass(frozen=True, slots=True)
class RecordLimits:
    """The most one record may hold. Every value is a whole number ≥ 1."""

    #: Size of the record in the record format, in bytes of UTF-8.
    record_bytes: int = 2_000_000
    timeline_events: int = 5_000
    attributes: int = 500
    #: Web search results (the record's sources).
    web_results: int = 1_000
    background_sections: int = 500
    #: Characters in any one text field; the per-field bounds of ``bot.core.model.LIMITS`` (at most
    #: 4,000) apply as well, so this binds only when set lower than those.
    field_chars: int = 4_000

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The names of the limits, as the ``[limits]`` section spells them."""
        return tuple(f.name for f in fields(cls))


DEFAULT_LIMITS: Final = RecordLimits()


@dataclass(frozen=True, slots=True)
class LimitBreach:
    """One limit a record goes over: which (``key`` of ``RecordLimits``), by how much, in what."""

    key: str
    size: int
    limit: int
    #: What was measured, with ``{size}`` where the number goes: "{size} timeline events".
    measured: str

    def __str__(self) -> str:
        return f"{self.measured.format(size=f'{self.size:,}')}, the limit is {self.limit:,} ([{SECTION}] {self.key})"


def record_size(topic: Topic) -> int:
    """The size of ``topic`` in the record format, in bytes of UTF-8."""
    return len(format_record(topic, UTC).encode("utf-8"))


def check_record_bytes(size: int, limits: RecordLimits) -> LimitBreach | None:
    """The breach of ``record_bytes`` by a record of ``size`` bytes, if it is one."""
    if size > limits.record_bytes:
        return LimitBreach("record_bytes", size, limits.record_bytes, "{size} bytes")
    return None


def _texts(topic: Topic) -> Iterator[str]:
    """Every text field of the topic (what ``_text_fields`` names, without the names: the quick look)."""
    yield topic.title
    yield topic.description
    yield topic.summary
    for attribute in topic.attributes:
        yield attribute.name
        yield attribute.value
    for event in topic.timeline:
        yield event.text
        if event.source is not None:
            yield event.source
    for section in topic.background:
        yield section.heading
        yield section.paragraph
    for result in topic.web_results:
        yield result.title
        yield result.snippet
        if result.url is not None:
            yield result.url
    yield from topic.aliases


def _fits(topic: Topic, limits: RecordLimits, size: int) -> bool:
    """Whether the topic is within every limit: the check every write makes, so kept quick. A record no
    longer than ``field_chars`` bytes has no field longer than that (the record holds each field whole),
    apart from the moderator aliases, which the record does not carry."""
    return (size <= limits.record_bytes and len(topic.timeline) <= limits.timeline_events
            and len(topic.attributes) <= limits.attributes and len(topic.web_results) <= limits.web_results
            and len(topic.background) <= limits.background_sections
            and (max(map(len, topic.aliases), default=0) if size <= limits.field_chars
                 else max(map(len, _texts(topic)))) <= limits.field_chars)


def _text_fields(topic: Topic) -> list[tuple[str, str]]:
    """Every text field of the topic, each with the words a refusal names it by."""
    out = [("the title", topic.title), ("the description", topic.description), ("the summary", topic.summary)]
    for number, attribute in enumerate(topic.attributes, start=1):
        out += [(f"attribute {number}'s name", attribute.name), (f"attribute {attribute.name!r}", attribute.value)]
    for number, event in enumerate(topic.timeline, start=1):
        out.append((f"timeline event {number}", event.text))
        if event.source is not None:
            out.append((f"timeline event {number}'s source", event.source))
    for number, section in enumerate(topic.background, start=1):
        out += [(f"background section {number}'s heading", section.heading),
                (f"background section {number}", section.paragraph)]
    for number, result in enumerate(topic.web_results, start=1):
        out += [(f"web result {number}'s title", result.title), (f"web result {number}'s snippet", result.snippet)]
        if result.url is not None:
            out.append((f"web result {number}'s link", result.url))
    out += [(f"the alias {alias!r}", alias) for alias in topic.aliases]
    return out


def check_record_limits(topic: Topic, limits: RecordLimits, *, size: int | None = None) -> list[LimitBreach]:
    """Every limit ``topic`` goes over, in a fixed order: size, parts, then the longest field over.

    ``size`` is the record's size in bytes when the caller has it (a file's length, the text about to
    be stored); otherwise it is measured by formatting the record. An empty list means it fits.
    """
    size = record_size(topic) if size is None else size
    if _fits(topic, limits, size):
        return []
    breaches: list[LimitBreach] = []
    bytes_breach = check_record_bytes(size, limits)
    if bytes_breach is not None:
        breaches.append(bytes_breach)
    for key, count, what in (
        ("timeline_events", len(topic.timeline), "timeline events"),
        ("attributes", len(topic.attributes), "attributes"),
        ("web_results", len(topic.web_results), "web results"),
        ("background_sections", len(topic.background), "background sections"),
    ):
        limit: int = getattr(limits, key)
        if count > limit:
            breaches.append(LimitBreach(key, count, limit, f"{{size}} {what}"))
    longest = max(_text_fields(topic), key=lambda named: len(named[1]))
    if len(longest[1]) > limits.field_chars:
        name = longest[0].replace("{", "{{").replace("}", "}}")
        breaches.append(LimitBreach("field_chars", len(longest[1]), limits.field_chars,
                                    f"{name} is {{size}} characters long"))
    return breaches


def refusal(record: str, breaches: list[LimitBreach]) -> RecordTooLargeError:
    """The error refusing ``record`` (a file name or a title) for ``breaches``, all in one line."""
    return RecordTooLargeError(record, tuple(str(breach) for breach in breaches))


def enforce_record_limits(record: str, topic: Topic, limits: RecordLimits, *, size: int | None = None) -> None:
    """Raise ``RecordTooLargeError`` naming ``record`` if ``topic`` goes over any of ``limits``."""
    breaches = check_record_limits(topic, limits, size=size)
    if breaches:
        raise refusal(record, breaches)
