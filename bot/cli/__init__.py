"""The ``topicbot`` command line: global options here, each command group in its own module.

Every command module exposes ``register(subparsers)``; each parser it adds sets ``handler`` to a
function ``(args, settings) -> int`` (the exit code). Command modules import the store, the
matching engine and discord.py inside their handlers, so ``--help`` and argument errors stay fast.

A user mistake ends in one line on stderr and a non-zero exit, never a traceback: ``main`` turns
the core's ``TopicbotError``s, file-system errors, a closed output pipe and Ctrl-C into exit codes.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.core.errors import MissingExtraError, TopicbotError

Handler = Callable[[argparse.Namespace, Settings], int]

log = logging.getLogger(__name__)

#: Exit codes: 1 a command failed, 2 a usage or configuration mistake, 130 Ctrl-C, 141 output pipe closed.
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("topicbot")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout that was never installed
        return "unknown"


class _VersionAction(argparse.Action):
    """``--version`` that reads the installed version only when asked (importlib.metadata is slow)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        sys.stdout.write(f"topicbot {_version()}\n")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    from bot.cli import (
        admin_commands,
        ask_command,
        dashboard_command,
        run_command,
        store_commands,
        sync_command,
        usage_commands,
    )

    parser = argparse.ArgumentParser(
        prog="topicbot",
        description="Answer questions about tracked topics, manage the topic store, and run the Discord bot.",
        epilog="Start with: topicbot ask \"what topics do you track\". `topicbot COMMAND --help` describes a command.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--config", type=Path, metavar="PATH", help="TOML settings file (see config.example.toml)")
    parser.add_argument(
        "--database-url", metavar="URL",
        help="SQLAlchemy URL of the topic store (env TOPICBOT_DATABASE_URL); SQLite under your data dir by default",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug output (and tracebacks) to stderr")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (ask_command, store_commands, admin_commands, sync_command, usage_commands, run_command,
                   dashboard_command):
        module.register(subparsers)
    return parser


def _undecodable_argument(args: argparse.Namespace) -> str | None:
    """The name of a text argument holding bytes that were not UTF-8 (decoded as lone surrogates)."""
    for name, value in vars(args).items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, str) and not _encodable(item):
                return name
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _tolerant_streams() -> None:
    """Print file names that are not UTF-8 as escapes instead of failing on them."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _warning(message: str) -> None:
    sys.stderr.write(f"topicbot: warning: {message}\n")


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"topicbot: {message}\n")
    return code


def _silence_stdout() -> None:
    """After a reader closed the pipe (``topicbot list | head``), send the rest of the output nowhere."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    bad = _undecodable_argument(args)
    if bad is not None:
        return _fail(f"the {bad.upper()} argument is not valid UTF-8 text", EXIT_USAGE)
    try:
        settings = load_settings(args.config, database_url=args.database_url,
                                 warn=_warning)
    except ConfigError as exc:
        return _fail(str(exc), EXIT_USAGE)
    from bot.logging_setup import configure_logging

    configure_logging("DEBUG" if args.verbose else settings.log_level)
    handler: Handler = args.handler
    try:
        code = handler(args, settings)
        sys.stdout.flush()
    except (ConfigError, MissingExtraError) as exc:
        log.debug("command failed", exc_info=True)
        return _fail(str(exc), EXIT_USAGE)
    except TopicbotError as exc:
        log.debug("command failed", exc_info=True)
        return _fail(str(exc), EXIT_FAILED)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except OSError as exc:
        log.debug("command failed", exc_info=True)
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}", EXIT_FAILED)
    return code
