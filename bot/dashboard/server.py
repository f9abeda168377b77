"""Serving the dashboard with uvicorn, on its own (``topicbot dashboard``) or beside the bot (``topicbot run``)."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import uvicorn
from starlette.applications import Starlette

from bot.config import Settings
from bot.core.storage.api_tokens import ApiTokenStore
from bot.core.storage.dashboard_sessions import DashboardSessionStore
from bot.core.storage.sign_ins import SignInStore
from bot.dashboard.app import build_app
from bot.dashboard.discord_members import RestModerators

if TYPE_CHECKING:
    from bot.services import StoreServices

log = logging.getLogger(__name__)


def sign_in_store(services: StoreServices, settings: Settings) -> SignInStore:
    return SignInStore(services.session_factory, secret=settings.dashboard.secret)


async def dashboard_app(services: StoreServices, settings: Settings,
                        clock: Callable[[], datetime] | None = None) -> Starlette:
    """The dashboard over ``services``. Who moderates which server is asked of the bot when it runs in this
    process (``topicbot run``); on its own, of Discord's REST API with the bot's token when one is
    configured; else nobody can tell (sessions then end only by signing out or expiring, and Discord
    sign-in is not offered)."""
    rest = None
    if settings.discord.token:
        async def moderator_role(guild_id: int) -> int | None:
            return (await services.repository.guild_settings(guild_id)).moderator_role_id

        rest = RestModerators(settings.discord.api_base_url, settings.discord.token, moderator_role)

    async def still_moderator(guild_id: int, user_id: int) -> bool | None:
        check = services.moderator_check or (rest.still_moderator if rest is not None else None)
        return None if check is None else await check(guild_id, user_id)

    async def owns_the_bot(user_id: int) -> bool:
        check = services.owner_check or (rest.owns_the_bot if rest is not None else None)
        return False if check is None else await check(user_id)

    return await build_app(services.editor, services.repository, sign_in_store(services, settings),
                           settings.dashboard, sessions=DashboardSessionStore(services.session_factory),
                           clock=clock or (lambda: datetime.now(UTC)), usage=services.usage,
                           still_moderator=still_moderator, api_tokens=ApiTokenStore(services.session_factory),
                           discord_api=settings.discord.api_base_url,
                           moderators_known=lambda: services.moderator_check is not None or rest is not None,
                           owner_check=owns_the_bot)


class DashboardAddressInUseError(OSError):
    """The dashboard's address cannot be listened on (another program holds the port)."""


def bind_dashboard(settings: Settings) -> socket.socket:
    """The dashboard's listening socket, bound before anything else starts, so a taken port is one
    clear line (``DashboardAddressInUseError``) instead of a failure deep in the server."""
    dashboard = settings.dashboard
    family = socket.AF_INET6 if ":" in dashboard.host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((dashboard.host, dashboard.port))
    except OSError as error:
        listener.close()
        raise DashboardAddressInUseError(
            f"the dashboard cannot listen on {dashboard.host}:{dashboard.port} ({error.strerror}); another program "
            f"holds it: set [dashboard] port (or --port) to a free one, or stop that program") from error
    listener.set_inheritable(True)
    return listener


async def serve(services: StoreServices, settings: Settings, listener: socket.socket | None = None) -> None:
    """Serve the dashboard over ``services`` until cancelled or stopped by a signal (Ctrl-C), on
    ``listener`` (``bind_dashboard``; bound here when not given).

    On cancellation the server shuts down cleanly (its port is free when this returns).
    """
    dashboard = settings.dashboard
    listener = listener if listener is not None else bind_dashboard(settings)
    app = await dashboard_app(services, settings)
    config = uvicorn.Config(app, host=dashboard.host, port=dashboard.port, lifespan="off", log_config=None,
                            access_log=False, proxy_headers=True, server_header=False)
    server = uvicorn.Server(config)
    log.info("dashboard at %s (listening on %s:%d)", dashboard.public_url, dashboard.host, dashboard.port)
    serving = asyncio.create_task(server.serve(sockets=[listener]), name="topicbot-dashboard-server")
    try:
        await asyncio.shield(serving)
    except asyncio.CancelledError:
        # Cancelled (the bot beside it stopped): let uvicorn close its socket and connections first.
        server.should_exit = True
        await serving
        raise
