"""The dashboard's ASGI app: routes, the signed session cookie, error pages and the base path.

``create_app`` takes a ``Dashboard`` (the core services it works on) and the key that signs session
cookies. Sessions last ``SESSION_SECONDS``; the cookie is HttpOnly and SameSite=Lax, and Secure
when the dashboard's public address is https. Behind a reverse proxy that keeps the base path in
the forwarded address (``/topicbot/topics``), the path is stripped before routing.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.config import DashboardSettings
from bot.core.errors import StaleVersionError, StorageUnavailableError, TopicbotError, TopicNotFoundError
from bot.core.moderation import TopicEditor
from bot.core.sign_in import SIGN_IN_PATH, UsedLinks
from bot.core.storage import TopicRepository
from bot.core.usage.queries import UsageQueries
from bot.dashboard import history_pages, record_pages, sign_in_pages, topic_pages, usage_pages
from bot.dashboard.context import Dashboard, base_path, dashboard_of
from bot.dashboard.moderators import PageError

log = logging.getLogger(__name__)

SESSION_COOKIE: Final = "topicbot_session"
#: How long a signed-in session lasts.
SESSION_SECONDS: Final = 12 * 60 * 60
STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
_SECURITY_HEADERS: Final = (
    (b"content-security-policy", b"default-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)

ROUTES: Final = [
    Route("/", sign_in_pages.home),
    Route(SIGN_IN_PATH, sign_in_pages.sign_in_page, methods=["GET"]),
    Route(SIGN_IN_PATH, sign_in_pages.sign_in_post, methods=["POST"]),
    Route("/sign-out", sign_in_pages.sign_out, methods=["POST"]),
    Route("/topics", topic_pages.topic_list),
    Route("/topic", topic_pages.topic_page),
    Route("/topic/edit", topic_pages.edit_page, methods=["GET"]),
    Route("/topic/edit", topic_pages.edit_post, methods=["POST"]),
    Route("/topic/new", topic_pages.new_page, methods=["GET"]),
    Route("/topic/new", topic_pages.new_post, methods=["POST"]),
    Route("/topic/remove", topic_pages.remove_page, methods=["GET"]),
    Route("/topic/remove", topic_pages.remove_post, methods=["POST"]),
    Route("/topic/hide", topic_pages.hide_post, methods=["POST"]),
    Route("/topic/unhide", topic_pages.unhide_post, methods=["POST"]),
    Route("/topic/history", history_pages.history_page),
    Route("/topic/diff", history_pages.diff_page),
    Route("/topic/revert", history_pages.revert_post, methods=["POST"]),
    Route("/topic/record", record_pages.record_download),
    Route("/export", record_pages.archive_download),
    Route("/upload", record_pages.upload_page, methods=["GET"]),
    Route("/upload", record_pages.upload_post, methods=["POST"]),
    Route("/upload/confirm", record_pages.upload_confirm, methods=["POST"]),
    Route("/misses", usage_pages.misses_page),
    Route("/misses/alias", usage_pages.miss_alias_post, methods=["POST"]),
    Route("/misses/suggestion", usage_pages.suggestion_post, methods=["POST"]),
    Route("/stats", usage_pages.stats_page),
    Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
]


class BasePathAndHeaders:
    """Strip the dashboard's base path from a forwarded request's path; add security headers to replies."""

    def __init__(self, app: ASGIApp, base: str) -> None:
        self.app = app
        self.base = base

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if self.base and (path == self.base or path.startswith(self.base + "/")):
            scope = dict(scope, path=path[len(self.base):] or "/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message, headers=[*message.get("headers", []), *_SECURITY_HEADERS])
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _status_of(error: TopicbotError) -> int:
    if isinstance(error, TopicNotFoundError):
        return 404
    if isinstance(error, StaleVersionError):
        return 409
    if isinstance(error, StorageUnavailableError):
        return 503
    return 400


async def _page_error(request: Request, error: Exception) -> Response:
    if isinstance(error, PageError):
        status, message = error.status, error.message
    elif isinstance(error, TopicbotError):
        status, message = _status_of(error), str(error)
        if isinstance(error, StorageUnavailableError):
            log.warning("dashboard: %s", error)
    elif isinstance(error, HTTPException):
        status, message = error.status_code, error.detail
    else:  # pragma: no cover - registered for the three kinds above only
        raise error
    heading = {401: "Sign-in needed", 403: "Not allowed", 404: "Not found", 409: "Changed meanwhile"}.get(
        status, "Not done")
    return dashboard_of(request).render(request, "message.html", {"heading": heading, "message": message},
                                        status=status)


def session_key(signing_key: bytes) -> str:
    """The key of session cookies, derived from the sign-in key (so rotating one rotates both)."""
    return hmac.new(signing_key, b"topicbot dashboard session", hashlib.sha256).hexdigest()


def create_app(dashboard: Dashboard, signing_key: bytes) -> Starlette:
    settings = dashboard.settings
    middleware = [
        Middleware(BasePathAndHeaders, base=dashboard.base),
        Middleware(SessionMiddleware, secret_key=session_key(signing_key), session_cookie=SESSION_COOKIE,
                   max_age=SESSION_SECONDS, path=dashboard.base or "/", same_site="lax",
                   https_only=settings.public_url.startswith("https://")),
    ]
    app = Starlette(routes=ROUTES, middleware=middleware, exception_handlers={
        PageError: _page_error, TopicbotError: _page_error, HTTPException: _page_error})
    app.state.dashboard = dashboard
    return app


async def build_app(editor: TopicEditor, repository: TopicRepository, links: UsedLinks,
                    settings: DashboardSettings, *, clock: Callable[[], datetime] | None = None,
                    usage: UsageQueries | None = None) -> Starlette:
    """The app over these services, its cookies signed with the store's sign-in key."""
    dashboard = Dashboard(editor, repository, links, settings, clock or (lambda: datetime.now(UTC)), usage)
    return create_app(dashboard, await links.key())


__all__ = ["BasePathAndHeaders", "base_path", "build_app", "create_app"]
