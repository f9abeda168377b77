"""What the store hands out: topics with their storage metadata, and revisions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Literal

from bot.core.model import Topic
from bot.core.record_format import parse_record

RevisionAction = Literal["add", "edit", "remove", "revert"]


@dataclass(frozen=True)
class StoredTopic:
    """A topic as stored: ``version`` starts at 1 and grows by one with every change."""

    topic: Topic
    id: int
    guild_id: int | None
    version: int
    updated_at: datetime
    updated_by: str

    @property
    def title(self) -> str:
        return self.topic.title


@dataclass(frozen=True)
class Revision:
    """One change of a topic: the full record text after it (for a removal, the text removed).

    ``text`` is written with the store's timezone (see ``TopicRepository``); ``aliases`` are the
    moderator aliases, which the record format does not carry.
    """

    topic_id: int
    guild_id: int | None
    title: str
    version: int
    action: RevisionAction
    author: str
    created_at: datetime
    text: str = field(repr=False)
    aliases: tuple[str, ...]

    def topic(self, tz: tzinfo = UTC) -> Topic:
        """The topic as it was in this revision."""
        return replace(parse_record(self.text, tz), aliases=self.aliases)


@dataclass(frozen=True)
class GuildSettings:
    """Per-guild moderation settings (``None``: not configured)."""

    guild_id: int
    moderator_role_id: int | None = None
    mod_log_channel_id: int | None = None
