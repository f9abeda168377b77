"""``TopicBot``: the Discord client's lifecycle (cogs, persistent buttons, command sync) and nothing else.

Dependencies come in through ``__init__``; the bot holds no topic state of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Final

import discord
import discord.gateway
import discord.http
import yarl
from discord.ext import commands

from bot.discord_adapter.feedback import FeedbackButton
from bot.discord_adapter.follow_notifier import FollowNotifier
from bot.discord_adapter.moderators import owns_the_bot, still_moderator
from bot.discord_adapter.replies import no_pings
from bot.discord_adapter.responder import Responder
from bot.discord_adapter.tree import TopicTree
from bot.discord_adapter.views import PickTopicButton, SeeAlsoButton

if TYPE_CHECKING:
    from bot.config import DiscordSettings, Settings
    from bot.services import Services

log = logging.getLogger(__name__)


class _NoVoiceWarnings(logging.Filter):
    """Drops discord.py's "PyNaCl/davey is not installed, voice will NOT be supported": Topicbot uses no voice."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


def silence_voice_warnings() -> None:
    """Install ``_NoVoiceWarnings`` on discord.py's client logger (once)."""
    client_log = logging.getLogger("discord.client")
    if not any(isinstance(f, _NoVoiceWarnings) for f in client_log.filters):
        client_log.addFilter(_NoVoiceWarnings())

EXTENSIONS: Final = (
    "bot.discord_adapter.cogs.ask",
    "bot.discord_adapter.cogs.topics",
    "bot.discord_adapter.cogs.admin",
)


def bot_intents() -> discord.Intents:
    """Guilds (to know the channels and threads we answer in) and guild messages (to see mentions).

    The privileged ``message_content`` intent is not requested: Discord still sends the text of
    messages that mention the bot, and slash commands and message menus carry their own input.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    return intents


@contextmanager
def discord_endpoints(settings: DiscordSettings) -> Iterator[None]:
    """Point discord.py's REST and gateway at ``settings.api_base_url``/``gateway_url`` when set; restore after.

    Used by tests and local fakes; unset in production. Never call ``discord.http._set_api_version``
    afterwards: it resets ``Route.BASE``.
    """
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    if settings.api_base_url:
        discord.http.Route.BASE = settings.api_base_url.rstrip("/")
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


class TopicBot(commands.Bot):
    """Answers questions about tracked topics in Discord; see the cogs for the commands."""

    def __init__(self, *, services: Services, settings: Settings, intents: discord.Intents | None = None,
                 **options: Any) -> None:  # noqa: ANN401 - discord.py client options (shard_ids, shard_count)
        silence_voice_warnings()
        super().__init__(command_prefix=commands.when_mentioned, tree_cls=TopicTree, help_command=None,
                         intents=intents or bot_intents(), allowed_mentions=no_pings(), **options)
        self.services = services
        self.settings = settings
        self.responder = Responder(services, settings.discord)
        self._following: asyncio.Task[None] | None = None
        self._recording: asyncio.Task[None] | None = None
        self._notifying: asyncio.Task[None] | None = None
        self._relating: asyncio.Task[None] | None = None
        self.follow_notifier = FollowNotifier(self, services)

    @property
    def stale_after(self) -> timedelta:
        """Answers flag a topic not updated for longer than this (``[usage] stale_after_days``)."""
        return timedelta(days=self.settings.usage.stale_after_days)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(PickTopicButton, FeedbackButton, SeeAlsoButton)
        # The dashboard beside the bot re-checks a signed-in moderator's role through the bot's eyes.
        self.services.moderator_check = partial(still_moderator, self, self.services.repository)
        self.services.owner_check = partial(owns_the_bot, self)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        # Changes made by other processes (the CLI, other shards) reach the index and the mod log.
        self._following = asyncio.create_task(self.services.follow_changes(), name="topicbot-change-feed")
        # The usage log is written in batches, off every answer's path.
        self._recording = asyncio.create_task(self.services.run_recorder(), name="topicbot-usage-log")
        # Followed topics: one message per change (batched per minute), whichever process made it.
        self.services.feed.subscribe(self.follow_notifier)
        self._notifying = asyncio.create_task(self.follow_notifier.run(), name="topicbot-follow")
        # "See also" lists are computed in the background, so a reply only reads them.
        self._relating = asyncio.create_task(self.services.keep_related_current(), name="topicbot-related")
        if self.syncs_commands:
            await self.sync_commands()

    @property
    def syncs_commands(self) -> bool:
        """Whether this process registers the slash commands: unsharded, or the one that runs shard 0."""
        shard_ids = getattr(self, "shard_ids", None)
        return shard_ids is None or 0 in shard_ids

    async def close(self) -> None:
        self.services.feed.unsubscribe(self.follow_notifier)
        for task in (self._following, self._recording, self._notifying, self._relating):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._following = self._recording = self._notifying = self._relating = None
        await super().close()

    async def sync_commands(self) -> None:
        """Register the slash commands: with the test guild when one is set (instant), else globally."""
        guild_id = self.settings.discord.test_guild_id
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to test guild %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))

    async def on_message(self, message: discord.Message, /) -> None:
        """No text commands: mentions are answered by ``AskCog``'s listener, not parsed as commands."""

    async def on_ready(self) -> None:
        log.info("connected as %s (%s) to %d guilds", self.user, getattr(self.user, "id", None), len(self.guilds))


class ShardedTopicBot(TopicBot, commands.AutoShardedBot):
    """``TopicBot`` running some of the bot's shards (``shard_ids`` of ``shard_count``) in this process.

    Several processes, each with its own shard ids, share one PostgreSQL store; changes made in any
    of them reach the others through the change feed, and the process with shard 0 syncs commands.
    """
