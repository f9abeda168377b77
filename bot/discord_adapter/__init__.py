"""The Discord front end: a thin adapter from interactions and messages to the core's answer path."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.config import ConfigError
from bot.discord_adapter.client import ShardedTopicBot, TopicBot, bot_intents, discord_endpoints

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.services import Services

log = logging.getLogger(__name__)

__all__ = ["MissingTokenError", "ShardedTopicBot", "TopicBot", "bot_intents", "discord_endpoints", "run_bot"]


class MissingTokenError(ConfigError):
    """No Discord bot token was configured."""


async def run_bot(services: Services, settings: Settings, *, shard_ids: list[int] | None = None,
                  shard_count: int | None = None) -> None:
    """Connect with ``settings.discord.token`` and answer until closed (Ctrl-C or cancellation).

    With ``shard_count`` (and optionally ``shard_ids``) this process runs those shards of the bot
    (``ShardedTopicBot``); other processes run the rest. Raises ``MissingTokenError`` without a token
    and ``discord.LoginFailure`` when Discord rejects it.
    """
    token = settings.discord.token
    if not token:
        raise MissingTokenError("no Discord token: set DISCORD_TOKEN or [discord] token in the config file")
    with discord_endpoints(settings.discord):
        if shard_count is None:
            bot: TopicBot = TopicBot(services=services, settings=settings)
        else:
            bot = ShardedTopicBot(services=services, settings=settings, shard_ids=shard_ids, shard_count=shard_count)
        async with bot:
            await bot.start(token)
