"""``topicbot run``: start the Discord bot over the configured topic store.

SIGTERM and SIGINT stop it cleanly (the usage log written, the store closed).
Exit codes: 0 after a clean shutdown, 2 when no token is configured, 3 when Discord rejects the
token, 4 when ``[dashboard] enabled`` and its address is taken (the bot does not start without it),
1 for other start-up failures (the store cannot be opened, intents refused, ...).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import socket
import sys
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.core.usage.metrics import MetricsServer
    from bot.services import Services

log = logging.getLogger(__name__)

EXIT_NO_TOKEN = 2
EXIT_TOKEN_REJECTED = 3
EXIT_BAD_SHARDS = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the Discord bot",
        description="Run the Discord bot with the token from DISCORD_TOKEN or [discord] token in the config file. "
                    "A large bot can run as several processes on one PostgreSQL store, each with its own "
                    "--shard-ids of the same --shard-count; changes made in one reach the others within a second.",
    )
    parser.add_argument("--shard-ids", type=_shard_ids, metavar="N,N,...",
                        help="the shards this process runs, e.g. 0,1 (needs --shard-count)")
    parser.add_argument("--shard-count", type=int, metavar="N", help="how many shards the bot has in all")
    parser.set_defaults(handler=run)


def _shard_ids(text: str) -> list[int]:
    try:
        ids = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected shard numbers separated by commas, like 0,1 (got {text!r})")\
            from None
    if not ids or any(n < 0 for n in ids):
        raise argparse.ArgumentTypeError(f"expected shard numbers 0 or above, like 0,1 (got {text!r})")
    return sorted(set(ids))


def _shard_problem(args: argparse.Namespace) -> str | None:
    shard_ids: list[int] | None = getattr(args, "shard_ids", None)
    shard_count: int | None = getattr(args, "shard_count", None)
    if shard_count is not None and shard_count < 1:
        return f"--shard-count must be 1 or more (got {shard_count})"
    if shard_ids is not None and shard_count is None:
        return "--shard-ids needs --shard-count (the number of shards of the whole bot)"
    if shard_ids is not None and shard_count is not None and max(shard_ids) >= shard_count:
        return f"--shard-ids must be below --shard-count {shard_count} (got {max(shard_ids)})"
    return None


def run(args: argparse.Namespace, settings: Settings) -> int:
    problem = _shard_problem(args)
    if problem is not None:
        sys.stderr.write(f"topicbot run: {problem}\n")
        return EXIT_BAD_SHARDS
    if not settings.discord.token:
        sys.stderr.write("topicbot run: no Discord bot token; set DISCORD_TOKEN or `token` under [discord] in the "
                         "config file (developer portal \u2192 your application \u2192 Bot \u2192 Reset Token)\n")
        return EXIT_NO_TOKEN
    token = settings.discord.token
    if not (token.isascii() and token.isprintable()) or any(c.isspace() for c in token):
        sys.stderr.write("topicbot run: the Discord bot token holds a space or a control character; copy it again "
                         "from the developer portal into DISCORD_TOKEN or `token` under [discord]\n")
        return EXIT_NO_TOKEN
    listener = None
    if settings.dashboard.enabled:
        from bot.cli.dashboard_command import EXIT_DASHBOARD_ADDRESS, MISSING_EXTRA, dashboard_installed

        if not dashboard_installed():
            sys.stderr.write(f"topicbot run: [dashboard] enabled = true, but {MISSING_EXTRA}\n")
            return EXIT_NO_TOKEN
        from bot.dashboard.server import DashboardAddressInUseError, bind_dashboard

        try:  # the bot does not start without the dashboard its config asks for
            listener = bind_dashboard(settings)
        except DashboardAddressInUseError as error:
            sys.stderr.write(f"topicbot run: {error}\n")
            return EXIT_DASHBOARD_ADDRESS
    return asyncio.run(_serve(settings, getattr(args, "shard_ids", None), getattr(args, "shard_count", None),
                              listener))


async def _serve(settings: Settings, shard_ids: list[int] | None = None, shard_count: int | None = None,
                 listener: socket.socket | None = None) -> int:
    import discord

    from bot.discord_adapter import run_bot
    from bot.services import build_services

    services = await build_services(settings)
    metrics_server = None
    dashboard = _start_dashboard(services, settings, listener)
    stopped = _stop_on_signals()
    try:
        metrics_server = serve_metrics(services.metrics, settings)
        await run_bot(services, settings, shard_ids=shard_ids, shard_count=shard_count)
    except asyncio.CancelledError:
        if not stopped:
            raise
        current = asyncio.current_task()
        if current is not None:
            current.uncancel()  # the shutdown below must run to its end
        log.info("stopping on %s: the usage log is written and the store closed", stopped[0])
    except discord.LoginFailure as exc:
        sys.stderr.write(f"topicbot run: Discord rejected the bot token ({exc}); check DISCORD_TOKEN\n")
        return EXIT_TOKEN_REJECTED
    except discord.PrivilegedIntentsRequired as exc:
        sys.stderr.write(f"topicbot run: Discord refused the requested intents: {exc}\n")
        return 1
    except (discord.GatewayNotFound, discord.ConnectionClosed, OSError) as exc:
        log.debug("could not connect", exc_info=True)
        sys.stderr.write(f"topicbot run: could not connect to Discord: {exc}\n")
        return 1
    finally:
        if metrics_server is not None:
            metrics_server.close()
        if dashboard is not None:
            dashboard.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await dashboard
        await services.close()
    return 0


def _stop_on_signals() -> list[str]:
    """SIGTERM (a service manager stopping the bot) and SIGINT (Ctrl-C) both cancel the running bot, so
    it stops taking questions, writes what the usage log still holds, closes the store and exits 0.
    Returns the list the caught signal's name is put in."""
    caught: list[str] = []
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()

    def stop(name: str) -> None:
        if not caught and task is not None:
            caught.append(name)
            task.cancel()

    for signal_number in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # no signal handlers on this platform
            loop.add_signal_handler(signal_number, stop, signal_number.name)
    return caught


def serve_metrics(metrics: object, settings: Settings) -> MetricsServer | None:
    """Start the Prometheus endpoint when ``[metrics] enabled``; the server, or ``None``."""
    from bot.core.usage.metrics import PrometheusMetrics

    if not settings.metrics.enabled or not isinstance(metrics, PrometheusMetrics):
        return None
    server = metrics.serve(settings.metrics.address)
    log.info("metrics at http://%s/metrics", settings.metrics.address)
    return server


def _start_dashboard(services: Services, settings: Settings,
                     listener: socket.socket | None = None) -> asyncio.Task[None] | None:
    """Serve the dashboard beside the bot when ``[dashboard] enabled`` (same store, same write path)."""
    if not settings.dashboard.enabled:
        return None
    from bot.dashboard.server import serve

    return asyncio.create_task(serve(services, settings, listener), name="topicbot-dashboard")
