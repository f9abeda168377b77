"""``FakeDiscord``: the loopback fake as one object, with the API tests drive it through."""

from __future__ import annotations

import asyncio
import copy
import socket
from types import TracebackType
from typing import Any

from aiohttp import web

from fake_gateway.command_data import CommandShapeError, command_data
from fake_gateway.gateway import GatewaySession
from fake_gateway.http_io import API_PREFIX
from fake_gateway.mentions import Pings, parse_mentions, pings
from fake_gateway.message_content import (
    DIRECT_MESSAGES_INTENT,
    GUILD_MESSAGES_INTENT,
    as_seen_by_bot,
)
from fake_gateway.payloads import ADMINISTRATOR, Json, World, interaction, message
from fake_gateway.recording import Predicate, RecordedRequest
from fake_gateway.rest import RestApi
from fake_gateway.snowflakes import SnowflakeFactory
from fake_gateway.state import FakeState, InteractionRecord
from fake_gateway.uploads import Upload, install_cdn, store_upload

DEFAULT_TOKEN = "fake-bot-token.for-tests-only"
CALLBACK_ROUTE = "POST /interactions/{interaction_id}/{token}/callback"
CHANNEL_MESSAGE_ROUTE = "POST /channels/{channel_id}/messages"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FakeDiscord:
    """A Discord stand-in on 127.0.0.1: REST under ``/api/v10`` and a gateway at ``/gateway``."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        channel_count: int = 40,
        allow_message_content: bool = True,
        callback_deadline: float | None = None,
    ) -> None:
        """``allow_message_content=False`` refuses the privileged intent (close 4014), like an unticked
        portal box; ``callback_deadline`` (Discord: 3 s) answers later first callbacks 404 Unknown interaction."""
        ids = SnowflakeFactory()
        self.state = FakeState(token=token, ids=ids, world=World.create(ids, channel_count=channel_count))
        self.state.allow_message_content = allow_message_content
        self.state.callback_deadline = callback_deadline
        self.rest = RestApi(self.state)
        #: Discord's OAuth2 sign-in as the fake plays it (who the browser is signed in as, codes, tokens).
        self.oauth = self.rest.oauth
        self.sessions: list[GatewaySession] = []
        self._runner: web.AppRunner | None = None
        self._free_channels = [int(c["id"]) for c in self.state.world.channels]
        self.port = 0

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway/", self._gateway)
        self.rest.install(app)
        install_cdn(app, self.state)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        self.port = free_port()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.state.base_url = f"http://127.0.0.1:{self.port}"

    async def close(self) -> None:
        for session in list(self.sessions):
            await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        session = GatewaySession(self.state, ws, session_id=f"session-{self.state.ids.next()}")
        self.sessions.append(session)
        try:
            await session.run()
        finally:
            self.sessions.remove(session)
        return ws

    # --- addresses and identity -----------------------------------------------------------

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def api_base_url(self) -> str:
        return self.state.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return self.state.gateway_url

    @property
    def world(self) -> World:
        return self.state.world

    @property
    def guild_id(self) -> int:
        return self.state.world.guild_id

    @property
    def bot_id(self) -> int:
        return self.state.world.bot_id

    @property
    def intents(self) -> int:
        return self.state.intents

    def new_channel(self) -> int:
        """A text channel no earlier test has used (so per-channel cooldowns start fresh)."""
        if not self._free_channels:
            raise RuntimeError("the fake ran out of channels; raise channel_count")
        return self._free_channels.pop(0)

    # --- what the client sent -------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.state.log.requests

    def mark(self) -> int:
        return self.state.log.mark()

    async def wait_for(self, predicate: Predicate, *, timeout: float = 10.0, after: int = 0) -> RecordedRequest:
        """The first recorded request (from ``after``) matching ``predicate``, waiting up to ``timeout`` s."""
        return await self.state.log.wait_for(predicate, timeout=timeout, after=after)

    async def wait_for_route(
        self, route: str, *, timeout: float = 10.0, after: int = 0, **params: object
    ) -> RecordedRequest:
        return await self.wait_for(lambda r: r.is_route(route, **params), timeout=timeout, after=after)

    async def wait_until_connected(self, *, timeout: float = 15.0) -> Json:
        """Wait until the client has identified and been sent READY and GUILD_CREATE; the IDENTIFY data."""
        await asyncio.wait_for(self.state.guild_sent.wait(), timeout)
        assert self.state.identify is not None
        return self.state.identify

    def commands(self, *, guild: bool = True) -> dict[str, Json]:
        """Registered commands (slash and context menus) by name: the test guild's, or the global ones.

        A slash command wins over a context menu of the same name; use ``state.commands`` to see both.
        """
        registered = self.state.commands.get(self.guild_id if guild else None, {})
        by_name = {name: command for (name, kind), command in registered.items() if kind != 1}
        by_name.update({name: command for (name, kind), command in registered.items() if kind == 1})
        return by_name

    def registered_command(self, name: str) -> Json:
        found = self.state.registered(name)
        if found is None:
            raise CommandShapeError(f"/{name} is not registered (global or in the test guild)")
        return found[1]

    async def wait_for_callback(self, record: InteractionRecord, *, timeout: float = 10.0) -> RecordedRequest:
        """The (first) callback the client sent for ``record``, whether or not the fake accepted it."""
        return await self.wait_for_route(CALLBACK_ROUTE, timeout=timeout, interaction_id=record.id)

    def callbacks(self, record: InteractionRecord) -> list[RecordedRequest]:
        return [r for r in self.requests if r.is_route(CALLBACK_ROUTE, interaction_id=record.id)]

    def message(self, message_id: str | int) -> Json:
        """A message as it is now (after edits), as the fake stores it."""
        return self.state.messages[str(message_id)]

    def message_of(self, request: RecordedRequest) -> Json:
        """The message a recorded request created or edited, as it is now."""
        answer = request.response or {}
        if "resource" in answer:
            return self.message(answer["resource"]["message"]["id"])
        return self.message(answer["id"])

    def pings_of(self, request: RecordedRequest) -> Pings:
        """Who the message sent by ``request`` notified (Discord's allowed_mentions rules)."""
        body = request.json or {}
        data = body.get("data", body) if request.route == CALLBACK_ROUTE else body
        reference = data.get("message_reference")
        replied = None
        if reference is not None:
            referenced = self.state.messages.get(str(reference.get("message_id")))
            replied = referenced["author"]["id"] if referenced else None
        return pings(data, replied_author_id=replied)

    # --- driving the client ---------------------------------------------------------------

    async def dispatch(self, event: str, data: Json, *, shard_id: int | None = None) -> None:
        """Send ``event`` to the sessions Discord would: those of the guild's shard (every session of an
        unsharded client). ``shard_id`` sends it on that shard instead, as if the guild lived there (the
        fake has one guild; this is how a test reaches a process that runs other shards)."""
        sessions = [s for s in self.sessions if s.ready]
        guild_id = data.get("guild_id")
        if shard_id is not None:
            sessions = [s for s in sessions if s.shard is not None and s.shard[0] == shard_id]
        elif guild_id is not None:
            sessions = [s for s in sessions if s.owns_guild(int(guild_id))]
        if not sessions:
            raise RuntimeError(f"no identified gateway session to dispatch {event} to")
        for session in sessions:
            await session.dispatch(event, data)

    async def _interact(
        self, kind: int, data: Json | None, *, channel_id: int, user: Json | None, message_payload: Json | None = None,
        shard_id: int | None = None,
    ) -> InteractionRecord:
        payload = interaction(
            self.state.ids,
            self.world,
            kind=kind,
            data=data,
            channel_id=channel_id,
            invoker=user or self.world.asker_user,
            message_payload=message_payload,
        )
        record = InteractionRecord(payload)
        self.state.interactions[record.id] = record
        await self.dispatch("INTERACTION_CREATE", payload, shard_id=shard_id)
        return record

    def _members(self) -> dict[str, Json]:
        return {u["id"]: self.world.member_of(u) for u in self.state.known_users()}

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        channel_id: int,
        subcommand: str | None = None,
        user: Json | None = None,
        permission_override: bool = False,
        shard_id: int | None = None,
    ) -> InteractionRecord:
        """Invoke ``/name [subcommand] options…`` as ``user`` (the default asker) in ``channel_id``.

        Option values: plain values, user/role/channel payloads (``world.asker_user``, ``role(id)``,
        ``channel(id)``) or an ``Upload`` for an attachment option. Like Discord, a user whose
        permissions lack the command's ``default_member_permissions`` cannot invoke it, unless
        ``permission_override`` (a server admin granted it in the integration settings).
        """
        command = self.registered_command(name)
        self._check_can_use(command, user or self.world.asker_user, permission_override)
        values = {
            key: store_upload(self.state, value, channel_id) if isinstance(value, Upload) else value
            for key, value in (options or {}).items()
        }
        data = command_data(command, values, subcommand=subcommand, members=self._members())
        return await self._interact(2, data, channel_id=channel_id, user=user, shard_id=shard_id)

    def _check_can_use(self, command: Json, user: Json, overridden: bool) -> None:
        required = command.get("default_member_permissions")
        if required is None or overridden:
            return
        bits = self.world.permissions_of(user)
        needed = int(required) or ADMINISTRATOR  # "0": administrators only
        if needed & ~bits:
            raise CommandShapeError(
                f"Discord would not let {user['username']} use /{command['name']} "
                f"(needs permissions {needed:#x}); pass permission_override=True to model a server override"
            )

    def role(self, role_id: int) -> Json:
        """A role payload of the test guild, for role options."""
        return next(r for r in self.world.roles() if int(r["id"]) == role_id)

    def channel(self, channel_id: int) -> Json:
        """A channel payload of the test guild, for channel options."""
        found = self.world.channel(channel_id)
        if found is None:
            raise KeyError(channel_id)
        return found

    async def autocomplete(
        self,
        name: str,
        options: dict[str, Any],
        *,
        focused: str,
        channel_id: int,
        subcommand: str | None = None,
        user: Json | None = None,
        permission_override: bool = False,
    ) -> InteractionRecord:
        """Type into option ``focused`` of ``/name``; the client answers with a type 8 callback."""
        command = self.registered_command(name)
        self._check_can_use(command, user or self.world.asker_user, permission_override)
        data = command_data(command, options, subcommand=subcommand, focused=focused, members=self._members())
        return await self._interact(4, data, channel_id=channel_id, user=user)

    async def click(self, message_payload: Json, custom_id: str, *, user: Json | None = None) -> InteractionRecord:
        """Click the button ``custom_id`` on a stored message (it must be there and enabled)."""
        current = self.message(message_payload["id"])
        buttons = [c for row in current.get("components", []) for c in row.get("components", [])]
        button = next((b for b in buttons if b.get("custom_id") == custom_id), None)
        if button is None:
            raise CommandShapeError(
                f"no component {custom_id!r} on message {current['id']}; has {[b.get('custom_id') for b in buttons]}"
            )
        if button.get("disabled"):
            raise CommandShapeError(f"component {custom_id!r} is disabled")
        data = {"custom_id": custom_id, "component_type": button.get("type", 2)}
        seen = as_seen_by_bot(current, bot_id=str(self.bot_id), intents=self.intents)
        return await self._interact(3, data, channel_id=int(current["channel_id"]), user=user, message_payload=seen)

    async def submit_modal(
        self, opened_by: InteractionRecord, values: dict[str, str], *, user: Json | None = None
    ) -> InteractionRecord:
        """Submit the modal the client opened (type 9 callback) on ``opened_by`` with text values by custom_id."""
        if opened_by.callback_type != 9 or opened_by.callback_data is None:
            raise CommandShapeError("that interaction was not answered with a modal")
        modal = opened_by.callback_data

        def mirror(component: Json) -> Json:
            if component.get("type") == 1:
                return {"type": 1, "components": [mirror(c) for c in component.get("components", [])]}
            if component.get("type") == 18:
                return {"type": 18, "component": mirror(component["component"])}
            custom_id = component.get("custom_id")
            value = values.get(custom_id, component.get("value") or "") if custom_id else ""
            if component.get("type") == 4:
                if component.get("required", True) and not value:
                    raise CommandShapeError(f"modal field {custom_id!r} is required")
                if len(value) > int(component.get("max_length") or 4000):
                    raise CommandShapeError(f"modal field {custom_id!r} is longer than its max_length")
            return {"type": component.get("type"), "custom_id": custom_id, "value": value}

        data = {"custom_id": modal["custom_id"], "components": [mirror(c) for c in modal.get("components", [])]}
        message_payload = opened_by.payload.get("message")
        # As on Discord, the form is submitted by the member it was shown to, unless a test says otherwise.
        opener = (opened_by.payload.get("member") or {}).get("user") or opened_by.payload.get("user")
        return await self._interact(
            5, data, channel_id=int(opened_by.payload["channel_id"]), user=user or opener,
            message_payload=message_payload,
        )

    async def message_command(self, name: str, target: Json, *, user: Json | None = None) -> InteractionRecord:
        """Run the message context-menu command ``name`` on ``target`` (its content is always visible)."""
        found = self.state.registered(name, 3)
        if found is None:
            raise CommandShapeError(f"no message command {name!r} registered")
        command = found[1]
        data: Json = {
            "id": command["id"],
            "name": name,
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: copy.deepcopy(target)}},
        }
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return await self._interact(2, data, channel_id=int(target["channel_id"]), user=user)

    async def send_message(
        self,
        content: str,
        *,
        channel_id: int,
        author: Json | None = None,
        reply_to: Json | None = None,
        ping_reply: bool = True,
        attachments: list[Upload] | None = None,
    ) -> Json:
        """A user posts ``content`` (``<@BOT_ID>`` mentions parsed from it) in a guild or DM channel.

        Returns the full message. The bot receives it as Discord would deliver it: only with the
        GUILD_MESSAGES (DIRECT_MESSAGES for DMs) intent, else it lands in ``state.undelivered``; and
        with content blanked without the MESSAGE_CONTENT intent unless the bot is mentioned or it is a DM.
        """
        author = author or self.world.asker_user
        in_dm = str(channel_id) in self.state.dm_channels
        guild_id = None if in_dm else self.guild_id
        user_ids, role_ids, everyone = parse_mentions(content)
        known = {u["id"]: u for u in self.state.known_users()}
        mentioned = [known[u] for u in dict.fromkeys(user_ids) if u in known]
        reference = None
        if reply_to is not None:
            reply_to = self.message(reply_to["id"])
            reference = {"type": 0, "message_id": reply_to["id"], "channel_id": reply_to["channel_id"]}
            if guild_id is not None:
                reference["guild_id"] = str(guild_id)
            if ping_reply and reply_to["author"]["id"] not in {m["id"] for m in mentioned}:
                mentioned.append(reply_to["author"])
        posted = message(
            self.state.ids,
            channel_id=channel_id,
            guild_id=guild_id,
            author=author,
            content=content,
            mentions=mentioned,
            mention_roles=[] if in_dm else role_ids,
            mention_everyone=everyone and not in_dm,
            message_reference=reference,
            referenced_message=copy.deepcopy(reply_to) if reply_to else None,
            attachments=[store_upload(self.state, upload, channel_id) for upload in attachments or []],
        )
        self.state.store_message(posted)
        needed = DIRECT_MESSAGES_INTENT if in_dm else GUILD_MESSAGES_INTENT
        if not self.intents & needed:
            # Discord sends no MESSAGE_CREATE without the matching intent.
            self.state.undelivered.append(posted)
            return posted
        delivered = as_seen_by_bot(posted, bot_id=str(self.bot_id), intents=self.intents)
        if not in_dm:
            delivered["member"] = {k: v for k, v in self.world.member_of(author).items() if k != "user"}
            for mention in delivered["mentions"]:
                mention["member"] = {k: v for k, v in self.world.member_of(mention).items() if k != "user"}
        await self.dispatch("MESSAGE_CREATE", delivered)
        return posted

    def dm_channel(self, user: Json | None = None) -> int:
        """The id of a DM channel between the bot and ``user`` (the default asker), created on first use."""
        user = user or self.world.asker_user
        for existing, other in self.state.dm_channels.items():
            if other["id"] == user["id"]:
                return int(existing)
        channel_id = self.state.ids.next()
        self.state.dm_channels[str(channel_id)] = user
        return channel_id
