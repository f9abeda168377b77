"""The REST half of the fake: the ``/api/v10`` routes discord.py calls, each recorded in the log.

Handlers return ``(status, body)``; ``body`` is sent as JSON with ``Content-Type`` exactly
``application/json`` (discord.py parses nothing else). Error bodies have Discord's
``{"code": N, "message": "..."}`` shape.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from fake_gateway import limits
from fake_gateway.bot_messages import create_bot_message, for_bot
from fake_gateway.http_io import (
    API_PREFIX,
    Call,
    Handler,
    Rejected,
    Result,
    error,
    json_response,
    rate_limited,
    read_body,
    reject,
)
from fake_gateway.interaction_api import InteractionApi
from fake_gateway.oauth import FakeOAuth
from fake_gateway.payloads import Json
from fake_gateway.recording import RecordedRequest
from fake_gateway.state import FakeState

log = logging.getLogger(__name__)

#: Routes a signed-in user (OAuth2 ``Bearer`` token) may call as well as the bot.
BEARER_ROUTES = frozenset({"GET /users/@me", "GET /users/@me/guilds"})


class RestApi:
    """Route handlers over one :class:`FakeState`."""

    def __init__(self, state: FakeState) -> None:
        self.state = state
        self.interactions = InteractionApi(state)
        self.oauth = FakeOAuth(state)

    def install(self, app: web.Application) -> None:
        bot_routes: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self.get_me),
            ("GET", "/users/@me/guilds", self.get_my_guilds),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member),
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
            ("POST", "/interactions/{interaction_id}/{token}/callback", self.interactions.interaction_callback),
            ("POST", "/webhooks/{application_id}/{token}", self.interactions.create_followup),
            ("GET", "/webhooks/{application_id}/{token}/messages/{message_id}", self.interactions.get_webhook_message),
            (
                "PATCH",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self.interactions.edit_webhook_message,
            ),
            (
                "DELETE",
                "/webhooks/{application_id}/{token}/messages/{message_id}",
                self.interactions.delete_webhook_message,
            ),
        ]
        for method, path, handler in bot_routes:
            app.router.add_route(method, API_PREFIX + path, self._wrap(method, path, handler, authed=True))
        for method, path, handler in open_routes:
            app.router.add_route(method, API_PREFIX + path, self._wrap(method, path, handler, authed=False))
        self.oauth.install(app)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._unknown_route)

    def _wrap(
        self, method: str, path: str, handler: Handler, *, authed: bool
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        route = f"{method} {path}"

        async def endpoint(request: web.Request) -> web.Response:
            unreadable = False
            try:
                body, files = await read_body(request)
            except ValueError:  # invalid JSON (json.JSONDecodeError) or payload_json
                log.warning("fake Discord could not read the body of %s", route, exc_info=True)
                body, files, unreadable = None, (), True
            call = Call(
                dict(request.match_info), dict(request.query), body, files, request.headers.get("Authorization")
            )
            if unreadable:
                status, answer = error(400, 50109, "The request body contains invalid JSON.")
            elif route in BEARER_ROUTES and (call.authorization or "").startswith("Bearer "):
                status, answer = self._as_signed_in_user(route, call)
            elif authed and call.authorization != f"Bot {self.state.token}":
                status, answer = error(401, 0, "401: Unauthorized")
            elif route in self.state.rate_limit_once:
                status, answer = rate_limited(self.state.rate_limit_once.pop(route))
            else:
                try:
                    status, answer = await handler(call)
                except Rejected as rejected:
                    status, answer = rejected.result
                except Exception:
                    log.exception("fake Discord failed on %s", route)
                    status, answer = error(500, 0, "fake Discord crashed; see the log")
            recorded = RecordedRequest(
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
            return await self._send_then_record(request, status, answer, recorded)

        return endpoint

    async def _send_then_record(
        self, request: web.Request, status: int, answer: object, recorded: RecordedRequest
    ) -> web.Response:
        """Write the response out before logging it, so a test that saw the request does not act before the
        client could have read the answer (a view is only registered once its message id is known)."""
        response = json_response(status, answer)
        await response.prepare(request)
        await response.write_eof()
        await self.state.log.add(recorded)
        return response

    async def _unknown_route(self, request: web.Request) -> web.Response:
        try:
            body, files = await read_body(request)
        except ValueError:
            body, files = None, ()
        log.warning("fake Discord has no route %s %s", request.method, request.path)
        status, answer = error(404, 0, f"404: Not Found (the fake has no route {request.method} {request.path})")
        recorded = RecordedRequest(
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
        return await self._send_then_record(request, status, answer, recorded)

    # --- identity -------------------------------------------------------------------------

    def _as_signed_in_user(self, route: str, call: Call) -> Result:
        """``users/@me`` and ``users/@me/guilds`` with an OAuth2 ``Bearer`` token (a user who signed in)."""
        user = self.oauth.user_of(call.authorization)
        if user is None:
            return error(401, 0, "401: Unauthorized")
        return 200, (user if route == "GET /users/@me" else self.oauth.guilds_of(user))

    async def get_my_guilds(self, call: Call) -> Result:
        world = self.state.world
        return 200, [{"id": str(world.guild_id), "name": "Topicbot test guild", "icon": None, "owner": False,
                      "permissions": "0", "features": []}]

    async def get_guild(self, call: Call) -> Result:
        world = self.state.world
        if call.params["guild_id"] != str(world.guild_id):
            return error(403, 50001, "Missing Access")
        return 200, {k: v for k, v in world.guild().items() if k not in {"members", "channels", "threads"}}

    async def get_member(self, call: Call) -> Result:
        world = self.state.world
        if call.params["guild_id"] != str(world.guild_id):
            return error(403, 50001, "Missing Access")
        user = next((u for u in self.state.known_users() if u["id"] == call.params["user_id"]), None)
        if user is None:
            return error(404, 10007, "Unknown Member")
        return 200, world.member_of(user)

    async def get_me(self, call: Call) -> Result:
        return 200, self.state.world.bot_user

    async def get_application(self, call: Call) -> Result:
        return 200, self.state.world.application()

    async def get_gateway(self, call: Call) -> Result:
        url = self.state.gateway_url
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return 200, {"url": url, "shards": 1, "session_start_limit": limit}

    # --- application commands -------------------------------------------------------------

    def _guild_key(self, call: Call) -> int | None:
        if call.params["application_id"] != str(self.state.world.application_id):
            raise reject(403, 50001, "Missing Access")
        guild = call.params.get("guild_id")
        if guild is None:
            return None
        if guild != str(self.state.world.guild_id):
            raise reject(403, 50001, "Missing Access")
        return int(guild)

    async def get_commands(self, call: Call) -> Result:
        key = self._guild_key(call)
        return 200, list(self.state.commands.get(key, {}).values())

    async def put_commands(self, call: Call) -> Result:
        key = self._guild_key(call)
        if not isinstance(call.json, list):
            return error(400, 50035, "Invalid Form Body", ["body must be a list of commands"])
        if len(call.json) > 100:
            return error(400, 50035, "Invalid Form Body", ["at most 100 commands"])
        previous = self.state.commands.get(key, {})
        registered: dict[tuple[str, int], Json] = {}
        for command in call.json:
            name = command.get("name", "")
            kind = int(command.get("type", 1))
            if (name, kind) in registered:
                return error(400, 50035, "Invalid Form Body", [f"duplicate command name {name!r}"])
            old = previous.get((name, kind))
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
            registered[(name, kind)] = stored
        self.state.commands[key] = registered
        return 200, list(registered.values())

    # --- channel messages -----------------------------------------------------------------

    def _channel_guild(self, channel_id: str) -> int | None:
        channel = self.state.world.channel(int(channel_id))
        if channel is not None:
            return self.state.world.guild_id
        if channel_id in self.state.dm_channels:
            return None
        raise reject(404, 10003, "Unknown Channel")

    async def create_message(self, call: Call) -> Result:
        guild = self._channel_guild(call.params["channel_id"])
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
        sent = create_bot_message(self.state, call.params["channel_id"], guild, payload, call.files, referenced)
        return 200, for_bot(self.state, sent)

    def _message_in(self, call: Call) -> Json:
        found = self.state.messages.get(call.params["message_id"])
        if found is None or found["channel_id"] != call.params["channel_id"]:
            raise reject(404, 10008, "Unknown Message")
        return found

    async def get_message(self, call: Call) -> Result:
        found = self._message_in(call)
        return 200, for_bot(self.state, found)

    async def edit_message(self, call: Call) -> Result:
        found = self._message_in(call)
        if found["author"]["id"] != self.state.bot_id:
            return error(403, 50005, "Cannot edit a message authored by another user")
        problems = limits.message_problems(call.json or {})
        if problems:
            return error(400, 50035, "Invalid Form Body", problems)
        return 200, for_bot(self.state, self.state.edit_message(found["id"], call.json or {}))

    async def delete_message(self, call: Call) -> Result:
        found = self._message_in(call)
        self.state.messages.pop(found["id"])
        return 204, None

    async def typing(self, call: Call) -> Result:
        return 204, None

    async def get_channel(self, call: Call) -> Result:
        channel = self.state.world.channel(int(call.params["channel_id"]))
        return (200, channel) if channel is not None else error(404, 10003, "Unknown Channel")

    # --- interactions ---------------------------------------------------------------------
