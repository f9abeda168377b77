"""Change events: what every write to the topics announces, and who made it.

Every change (a topic added, edited, removed or reverted; a shared topic hidden or shown again in a
guild; a guild's settings saved) is written in the same transaction as the change itself, as one
row of the change log with a growing id. Each process reads the log in id order (``ChangeFeed``)
and hands the events to its subscribers (the in-memory index, the mod log, ...), whichever process
or front end made the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Final, Literal, Protocol

from bot.core.model import Topic
from bot.core.record_format import parse_record

ChangeAction = Literal["add", "edit", "remove", "revert", "hide", "unhide", "settings"]
FrontEnd = Literal["discord", "cli", "knowledge", "dashboard", "test"]

#: Actions that write a topic revision (the others leave the topic itself unchanged).
TOPIC_ACTIONS: Final = frozenset({"add", "edit", "remove", "revert"})


@dataclass(frozen=True)
class Author:
    """Who made a change, and through which front end.

    ``user_id`` is the front end's id of the person (a Discord user id), when it has one.
    """

    name: str
    front_end: FrontEnd = "cli"
    user_id: int | None = None

    @property
    def label(self) -> str:
        """How revisions and the mod log name the author: ``alice (123)`` from Discord, else the name."""
        return self.name if self.user_id is None else f"{self.name} ({self.user_id})"

    def __str__(self) -> str:
        return self.label


#: The author of changes made with the command line when no name is given.
CLI_AUTHOR: Final = Author("cli")
#: The author of the shipped topics imported on first use.
KNOWLEDGE_AUTHOR: Final = Author("knowledge", "knowledge")


@dataclass(frozen=True)
class ChangeEvent:
    """One change, as the change log holds it.

    ``guild_id`` is the guild the change belongs to: the scope of the topic (``None`` for a shared
    topic), or the guild that hid/unhid a shared topic or saved its settings. ``title`` is the topic's
    title after the change (before it, for a removal); ``previous_title`` is set when an edit or a
    revert renamed it. ``text`` and ``aliases`` are the revision's record text and moderator aliases
    (empty for hide, unhide and settings).
    """

    id: int
    action: ChangeAction
    guild_id: int | None
    author: Author
    created_at: datetime
    topic_id: int | None = None
    title: str | None = None
    previous_title: str | None = None
    revision_id: int | None = None
    version: int | None = None
    text: str = field(default="", repr=False)
    aliases: tuple[str, ...] = ()

    @property
    def writes_topic(self) -> bool:
        return self.action in TOPIC_ACTIONS

    def topic(self, tz: tzinfo = UTC) -> Topic | None:
        """The topic this change leaves behind (``None`` after a removal or for a non-topic change)."""
        if not self.writes_topic or self.action == "remove":
            return None
        return replace(parse_record(self.text, tz), aliases=self.aliases)


class Subscriber(Protocol):
    """Receives change events in id order, each exactly once per process."""

    async def __call__(self, events: Sequence[ChangeEvent], /) -> None: ...
