"""``TopicTree.on_error`` and ``report_error``: one ephemeral reply per failure, always logged with a traceback."""

from __future__ import annotations

import logging
from unittest.mock import create_autospec

import aiohttp
import discord
import pytest
from discord import app_commands

from bot.core.errors import StorageUnavailableError, TopicNotFoundError
from bot.discord_adapter.error_messages import GENERIC_MESSAGE, STORAGE_MESSAGE
from bot.discord_adapter.tree import TopicTree, report_error


@pytest.fixture
def tree() -> TopicTree:
    return TopicTree(discord.Client(intents=discord.Intents.none()))


def _wrapped(error: Exception) -> app_commands.CommandInvokeError:
    @app_commands.command(name="probe", description="probe")
    async def probe(_interaction: discord.Interaction) -> None:
        """Never called."""

    try:
        raise error
    except Exception as raised:
        return app_commands.CommandInvokeError(probe, raised)


async def test_on_error_replies_once_ephemeral_with_the_table_text(tree, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    await tree.on_error(interaction, _wrapped(StorageUnavailableError("db down")))
    kwargs = sent_kwargs(interaction.response.send_message)
    assert kwargs["content"] == STORAGE_MESSAGE
    assert kwargs["ephemeral"] is True
    assert kwargs["allowed_mentions"].everyone is False
    interaction.followup.send.assert_not_awaited()


async def test_on_error_uses_the_followup_when_the_response_is_already_done(tree, make_interaction,
                                                                            sent_kwargs) -> None:
    interaction = make_interaction(responded=True)
    await tree.on_error(interaction, _wrapped(TopicNotFoundError("Waymoo", ("Waymo",))))
    interaction.response.send_message.assert_not_awaited()
    kwargs = sent_kwargs(interaction.followup.send)
    assert "**Waymo**" in kwargs["content"]
    assert kwargs["ephemeral"] is True


async def test_on_error_logs_unexpected_errors_with_traceback(tree, make_interaction, sent_kwargs, caplog) -> None:
    interaction = make_interaction()
    with caplog.at_level(logging.ERROR, logger="bot.discord_adapter.tree"):
        await tree.on_error(interaction, _wrapped(RuntimeError("boom")))
    assert sent_kwargs(interaction.response.send_message)["content"] == GENERIC_MESSAGE
    [record] = [r for r in caplog.records if r.name == "bot.discord_adapter.tree"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)


async def test_expected_errors_are_one_warning_line_with_the_traceback_only_at_debug(
        tree, make_interaction, caplog) -> None:
    interaction = make_interaction()
    with caplog.at_level(logging.DEBUG, logger="bot.discord_adapter.tree"):
        await tree.on_error(interaction, _wrapped(TopicNotFoundError("Waymoo")))
    warning, debug = [r for r in caplog.records if r.name == "bot.discord_adapter.tree"]
    assert warning.levelno == logging.WARNING and warning.exc_info is None
    assert debug.levelno == logging.DEBUG and isinstance(debug.exc_info[1], TopicNotFoundError)


async def test_autocomplete_failures_are_logged_but_not_answered_with_a_message(make_interaction, caplog) -> None:
    interaction = make_interaction(kind=discord.InteractionType.autocomplete)
    with caplog.at_level(logging.ERROR, logger="bot.discord_adapter.tree"):
        await report_error(interaction, RuntimeError("index gone"))
    interaction.response.send_message.assert_not_awaited()
    interaction.followup.send.assert_not_awaited()
    assert any(r.exc_info for r in caplog.records)


async def test_a_failing_error_reply_is_logged_not_raised(make_interaction, caplog) -> None:
    interaction = make_interaction()
    http_response = create_autospec(aiohttp.ClientResponse, instance=True)
    http_response.status = 404
    http_response.reason = "Not Found"
    interaction.response.send_message.side_effect = discord.NotFound(http_response, "Unknown interaction")
    with caplog.at_level(logging.ERROR, logger="bot.discord_adapter.tree"):
        await report_error(interaction, RuntimeError("boom"))
    assert any("could not tell the user" in r.getMessage() for r in caplog.records)
