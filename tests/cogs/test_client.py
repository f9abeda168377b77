"""``TopicBot`` set-up: intents, endpoint overrides for fakes, and ``topicbot run`` failing fast."""

from __future__ import annotations

import argparse

import discord
import discord.gateway
import discord.http
import yarl

from bot.cli import run_command
from bot.config import DiscordSettings, Settings
from bot.discord_adapter.client import bot_intents, discord_endpoints
from bot.discord_adapter.tree import TopicTree


def test_only_guild_and_guild_message_intents_are_requested() -> None:
    intents = bot_intents()
    assert intents.guilds and intents.guild_messages
    assert not intents.message_content
    assert not intents.members
    assert not intents.presences
    expected = discord.Intents.none()
    expected.guilds = expected.guild_messages = True
    assert intents == expected


def test_endpoint_overrides_apply_inside_and_are_restored_after() -> None:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    settings = DiscordSettings(api_base_url="http://127.0.0.1:9/api/v10/", gateway_url="ws://127.0.0.1:9/gateway")
    with discord_endpoints(settings):
        assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
        assert yarl.URL("ws://127.0.0.1:9/gateway") == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        assert discord.http.Route("GET", "/users/@me").url == "http://127.0.0.1:9/api/v10/users/@me"
    assert base == discord.http.Route.BASE
    assert gateway == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY


def test_unset_endpoints_leave_discord_py_alone() -> None:
    base = discord.http.Route.BASE
    with discord_endpoints(DiscordSettings()):
        assert base == discord.http.Route.BASE


def test_run_without_a_token_fails_fast_with_a_clear_message(capsys, tmp_path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'never.db'}", discord=DiscordSettings())
    assert run_command.run(argparse.Namespace(), settings) == run_command.EXIT_NO_TOKEN
    assert "no Discord bot token" in capsys.readouterr().err
    assert not (tmp_path / "never.db").exists()


async def test_the_bot_uses_the_topic_tree_and_pings_nobody_by_default(bot) -> None:
    assert isinstance(bot.tree, TopicTree)
    assert bot.allowed_mentions is not None
    assert bot.allowed_mentions.to_dict()["parse"] == []
    assert bot.intents == bot_intents()
