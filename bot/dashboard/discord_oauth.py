"""Discord's OAuth2 authorization-code flow with PKCE, as the dashboard's client (scopes ``identify guilds``).

The endpoints come from the same API base URL the bot uses (``DISCORD_API_BASE_URL``, by default
``https://discord.com/api/v10``): the authorize page at the site's ``/oauth2/authorize``, the token
endpoint at the unversioned ``/api/oauth2/token``, and ``users/@me`` and ``users/@me/guilds`` under the
base itself. So the tests run the whole flow against the project's fake Discord.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

import aiohttp

DISCORD_API: Final = "https://discord.com/api/v10"
SCOPES: Final = ("identify", "guilds")
#: Where Discord sends the browser back to, under the dashboard's public address.
CALLBACK_PATH: Final = "/sign-in/discord/callback"
#: Seconds to wait for Discord on each request of a sign-in.
TIMEOUT_SECONDS: Final = 10
MANAGE_GUILD: Final = 1 << 5
ADMINISTRATOR: Final = 1 << 3


class OAuthError(Exception):
    """Discord refused or could not complete a sign-in; the message says so to the person signing in."""


@dataclass(frozen=True)
class Endpoints:
    authorize: str
    token: str
    api: str

    @classmethod
    def of(cls, api_base_url: str | None) -> Endpoints:
        """The OAuth2 endpoints of the Discord (or fake Discord) whose REST API is at ``api_base_url``."""
        api = (api_base_url or DISCORD_API).rstrip("/")
        parts = urlsplit(api)
        return cls(authorize=f"{parts.scheme}://{parts.netloc}/oauth2/authorize",
                   token=re.sub(r"/v\d+$", "", api) + "/oauth2/token", api=api)


@dataclass(frozen=True)
class Pkce:
    """A PKCE pair: the verifier kept by the dashboard, its S256 challenge sent with the authorize request."""

    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(64)  # 86 characters of [A-Za-z0-9_-], within RFC 7636's 43..128
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


@dataclass(frozen=True)
class DiscordUser:
    id: int
    name: str


@dataclass(frozen=True)
class UserGuild:
    """A server the user is in, with their permissions there as Discord computed them."""

    id: int
    name: str
    permissions: int

    @property
    def manages(self) -> bool:
        return bool(self.permissions & (MANAGE_GUILD | ADMINISTRATOR))


@dataclass(frozen=True)
class DiscordOAuth:
    """The dashboard as a Discord OAuth2 client (a confidential client that also uses PKCE)."""

    endpoints: Endpoints
    client_id: int
    client_secret: str
    redirect_uri: str

    def authorize_url(self, state: str, challenge: str) -> str:
        query = {"response_type": "code", "client_id": str(self.client_id), "scope": " ".join(SCOPES),
                 "state": state, "redirect_uri": self.redirect_uri, "code_challenge": challenge,
                 "code_challenge_method": "S256", "prompt": "none"}
        return f"{self.endpoints.authorize}?{urlencode(query)}"

    async def sign_in(self, code: str, verifier: str) -> tuple[DiscordUser, list[UserGuild]]:
        """Exchange ``code`` (with the PKCE ``verifier``) for a token; the user and their servers."""
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as http:
                token = await self._token(http, code, verifier)
                headers = {"Authorization": f"Bearer {token}"}
                user = await self._get(http, "/users/@me", headers)
                guilds = await self._get(http, "/users/@me/guilds", headers)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise OAuthError("Discord could not be reached to finish signing in; try again in a minute.") from error
        if not isinstance(user, dict) or not isinstance(guilds, list):
            raise OAuthError("Discord answered the sign-in with something unexpected; try again.")
        name = str(user.get("global_name") or user.get("username") or user.get("id"))
        return DiscordUser(int(user["id"]), name), _guilds(guilds)

    async def _token(self, http: aiohttp.ClientSession, code: str, verifier: str) -> str:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
                "code_verifier": verifier, "client_id": str(self.client_id), "client_secret": self.client_secret}
        async with http.post(self.endpoints.token, data=form) as response:
            body: Any = await response.json(content_type=None)
        if response.status == 401:
            raise OAuthError("Discord did not accept this dashboard's client id and secret; the operator should "
                             "check [dashboard] discord_client_id and TOPICBOT_DISCORD_CLIENT_SECRET.")
        if response.status != 200 or not isinstance(body, dict) or "access_token" not in body:
            raise OAuthError("Discord refused the sign-in (the code was already used, expired, or was not made "
                             "for this dashboard); start again with Sign in with Discord.")
        return str(body["access_token"])

    async def _get(self, http: aiohttp.ClientSession, path: str, headers: dict[str, str]) -> object:
        async with http.get(self.endpoints.api + path, headers=headers) as response:
            if response.status == 401:
                raise OAuthError("Discord says this sign-in is no longer valid (its access was revoked); "
                                 "start again with Sign in with Discord.")
            if response.status != 200:
                raise OAuthError(f"Discord answered {response.status} while signing in; try again in a minute.")
            found: object = await response.json(content_type=None)
            return found


def _guilds(payload: Sequence[object]) -> list[UserGuild]:
    found = []
    for guild in payload:
        if isinstance(guild, dict) and str(guild.get("id", "")).isdigit():
            permissions = str(guild.get("permissions") or "0")
            found.append(UserGuild(int(guild["id"]), str(guild.get("name") or guild["id"]),
                                   int(permissions) if permissions.isdigit() else 0))
    return found
