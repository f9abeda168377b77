"""The "not what I asked" button under answers: a click logs a miss with the topic shown, and thanks privately.

A ``DynamicItem`` whose ``custom_id`` (``topicbot:nwia:<topic key>|<question>``) carries the topic
and the start of the question, so it keeps working after a restart.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final, cast

import discord

from bot.core.discord_limits import CUSTOM_ID_LIMIT
from bot.core.usage.records import AskContext
from bot.discord_adapter.replies import no_pings
from bot.discord_adapter.topic_keys import resolve_key, topic_key
from bot.discord_adapter.tree import report_error

if TYPE_CHECKING:
    import re

    from bot.discord_adapter.client import TopicBot

log = logging.getLogger(__name__)

FEEDBACK_PREFIX: Final = "topicbot:nwia:"
FEEDBACK_LABEL: Final = "Not what I asked"
THANKS: Final = "Thanks \u2014 noted. The moderators will see that this answer missed your question."
KEY_ROOM: Final = 40


class FeedbackButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                     template=r"topicbot:nwia:(?P<key>[^|]*)\|(?P<question>.*)"):
    """Records that an answer about ``title`` was not what ``question`` asked."""

    def __init__(self, key: str, question: str, row: int | None = None) -> None:
        room = CUSTOM_ID_LIMIT - len(FEEDBACK_PREFIX) - len(key) - 1
        custom_id = f"{FEEDBACK_PREFIX}{key}|{question[:room]}"
        super().__init__(discord.ui.Button(style=discord.ButtonStyle.secondary, label=FEEDBACK_LABEL,
                                           emoji="\U0001f44e", custom_id=custom_id, row=row))
        self.key = key
        self.question = question[:room]

    @classmethod
    def for_answer(cls, title: str, question: str, row: int | None = None) -> FeedbackButton:
        return cls(topic_key(title, KEY_ROOM), question, row)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> FeedbackButton:
        return cls(match["key"], match["question"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            services = cast("TopicBot", interaction.client).services
            title = resolve_key(self.key, services.index, interaction.guild_id)
            if services.recorder is not None:
                services.recorder.feedback(self.question, title, AskContext(
                    interaction.guild_id, interaction.channel_id, interaction.user.id))
            log.info("feedback: %r was not what %r asked (guild %s)", title, self.question, interaction.guild_id)
            await interaction.response.send_message(THANKS, ephemeral=True, allowed_mentions=no_pings())
        except Exception as error:  # reported to the member and logged with its traceback
            await report_error(interaction, error)
