"""The domain model of a tracked topic, as frozen dataclasses detached from any storage.

Field-length limits live here, in ``LIMITS``, and nowhere else: the record parser, the store and
the Discord modals all read them from this table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Final, TypeVar

from bot.core.aliases import derive_aliases
from bot.core.errors import FieldTooLongError
from bot.core.names import name_key

#: Maximum length, in characters, of each text field of a topic.
LIMITS: Final = MappingProxyType(
    {
        "title": 200,
        "description": 1000,
        "summary": 4000,
        "attribute_name": 100,
        "attribute_value": 1000,
        "event_text": 1000,
        "event_source": 200,
        "section_heading": 200,
        "section_paragraph": 4000,
        "result_title": 300,
        "result_url": 2000,
        "result_snippet": 4000,
        "alias": 100,
    }
)

#: The longest comparison key (``bot.core.names.name_key``) a title may have: the store's key column.
#: Case folding and NFKC can lengthen a title ("ß" → "ss", "ﬃ" → "ffi").
TITLE_KEY_LIMIT: Final = 2 * LIMITS["title"]

_URL_RE: Final = re.compile(r"https?://[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?]")
#: A link a record may give for a web result: http(s), a host name (no user name before an ``@``, which
#: can make one address look like another), an optional port, then a path without spaces, quotes or
#: angle brackets (which would end the link early in Markdown).
STRICT_URL_RE: Final = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?(?:[/?#][^\s<>\"]*)?")


def is_valid_url(text: str) -> bool:
    """Whether ``text`` is exactly one link of the form ``STRICT_URL_RE`` allows."""
    return STRICT_URL_RE.fullmatch(text) is not None


def check_length(field_name: str, value: str) -> None:
    """Raise ``FieldTooLongError`` when ``value`` is longer than ``LIMITS[field_name]``."""
    limit = LIMITS[field_name]
    if len(value) > limit:
        raise FieldTooLongError(field_name, limit, len(value))


def check_title_key(title: str) -> None:
    """Raise ``FieldTooLongError`` when the title's comparison key is longer than ``TITLE_KEY_LIMIT``."""
    length = len(name_key(title))
    if length > TITLE_KEY_LIMIT:
        raise FieldTooLongError("title", TITLE_KEY_LIMIT, length,
                                measure="characters long once case-folded and normalised for comparison")


_R = TypeVar("_R", bound="_Restorable")


class _Restorable:
    """Pickles a slotted dataclass as its class and field values, restored without ``__init__``
    (``Topic`` would derive its aliases again) and without the generic slots ``__setstate__``, which
    looks the fields up again for every object: the index unpickles a few topics per question."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Callable[..., object], tuple[type, tuple[object, ...]]]:
        names: tuple[str, ...] = self.__slots__
        return _restore, (type(self), tuple(getattr(self, name) for name in names))


def _restore(cls: type[_R], values: tuple[object, ...]) -> _R:
    restored = object.__new__(cls)
    names: tuple[str, ...] = cls.__slots__
    for name, value in zip(names, values, strict=True):
        object.__setattr__(restored, name, value)
    return restored


@dataclass(frozen=True, slots=True)
class Attribute(_Restorable):
    """One extracted attribute: a name and its value (e.g. ``CEO`` → ``Sam Altman``)."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class TimelineEvent(_Restorable):
    """A dated event with the source it came from (``None`` when the record names none)."""

    text: str
    date: date
    source: str | None = None


@dataclass(frozen=True, slots=True)
class BackgroundSection(_Restorable):
    """A related background section: a heading and one paragraph."""

    heading: str
    paragraph: str


@dataclass(frozen=True, slots=True)
class WebResult(_Restorable):
    """A web search result. ``url`` is the link given on its own line; snippets may hold more links."""

    title: str
    snippet: str
    url: str | None = None

    @property
    def links(self) -> tuple[str, ...]:
        """Every link of this result: its own URL first, then URLs found inline in the snippet."""
        found = [self.url] if self.url and is_valid_url(self.url) else []
        for match in _URL_RE.finditer(self.snippet):
            if match.group(0) not in found and is_valid_url(match.group(0)):
                found.append(match.group(0))
        return tuple(found)


@dataclass(frozen=True, slots=True)
class Topic(_Restorable):
    """A tracked topic: one research record.

    ``aliases`` holds the names moderators added; ``derived_aliases`` those recovered from the
    record's own text. The two are kept apart because only the first kind is edited by hand.
    """

    title: str
    description: str
    first_mentioned: datetime
    last_updated: datetime
    research_retrieved: datetime
    summary: str
    attributes: tuple[Attribute, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    background: tuple[BackgroundSection, ...] = ()
    web_results: tuple[WebResult, ...] = ()
    aliases: tuple[str, ...] = ()
    derived_aliases: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not self.derived_aliases:
            # Computed once; frozen dataclasses are set through object.__setattr__.
            object.__setattr__(self, "derived_aliases", derive_aliases(self.title, self.description, self.summary))

    @property
    def all_aliases(self) -> tuple[str, ...]:
        """Moderator aliases first, then derived ones, without duplicates (case-insensitive)."""
        seen: set[str] = set()
        out: list[str] = []
        for alias in (*self.aliases, *self.derived_aliases):
            if name_key(alias) not in seen:
                seen.add(name_key(alias))
                out.append(alias)
        return tuple(out)

    def attribute(self, name: str) -> Attribute | None:
        """The attribute with this name (case-insensitive), if any."""
        wanted = name.casefold()
        return next((a for a in self.attributes if a.name.casefold() == wanted), None)

    @property
    def links(self) -> tuple[str, ...]:
        """Every source link of the topic, in record order, without duplicates."""
        out: list[str] = []
        for result in self.web_results:
            out.extend(link for link in result.links if link not in out)
        return tuple(out)

    def validate(self) -> None:
        """Raise ``FieldTooLongError`` for the first field over its limit."""
        check_length("title", self.title)
        check_title_key(self.title)
        check_length("description", self.description)
        check_length("summary", self.summary)
        for attribute in self.attributes:
            check_length("attribute_name", attribute.name)
            check_length("attribute_value", attribute.value)
        for event in self.timeline:
            check_length("event_text", event.text)
            if event.source is not None:
                check_length("event_source", event.source)
        for section in self.background:
            check_length("section_heading", section.heading)
            check_length("section_paragraph", section.paragraph)
        for result in self.web_results:
            check_length("result_title", result.title)
            check_length("result_snippet", result.snippet)
            if result.url is not None:
                check_length("result_url", result.url)
        for alias in self.aliases:
            check_length("alias", alias)
