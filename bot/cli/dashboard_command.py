"""``topicbot dashboard``: serve the moderators' web dashboard, or print a sign-in link for it.

Moderators normally get their link from ``/topic-admin dashboard`` in Discord; ``--sign-in-link``
is for operators (and scripts) with access to the store. Needs ``pip install -e '.[dashboard]'``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import sys
from datetime import UTC, datetime
from importlib.util import find_spec

from bot.cli.options import guild_id
from bot.config import ConfigError, Settings

#: The dashboard's address is taken by another program (``topicbot dashboard`` and ``topicbot run``).
EXIT_DASHBOARD_ADDRESS = 4
MISSING_EXTRA = "the dashboard needs its extra; install it with: pip install -e '.[dashboard]'"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "dashboard",
        help="serve the moderators' web dashboard",
        description="Serve the moderators' web dashboard at [dashboard] host/port (127.0.0.1:8080 by default). "
                    "Moderators sign in with a one-time link from /topic-admin dashboard in Discord.",
    )
    parser.add_argument("--host", help="address to listen on (default: [dashboard] host, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: [dashboard] port, 8080); with "
                                                 "--sign-in-link: the port the running dashboard listens on, "
                                                 "if it is not the configured one")
    parser.add_argument("--sign-in-link", action="store_true",
                        help="print a one-time sign-in link (valid 10 minutes) and exit, instead of serving")
    parser.add_argument("--guild", type=guild_id, metavar="ID", help="with --sign-in-link: the guild to manage")
    parser.add_argument("--user-name", default="operator", help="with --sign-in-link: who signs in (revisions "
                                                                 "name them)")
    parser.add_argument("--user-id", type=int, default=0, help="with --sign-in-link: their Discord user id")
    parser.add_argument("--owner", action="store_true", help="with --sign-in-link: may edit the shared topics")
    parser.set_defaults(handler=run)


def dashboard_installed() -> bool:
    return all(find_spec(name) is not None for name in ("starlette", "uvicorn", "multipart", "itsdangerous"))


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not dashboard_installed():
        raise ConfigError(MISSING_EXTRA)
    if args.port is not None and not 1 <= args.port <= 65535:
        raise ConfigError(f"--port must be from 1 to 65535, got {args.port}")
    changes = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = settings.model_copy(update={"dashboard": settings.dashboard.model_copy(update=changes)})
    if args.sign_in_link:
        if args.guild is None or args.guild <= 0:
            raise ConfigError("--sign-in-link needs --guild ID (the Discord server whose topics to manage)")
        sys.stdout.write(asyncio.run(_link(args, settings)) + "\n")
        return 0
    from bot.dashboard.server import DashboardAddressInUseError, bind_dashboard

    try:
        listener = bind_dashboard(settings)
    except DashboardAddressInUseError as error:
        sys.stderr.write(f"topicbot dashboard: {error}\n")
        return EXIT_DASHBOARD_ADDRESS
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(settings, listener))
    return 0


async def _link(args: argparse.Namespace, settings: Settings) -> str:
    from bot.core.sign_in import sign_in_link
    from bot.core.storage import make_engine, make_session_factory, migrate
    from bot.core.storage.sign_ins import SignInStore

    engine = make_engine(settings.database_url)
    try:
        await migrate(engine)
        links = SignInStore(make_session_factory(engine), secret=settings.dashboard.secret)
        return await sign_in_link(links, settings.dashboard.public_url, guild_id=args.guild, user_id=args.user_id,
                                  user_name=args.user_name, now=datetime.now(UTC), owner=args.owner)
    finally:
        await engine.dispose()


async def _serve(settings: Settings, listener: socket.socket | None = None) -> None:
    from bot.dashboard.server import serve
    from bot.services import build_store_services

    services = await build_store_services(settings)  # no page answers questions: no answer index
    following = asyncio.create_task(services.follow_changes(), name="topicbot-change-feed")
    try:
        await serve(services, settings, listener)
    finally:
        following.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await following
        await services.close()
