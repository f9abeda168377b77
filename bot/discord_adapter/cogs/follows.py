"""``/topic follow`` and ``/topic unfollow``: a channel gets a message when a topic it follows changes.

A base of ``TopicsCog`` (so the commands are in the ``/topic`` group). The messages themselves come
from ``FollowNotifier``, a change-feed subscriber.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.errors import TopicNotFoundError
from bot.discord_adapter.choices import topic_choices
from bot.discord_adapter.replies import no_pings
from bot.discord_adapter.topic_keys import resolve_key

if TYPE_CHECKING:
    from bot.discord_adapter.client import TopicBot

FollowChannel = discord.TextChannel | discord.Thread


class FollowCommands(commands.Cog):
    bot: TopicBot

    def _followed(self, interaction: discord.Interaction, topic: str) -> tuple[int, str]:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage
        index = self.bot.services.index
        title = resolve_key(topic, index, interaction.guild_id)
        found = index.get(title, interaction.guild_id)
        if found is None:
            raise TopicNotFoundError(title, ())
        return interaction.guild_id, found.title

    @app_commands.command(name="follow", description="Get a message in a channel when a topic changes")
    @app_commands.describe(topic="The topic (start typing to search)", channel="Where to post (default: here)")
    @app_commands.guild_only()
    async def follow(self, interaction: discord.Interaction, topic: str, channel: FollowChannel | None = None) -> None:
        guild_id, title = self._followed(interaction, topic)
        channel_id = channel.id if channel is not None else interaction.channel_id
        if channel_id is None:
            raise app_commands.NoPrivateMessage
        new = await self.bot.services.usage_store.follow(guild_id, channel_id, title, by=str(interaction.user.id),
                                                         at=datetime.now(UTC))
        text = (f"<#{channel_id}> now follows **{title}**: one message when it changes (at most one a minute)."
                if new else f"<#{channel_id}> already follows **{title}**.")
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=no_pings())

    @app_commands.command(name="unfollow", description="Stop the change messages of a topic in a channel")
    @app_commands.describe(topic="The topic (start typing to search)", channel="Which channel (default: here)")
    @app_commands.guild_only()
    async def unfollow(self, interaction: discord.Interaction, topic: str,
                       channel: FollowChannel | None = None) -> None:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage
        title = resolve_key(topic, self.bot.services.index, interaction.guild_id)
        channel_id = channel.id if channel is not None else interaction.channel_id
        removed = await self.bot.services.usage_store.unfollow(interaction.guild_id, channel_id, title)
        text = (f"<#{channel_id}> no longer follows **{title}**." if removed else
                f"<#{channel_id}> was not following **{title}**.")
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=no_pings())

    @follow.autocomplete("topic")
    @unfollow.autocomplete("topic")
    async def follow_autocomplete(self, interaction: discord.Interaction,
                                  current: str) -> list[app_commands.Choice[str]]:
        return topic_choices(self.bot.services.index, current, interaction.guild_id)
