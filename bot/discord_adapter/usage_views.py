"""Buttons under ``/topic-admin misses``: add a missed question as an alias, create a topic, decide suggestions.

Alias buttons are offered for the guild's own topics only: a shared topic cannot be changed from a
guild (the operator can, with ``topicbot misses --accept`` or ``topicbot edit``). Each button belongs
to the moderator who ran the command (others are refused), re-checks their moderator rights, and goes
through the same ``TopicEditor`` as every other change.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import discord

from bot.core import editing
from bot.core.changes import Author
from bot.core.discord_limits import BUTTON_LABEL_LIMIT, MESSAGE_LIMIT
from bot.discord_adapter.admin_views import NOT_YOURS, FormHandler, TopicFormModal
from bot.discord_adapter.moderators import check_moderator
from bot.discord_adapter.replies import clip, no_pings
from bot.discord_adapter.tree import report_error

if TYPE_CHECKING:
    from bot.core.usage.misses import AliasSuggestion, MissGroup
    from bot.services import Services

log = logging.getLogger(__name__)

VIEW_TIMEOUT_SECONDS: Final = 15 * 60
#: Rows of miss buttons (one row each: alias of the closest topic, create topic); the last row is suggestions.
MAX_MISS_ROWS: Final = 3
MAX_SUGGESTION_ROWS: Final = 2

Action = Callable[[discord.Interaction], Awaitable[str]]


def _author(interaction: discord.Interaction) -> Author:
    return Author(interaction.user.name, "discord", interaction.user.id)


class _ActionButton(discord.ui.Button["MissesView"]):
    def __init__(self, label: str, action: Action, *, row: int,
                 style: discord.ButtonStyle = discord.ButtonStyle.secondary) -> None:
        super().__init__(label=clip(label, BUTTON_LABEL_LIMIT), style=style, row=row)
        self.action = action

    async def callback(self, interaction: discord.Interaction) -> None:
        view = self.view
        if view is None:
            return
        try:
            await check_moderator(interaction, view.services.repository)
            text = await self.action(interaction)
        except Exception as error:  # reported to the moderator and logged with its traceback
            await report_error(interaction, error)
            return
        if text and not interaction.response.is_done():
            self.disabled = True
            await interaction.response.send_message(clip(text, MESSAGE_LIMIT), ephemeral=True,
                                                    allowed_mentions=no_pings())


class MissesView(discord.ui.View):
    """Per missed question: "add as alias of <closest topic>" and "create topic…"; per suggestion: accept/reject."""

    def __init__(self, services: Services, owner_id: int, guild_id: int, groups: list[MissGroup],
                 suggestions: list[AliasSuggestion], create: FormHandler) -> None:
        super().__init__(timeout=VIEW_TIMEOUT_SECONDS)
        self.services = services
        self.owner_id = owner_id
        self.guild_id = guild_id
        self.create = create
        row = 0
        for group in groups:
            if row == MAX_MISS_ROWS:
                break
            own = [c.title for c in group.candidates if self.own_topic(c.title)]
            if own:
                topic = own[0]
                self.add_item(_ActionButton(f"\u201c{group.question}\u201d \u2192 alias of {topic}",
                                            self._alias_action(group.question, topic), row=row,
                                            style=discord.ButtonStyle.primary))
            self.add_item(_ActionButton(f"Create topic\u2026 ({group.question})", self._create_action(group.question),
                                        row=row))
            row += 1
        for suggestion in [s for s in suggestions if self.own_topic(s.topic)][:MAX_SUGGESTION_ROWS]:
            self.add_item(_ActionButton(f"Accept \u201c{suggestion.question}\u201d \u2192 {suggestion.topic}",
                                        self._accept_action(suggestion), row=row, style=discord.ButtonStyle.success))
            self.add_item(_ActionButton("Reject", self._reject_action(suggestion), row=row))
            row += 1

    def own_topic(self, title: str) -> bool:
        """Whether ``title`` is this guild's own topic (a shared one cannot be given aliases from here)."""
        index = self.services.index
        mine = index.get(title, self.guild_id)
        return mine is not None and mine != index.get(title, None)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(NOT_YOURS, ephemeral=True, allowed_mentions=no_pings())
        return False

    async def add_alias(self, interaction: discord.Interaction, alias: str, topic: str) -> str:
        result = await self.services.editor.edit(topic, lambda t: editing.add_alias(t, alias),
                                                 author=_author(interaction), guild_id=self.guild_id)
        return f"{result.headline()}: \u201c{alias}\u201d now answers as **{result.title}**."

    def _alias_action(self, alias: str, topic: str) -> Action:
        async def act(interaction: discord.Interaction) -> str:
            return await self.add_alias(interaction, alias, topic)

        return act

    def _create_action(self, question: str) -> Action:
        async def act(interaction: discord.Interaction) -> str:
            modal = TopicFormModal("Create a topic", self.create)
            modal.title_input.default = clip(question, modal.title_input.max_length or 100)
            await interaction.response.send_modal(modal)
            return ""

        return act

    def _accept_action(self, suggestion: AliasSuggestion) -> Action:
        async def act(interaction: discord.Interaction) -> str:
            text = await self.add_alias(interaction, suggestion.question, suggestion.topic)
            await self.services.usage_store.decide(suggestion.id, self.guild_id, "accepted", datetime.now(UTC))
            return text

        return act

    def _reject_action(self, suggestion: AliasSuggestion) -> Action:
        async def act(_interaction: discord.Interaction) -> str:
            await self.services.usage_store.decide(suggestion.id, self.guild_id, "rejected", datetime.now(UTC))
            return f"Rejected: \u201c{suggestion.question}\u201d will not be suggested for {suggestion.topic} again."

        return act

    async def on_error(self, interaction: discord.Interaction, error: Exception,
                       item: discord.ui.Item[Any], /) -> None:
        await report_error(interaction, error)
