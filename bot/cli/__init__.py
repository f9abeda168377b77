"""The ``topicbot`` command line: global options here, each command group in its own module.

Every command module exposes ``register(subparsers)``; each parser it adds sets ``handler`` to a
function ``(args, settings) -> int`` (the exit code).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.core.errors import TopicbotError

Handler = Callable[[argparse.Namespace, Settings], int]

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    from bot.cli import admin_commands, ask_command, run_command, store_commands

    parser = argparse.ArgumentParser(prog="topicbot", description="Answer questions about tracked topics.")
    parser.add_argument("--config", type=Path, help="TOML settings file (see config.example.toml)")
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy URL of the topic store (env TOPICBOT_DATABASE_URL); SQLite under your data dir by default",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug output to stderr")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (ask_command, store_commands, admin_commands, run_command):
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        sys.stderr.write(f"topicbot: {exc}\n")
        return 2
    if args.database_url:
        from dataclasses import replace

        settings = replace(settings, database_url=args.database_url)
    from bot.logging_setup import configure_logging

    configure_logging("DEBUG" if args.verbose else settings.log_level)
    handler: Handler = args.handler
    try:
        return handler(args, settings)
    except TopicbotError as exc:
        log.debug("command failed", exc_info=True)
        sys.stderr.write(f"topicbot: {exc}\n")
        return 1
    except KeyboardInterrupt:
        return 130
