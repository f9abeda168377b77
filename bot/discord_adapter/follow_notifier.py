"""Posting changes of followed topics: a change-feed subscriber, batched to one message per topic per minute.

Every change (from this process, the CLI or another shard) reaches each process's feed. For a
topic change with followers, the notifier describes it (``TopicEditor.describe``: the diff against
the revision before) and hands it to a ``FollowBatcher``; ``run`` posts each batch when it falls due
(at once for the first change after a quiet minute). A process posts only to channels of guilds it is connected to, so
each shard posts its own guilds' messages. A rename moves the follows to the new title.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bot.core.changes import ChangeEvent
from bot.core.discord_limits import MESSAGE_LIMIT
from bot.core.names import name_key
from bot.core.usage.follow import DueMessage, FollowBatcher, follow_message
from bot.discord_adapter.replies import no_pings

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class FollowNotifier:
    """Subscribe it to ``services.feed`` and run ``run()`` as a task."""

    def __init__(self, client: discord.Client, services: Services, *, batcher: FollowBatcher | None = None,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self.client = client
        self.services = services
        self.batcher = batcher or FollowBatcher()
        self._clock = clock
        self._wake = asyncio.Event()
        self.posted = 0

    async def __call__(self, events: Sequence[ChangeEvent], /) -> None:
        store = self.services.usage_store
        added = False
        for event in events:
            if not event.writes_topic or event.title is None:
                continue
            titles = [event.title] + ([event.previous_title] if event.previous_title else [])
            follows = await store.followers(titles, event.guild_id)
            if not follows:
                continue
            if event.previous_title and name_key(event.previous_title) != name_key(event.title):
                await store.rename_follows(event.previous_title, event.title, event.guild_id)
            result = await self.services.editor.describe(event)
            if result is None or result.diff.is_empty:
                continue
            now = self._clock()
            for follow in follows:
                if self.client.get_guild(follow.guild_id) is None:
                    continue  # another process (shard) is connected to that guild
                self.batcher.add(follow.guild_id, follow.channel_id, name_key(event.title), event.title,
                                 result.diff, now)
                added = True
        if added:
            self._wake.set()  # ``run`` posts: a slow Discord never holds up the feed (or the edit that fed it)

    async def post_due(self) -> int:
        """Post every batch that is due now; returns how many messages were sent."""
        sent = 0
        for due in self.batcher.due(self._clock()):
            if await self._post(due):
                sent += 1
        self.posted += sent
        return sent

    async def _post(self, due: DueMessage) -> bool:
        text = follow_message(due.title, due.diffs, MESSAGE_LIMIT)
        if text is None:
            return False
        try:
            channel = self.client.get_channel(due.channel_id) or await self.client.fetch_channel(due.channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                log.warning("follow: channel %s cannot receive messages", due.channel_id)
                return False
            await channel.send(text, allowed_mentions=no_pings())
        except Exception:  # the change is stored; a failed post is logged, never raised into the feed
            log.exception("follow: could not post the changes of %r to channel %s", due.title, due.channel_id)
            return False
        return True

    async def run(self) -> None:
        """Post held batches when they fall due, until cancelled."""
        while True:
            due_at = self.batcher.next_due()
            if due_at is None:
                await self._wake.wait()
                self._wake.clear()
                continue
            delay = (due_at - self._clock()).total_seconds()
            if delay > 0:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)
                    self._wake.clear()
                    continue
                except TimeoutError:
                    pass
            await self.post_due()
