"""Rendered answers (``Reply``) as Discord messages: embeds within Discord's limits, safe mentions.

Nothing here decides *what* to say (the core's renderer did); this module only fits it into
Discord's containers: content 2000 characters; embed title 256, description 4096, field value 1024,
footer 2048, 25 fields, 6000 in total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import discord
from discord.utils import format_dt

from bot.core.discord_limits import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FIELDS_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    MESSAGE_LIMIT,
)
from bot.core.usage.stale import is_stale

if TYPE_CHECKING:
    from bot.core.answers import Answer
    from bot.core.model import Topic
    from bot.core.rendering import Reply


EMBED_COLOUR: Final = discord.Colour(0x3B7DD8)
ELLIPSIS: Final = "\u2026"
STALE_FIELD: Final = "\u26a0\ufe0f Possibly out of date"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a line or word break when one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for separator in ("\n", " "):
        position = cut.rfind(separator)
        if position >= limit * 3 // 4:
            cut = cut[:position]
            break
    return cut.rstrip() + ELLIPSIS


def no_pings(target: discord.abc.Snowflake | None = None) -> discord.AllowedMentions:
    """Mentions that ping nobody (no @everyone/@here, roles, users or the replied-to author) except ``target``."""
    return discord.AllowedMentions(
        everyone=False, roles=False, replied_user=False, users=[target] if target is not None else False
    )


def freshness_text(topic: Topic) -> str:
    """Freshness as Discord timestamps, shown in each reader's own time zone and language."""
    return (f"Last updated {format_dt(topic.last_updated, 'R')} \u00b7 "
            f"research retrieved {format_dt(topic.research_retrieved, 'R')}")


def answer_embed(answer: Answer, reply: Reply, page: int = 0, *, stale_after: timedelta | None = None) -> discord.Embed:
    """Page ``page`` of ``reply`` as an embed: title, body, freshness field (flagged when stale), page footer."""
    pages = reply.pages or (reply.body,)
    page = min(max(page, 0), len(pages) - 1)
    title = reply.title or (answer.topic.title if answer.topic else None)
    embed = discord.Embed(
        title=clip(title, EMBED_TITLE_LIMIT) if title else None,
        description=clip(pages[page], EMBED_DESCRIPTION_LIMIT),
        colour=EMBED_COLOUR,
    )
    if answer.topic is not None:
        embed.add_field(name="Freshness", value=clip(freshness_text(answer.topic), EMBED_FIELD_VALUE_LIMIT),
                        inline=False)
        if stale_after is not None and is_stale(answer.topic, datetime.now(UTC), stale_after):
            embed.add_field(name=STALE_FIELD, value=f"Not updated for over {stale_after.days} days; "
                            "it may be out of date.", inline=False)
    if len(pages) > 1:
        embed.set_footer(text=f"Page {page + 1} of {len(pages)}")
    return fit_embed(embed)


def text_embed(title: str | None, text: str) -> discord.Embed:
    """A plain embed for text that is not an answer (explanations, notices)."""
    embed = discord.Embed(title=clip(title, EMBED_TITLE_LIMIT) if title else None,
                          description=clip(text, EMBED_DESCRIPTION_LIMIT), colour=EMBED_COLOUR)
    return fit_embed(embed)


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Trim ``embed`` to Discord's 6000-character total by shortening the description, then fields."""
    while len(embed.fields) > EMBED_FIELDS_LIMIT:
        embed.remove_field(-1)
    excess = len(embed) - EMBED_TOTAL_LIMIT
    if excess > 0 and embed.description:
        embed.description = clip(embed.description, max(len(embed.description) - excess, 1))
    while len(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(-1)
    return embed


@dataclass
class OutgoingMessage:
    """What to send, independent of how (interaction response, follow-up, reply or edit)."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    allowed_mentions: discord.AllowedMentions = field(default_factory=no_pings)

    def __post_init__(self) -> None:
        if self.content is not None:
            self.content = clip(self.content, MESSAGE_LIMIT)

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``send_message``, ``followup.send``, ``Message.reply`` and ``channel.send``."""
        kwargs: dict[str, Any] = {"content": self.content, "allowed_mentions": self.allowed_mentions}
        if self.embeds:
            kwargs["embeds"] = self.embeds
        if self.view is not None:
            kwargs["view"] = self.view
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``edit_message``/``Message.edit``: replaces content, embeds and components."""
        return {"content": self.content, "embeds": self.embeds, "view": self.view,
                "allowed_mentions": self.allowed_mentions}


def notice(text: str) -> OutgoingMessage:
    """A short plain-text message (chatter replies, cooldown notes)."""
    return OutgoingMessage(content=text)
