"""The dashboard's ASGI app: routes, sessions, error pages, the body cap and the base path.

``create_app`` takes a ``Dashboard`` (the core services it works on). Sessions live in the store
(``DashboardSessionStore``) and last ``SESSION_SECONDS``; the cookie holds only a random session id
and is HttpOnly, SameSite=Lax, and Secure when the dashboard's public address is https. Signing out
ends the session in the store. Request bodies over ``MAX_BODY`` are refused (413) before they are
read. Behind a reverse proxy that keeps the base path in the forwarded address
(``/topicbot/topics``), the path is stripped before routing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
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
from bot.core.storage.api_tokens import ApiTokenStore
from bot.core.storage.dashboard_sessions import DashboardSessionStore
from bot.core.usage.queries import UsageQueries
from bot.dashboard import (
    api,
    discord_sign_in_pages,
    history_pages,
    record_pages,
    sign_in_pages,
    token_pages,
    topic_pages,
    usage_pages,
)
from bot.dashboard.context import SESSION_COOKIE, Dashboard, ModeratorCheck, OwnerCheck, base_path, dashboard_of
from bot.dashboard.discord_oauth import CALLBACK_PATH, DiscordOAuth, Endpoints
from bot.dashboard.moderators import MAX_BODY, PageError

log = logging.getLogger(__name__)

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
#: Pages of a signed-in moderator are never kept by a browser or a proxy cache.
_NO_STORE: Final = (b"cache-control", b"no-store")
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
    Route(discord_sign_in_pages.START_PATH, discord_sign_in_pages.start, methods=["GET"]),
    Route(CALLBACK_PATH, discord_sign_in_pages.callback, methods=["GET"]),
    Route(discord_sign_in_pages.CHOOSE_PATH, discord_sign_in_pages.choose, methods=["POST"]),
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
    Route("/stats.png", usage_pages.stats_picture),
    Route("/api-tokens", token_pages.tokens_page, methods=["GET"]),
    Route("/api-tokens", token_pages.tokens_post, methods=["POST"]),
    Route("/api-tokens/revoke", token_pages.revoke_post, methods=["POST"]),
    Route("/api/topics/{title:path}", api.topic_api, methods=["GET", "PUT", "DELETE"]),
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
        if scope["path"] != "/" and scope["path"].endswith("/") and not scope["path"].startswith("/static/"):
            # "/topics/" → "/topics", relative to the site (never built from the Host header) and under the
            # base path a reverse proxy serves the dashboard at.
            query = scope.get("query_string", b"").decode("latin-1")
            target = self.base + scope["path"].rstrip("/") + (f"?{query}" if query else "")
            await _redirect(send, target)
            return
        extra = _SECURITY_HEADERS if scope["path"].startswith("/static/") else (*_SECURITY_HEADERS, _NO_STORE)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message, headers=[*message.get("headers", []), *extra])
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > MAX_BODY:
            await _too_large(send_with_headers)
            return
        received = 0

        async def receive_within_cap() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY:
                raise HTTPException(413, _TOO_LARGE)
            return message

        await self.app(scope, receive_within_cap, send_with_headers)


_TOO_LARGE: Final = (f"The request is too large: the dashboard reads at most {MAX_BODY // (1024 * 1024)} MB. "
                     "Upload fewer records at once, or shorten what you typed.")


async def _redirect(send: Send, target: str) -> None:
    await send({"type": "http.response.start", "status": 308,
                "headers": [(b"location", target.encode("latin-1", "replace")), (b"content-length", b"0"),
                            *_SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": b""})


async def _too_large(send: Send) -> None:
    body = f"<!doctype html><title>Too large</title><p>{_TOO_LARGE}</p>".encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


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
    elif isinstance(error, StorageUnavailableError):
        # The store's address and the driver's words stay in the operator's log, not on the page.
        log.warning("dashboard: %s", error)
        status, message = 503, "The topic store cannot be reached right now; try again in a minute."
    elif isinstance(error, TopicbotError):
        status, message = _status_of(error), str(error)
    elif isinstance(error, HTTPException):
        status, message = error.status_code, error.detail
    else:  # pragma: no cover - registered for the three kinds above only
        raise error
    heading = {401: "Sign-in needed", 403: "Not allowed", 404: "Not found", 409: "Changed meanwhile",
               413: "Too large"}.get(
        status, "Not done")
    return dashboard_of(request).render(request, "message.html", {"heading": heading, "message": message},
                                        status=status)


class SessionCookies:
    """Find the moderator the session cookie names (in the store) before a page runs."""

    def __init__(self, app: ASGIApp, dashboard: Dashboard) -> None:
        self.app = app
        self.dashboard = dashboard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/static/"):
            cookies = Request(scope).cookies
            state = scope.setdefault("state", {})
            try:
                state["moderator"], state["ended"] = await self.dashboard.signed_in_by(cookies.get(SESSION_COOKIE))
            except StorageUnavailableError as error:
                log.warning("dashboard: %s", error)
                state["moderator"], state["ended"] = None, "The topic store cannot be reached right now; try again."
        await self.app(scope, receive, send)


def create_app(dashboard: Dashboard) -> Starlette:
    middleware = [
        Middleware(BasePathAndHeaders, base=dashboard.base),
        Middleware(SessionCookies, dashboard=dashboard),
    ]
    app = Starlette(routes=ROUTES, middleware=middleware, exception_handlers={
        PageError: _page_error, TopicbotError: _page_error, HTTPException: _page_error})
    app.router.redirect_slashes = False  # done above, relatively (Starlette's would use the Host header)
    app.state.dashboard = dashboard
    return app


async def build_app(editor: TopicEditor, repository: TopicRepository, links: UsedLinks,
                    settings: DashboardSettings, *, sessions: DashboardSessionStore,
                    clock: Callable[[], datetime] | None = None, usage: UsageQueries | None = None,
                    still_moderator: ModeratorCheck | None = None,
                    api_tokens: ApiTokenStore | None = None, discord_api: str | None = None,
                    moderators_known: Callable[[], bool] | None = None,
                    owner_check: OwnerCheck | None = None) -> Starlette:
    """The app over these services; sessions are kept in ``sessions`` (the cookie holds only an id).

    With ``[dashboard] discord_client_id`` and ``discord_client_secret`` set, moderators also sign in with
    Discord, whose OAuth2 endpoints are found from ``discord_api`` (the bot's API base URL).
    """
    dashboard = Dashboard(editor, repository, links, settings, clock or (lambda: datetime.now(UTC)), usage,
                          sessions, still_moderator, api_tokens, owner_check=owner_check)
    if settings.discord_client_id is not None and settings.discord_client_secret is not None:
        dashboard.oauth = DiscordOAuth(Endpoints.of(discord_api), settings.discord_client_id,
                                       settings.discord_client_secret, settings.public_url + CALLBACK_PATH)
        dashboard.moderators_known = moderators_known or (lambda: still_moderator is not None)
    return create_app(dashboard)


__all__ = ["BasePathAndHeaders", "base_path", "build_app", "create_app"]
