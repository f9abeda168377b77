"""``/ask``, answers to messages that mention the bot, and the "Ask Topicbot" message menu.

All three go through the same ``Answerer.answer`` and ``Responder``; this cog only reads the
question out of the interaction or message.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Final

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.usage.records import AskContext
from bot.discord_adapter.error_messages import user_message
from bot.discord_adapter.replies import no_pings

if TYPE_CHECKING:
    from bot.discord_adapter.client import TopicBot

log = logging.getLogger(__name__)

QUESTION_LIMIT: Final = 500
UNREADABLE_REFERENCE: Final = (
    "I can't see the text of the message you replied to: Discord only shows me messages that mention me. "
    "Right-click it and use **Apps \u2192 Ask Topicbot**, or ask me directly: `@Topicbot what is \u2026`."
)
EMPTY_MENTION: Final = "Ask me something after the mention, e.g. `@Topicbot what is \u2026`, or try `/topic list`."
NO_TEXT: Final = "That message has no text I can answer."


def mentions(message: discord.Message, user_id: int) -> bool:
    """True when the text itself mentions ``user_id``.

    A reply with "ping on reply" also lists the replied-to author in ``message.mentions``; a reply
    to one of the bot's answers ("thanks!") is not a question for the bot, so that alone is not enough.
    """
    return any(user.id == user_id for user in message.mentions) and re.search(
        rf"<@!?{user_id}>", message.content) is not None


def context_of(interaction: discord.Interaction) -> AskContext:
    """Where an interaction's question came from (the usage log keeps the member only if the guild opted in)."""
    return AskContext(interaction.guild_id, interaction.channel_id, interaction.user.id)


def message_context(message: discord.Message) -> AskContext:
    return AskContext(message.guild.id if message.guild else None, message.channel.id, message.author.id)


def strip_mention(content: str, user_id: int) -> str:
    """``content`` without mentions of ``user_id`` (both ``<@id>`` and ``<@!id>`` forms)."""
    return re.sub(rf"<@!?{user_id}>", " ", content).strip()


class AskCog(commands.Cog):
    """Free-text questions, from a slash command, a mention or a message menu."""

    def __init__(self, bot: TopicBot) -> None:
        self.bot = bot
        self.ask_menu = app_commands.ContextMenu(name="Ask Topicbot", callback=self.ask_about_message)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.ask_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.ask_menu.name, type=self.ask_menu.type)

    @app_commands.command(name="ask", description="Ask about a tracked topic")
    @app_commands.describe(
        question="Your question, e.g. \u201cwho is the CEO of OpenAI\u201d",
        ephemeral="Only you see the answer",
        target="Someone to point the answer at (they are the only one mentioned)",
    )
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, QUESTION_LIMIT],
                  ephemeral: bool = False, target: discord.User | None = None) -> None:
        answer = self.bot.services.ask(question, context_of(interaction))
        await self.bot.responder.send(interaction, answer, ephemeral=ephemeral, target=target)

    async def ask_about_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """The "Ask Topicbot" message menu: answer the selected message's text."""
        text = message.content.strip()
        if not text:
            await interaction.response.send_message(NO_TEXT, ephemeral=True, allowed_mentions=no_pings())
            return
        answer = self.bot.services.ask(text[:QUESTION_LIMIT], context_of(interaction))
        await self.bot.responder.send(interaction, answer)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot or not mentions(message, me.id):
            return
        if not self.bot.responder.mention_limit.allow(message.author.id):
            log.info("mention %s from user %s ignored: over the per-member limit", message.id, message.author.id)
            return
        try:
            await self.answer_mention(message, me.id)
        except Exception as error:  # the bot stays up; the user hears about it; the log has the traceback
            log.exception("answering the mention %s in channel %s failed", message.id, message.channel.id)
            await self._report(message, error)

    async def answer_mention(self, message: discord.Message, my_id: int) -> None:
        """Answer a message that mentions the bot; when it is a reply, answer the message it replies to."""
        services = self.bot.services
        responder = self.bot.responder
        context = message_context(message)
        own_text = strip_mention(message.content, my_id)
        if message.reference is not None and message.reference.message_id is not None:
            referenced = await self._referenced(message)
            referenced_text = ""
            if referenced is not None and referenced.author.id != my_id:  # not a follow-up to our own answer
                referenced_text = strip_mention(referenced.content, my_id)
            if referenced_text:
                await responder.reply(message, services.ask(referenced_text[:QUESTION_LIMIT], context))
                return
            if own_text:
                answer = services.ask(own_text[:QUESTION_LIMIT], context)
                if not answer.is_miss:
                    await responder.reply(message, answer)
                    return
            await responder.reply_chatter(message, UNREADABLE_REFERENCE)
            return
        if not own_text:
            await responder.reply_chatter(message, EMPTY_MENTION)
            return
        await responder.reply(message, services.ask(own_text[:QUESTION_LIMIT], context))

    async def _referenced(self, message: discord.Message) -> discord.Message | None:
        reference = message.reference
        if reference is None or reference.message_id is None:
            return None
        if isinstance(reference.resolved, discord.Message):
            return reference.resolved
        if reference.cached_message is not None:
            return reference.cached_message
        try:
            return await message.channel.fetch_message(reference.message_id)
        except discord.HTTPException:
            log.warning("could not fetch referenced message %s in channel %s", reference.message_id,
                        message.channel.id, exc_info=True)
            return None

    async def _report(self, message: discord.Message, error: BaseException) -> None:
        try:
            await message.reply(user_message(error), mention_author=False, allowed_mentions=no_pings())
        except discord.HTTPException:
            log.exception("could not report the failure to channel %s", message.channel.id)


async def setup(bot: TopicBot) -> None:
    await bot.add_cog(AskCog(bot))
