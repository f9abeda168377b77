"""The mod log: one message per applied change, in the guild's mod-log channel.

The channel is the one set with ``/topic-admin config mod-log:``, else
``settings.discord.mod_log_channel_id`` (used only for changes in the server that channel belongs
to), else there is no mod log. The change is already stored
when this runs, so a failure to post is logged and never undoes or hides it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import discord

from bot.core.discord_limits import MESSAGE_LIMIT
from bot.discord_adapter.replies import no_pings

if TYPE_CHECKING:
    from bot.core.moderation import ChangeResult
    from bot.core.storage import GuildSettings

log = logging.getLogger(__name__)

#: At most this many changes of one import get a message each; the rest are summed up in one more.
MAX_MESSAGES_PER_BATCH: Final = 10


def mod_log_channel_id(guild_settings: GuildSettings, default_channel_id: int | None) -> int | None:
    return guild_settings.mod_log_channel_id or default_channel_id


async def _channel(client: discord.Client, channel_id: int) -> discord.abc.Messageable | None:
    channel = client.get_channel(channel_id)
    if channel is None:
        channel = await client.fetch_channel(channel_id)
    if not isinstance(channel, discord.abc.Messageable):
        log.warning("mod-log channel %s is not a channel messages can be sent to", channel_id)
        return None
    return channel


class ModLog:
    """Posts ``ChangeResult.mod_log_text()`` to a guild's mod-log channel."""

    def __init__(self, client: discord.Client, default_channel_id: int | None = None) -> None:
        self.client = client
        self.default_channel_id = default_channel_id

    async def post(self, guild_settings: GuildSettings, changes: Sequence[ChangeResult],
                   more: Sequence[tuple[str, str]] = ()) -> int:
        """Post one message per change that wrote something; returns how many messages were sent.

        Past ``MAX_MESSAGES_PER_BATCH`` changes, the rest (and ``more``: ``(title, author)`` of
        changes not described) are summed up in one more message. Never raises: a failure to post
        is logged with the change's headline.
        """
        written = [change for change in changes if change.changed]
        channel_id = mod_log_channel_id(guild_settings, self.default_channel_id)
        if channel_id is None or not (written or more):
            return 0
        texts = [change.mod_log_text(MESSAGE_LIMIT) for change in written[:MAX_MESSAGES_PER_BATCH]]
        rest = [(change.title, change.author.label) for change in written[MAX_MESSAGES_PER_BATCH:]]
        rest.extend(more)
        if rest:
            names = ", ".join(title for title, _ in rest)
            texts.append(f"\u2026 and {len(rest)} more changes by {rest[0][1]}: {names}"[:MESSAGE_LIMIT])
        sent = 0
        try:
            channel = await _channel(self.client, channel_id)
            if channel is None:
                return 0
            guild = getattr(channel, "guild", None)
            if guild is not None and guild.id != guild_settings.guild_id:
                # The configured default channel belongs to another server: never leak changes there.
                log.warning("mod-log channel %s is not in guild %s; not posting there", channel_id,
                            guild_settings.guild_id)
                return 0
            for text in texts:
                await channel.send(text, allowed_mentions=no_pings())
                sent += 1
        except Exception:  # the change is stored already; a failed post must not make it look failed
            log.exception("could not post %d mod-log message(s) to channel %s in guild %s (first: %s)",
                          len(texts) - sent, channel_id, guild_settings.guild_id, texts[0].split("\n", 1)[0])
        return sent
