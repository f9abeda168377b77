"""Delivering answers to Discord: one place for cooldowns, misses, disambiguations and safe mentions.

Cogs turn an interaction or message into an ``Answer`` (through the core's ``Answerer``) and hand
it here; this module renders it with the core's ``Renderer``, fits it into a Discord message
(``views.compose``) and sends it the right way.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Final

import discord

from bot.discord_adapter.cooldowns import AnswerCooldowns, ChatterCooldown, Clock, EarlierAnswer, MemberRateLimit
from bot.discord_adapter.replies import OutgoingMessage, no_pings, notice
from bot.discord_adapter.views import compose

if TYPE_CHECKING:
    from bot.config import DiscordSettings
    from bot.core.answers import Answer
    from bot.services import Services

log = logging.getLogger(__name__)

CHATTER_REPLY: Final = "I don't know that one; try `/topic list`."


def cooldown_note(earlier: EarlierAnswer) -> str:
    if earlier.jump_url:
        return f"I answered that here a moment ago: {earlier.jump_url}"
    return "I answered that in this channel a moment ago; scroll up for it."


def jump_url_of(sent: object) -> str | None:
    """The jump URL of what an interaction response or a send created, when discord.py returned it."""
    if isinstance(sent, discord.InteractionCallbackResponse):
        sent = sent.resource
    if isinstance(sent, discord.Message):
        return sent.jump_url
    return None


class Responder:
    """Sends answers for the cogs; holds the per-channel cooldowns (in memory, per process)."""

    def __init__(self, services: Services, settings: DiscordSettings, clock: Clock = time.monotonic) -> None:
        self.services = services
        self.cooldowns = AnswerCooldowns(settings.cooldown_seconds, clock)
        self.chatter = ChatterCooldown(settings.chatter_cooldown_seconds, clock)
        self.mention_limit = MemberRateLimit(settings.mention_limit, settings.mention_window_seconds, clock)

    def message_for(self, answer: Answer, *, target: discord.abc.Snowflake | None = None) -> OutgoingMessage:
        return compose(answer, self.services.renderer.render(answer), target=target,
                       stale_after=timedelta(days=self.services.settings.usage.stale_after_days))

    async def send(self, interaction: discord.Interaction, answer: Answer, *, ephemeral: bool = False,
                   target: discord.abc.Snowflake | None = None) -> None:
        """Answer an interaction: misses and repeats privately, everything else as asked."""
        channel_id = interaction.channel_id
        if answer.is_miss:
            text = self.services.renderer.render(answer).text
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=no_pings())
            return
        if not ephemeral and channel_id is not None:
            earlier = self.cooldowns.earlier(channel_id, answer)
            if earlier is not None:
                log.info("cooldown: %r already answered in channel %s", answer.question, channel_id)
                await interaction.response.send_message(cooldown_note(earlier), ephemeral=True,
                                                        allowed_mentions=no_pings())
                return
        message = self.message_for(answer, target=target)
        sent = await interaction.response.send_message(**message.send_kwargs(), ephemeral=ephemeral)
        if not ephemeral and channel_id is not None:
            self.cooldowns.remember(channel_id, answer, jump_url_of(sent))

    async def reply(self, message: discord.Message, answer: Answer) -> None:
        """Answer a message (a mention) as a reply to it; chatter at most once per channel per cooldown."""
        channel_id = message.channel.id
        if answer.is_miss:
            await self.reply_chatter(message)
            return
        earlier = self.cooldowns.earlier(channel_id, answer)
        if earlier is not None:
            log.info("cooldown: %r already answered in channel %s", answer.question, channel_id)
            await message.reply(**notice(cooldown_note(earlier)).send_kwargs(), mention_author=False)
            return
        outgoing = self.message_for(answer)
        sent = await message.reply(**outgoing.send_kwargs(), mention_author=False)
        self.cooldowns.remember(channel_id, answer, jump_url_of(sent))

    async def reply_chatter(self, message: discord.Message, text: str = CHATTER_REPLY) -> bool:
        """Reply ``text`` unless this channel already got a chatter reply within the cooldown."""
        if not self.chatter.allow(message.channel.id):
            log.debug("chatter in channel %s left unanswered (cooldown)", message.channel.id)
            return False
        await message.reply(**notice(text).send_kwargs(), mention_author=False)
        return True
