"""One exception hierarchy for the core; the front ends map each type to user-facing text."""

from __future__ import annotations


class TopicbotError(Exception):
    """Base class of every error the core raises on purpose."""


class RecordFormatError(TopicbotError):
    """A topic record does not follow the record format.

    ``line`` is 1-based; ``expected`` and ``found`` say what the parser wanted and what it saw.
    ``source`` names the file when the record came from one.
    """

    def __init__(self, line: int, expected: str, found: str, source: str | None = None) -> None:
        self.line = line
        self.expected = expected
        self.found = found
        self.source = source
        where = f"{source}: line {line}" if source else f"line {line}"
        super().__init__(f"{where}: expected {expected}, found {found}")

    def with_source(self, source: str) -> RecordFormatError:
        """The same error, naming the file it came from."""
        return RecordFormatError(self.line, self.expected, self.found, source)


class FieldTooLongError(TopicbotError):
    """A field is longer than its limit (see ``bot.core.model.LIMITS``).

    ``line`` is the 1-based line of the record it was read from, when it was read from one;
    ``measure`` says what was counted ("characters long", or the length of the title's comparison key).
    """

    def __init__(self, field: str, limit: int, length: int, *, line: int | None = None,
                 measure: str = "characters long") -> None:
        self.field = field
        self.limit = limit
        self.length = length
        self.line = line
        self.measure = measure
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{field} is {length} {measure}; the limit is {limit}")

    def at_line(self, line: int) -> FieldTooLongError:
        """The same error, naming the record line it was found on."""
        return FieldTooLongError(self.field, self.limit, self.length, line=line, measure=self.measure)


class UnrepresentableTopicError(TopicbotError):
    """A topic holds text the record format cannot write back faithfully (a line break in a
    one-line field, an empty paragraph, a link that is not a URL…)."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class TopicNotFoundError(TopicbotError):
    """No stored topic has this title (``suggestions`` holds the closest titles)."""

    def __init__(self, title: str, suggestions: tuple[str, ...] = ()) -> None:
        self.title = title
        self.suggestions = suggestions
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"no topic titled {title!r}{hint}")


class DuplicateTopicError(TopicbotError):
    """A topic with this title already exists in the same scope (titles are unique, case-insensitively)."""

    def __init__(self, title: str) -> None:
        self.title = title
        super().__init__(f"a topic titled {title!r} already exists")


class StaleVersionError(TopicbotError):
    """An edit was based on an older version of the topic than the one stored."""

    def __init__(self, title: str, expected_version: int, actual_version: int, changed_by: str | None = None,
                 changed_at: str | None = None) -> None:
        self.title = title
        self.expected_version = expected_version
        self.actual_version = actual_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        who = f" by {changed_by}" if changed_by else ""
        when = f" at {changed_at}" if changed_at else ""
        super().__init__(f"{title!r} was changed{who}{when} since you opened it "
                         f"(you had version {expected_version}, it is now {actual_version})")


class StorageUnavailableError(TopicbotError):
    """The topic store cannot be reached (database down, file unreadable)."""


class ImportAbortedError(TopicbotError):
    """An import was rolled back; the store is as it was before."""


class EditError(TopicbotError):
    """A moderator's edit cannot be applied (removing something that is not there, an empty title,
    text the record format cannot hold); nothing was changed."""


class MissingExtraError(TopicbotError):
    """A feature was asked for whose optional libraries are not installed (the message names the extra).
    A setup mistake, like a bad setting: the command line exits with 2 for it."""


class RecordTooLargeError(TopicbotError):
    """A record goes over the configured ``[limits]`` (``bot.core.record_limits``); nothing was written.

    ``record`` names it (a file, or a topic's title); ``breaches`` says each limit it goes over, as
    "278,000 timeline events, the limit is 5,000 ([limits] timeline_events)".
    """

    def __init__(self, record: str, breaches: tuple[str, ...]) -> None:
        self.record = record
        self.breaches = breaches
        super().__init__(f"{record}: {'; '.join(breaches)}")
