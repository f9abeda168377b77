"""Discord's OAuth2 sign-in, as the fake plays it: the authorize page, the token exchange, and the
signed-in user's ``users/@me`` and ``users/@me/guilds``.

The authorize page stands for a browser already signed in to Discord as ``browser_user``: it approves at
once and redirects back with a code (or with ``error=access_denied`` when no one is signed in). The token
endpoint checks what Discord checks: the client's id and secret, the code (once), the redirect URL it was
issued for, and the PKCE verifier against the challenge. Tokens can be revoked.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlencode

from aiohttp import web

from fake_gateway.payloads import Json
from fake_gateway.state import FakeState

AUTHORIZE_PATH: Final = "/oauth2/authorize"
TOKEN_PATHS: Final = ("/api/oauth2/token", "/api/v10/oauth2/token")
CLIENT_SECRET: Final = "fake-client-secret.for-tests-only"


@dataclass(frozen=True)
class _Grant:
    user: Json
    client_id: str
    redirect_uri: str
    challenge: str
    scopes: frozenset[str]


@dataclass
class FakeOAuth:
    """The fake's OAuth2 state: who the browser is signed in as, issued codes and tokens."""

    state: FakeState
    client_secret: str = CLIENT_SECRET
    #: The Discord user the "browser" is signed in as; ``None``: the authorize page is refused.
    browser_user: Json | None = None
    #: Servers a user is in besides the fake's guild (the bot is not in them): user id -> partial guilds.
    other_guilds: dict[str, list[Json]] = field(default_factory=dict)
    codes: dict[str, _Grant] = field(default_factory=dict)
    tokens: dict[str, _Grant] = field(default_factory=dict)
    #: Issue tokens already revoked (as if the user removed the app right after approving it).
    revoke_issued: bool = False
    #: Every authorize and token request, in order: (path, query or form).
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def client_id(self) -> str:
        return str(self.state.world.application_id)

    def install(self, app: web.Application) -> None:
        app.router.add_get(AUTHORIZE_PATH, self.authorize)
        for path in TOKEN_PATHS:
            app.router.add_post(path, self.token)

    def add_other_guild(self, user: Json, name: str, *, permissions: int, owner: bool = False) -> Json:
        guild = {"id": self.state.ids.next_str(), "name": name, "icon": None, "owner": owner,
                 "permissions": str(permissions), "features": []}
        self.other_guilds.setdefault(str(user["id"]), []).append(guild)
        return guild

    def revoke(self, user: Json) -> int:
        """Revoke every token of ``user`` (as when they deauthorise the app); how many."""
        gone = [token for token, grant in self.tokens.items() if grant.user["id"] == user["id"]]
        for token in gone:
            del self.tokens[token]
        return len(gone)

    async def authorize(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        self.seen.append((AUTHORIZE_PATH, query))
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or not redirect_uri:
            return web.Response(status=400, text="Invalid OAuth2 application or redirect_uri")
        scopes = frozenset(query.get("scope", "").split())
        if (query.get("response_type") != "code" or query.get("code_challenge_method") != "S256"
                or not query.get("code_challenge") or not {"identify", "guilds"} <= scopes):
            answer = {"error": "invalid_request", "state": query.get("state", "")}
        elif self.browser_user is None:
            answer = {"error": "access_denied", "state": query.get("state", "")}
        else:
            code = secrets.token_urlsafe(16)
            self.codes[code] = _Grant(self.browser_user, self.client_id, redirect_uri, query["code_challenge"], scopes)
            answer = {"code": code, "state": query.get("state", "")}
        raise web.HTTPFound(f"{redirect_uri}?{urlencode(answer)}")

    async def token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.seen.append((request.path, {k: v for k, v in form.items() if k != "client_secret"}))
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
        if client_id != self.client_id or client_secret != self.client_secret:
            return web.json_response({"error": "invalid_client"}, status=401)
        grant = self.codes.pop(form.get("code", ""), None)
        if form.get("grant_type") != "authorization_code" or grant is None:
            return web.json_response({"error": "invalid_grant", "error_description": "Invalid \"code\""}, status=400)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if form.get("redirect_uri") != grant.redirect_uri or challenge != grant.challenge:
            return web.json_response({"error": "invalid_grant"}, status=400)
        access = secrets.token_urlsafe(24)
        if not self.revoke_issued:
            self.tokens[access] = grant
        return web.json_response({"access_token": access, "token_type": "Bearer", "expires_in": 604800,
                                  "refresh_token": secrets.token_urlsafe(24), "scope": " ".join(sorted(grant.scopes))})

    def user_of(self, authorization: str | None) -> Json | None:
        """The user a ``Bearer`` token was issued to, or ``None`` (unknown or revoked)."""
        if not authorization or not authorization.startswith("Bearer "):
            return None
        grant = self.tokens.get(authorization.removeprefix("Bearer "))
        return None if grant is None else grant.user

    def guilds_of(self, user: Json) -> list[Json]:
        """``users/@me/guilds`` for ``user``: the fake's guild if they are in it, and their other servers."""
        world = self.state.world
        members = {m["id"] for m in (world.owner_user, world.asker_user)} | {
            m["user"]["id"] for m in world.extra_members}
        guilds = []
        if user["id"] in members:
            guilds.append({"id": str(world.guild_id), "name": "Topicbot test guild", "icon": None,
                           "owner": user["id"] == world.owner_user["id"],
                           "permissions": str(world.permissions_of(user)), "features": []})
        return guilds + list(self.other_guilds.get(str(user["id"]), []))
