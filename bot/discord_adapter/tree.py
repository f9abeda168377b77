"""The one error path for interactions: ``TopicTree.on_error`` and ``report_error``.

Every failure is logged with its traceback and answered once, ephemerally, with the text from
``error_messages``. Component callbacks (buttons) call ``report_error`` themselves, because
discord.py only logs their exceptions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import discord
from discord import app_commands

from bot.discord_adapter.error_messages import is_expected, unwrap, user_message
from bot.discord_adapter.replies import no_pings

log = logging.getLogger(__name__)


def _describe(interaction: discord.Interaction) -> str:
    command = interaction.command
    if command is not None:
        return f"/{command.qualified_name}"
    data: Mapping[str, object] = interaction.data or {}
    custom_id = data.get("custom_id")
    return f"component {custom_id}" if custom_id else f"interaction {interaction.id}"


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Log ``error`` and tell the user once (ephemeral), whatever state the response is in.

    An expected refusal (a member who is not a moderator, an unknown topic, a stale edit) is one log
    line, with its traceback only at debug level (``-v``); an unexpected error is logged with its
    traceback.
    """
    original = unwrap(error)
    expected = is_expected(original)
    log.log(logging.WARNING if expected else logging.ERROR, "%s failed for user %s in guild %s: %s",
            _describe(interaction), getattr(interaction.user, "id", None), interaction.guild_id, original,
            exc_info=None if expected else original)
    if expected:
        log.debug("traceback of the refusal above", exc_info=original)
    if interaction.type is discord.InteractionType.autocomplete:
        return  # autocomplete has no message to answer with; logged above
    text = user_message(original)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=no_pings())
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=no_pings())
    except discord.HTTPException:
        log.exception("could not tell the user about the failure of %s", _describe(interaction))


class TopicTree(app_commands.CommandTree[discord.Client]):
    """Command tree whose ``on_error`` replies once instead of only logging (discord.py's default)."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        await report_error(interaction, error)
