"""Who moderates which server, asked of Discord's REST API with the bot's token.

For a dashboard served on its own (``topicbot dashboard``), where no bot in this process sees members.
The rule is the bot's: the server's owner, Administrator, Manage Server, or the moderator role set with
``/topic-admin config moderator-role:``. It reads ``GET /users/@me/guilds`` (the servers the bot is in,
kept for ``BOT_GUILDS_SECONDS``), ``GET /guilds/{id}`` (roles and owner) and
``GET /guilds/{id}/members/{user}``; none of them needs a privileged intent. ``None`` means "cannot tell"
(the bot is not in that server, or Discord is away or limiting), as from the bot's own check.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Final

import aiohttp

from bot.dashboard.discord_oauth import ADMINISTRATOR, DISCORD_API, MANAGE_GUILD, TIMEOUT_SECONDS

log = logging.getLogger(__name__)

#: How long the list of the bot's servers is trusted.
BOT_GUILDS_SECONDS: Final = 60
#: Servers per page of ``GET /users/@me/guilds`` (Discord's largest).
GUILDS_PAGE: Final = 200
#: A guild id -> its moderator role's id (``None``: none set).
ModeratorRole = Callable[[int], Awaitable[int | None]]


class _CannotTellError(Exception):
    """Discord did not answer usefully (unreachable, limiting, or an unexpected status)."""


class RestModerators:
    """``still_moderator`` and ``owns_the_bot`` over Discord's REST API, with the bot's token."""

    def __init__(self, api_base_url: str | None, token: str, moderator_role: ModeratorRole,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._api = (api_base_url or DISCORD_API).rstrip("/")
        self._headers = {"Authorization": f"Bot {token}"}
        self._moderator_role = moderator_role
        self._clock = clock
        self._bot_guilds: tuple[float, frozenset[int]] | None = None
        self._owners: frozenset[int] | None = None

    async def _get(self, http: aiohttp.ClientSession, path: str) -> object:
        async with http.get(self._api + path, headers=self._headers) as response:
            if response.status in (403, 404):
                return None
            if response.status != 200:
                raise _CannotTellError(f"{path}: HTTP {response.status}")
            found: object = await response.json(content_type=None)
            return found

    def _session(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS))

    async def _in_guild(self, http: aiohttp.ClientSession, guild_id: int) -> bool:
        now = self._clock()
        if self._bot_guilds is None or now - self._bot_guilds[0] >= BOT_GUILDS_SECONDS:
            ids: set[int] = set()
            while True:  # pages of at most GUILDS_PAGE, after the last id seen
                after = f"&after={max(ids)}" if ids else ""
                page = await self._get(http, f"/users/@me/guilds?limit={GUILDS_PAGE}{after}")
                found = [int(g["id"]) for g in page if isinstance(g, dict)] if isinstance(page, list) else []
                ids.update(found)
                if len(found) < GUILDS_PAGE:
                    break
            self._bot_guilds = (now, frozenset(ids))
        return guild_id in self._bot_guilds[1]

    async def still_moderator(self, guild_id: int, user_id: int) -> bool | None:
        try:
            async with self._session() as http:
                if not await self._in_guild(http, guild_id):
                    return None
                guild = await self._get(http, f"/guilds/{guild_id}")
                if not isinstance(guild, dict):
                    return None
                member = await self._get(http, f"/guilds/{guild_id}/members/{user_id}")
                if not isinstance(member, dict):
                    return False  # not (or no longer) a member of the server
        except (aiohttp.ClientError, TimeoutError, _CannotTellError, KeyError, ValueError) as error:
            log.warning("cannot tell whether %s moderates guild %s: %s", user_id, guild_id, error)
            return None
        if str(guild.get("owner_id")) == str(user_id):
            return True
        member_roles = {str(role) for role in member.get("roles", [])}
        permissions = 0
        for role in guild.get("roles", []):
            if str(role.get("id")) == str(guild_id) or str(role.get("id")) in member_roles:
                permissions |= int(role.get("permissions") or 0)
        if permissions & (ADMINISTRATOR | MANAGE_GUILD):
            return True
        moderator_role = await self._moderator_role(guild_id)
        return moderator_role is not None and str(moderator_role) in member_roles

    async def owns_the_bot(self, user_id: int) -> bool:
        """Whether the user owns the application (its owner, or a member of its team)."""
        if self._owners is None:
            try:
                async with self._session() as http:
                    application = await self._get(http, "/oauth2/applications/@me")
            except (aiohttp.ClientError, TimeoutError, _CannotTellError) as error:
                log.warning("cannot read the application's owner: %s", error)
                return False
            if not isinstance(application, dict):
                return False
            team = application.get("team") or {}
            members = [m.get("user", {}) for m in team.get("members", [])] if isinstance(team, dict) else []
            self._owners = frozenset(int(u["id"]) for u in [application.get("owner") or {}, *members] if "id" in u)
        return user_id in self._owners
