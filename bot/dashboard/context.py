"""What every page handler reaches through the request: the core services, settings and templates."""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from bot.config import DashboardSettings
from bot.core.moderation import ImportPreview, TopicEditor
from bot.core.sign_in import UsedLinks
from bot.core.storage import TopicRepository
from bot.core.storage.api_tokens import ApiTokenStore
from bot.core.storage.dashboard_sessions import DashboardSession, DashboardSessionStore
from bot.core.usage.queries import UsageQueries
from bot.dashboard.discord_oauth import DiscordOAuth
from bot.dashboard.discord_sign_ins import DiscordSignIns
from bot.dashboard.moderators import Moderator, moderator_of, signed_in

TEMPLATES_DIR: Final = Path(__file__).resolve().parent / "templates"
SESSION_COOKIE: Final = "topicbot_session"
#: How long a signed-in session lasts.
SESSION_SECONDS: Final = 12 * 60 * 60
#: How long a "still a moderator" answer is trusted before it is asked again.
ROLE_CHECK_SECONDS: Final = 60
#: ``(guild_id, user_id)`` → still a moderator there (``None``: cannot tell).
ModeratorCheck = Callable[[int, int], Awaitable[bool | None]]
#: A user id → whether they own the bot's application.
OwnerCheck = Callable[[int], Awaitable[bool]]
#: How long an upload's preview waits for its confirmation.
PENDING_IMPORT_SECONDS: Final = 30 * 60


@dataclass(frozen=True)
class PendingImport:
    guild_id: int
    user_id: int
    preview: ImportPreview
    created: float


@dataclass
class PendingImports:
    """Previewed uploads waiting for their Confirm, by a random id (in this process's memory)."""

    items: dict[str, PendingImport] = field(default_factory=dict)

    def add(self, pending: PendingImport) -> str:
        self._forget_old()
        key = secrets.token_urlsafe(16)
        self.items[key] = pending
        return key

    def take(self, key: str, who: Moderator) -> ImportPreview | None:
        self._forget_old()
        pending = self.items.get(key)
        if pending is None or (pending.guild_id, pending.user_id) != (who.guild_id, who.user_id):
            return None
        del self.items[key]
        return pending.preview

    def _forget_old(self) -> None:
        now = time.monotonic()
        for key in [k for k, p in self.items.items() if now - p.created > PENDING_IMPORT_SECONDS]:
            del self.items[key]


def base_path(settings: DashboardSettings) -> str:
    """The path the dashboard lives under (``/topicbot`` for ``https://example.org/topicbot``), or ``""``."""
    return urlsplit(settings.public_url).path.rstrip("/")


@dataclass
class Dashboard:
    """The dashboard's dependencies: the one write path, the store to read, sign-in links, settings."""

    editor: TopicEditor
    repository: TopicRepository
    links: UsedLinks
    settings: DashboardSettings
    clock: Callable[[], datetime]
    #: The usage log's questions (misses, statistics); ``None`` when it is off.
    usage: UsageQueries | None = None
    #: Signed-in sessions, kept in the store (``None``: nobody can sign in, as in tests of public pages).
    sessions: DashboardSessionStore | None = None
    #: Whether a user is still a moderator of a guild (``None`` from it: cannot tell); asked when a
    #: session is used, at most once per ``ROLE_CHECK_SECONDS``. ``None``: sessions end only by
    #: signing out or expiring (the dashboard on its own, without the bot beside it).
    still_moderator: ModeratorCheck | None = None
    #: The guilds' push API tokens (``None``: no push API).
    api_tokens: ApiTokenStore | None = None
    pending: PendingImports = field(default_factory=PendingImports)
    #: Sign in with Discord (``None``: not set up, one-time links only).
    oauth: DiscordOAuth | None = None
    #: Whether ``still_moderator`` can see Discord now (the bot runs in this process); Discord sign-in
    #: needs it to know which servers a user moderates.
    moderators_known: Callable[[], bool] = lambda: False
    owner_check: OwnerCheck | None = None
    discord_sign_ins: DiscordSignIns = field(default_factory=DiscordSignIns)
    templates: Jinja2Templates = field(init=False)
    _checked: dict[tuple[int, int], tuple[datetime, bool]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        environment = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]),
                                  trim_blocks=True, lstrip_blocks=True)
        environment.globals["link"] = self.link
        self.templates = Jinja2Templates(env=environment)

    @property
    def base(self) -> str:
        return base_path(self.settings)

    def link(self, path: str, **params: Any) -> str:  # noqa: ANN401 - template values of any kind
        """A dashboard address under the base path, with query parameters (``None`` values left out)."""
        query = urlencode({k: v for k, v in params.items() if v is not None})
        return f"{self.base}{path}{'?' + query if query else ''}"

    @property
    def secure_cookies(self) -> bool:
        return self.settings.public_url.startswith("https://")

    async def start_session(self, response: Response, session: DashboardSession) -> None:
        """Keep ``session`` in the store and give the browser a cookie naming it (and nothing else)."""
        if self.sessions is None:
            raise RuntimeError("this dashboard keeps no sessions")
        session_id = await self.sessions.start(session, now=self.clock(), lasts=timedelta(seconds=SESSION_SECONDS))
        response.set_cookie(SESSION_COOKIE, session_id, max_age=SESSION_SECONDS, path=self.base or "/",
                            httponly=True, samesite="lax", secure=self.secure_cookies)

    async def end_session(self, request: Request, response: Response) -> None:
        """End the request's session in the store (every process stops honouring it) and drop the cookie."""
        session_id = request.cookies.get(SESSION_COOKIE)
        if session_id and self.sessions is not None:
            await self.sessions.end(session_id)
        response.delete_cookie(SESSION_COOKIE, path=self.base or "/", httponly=True, samesite="lax",
                               secure=self.secure_cookies)

    async def signed_in_by(self, session_id: str | None) -> tuple[Moderator | None, str | None]:
        """The moderator of a session cookie, and why a session was ended (their role was removed)."""
        if not session_id or self.sessions is None:
            return None, None
        found = await self.sessions.find(session_id, now=self.clock())
        if found is None:
            return None, None
        if not await self._still_moderator(found.guild_id, found.user_id):
            await self.sessions.end_all(found.guild_id, found.user_id)
            return None, ("You are no longer a moderator of this server (Manage Server or its moderator role), "
                          "so your dashboard session has ended.")
        return moderator_of(found), None

    async def is_owner(self, user_id: int) -> bool:
        return False if self.owner_check is None else await self.owner_check(user_id)

    async def _still_moderator(self, guild_id: int, user_id: int) -> bool:
        if self.still_moderator is None:
            return True
        now = self.clock()
        cached = self._checked.get((guild_id, user_id))
        if cached is not None and (now - cached[0]).total_seconds() < ROLE_CHECK_SECONDS:
            return cached[1]
        answer = await self.still_moderator(guild_id, user_id)
        still = answer is not False  # cannot tell (the bot does not see the member): keep the session
        self._checked[(guild_id, user_id)] = (now, still)
        return still

    def render(self, request: Request, name: str, context: Mapping[str, Any] | None = None, *,
               status: int = 200) -> Response:
        values = {"who": signed_in(request), "base": self.base, "settings_api": self.settings.api,
                  "discord_sign_in": self.oauth is not None and self.moderators_known(),
                  **(context or {})}
        return self.templates.TemplateResponse(request, name, values, status_code=status)


def dashboard_of(request: Request) -> Dashboard:
    found: Dashboard = request.app.state.dashboard
    return found
