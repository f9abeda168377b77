"""``/topic show|attribute|timeline|sources|list|why``: direct look-ups with fuzzy autocomplete.

Autocomplete reads the in-memory ``TopicIndex`` (never the database) and offers at most 25
choices. Choice values are topic keys (``topic_keys``), so titles longer than Discord's 100-character
value limit still work.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.answers import Answer
from bot.core.discord_limits import CHOICE_LIMIT, CHOICES_LIMIT
from bot.core.engine import format_explanation, parse_date_range
from bot.core.errors import TopicbotError
from bot.discord_adapter.choices import topic_choices
from bot.discord_adapter.cogs.follows import FollowCommands
from bot.discord_adapter.replies import clip, no_pings, text_embed
from bot.discord_adapter.topic_keys import resolve_key

if TYPE_CHECKING:
    from bot.core.answers import DateRange, Intent
    from bot.discord_adapter.client import TopicBot

log = logging.getLogger(__name__)

BAD_DATE: Final = "I couldn't read that date; try a year (`2023`) or a month and year (`March 2023`)."


class TopicsCog(FollowCommands, commands.GroupCog, group_name="topic", group_description="Look up a tracked topic"):
    """Look-ups by topic name rather than by free-text question."""

    def __init__(self, bot: TopicBot) -> None:
        self.bot = bot
        super().__init__()

    def _answer_topic(self, interaction: discord.Interaction, topic: str, intent: Intent, *,
                      attribute: str | None = None, date_range: DateRange | None = None) -> Answer:
        services = self.bot.services
        title = resolve_key(topic, services.index, interaction.guild_id)
        answer = services.answerer.answer_topic(title, intent, attribute=attribute, date_range=date_range,
                                                guild_id=interaction.guild_id)
        return services.answerer.with_related(answer, interaction.guild_id)

    @app_commands.command(name="show", description="Summary of a topic")
    @app_commands.describe(topic="The topic (start typing to search)")
    async def show(self, interaction: discord.Interaction, topic: str) -> None:
        await self.bot.responder.send(interaction, self._answer_topic(interaction, topic, "summary"))

    @app_commands.command(name="attribute", description="One attribute of a topic, e.g. its CEO")
    @app_commands.describe(topic="The topic (start typing to search)", attribute="The attribute to show")
    async def attribute(self, interaction: discord.Interaction, topic: str, attribute: str) -> None:
        answer = self._answer_topic(interaction, topic, "attribute", attribute=attribute)
        await self.bot.responder.send(interaction, answer)

    @app_commands.command(name="timeline", description="Dated events of a topic")
    @app_commands.describe(topic="The topic (start typing to search)", year="Only events in this year",
                           since="Only events since this date, e.g. 2023 or March 2023")
    async def timeline(self, interaction: discord.Interaction, topic: str,
                       year: app_commands.Range[int, 1900, 2999] | None = None, since: str | None = None) -> None:
        date_range: DateRange | None = None
        if year is not None:
            date_range = parse_date_range(str(year))
        elif since:
            date_range = parse_date_range(f"since {since}")
            if date_range is None:
                await interaction.response.send_message(BAD_DATE, ephemeral=True, allowed_mentions=no_pings())
                return
        answer = self._answer_topic(interaction, topic, "timeline", date_range=date_range)
        await self.bot.responder.send(interaction, answer)

    @app_commands.command(name="sources", description="Where to read more about a topic")
    @app_commands.describe(topic="The topic (start typing to search)")
    async def sources(self, interaction: discord.Interaction, topic: str) -> None:
        await self.bot.responder.send(interaction, self._answer_topic(interaction, topic, "sources"))

    @app_commands.command(name="list", description="The topics I track")
    @app_commands.rename(filter_text="filter")
    @app_commands.describe(filter_text="Only topics matching this text, e.g. crypto")
    async def list_topics(self, interaction: discord.Interaction, filter_text: str | None = None) -> None:
        await self.bot.responder.send(interaction, self._list_answer(filter_text, interaction.guild_id))

    def _list_answer(self, filter_text: str | None, guild_id: int | None) -> Answer:
        question = f"/topic list {filter_text}" if filter_text else "/topic list"
        return self.bot.services.answerer.answer_list(filter_text, guild_id=guild_id, question=question)

    @app_commands.command(name="why", description="Explain how I understood a question")
    @app_commands.describe(question="The question to explain")
    async def why(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 500]) -> None:
        answer = self.bot.services.answerer.answer(question, guild_id=interaction.guild_id)
        text = f"```\n{format_explanation(answer).replace('```', '` ` `')}\n```"
        await interaction.response.send_message(embed=text_embed("How I read that question", text),
                                                ephemeral=True, allowed_mentions=no_pings())

    @show.autocomplete("topic")
    @attribute.autocomplete("topic")
    @timeline.autocomplete("topic")
    @sources.autocomplete("topic")
    async def topic_autocomplete(self, interaction: discord.Interaction,
                                 current: str) -> list[app_commands.Choice[str]]:
        return topic_choices(self.bot.services.index, current, interaction.guild_id)

    @attribute.autocomplete("attribute")
    async def attribute_autocomplete(self, interaction: discord.Interaction,
                                     current: str) -> list[app_commands.Choice[str]]:
        chosen = getattr(interaction.namespace, "topic", None)
        if not chosen:
            return []
        index = self.bot.services.index
        title = resolve_key(str(chosen), index, interaction.guild_id)
        try:
            names = index.attribute_names(title, guild_id=interaction.guild_id)
        except TopicbotError:
            return []  # the topic option does not name a topic (yet); nothing to offer
        wanted = current.casefold().strip()
        matching = [name for name in names if wanted in name.casefold()]
        return [app_commands.Choice(name=clip(name, CHOICE_LIMIT), value=name[:CHOICE_LIMIT])
                for name in matching[:CHOICES_LIMIT]]


async def setup(bot: TopicBot) -> None:
    await bot.add_cog(TopicsCog(bot))
