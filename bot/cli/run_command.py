"""``topicbot run``: start the Discord bot over the configured topic store.

Exit codes: 0 after a clean shutdown, 2 when no token is configured, 3 when Discord rejects the
token, 1 for other start-up failures (the store cannot be opened, intents refused, ...).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import Settings

log = logging.getLogger(__name__)

EXIT_NO_TOKEN = 2
EXIT_TOKEN_REJECTED = 3


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the Discord bot",
        description="Run the Discord bot with the token from DISCORD_TOKEN or [discord] token in the config file.",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.discord.token:
        sys.stderr.write("topicbot run: no Discord bot token; set DISCORD_TOKEN or `token` under [discord] in the "
                         "config file (developer portal \u2192 your application \u2192 Bot \u2192 Reset Token)\n")
        return EXIT_NO_TOKEN
    return asyncio.run(_serve(settings))


async def _serve(settings: Settings) -> int:
    import discord

    from bot.discord_adapter import run_bot
    from bot.services import build_services

    services = await build_services(settings)
    try:
        await run_bot(services, settings)
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
        await services.close()
    return 0
