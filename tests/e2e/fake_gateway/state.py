"""The fake's memory: registered commands, interactions and their answers, messages, gateway sessions."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from fake_gateway.payloads import Json, World, now_iso
from fake_gateway.recording import RequestLog
from fake_gateway.snowflakes import SnowflakeFactory


@dataclass
class InteractionRecord:
    """An interaction the fake dispatched, and how the bot acknowledged it."""

    payload: Json
    callback_type: int | None = None
    callback_data: Json | None = None
    original_message_id: str | None = None  # the message @original refers to
    dispatched_at: float = field(default_factory=time.monotonic)
    answered_after: float | None = None  # seconds from dispatch to the accepted callback

    @property
    def id(self) -> str:
        return str(self.payload["id"])

    @property
    def token(self) -> str:
        return str(self.payload["token"])

    @property
    def kind(self) -> int:
        return int(self.payload["type"])


@dataclass
class FakeState:
    token: str
    ids: SnowflakeFactory
    world: World
    log: RequestLog = field(default_factory=RequestLog)
    # guild id (None for global) -> (name, type) -> registered command JSON (with ids)
    commands: dict[int | None, dict[tuple[str, int], Json]] = field(default_factory=dict)
    interactions: dict[str, InteractionRecord] = field(default_factory=dict)
    messages: dict[str, Json] = field(default_factory=dict)
    identify: Json | None = None
    identified: asyncio.Event = field(default_factory=asyncio.Event)
    guild_sent: asyncio.Event = field(default_factory=asyncio.Event)
    dispatched: list[tuple[str, Json]] = field(default_factory=list)
    allow_message_content: bool = True
    callback_deadline: float | None = None  # Discord's is 3 s; None accepts late callbacks
    presence: Any = None
    heartbeats: int = 0
    uploads: dict[str, bytes] = field(default_factory=dict)  # CDN path -> bytes of an attached file
    undelivered: list[Json] = field(default_factory=list)  # messages the bot's intents kept from it
    base_url: str = ""  # http://127.0.0.1:PORT
    dm_channels: dict[str, Json] = field(default_factory=dict)  # channel id -> the user at the other end
    # route ("POST /channels/{channel_id}/messages") -> seconds: the next request there gets one 429
    rate_limit_once: dict[str, float] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return self.base_url.replace("http://", "ws://", 1) + "/gateway"

    def known_users(self) -> list[Json]:
        world = self.world
        return [world.bot_user, world.owner_user, world.asker_user, *(m["user"] for m in world.extra_members)]

    @property
    def intents(self) -> int:
        return int((self.identify or {}).get("intents", 0))

    @property
    def bot_id(self) -> str:
        return str(self.world.bot_user["id"])

    def interaction_by_token(self, token: str) -> InteractionRecord | None:
        return next((i for i in self.interactions.values() if i.token == token), None)

    def registered(self, name: str, kind: int = 1) -> tuple[int | None, Json] | None:
        """The command ``name`` of type ``kind`` (1 slash, 2 user menu, 3 message menu): guild first, else global."""
        for guild_id in (self.world.guild_id, None):
            command = self.commands.get(guild_id, {}).get((name, kind))
            if command is not None:
                return guild_id, command
        return None

    def store_message(self, message: Json) -> Json:
        self.messages[str(message["id"])] = message
        return message

    def edit_message(self, message_id: str, changes: dict[str, Any]) -> Json:
        message = self.messages[message_id]
        for key in ("content", "embeds", "components", "attachments", "allowed_mentions"):
            if key in changes:  # an explicit null clears the field, as on Discord
                message[key] = changes[key] if changes[key] is not None else ("" if key == "content" else [])
        message["edited_timestamp"] = now_iso()
        return message
