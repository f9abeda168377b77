"""The websocket half of the fake: HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats, dispatches.

Frames are plain text JSON; discord.py only inflates binary frames, so asking for
``compress=zlib-stream`` in the URL is harmless.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiohttp import WSMsgType, web

from fake_gateway.message_content import GUILDS_INTENT, MESSAGE_CONTENT_INTENT
from fake_gateway.payloads import Json
from fake_gateway.state import FakeState

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41_250
# Close codes Discord uses.
AUTHENTICATION_FAILED = 4004
DISALLOWED_INTENTS = 4014


class GatewaySession:
    """One websocket connection from the client."""

    def __init__(self, state: FakeState, ws: web.WebSocketResponse, session_id: str) -> None:
        self.state = state
        self.ws = ws
        self.session_id = session_id
        self.sequence = 0
        self.ready = False
        #: ``(shard id, shard count)`` from IDENTIFY, or ``None`` for an unsharded client.
        self.shard: tuple[int, int] | None = None
        self._send_lock = asyncio.Lock()

    def owns_guild(self, guild_id: int) -> bool:
        """Whether Discord would send this guild's events on this session: ``(guild_id >> 22) % count == id``."""
        return self.shard is None or (guild_id >> 22) % self.shard[1] == self.shard[0]

    async def send(self, op: int, data: Any, event: str | None = None) -> None:
        frame: Json = {"op": op, "d": data, "s": None, "t": event}
        async with self._send_lock:
            if op == 0:
                self.sequence += 1
                frame["s"] = self.sequence
            if self.ws.closed:
                return
            await self.ws.send_str(json.dumps(frame))

    async def dispatch(self, event: str, data: Json) -> None:
        self.state.dispatched.append((event, data))
        await self.send(0, data, event)

    async def run(self) -> None:
        await self.send(10, {"heartbeat_interval": HEARTBEAT_INTERVAL_MS, "_trace": ["fake-gateway"]})
        async for frame in self.ws:
            if frame.type is not WSMsgType.TEXT:
                if frame.type is WSMsgType.BINARY:
                    log.warning("fake gateway ignores a binary frame")
                continue
            payload = json.loads(frame.data)
            await self.handle(int(payload.get("op", -1)), payload.get("d"))

    async def handle(self, op: int, data: Any) -> None:
        if op == 1:  # heartbeat
            self.state.heartbeats += 1
            await self.send(11, None)
        elif op == 2:
            await self.identify(data)
        elif op == 6:
            await self.resume(data)
        elif op == 8:
            await self.request_members(data)
        elif op == 3:
            self.state.presence = data
        else:
            log.info("fake gateway ignores op %s", op)

    async def identify(self, data: Json) -> None:
        state = self.state
        if data.get("token") != state.token:
            await self.ws.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        if intents & MESSAGE_CONTENT_INTENT and not state.allow_message_content:
            await self.ws.close(code=DISALLOWED_INTENTS, message=b"Disallowed intent(s).")
            return
        state.identify = data
        state.identified.set()
        if data.get("shard") is not None:
            shard_id, shard_count = data["shard"]
            self.shard = (int(shard_id), int(shard_count))
        world = state.world
        owns = self.owns_guild(world.guild_id)
        ready: Json = {"shard": list(self.shard)} if self.shard is not None else {}
        await self.dispatch(
            "READY",
            ready | {
                "v": 10,
                "user": world.bot_user,
                "guilds": [{"id": str(world.guild_id), "unavailable": True}] if owns else [],
                "session_id": self.session_id,
                "session_type": "normal",
                "resume_gateway_url": state.gateway_url,
                "application": {"id": str(world.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "user_settings": {},
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "auth": {},
                "_trace": ["fake-gateway"],
            },
        )
        if intents & GUILDS_INTENT and owns:  # without it Discord sends no GUILD_CREATE; guild stays unavailable
            await self.dispatch("GUILD_CREATE", world.guild())
        self.ready = True
        state.guild_sent.set()

    async def resume(self, data: Json) -> None:
        if data.get("token") != self.state.token:
            await self.ws.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return
        # The fake keeps no replay buffer: tell the client to start a new session.
        await self.send(9, False)

    async def request_members(self, data: Json) -> None:
        guild = self.state.world.guild()
        await self.dispatch(
            "GUILD_MEMBERS_CHUNK",
            {
                "guild_id": guild["id"],
                "members": guild["members"],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
                "nonce": data.get("nonce"),
            },
        )
