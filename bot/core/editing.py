"""Moderator edits as pure functions: each takes a ``Topic`` and returns a new one with one change.

Every function checks the field against ``bot.core.model.LIMITS`` (``FieldTooLongError``) and
raises ``EditError`` for an edit that cannot apply: removing an attribute, event, web result or
alias that is not there, an empty title, or text the record format cannot hold (a line break in a
one-line field, say). The result always survives the record round trip, so the revision text that
the store keeps for it reads back as the same topic.

Numbers of timeline events and web results are 1-based, as ``numbered_events`` shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Final

from bot.core.errors import EditError, RecordFormatError, TopicbotError, UnrepresentableTopicError
from bot.core.model import Attribute, BackgroundSection, TimelineEvent, Topic, WebResult, check_length
from bot.core.names import name_key
from bot.core.record_format import format_record, parse_record

#: Fields that hold one line of text in the record format.
_ONE_LINE_FIELDS: Final = frozenset(
    {"title", "attribute_name", "event_text", "event_source", "result_title", "result_url", "alias"}
)


def _clean(field_name: str, value: str, *, required: bool = True) -> str:
    """``value`` stripped and checked: not empty (when required), within its limit, one line where needed."""
    text = value.strip()
    if required and not text:
        raise EditError(f"the {field_name.replace('_', ' ')} cannot be empty")
    if field_name in _ONE_LINE_FIELDS and ("\n" in text or "\r" in text):
        raise EditError(f"the {field_name.replace('_', ' ')} must be one line")
    check_length(field_name, text)
    return text


def checked(topic: Topic) -> Topic:
    """``topic`` if it is valid and reads back from its record text unchanged; else ``EditError``.

    Raises ``FieldTooLongError`` for a field over its limit.
    """
    topic.validate()
    try:
        again = parse_record(format_record(topic, UTC), UTC)
    except RecordFormatError as error:
        raise EditError(f"the record format cannot hold this change ({error.expected} expected, "
                        f"{error.found} found)") from error
    except UnrepresentableTopicError as error:
        raise EditError(f"the record format cannot hold this change ({error})") from error
    if replace(again, aliases=topic.aliases) != topic:
        raise EditError("the record format cannot hold this change exactly (check for stray spaces or line breaks)")
    return topic


def new_topic(title: str, description: str, summary: str, now: datetime) -> Topic:
    """A topic made from scratch (the ``add`` form): dated ``now`` (timezone-aware), no other parts yet."""
    if now.tzinfo is None:
        raise EditError("the time of a new topic must be timezone-aware")
    moment = now.replace(microsecond=0)
    return checked(Topic(_clean("title", title), _clean("description", description), moment, moment, moment,
                         _clean("summary", summary)))


# --- one part at a time (shared by the single edits and the whole-topic form) ---------------------


def _event(text: str, when: date, source: str | None) -> TimelineEvent:
    event = TimelineEvent(
        _clean("event_text", text),
        when,
        _clean("event_source", source) if source is not None and source.strip() else None,
    )
    if event.source is not None and ("(" in event.source or ")" in event.source):
        raise EditError("an event source cannot contain parentheses")
    return event


def _web_result(title: str, snippet: str, url: str | None) -> WebResult:
    result = WebResult(
        _clean("result_title", title),
        _clean("result_snippet", snippet),
        _clean("result_url", url) if url is not None and url.strip() else None,
    )
    if result.url is not None and not result.url.startswith(("http://", "https://")):
        raise EditError(f"a web result URL must start with http:// or https:// (got {result.url!r})")
    return result


def _new_alias(title: str, aliases: tuple[str, ...], alias: str) -> str:
    alias = _clean("alias", alias)
    key = name_key(alias)
    if key == name_key(title) or key in {name_key(a) for a in aliases}:
        raise EditError(f"{title!r} already has the alias {alias!r}")
    return alias


# --- scalar fields ------------------------------------------------------------------------------


def set_title(topic: Topic, title: str) -> Topic:
    return checked(replace(topic, title=_clean("title", title), derived_aliases=()))


def set_description(topic: Topic, description: str) -> Topic:
    return checked(replace(topic, description=_clean("description", description), derived_aliases=()))


def set_summary(topic: Topic, summary: str) -> Topic:
    return checked(replace(topic, summary=_clean("summary", summary), derived_aliases=()))


# --- attributes ---------------------------------------------------------------------------------


def set_attribute(topic: Topic, name: str, value: str) -> Topic:
    """Change the attribute called ``name`` (any case, keeping its place), or add it at the end."""
    name = _clean("attribute_name", name)
    value = _clean("attribute_value", value)
    wanted = name.casefold()
    attributes = list(topic.attributes)
    for i, attribute in enumerate(attributes):
        if attribute.name.casefold() == wanted:
            attributes[i] = Attribute(name, value)
            break
    else:
        attributes.append(Attribute(name, value))
    return checked(replace(topic, attributes=tuple(attributes)))


def remove_attribute(topic: Topic, name: str) -> Topic:
    wanted = name.strip().casefold()
    kept = tuple(a for a in topic.attributes if a.name.casefold() != wanted)
    if len(kept) == len(topic.attributes):
        have = ", ".join(a.name for a in topic.attributes) or "none"
        raise EditError(f"{topic.title!r} has no attribute called {name.strip()!r} (it has: {have})")
    return checked(replace(topic, attributes=kept))


# --- timeline -----------------------------------------------------------------------------------


def add_event(topic: Topic, text: str, when: date, source: str | None = None) -> Topic:
    """Add a timeline event after every event dated on or before ``when`` (chronological order)."""
    event = _event(text, when, source)
    position = sum(1 for e in topic.timeline if e.date <= when)
    timeline = (*topic.timeline[:position], event, *topic.timeline[position:])
    return checked(replace(topic, timeline=timeline))


def _index(kind: str, number: int, count: int, title: str) -> int:
    if not 1 <= number <= count:
        have = f"1 to {count}" if count else "none"
        raise EditError(f"{title!r} has no {kind} number {number} (it has {have})")
    return number - 1


def remove_event(topic: Topic, number: int) -> Topic:
    """Remove the ``number``-th timeline event (1-based)."""
    i = _index("timeline event", number, len(topic.timeline), topic.title)
    return checked(replace(topic, timeline=topic.timeline[:i] + topic.timeline[i + 1 :]))


def numbered_events(topic: Topic) -> list[tuple[int, TimelineEvent]]:
    """The timeline with the 1-based numbers ``remove_event`` takes."""
    return list(enumerate(topic.timeline, start=1))


# --- web results --------------------------------------------------------------------------------


def add_web_result(topic: Topic, title: str, snippet: str, url: str | None = None) -> Topic:
    return checked(replace(topic, web_results=(*topic.web_results, _web_result(title, snippet, url))))


def remove_web_result(topic: Topic, number: int) -> Topic:
    """Remove the ``number``-th web result (1-based)."""
    i = _index("web result", number, len(topic.web_results), topic.title)
    return checked(replace(topic, web_results=topic.web_results[:i] + topic.web_results[i + 1 :]))


# --- aliases ------------------------------------------------------------------------------------


def add_alias(topic: Topic, alias: str) -> Topic:
    """Add a moderator alias; one the topic already answers to (title or any alias) is refused."""
    return checked(replace(topic, aliases=(*topic.aliases, _new_alias(topic.title, topic.aliases, alias))))


def remove_alias(topic: Topic, alias: str) -> Topic:
    """Remove a moderator alias. Aliases derived from the record's text cannot be removed by hand."""
    wanted = name_key(alias.strip())
    kept = tuple(a for a in topic.aliases if name_key(a) != wanted)
    if len(kept) == len(topic.aliases):
        if wanted in {name_key(a) for a in topic.derived_aliases}:
            raise EditError(f"{alias.strip()!r} comes from the text of {topic.title!r}, not from a moderator; "
                            "edit the description or summary to drop it")
        raise EditError(f"{topic.title!r} has no moderator alias {alias.strip()!r}")
    return checked(replace(topic, aliases=kept))


# --- every hand-edited part at once (the dashboard's full editor) -----------------------------------


@dataclass(frozen=True)
class TopicFields:
    """Every part of a topic a moderator edits by hand, as a whole-topic form hands them in.

    Attributes are ``(name, value)``, events ``(date, text, source or None)``, background sections
    ``(heading, paragraph)``, web results ``(title, snippet, url or None)``, in the order to keep.
    """

    title: str
    description: str
    summary: str
    attributes: tuple[tuple[str, str], ...] = ()
    timeline: tuple[tuple[date, str, str | None], ...] = ()
    background: tuple[tuple[str, str], ...] = ()
    web_results: tuple[tuple[str, str, str | None], ...] = ()
    aliases: tuple[str, ...] = ()


def _numbered(kind: str, number: int, error: TopicbotError) -> EditError:
    return EditError(f"{kind} {number}: {error}")


def set_fields(topic: Topic, fields: TopicFields) -> Topic:
    """``topic`` with every hand-edited part replaced, each checked as the single edits check it.

    The dates of the record (first mentioned, last updated, retrieved) are kept. An error names the
    part and its 1-based number ("Attribute 2: ...").
    """
    attributes: list[Attribute] = []
    seen: set[str] = set()
    for number, (name, value) in enumerate(fields.attributes, start=1):
        try:
            attribute = Attribute(_clean("attribute_name", name), _clean("attribute_value", value))
        except TopicbotError as error:
            raise _numbered("Attribute", number, error) from error
        if attribute.name.casefold() in seen:
            raise EditError(f"Attribute {number}: there is already an attribute called {attribute.name!r}")
        seen.add(attribute.name.casefold())
        attributes.append(attribute)
    timeline: list[TimelineEvent] = []
    for number, (when, text, source) in enumerate(fields.timeline, start=1):
        try:
            timeline.append(_event(text, when, source))
        except TopicbotError as error:
            raise _numbered("Timeline event", number, error) from error
    background: list[BackgroundSection] = []
    for number, (heading, paragraph) in enumerate(fields.background, start=1):
        try:
            background.append(BackgroundSection(_clean("section_heading", heading),
                                                _clean("section_paragraph", paragraph)))
        except TopicbotError as error:
            raise _numbered("Background section", number, error) from error
        if "\n" in background[-1].heading or "\r" in background[-1].heading:
            raise EditError(f"Background section {number}: the heading must be one line")
    results: list[WebResult] = []
    for number, (title, snippet, url) in enumerate(fields.web_results, start=1):
        try:
            results.append(_web_result(title, snippet, url))
        except TopicbotError as error:
            raise _numbered("Web result", number, error) from error
    new_title = _clean("title", fields.title)
    aliases: list[str] = []
    for alias in fields.aliases:
        aliases.append(_new_alias(new_title, tuple(aliases), alias))
    return checked(replace(
        topic,
        title=new_title,
        description=_clean("description", fields.description),
        summary=_clean("summary", fields.summary),
        attributes=tuple(attributes),
        timeline=tuple(timeline),
        background=tuple(background),
        web_results=tuple(results),
        aliases=tuple(aliases),
        derived_aliases=(),
    ))
