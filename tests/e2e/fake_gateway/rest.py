"""The REST half of the fake: the ``/api/v10`` routes discord.py calls, each recorded in the log.

Handlers return ``(status, body)``; ``body`` is sent as JSON with ``Content-Type`` exactly
``application/json`` (discord.py parses nothing else). Error bodies have Discord's
``{"code": N, "message": "..."}`` shape.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from fake_gateway import limits
from fake_gateway.mentions import parse_mentions, pings
from fake_gateway.message_content import as_seen_by_bot
from fake_gateway.payloads import Json, message
from fake_gateway.recording import RecordedFile, RecordedRequest
from fake_gateway.state import FakeState, InteractionRecord

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
EPHEMERAL = 1 << 6
LOADING = 1 << 7


@dataclass(frozen=True)
class Call:
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: tuple[RecordedFile, ...]
    authorization: str | None


Result = tuple[int, Any]
Handler = Callable[[Call], Awaitable[Result]]


def error(status: int, code: int, text: str, problems: list[str] | None = None) -> Result:
    body: Json = {"code": code, "message": text}
    if problems:
        body["errors"] = problems
    return status, body


def json_response(status: int, body: Any) -> web.Response:
    if status == 204 or body is None:
        return web.Response(status=204)
    return web.Response(status=status, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})


async def read_body(request: web.Request) -> tuple[Any, tuple[RecordedFile, ...]]:
    if not request.can_read_body:
        return None, ()
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[RecordedFile] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, web.BodyPartReader):
                continue
            data = await part.read()
            if part.name == "payload_json":
                payload = json.loads(data.decode())
            else:
                files.append(
                    RecordedFile(part.name or "", part.filename, part.headers.get("Content-Type"), bytes(data))
                )
        return payload, tuple(files)
    text = await request.text()
    return (json.loads(text) if text else None), ()


class RestApi:
    """Route handlers over one :class:`FakeState`."""

    def __init__(self, state: FakeState) -> None:
        self.state = state
        self.authed_routes: set[str] = set()

    def install(self, app: web.Application) -> None:
        bot_routes: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self.get_me),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/applications/@me", self.get_application),
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway),
            ("GET", "/applications/{application_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/commands", self.put_commands),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self.put_commands),
            ("POST", "/channels/{channel_id}/messages", self.create_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message),
            ("POST", "/channels/{channel_id}/typing", self.typing),
            ("GET", "/channels/{channel_id}", self.get_channel),
        ]
        open_routes: list[tuple[str, str, Handler]] = [
            ("POST", "/interactions/{interaction_id}/{token}/callback", self.interaction_callback),
            ("POST", "/webhooks/{application_id}/{token}", self.create_followup),
            ("GET", "/webhooks/{application_id}/{token}/messages/{message_id}", self.get_webhook_message),
            ("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}", self.edit_webhook_message),
            ("DELETE", "/webhooks/{application_id}/{token}/messages/{message_id}", self.delete_webhook_message),
        ]
        for method, path, handler in bot_routes:
            self.authed_routes.add(f"{method} {path}")
            app.router.add_route(method, API_PREFIX + path, self._wrap(method, path, handler, authed=True))
        for method, path, handler in open_routes:
            app.router.add_route(method, API_PREFIX + path, self._wrap(method, path, handler, authed=False))
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._unknown_route)

    def _wrap(
        self, method: str, path: str, handler: Handler, *, authed: bool
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        route = f"{method} {path}"

        async def endpoint(request: web.Request) -> web.Response:
            body, files = await read_body(request)
            call = Call(
                dict(request.match_info), dict(request.query), body, files, request.headers.get("Authorization")
            )
            if authed and call.authorization != f"Bot {self.state.token}":
                status, answer = error(401, 0, "401: Unauthorized")
            else:
                try:
                    status, answer = await handler(call)
                except Exception:
                    log.exception("fake Discord failed on %s", route)
                    status, answer = error(500, 0, "fake Discord crashed; see the log")
            await self.state.log.add(
                RecordedRequest(
                    index=self.state.log.next_index(),
                    method=method,
                    path=request.path.removeprefix(API_PREFIX),
                    route=route,
                    params=call.params,
                    query=call.query,
                    json=body,
                    files=files,
                    authorization=call.authorization,
                    status=status,
                    response=answer,
                )
            )
            return json_response(status, answer)

        return endpoint

    async def _unknown_route(self, request: web.Request) -> web.Response:
        body, files = await read_body(request)
        log.warning("fake Discord has no route %s %s", request.method, request.path)
        status, answer = error(404, 0, f"404: Not Found (the fake has no route {request.method} {request.path})")
        await self.state.log.add(
            RecordedRequest(
                index=self.state.log.next_index(),
                method=request.method,
                path=request.path.removeprefix(API_PREFIX),
                route="unknown",
                params={},
                query=dict(request.query),
                json=body,
                files=files,
                authorization=request.headers.get("Authorization"),
                status=status,
                response=answer,
            )
        )
        return json_response(status, answer)

    # --- identity -------------------------------------------------------------------------

    async def get_me(self, call: Call) -> Result:
        return 200, self.state.world.bot_user

    async def get_application(self, call: Call) -> Result:
        return 200, self.state.world.application()

    async def get_gateway(self, call: Call) -> Result:
        url = self.state.gateway_url
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return 200, {"url": url, "shards": 1, "session_start_limit": limit}

    # --- application commands -------------------------------------------------------------

    def _guild_key(self, call: Call) -> int | Result | None:
        if call.params["application_id"] != str(self.state.world.application_id):
            return error(403, 50001, "Missing Access")
        guild = call.params.get("guild_id")
        if guild is None:
            return None
        if guild != str(self.state.world.guild_id):
            return error(403, 50001, "Missing Access")
        return int(guild)

    async def get_commands(self, call: Call) -> Result:
        key = self._guild_key(call)
        if isinstance(key, tuple):
            return key
        return 200, list(self.state.commands.get(key, {}).values())

    async def put_commands(self, call: Call) -> Result:
        key = self._guild_key(call)
        if isinstance(key, tuple):
            return key
        if not isinstance(call.json, list):
            return error(400, 50035, "Invalid Form Body", ["body must be a list of commands"])
        if len(call.json) > 100:
            return error(400, 50035, "Invalid Form Body", ["at most 100 commands"])
        previous = self.state.commands.get(key, {})
        registered: dict[str, Json] = {}
        for command in call.json:
            name = command.get("name", "")
            kind = command.get("type", 1)
            if (name, kind) in {(c["name"], c["type"]) for c in registered.values()}:
                return error(400, 50035, "Invalid Form Body", [f"duplicate command name {name!r}"])
            old = previous.get(name)
            stored = {
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": old["id"] if old else self.state.ids.next_str(),
                "application_id": str(self.state.world.application_id),
                "version": self.state.ids.next_str(),
            }
            if key is not None:
                stored["guild_id"] = str(key)
            registered[name if kind == 1 else f"{name}\x00{kind}"] = stored
        self.state.commands[key] = registered
        return 200, list(registered.values())

    # --- channel messages -----------------------------------------------------------------

    def _channel_guild(self, channel_id: str) -> int | Result | None:
        channel = self.state.world.channel(int(channel_id))
        if channel is not None:
            return self.state.world.guild_id
        if channel_id in self.state.dm_channels:
            return None
        return error(404, 10003, "Unknown Channel")

    async def create_message(self, call: Call) -> Result:
        guild = self._channel_guild(call.params["channel_id"])
        if isinstance(guild, tuple):
            return guild
        payload = call.json or {}
        problems = limits.message_problems(payload)
        if not (payload.get("content") or payload.get("embeds") or call.files or payload.get("components")):
            problems.append("Cannot send an empty message")
        if problems:
            return error(400, 50035, "Invalid Form Body", problems)
        reference = payload.get("message_reference")
        referenced = None
        if reference is not None:
            referenced = self.state.messages.get(str(reference.get("message_id")))
            if referenced is None and reference.get("fail_if_not_exists", True):
                return error(400, 50035, "Invalid Form Body", ["message_reference: Unknown message"])
        sent = self._new_bot_message(call.params["channel_id"], guild, payload, call.files, referenced)
        return 200, self._for_bot(sent)

    def _new_bot_message(
        self,
        channel_id: str,
        guild: int | None,
        payload: Json,
        files: tuple[RecordedFile, ...],
        referenced: Json | None,
        *,
        flags: int = 0,
        interaction: InteractionRecord | None = None,
    ) -> Json:
        state = self.state
        replied_author = referenced["author"]["id"] if referenced else None
        pinged = pings(payload, replied_author_id=replied_author)
        users_in_content, roles_in_content, _ = parse_mentions(str(payload.get("content") or ""))
        known_users = {u["id"]: u for u in state.known_users()}
        attachments = [
            {
                "id": state.ids.next_str(),
                "filename": f.filename or "file",
                "size": len(f.data),
                "url": f"{state.base_url}/attachments/{f.filename}",
                "proxy_url": "",
                "content_type": f.content_type,
            }
            for f in files
        ]
        metadata = None
        if interaction is not None:
            invoker = interaction.payload["member"]["user"]
            metadata = {
                "id": interaction.id,
                "type": interaction.kind,
                "user": invoker,
                "authorizing_integration_owners": {},
            }
        sent = message(
            state.ids,
            channel_id=int(channel_id),
            guild_id=guild,
            author=state.world.bot_user,
            content=str(payload.get("content") or ""),
            embeds=payload.get("embeds") or [],
            components=payload.get("components") or [],
            mentions=[known_users[u] for u in pinged.users if u in known_users],
            mention_roles=sorted(pinged.roles),
            mention_everyone=pinged.everyone,
            flags=flags | int(payload.get("flags") or 0),
            message_reference=(
                {
                    "type": 0,
                    "message_id": referenced["id"],
                    "channel_id": referenced["channel_id"],
                    **({"guild_id": str(guild)} if guild else {}),
                }
                if referenced
                else None
            ),
            referenced_message=referenced,
            attachments=attachments,
            interaction_metadata=metadata,
        )
        sent["allowed_mentions"] = payload.get("allowed_mentions")
        sent["mentions_in_content"] = {"users": users_in_content, "roles": roles_in_content}
        return state.store_message(sent)

    def _for_bot(self, msg: Json) -> Json:
        return as_seen_by_bot(msg, bot_id=self.state.bot_id, intents=self.state.intents)

    def _message_in(self, call: Call) -> Json | Result:
        found = self.state.messages.get(call.params["message_id"])
        if found is None or found["channel_id"] != call.params["channel_id"]:
            return error(404, 10008, "Unknown Message")
        return found

    async def get_message(self, call: Call) -> Result:
        found = self._message_in(call)
        if isinstance(found, tuple):
            return found
        return 200, self._for_bot(found)

    async def edit_message(self, call: Call) -> Result:
        found = self._message_in(call)
        if isinstance(found, tuple):
            return found
        if found["author"]["id"] != self.state.bot_id:
            return error(403, 50005, "Cannot edit a message authored by another user")
        problems = limits.message_problems(call.json or {})
        if problems:
            return error(400, 50035, "Invalid Form Body", problems)
        return 200, self._for_bot(self.state.edit_message(found["id"], call.json or {}))

    async def delete_message(self, call: Call) -> Result:
        found = self._message_in(call)
        if isinstance(found, tuple):
            return found
        self.state.messages.pop(found["id"])
        return 204, None

    async def typing(self, call: Call) -> Result:
        return 204, None

    async def get_channel(self, call: Call) -> Result:
        channel = self.state.world.channel(int(call.params["channel_id"]))
        return (200, channel) if channel is not None else error(404, 10003, "Unknown Channel")

    # --- interactions ---------------------------------------------------------------------

    async def interaction_callback(self, call: Call) -> Result:
        record = self.state.interactions.get(call.params["interaction_id"])
        if record is None or record.token != call.params["token"]:
            return error(404, 10062, "Unknown interaction")
        if record.callback_type is not None:
            return error(400, 40060, "Interaction has already been acknowledged.")
        body = call.json or {}
        kind = int(body.get("type", 0))
        data: Json = body.get("data") or {}
        allowed = {
            2: {4, 5, 9},  # application command
            3: {4, 5, 6, 7, 9},  # component
            4: {8},  # autocomplete
            5: {4, 5, 6, 7} if "message" in record.payload else {4, 5},  # modal submit
        }[record.kind]
        if kind not in allowed:
            return error(
                400,
                50035,
                "Invalid Form Body",
                [f"callback type {kind} is not valid for interaction type {record.kind}"],
            )
        problems = (
            limits.choices_problems(data) if kind == 8 else limits.message_problems(data) if kind in (4, 7) else []
        )
        if problems:
            return error(400, 50035, "Invalid Form Body", problems)
        record.callback_type = kind
        record.callback_data = data
        channel_id = record.payload["channel_id"]
        guild = self.state.world.guild_id
        resource_message: Json | None = None
        if kind in (4, 5):
            flags = int(data.get("flags") or 0) & EPHEMERAL
            if kind == 5:
                flags |= LOADING
            payload = data if kind == 4 else {"content": ""}
            resource_message = self._new_bot_message(
                channel_id, guild, payload, call.files, None, flags=flags, interaction=record
            )
        elif kind in (6, 7):
            resource_message = self.state.messages.get(str(record.payload.get("message", {}).get("id")))
            if kind == 7 and resource_message is not None:
                resource_message = self.state.edit_message(resource_message["id"], data)
        if resource_message is not None:
            record.original_message_id = resource_message["id"]
        answer: Json = {
            "interaction": {
                "id": record.id,
                "type": record.kind,
                "response_message_id": record.original_message_id,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
            }
        }
        if resource_message is not None or kind in (8, 9):
            answer["resource"] = {"type": kind}
            if resource_message is not None:
                answer["resource"]["message"] = self._for_bot(resource_message)
        return 200, answer

    def _webhook_interaction(self, call: Call) -> InteractionRecord | Result:
        if call.params["application_id"] != str(self.state.world.application_id):
            return error(404, 10015, "Unknown Webhook")
        record = self.state.interaction_by_token(call.params["token"])
        if record is None or record.callback_type is None:
            return error(404, 10015, "Unknown Webhook")
        return record

    def _webhook_message(self, call: Call) -> tuple[InteractionRecord, Json] | Result:
        record = self._webhook_interaction(call)
        if isinstance(record, tuple):
            return record
        wanted = call.params["message_id"]
        message_id = record.original_message_id if wanted == "@original" else wanted
        found = self.state.messages.get(str(message_id))
        if found is None:
            return error(404, 10008, "Unknown Message")
        return record, found

    async def create_followup(self, call: Call) -> Result:
        record = self._webhook_interaction(call)
        if isinstance(record, tuple):
            return record
        payload = call.json or {}
        problems = limits.message_problems(payload)
        if problems:
            return error(400, 50035, "Invalid Form Body", problems)
        flags = int(payload.get("flags") or 0) & EPHEMERAL
        sent = self._new_bot_message(
            record.payload["channel_id"],
            self.state.world.guild_id,
            payload,
            call.files,
            None,
            flags=flags,
            interaction=record,
        )
        if call.query.get("wait", "false").lower() in ("true", "1"):
            return 200, self._for_bot(sent)
        return 204, None

    async def get_webhook_message(self, call: Call) -> Result:
        found = self._webhook_message(call)
        if isinstance(found[0], int):
            return found  # type: ignore[return-value]
        return 200, self._for_bot(found[1])

    async def edit_webhook_message(self, call: Call) -> Result:
        found = self._webhook_message(call)
        if isinstance(found[0], int):
            return found  # type: ignore[return-value]
        problems = limits.message_problems(call.json or {})
        if problems:
            return error(400, 50035, "Invalid Form Body", problems)
        edited = self.state.edit_message(found[1]["id"], call.json or {})
        edited["flags"] = int(edited.get("flags") or 0) & ~LOADING
        return 200, self._for_bot(edited)

    async def delete_webhook_message(self, call: Call) -> Result:
        found = self._webhook_message(call)
        if isinstance(found[0], int):
            return found  # type: ignore[return-value]
        self.state.messages.pop(found[1]["id"], None)
        return 204, None
