"""``topicbot ask``: the command-line front end of the one answer path (``Services.ask``, as in Discord).

Questions asked here are recorded in the usage log like Discord's (no guild or channel unless
``--guild`` is given, never an author); ``--no-record`` leaves the log alone (benchmarks, scripts).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from bot.cli.options import guild_id
from bot.config import Settings
from bot.core.errors import TopicbotError

if TYPE_CHECKING:
    from bot.services import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "ask",
        help="answer a question from the topic store",
        description="Answer a free-text question, as the bot would in Discord.",
    )
    parser.add_argument("question", nargs="?", help="the question, e.g. \"who is the ceo of anthropic\"")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON object per question")
    output.add_argument("--explain", action="store_true", help="print how the question was matched")
    parser.add_argument("--batch", type=Path, metavar="FILE",
                        help="JSON Lines file with a \"q\" field per line (use with --json); '-' for stdin")
    parser.add_argument("--guild", type=guild_id, default=None, help="answer as in this guild (its own topics too)")
    parser.add_argument("--no-record", dest="record", action="store_false",
                        help="do not log these questions in the usage log (they are logged by default, as in Discord)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch is None and not args.question:
        sys.stderr.write("topicbot ask: give a QUESTION or --batch FILE\n")
        return 2
    if args.batch is not None and args.question:
        sys.stderr.write("topicbot ask: give either a QUESTION or --batch FILE, not both\n")
        return 2
    if args.batch is not None:
        stream = _open_batch(args.batch)
        if stream is None:
            return 2
        questions: Iterator[str] = _read_batch(args.batch, stream)
    else:
        questions = iter([args.question])
    return asyncio.run(_ask_all(settings, questions, args))


async def _ask_all(settings: Settings, questions: Iterator[str], args: argparse.Namespace) -> int:
    from bot.services import build_services

    services = await build_services(settings)
    try:
        await _answer_each(services, questions, args)
    finally:
        await services.close()  # writes what the usage log still has queued
    return 0


async def _answer_each(services: Services, questions: Iterator[str], args: argparse.Namespace) -> None:
    from bot.cli.terminal import Printer
    from bot.core.engine import answer_to_json, format_explanation
    from bot.core.rendering import CLI_COMMANDS, Renderer
    from bot.core.usage.records import AskContext

    renderer = Renderer(commands=CLI_COMMANDS)
    context = AskContext(guild_id=args.guild)
    out = sys.stdout
    printer = Printer(out)
    for question in questions:
        answer = services.ask(question, context, record=args.record)
        if args.json:
            _write_json(out, answer_to_json(answer, renderer.render(answer).text))
        elif args.explain:
            out.write(format_explanation(answer) + "\n\n")
        else:
            printer.markdown(renderer.render(answer).text)
            if answer.related:
                out.write(f"See also: {', '.join(answer.related)}\n")
        out.flush()
        recorder = services.recorder
        if recorder is not None and recorder.queued >= recorder.batch_size:
            await recorder.flush()


def _open_batch(path: Path) -> IO[str] | None:
    """The ``--batch`` file opened for reading (stdin for ``-``), or ``None`` after saying why it cannot be."""
    if str(path) == "-":
        return sys.stdin
    try:
        return path.open(encoding="utf-8")
    except IsADirectoryError:
        reason = "is a folder; give a JSON Lines file"
    except OSError as error:
        reason = f"cannot be read ({error.strerror})"
    sys.stderr.write(f"topicbot ask: --batch file {path} {reason}\n")
    return None


def _read_batch(path: Path, stream: IO[str]) -> Iterator[str]:
    number = 0
    try:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BatchFormatError(f"{path}: line {number}: not JSON ({exc.msg})") from None
            if not isinstance(item, dict) or not isinstance(item.get("q"), str):
                raise BatchFormatError(f"{path}: line {number}: expected an object with a string \"q\" field")
            yield item["q"]
    except UnicodeDecodeError:
        raise BatchFormatError(f"{path}: line {number + 1}: not UTF-8 text") from None
    finally:
        if stream is not sys.stdin:
            stream.close()


class BatchFormatError(TopicbotError):
    """A line of a ``--batch`` file is not a JSON object with a ``q`` string."""


def _write_json(out: TextIO, payload: dict[str, Any]) -> None:
    out.write(json.dumps(payload, ensure_ascii=False) + "\n")
