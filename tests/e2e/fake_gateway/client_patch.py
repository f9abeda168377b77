"""Point an in-process discord.py client at the fake, and run one for the length of a block."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from fake_gateway.server import FakeDiscord


@contextlib.contextmanager
def pointed_at(fake: FakeDiscord) -> Iterator[None]:
    """Set ``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` to the fake; restore both afterwards."""
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_base_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


@contextlib.asynccontextmanager
async def running(
    client: discord.Client, fake: FakeDiscord, *, token: str | None = None, ready_timeout: float = 20.0
) -> AsyncIterator[discord.Client]:
    """Start ``client`` against ``fake`` and yield once it is ready; close it on exit.

    A start-up failure (say, a rejected token) is raised here rather than left in a task.
    """
    with pointed_at(fake):
        task = asyncio.create_task(client.start(token or fake.token), name="e2e-client")
        ready = asyncio.create_task(client.wait_until_ready())
        try:
            done, _ = await asyncio.wait({task, ready}, timeout=ready_timeout, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                task.result()  # raises the start-up error
                raise AssertionError("the client stopped before it became ready")
            if ready not in done:
                raise AssertionError(f"the client was not ready within {ready_timeout} s")
            yield client
        finally:
            ready.cancel()
            await client.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
