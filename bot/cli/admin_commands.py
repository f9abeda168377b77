"""The moderator commands: ``edit``, ``history``, ``diff``, ``revert``, ``remove``, ``hide`` and ``unhide``.

They run over ``TopicEditor``, the same write path the Discord ``/topic-admin`` commands use, so
every change is a revision (who, when, full text) and a change event, and an edit can be pinned to
the version it was based on (``--expect-version``). A running bot follows the change log, so it
answers from a CLI change within a second.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import sys
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from bot.cli.options import guild_id
from bot.cli.store_commands import with_repository
from bot.cli.terminal import plain_text
from bot.config import Settings
from bot.core import editing
from bot.core.changes import Author
from bot.core.errors import StaleVersionError, TopicNotFoundError
from bot.core.model import Topic
from bot.core.topic_diff import TopicDiff, format_diff

if TYPE_CHECKING:
    # Imported where used: they load SQLAlchemy and the matching engine, which `--help` does not need.
    from bot.core.moderation import ChangeResult, TopicEditor
    from bot.core.storage import Revision, TopicRepository

Edit = Callable[[Topic], Topic]

#: ``format_diff`` limit on a terminal: effectively unlimited.
_TERMINAL_LIMIT = 1_000_000


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _attribute(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value.strip()


def _event(text: str) -> tuple[date, str | None, str]:
    parts = text.split("|", 2)
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"expected DATE|SOURCE|TEXT (SOURCE may be empty), got {text!r}")
    when, source, what = parts
    try:
        day = date.fromisoformat(when.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2025-01-31, got {when.strip()!r}") from None
    return day, source.strip() or None, what


def _result(text: str) -> tuple[str, str | None, str]:
    parts = text.split("|", 2)
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"expected TITLE|URL|SNIPPET (URL may be empty), got {text!r}")
    title, url, snippet = parts
    return title, url.strip() or None, snippet


def _scope(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--guild", type=guild_id, metavar="ID", help="a guild's own topics (default: the global ones)")


def _changer(parser: argparse.ArgumentParser) -> None:
    _scope(parser)
    parser.add_argument("--author", default="cli", help="name recorded in the revision (default: cli)")
    parser.add_argument("--expect-version", type=int, metavar="N",
                        help="refuse the change unless the topic is still at version N")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    edit = subparsers.add_parser(
        "edit",
        help="change one topic (one revision); without options, show its version and numbered parts",
        description="Changes apply in this order: title, description, summary, attribute removals, attribute "
                    "settings, event removals, event additions, web result removals and additions, alias "
                    "removals and additions. Numbers refer to the topic as it was before this edit.",
    )
    edit.add_argument("title", metavar="TITLE")
    edit.add_argument("--set-title", metavar="TEXT")
    edit.add_argument("--set-description", metavar="TEXT")
    edit.add_argument("--set-summary", metavar="TEXT")
    edit.add_argument("--set-attribute", type=_attribute, action="append", default=[], metavar="NAME=VALUE",
                      help="add an attribute or change its value (repeatable)")
    edit.add_argument("--remove-attribute", action="append", default=[], metavar="NAME")
    edit.add_argument("--add-event", type=_event, action="append", default=[], metavar="DATE|SOURCE|TEXT",
                      help="add a timeline event, e.g. '2025-01-31|Press release|Plant opened.'")
    edit.add_argument("--remove-event", type=int, action="append", default=[], metavar="N",
                      help="remove timeline event number N (see `topicbot edit TITLE`)")
    edit.add_argument("--add-result", type=_result, action="append", default=[], metavar="TITLE|URL|SNIPPET")
    edit.add_argument("--remove-result", type=int, action="append", default=[], metavar="N")
    edit.add_argument("--add-alias", action="append", default=[], metavar="ALIAS")
    edit.add_argument("--remove-alias", action="append", default=[], metavar="ALIAS")
    _changer(edit)
    edit.set_defaults(handler=edit_command)

    history = subparsers.add_parser("history", help="list a topic's revisions (who, when, what)")
    history.add_argument("title", metavar="TITLE")
    _scope(history)
    history.set_defaults(handler=history_command)

    diff = subparsers.add_parser("diff", help="show what changed between two revisions of a topic")
    diff.add_argument("title", metavar="TITLE")
    diff.add_argument("from_version", type=int, metavar="FROM")
    diff.add_argument("to_version", type=int, metavar="TO")
    _scope(diff)
    diff.set_defaults(handler=diff_command)

    revert = subparsers.add_parser("revert", help="make a topic what it was at VERSION (a new revision)")
    revert.add_argument("title", metavar="TITLE")
    revert.add_argument("version", type=int, metavar="VERSION")
    _changer(revert)
    revert.set_defaults(handler=revert_command)

    remove = subparsers.add_parser("remove", help="remove a topic (undo with `topicbot revert`)")
    remove.add_argument("title", metavar="TITLE")
    _changer(remove)
    remove.set_defaults(handler=remove_command)

    hide = subparsers.add_parser("hide", help="hide a shared topic in one guild (undo with `topicbot unhide`)")
    hide.add_argument("title", metavar="TITLE")
    hide.add_argument("--guild", type=guild_id, metavar="ID", required=True, help="the guild that should not see it")
    hide.add_argument("--author", default="cli", help="name recorded in the change log (default: cli)")
    hide.set_defaults(handler=hide_command, action="hide")

    unhide = subparsers.add_parser("unhide", help="show a hidden shared topic in one guild again")
    unhide.add_argument("title", metavar="TITLE")
    unhide.add_argument("--guild", type=guild_id, metavar="ID", required=True, help="the guild that should see it")
    unhide.add_argument("--author", default="cli", help="name recorded in the change log (default: cli)")
    unhide.set_defaults(handler=hide_command, action="unhide")


def _bind(function: Callable[..., Topic], *values: object) -> Edit:
    """``function(topic, *values)`` as an edit of ``topic``."""
    return lambda topic: function(topic, *values)


def edits_from(args: argparse.Namespace) -> list[Edit]:
    """The edits the options ask for, in the documented order."""
    edits: list[Edit] = []
    for value, setter in ((args.set_title, editing.set_title), (args.set_description, editing.set_description),
                          (args.set_summary, editing.set_summary)):
        if value is not None:
            edits.append(_bind(setter, value))
    edits.extend(_bind(editing.remove_attribute, name) for name in args.remove_attribute)
    edits.extend(_bind(editing.set_attribute, name, value) for name, value in args.set_attribute)
    # Highest number first, so each number still names the part it named before the edit.
    edits.extend(_bind(editing.remove_event, n) for n in sorted(set(args.remove_event), reverse=True))
    edits.extend(_bind(editing.add_event, text, day, source) for day, source, text in args.add_event)
    edits.extend(_bind(editing.remove_web_result, n) for n in sorted(set(args.remove_result), reverse=True))
    edits.extend(_bind(editing.add_web_result, title, snippet, url) for title, url, snippet in args.add_result)
    edits.extend(_bind(editing.remove_alias, alias) for alias in args.remove_alias)
    edits.extend(_bind(editing.add_alias, alias) for alias in args.add_alias)
    return edits


def _apply_all(edits: list[Edit], topic: Topic) -> Topic:
    for edit in edits:
        topic = edit(topic)
    return topic


def _editor(repo: TopicRepository) -> TopicEditor:
    from bot.core.moderation import TopicEditor

    return TopicEditor(repo)


def _author(args: argparse.Namespace) -> Author:
    return Author(args.author, "cli")


def _print_change(result: ChangeResult) -> None:
    _out(plain_text(result.headline()))
    if result.changed and result.action not in {"hide", "unhide"}:
        for line in format_diff(result.diff, _TERMINAL_LIMIT).splitlines()[1:]:
            _out(f"  {line}")


def _print_parts(title: str, version: int, topic: Topic) -> None:
    _out(f"{title} (version {version})")
    _out("Timeline:")
    for number, event in editing.numbered_events(topic):
        source = f" (source: {event.source})" if event.source else ""
        _out(f"  {number}. {event.date.isoformat()}: {event.text}{source}")
    _out("Web results:")
    for number, result in enumerate(topic.web_results, start=1):
        _out(f"  {number}. {result.title}" + (f" <{result.url}>" if result.url else ""))
    _out("Attributes: " + (", ".join(a.name for a in topic.attributes) or "none"))
    _out("Moderator aliases: " + (", ".join(topic.aliases) or "none"))


def _refused(error: StaleVersionError, since: TopicDiff | None) -> int:
    if since is None and error.expected_version != error.actual_version:
        # No such version to compare with (a version never written): say which one is current.
        sys.stderr.write(f"topicbot: --expect-version {error.expected_version} does not match {error.title!r}, "
                         f"which is at version {error.actual_version}\n")
        return 1
    sys.stderr.write(f"topicbot: {error}\n")
    if since is not None and not since.is_empty:
        sys.stderr.write("Changes since your version:\n" + format_diff(since, _TERMINAL_LIMIT) + "\n")
    return 1


async def _changes_since(editor: TopicEditor, args: argparse.Namespace) -> TopicDiff | None:
    if args.expect_version is None:
        return None
    try:
        return await editor.changes_since(args.title, args.expect_version, guild_id=args.guild)
    except TopicNotFoundError:  # the expected version was never written
        return None


def edit_command(args: argparse.Namespace, settings: Settings) -> int:
    edits = edits_from(args)

    async def work(repo: TopicRepository) -> int:
        editor = _editor(repo)
        if not edits:
            stored = await editor.open(args.title, guild_id=args.guild)
            _print_parts(stored.title, stored.version, stored.topic)
            return 0
        try:
            result = await editor.edit(args.title, partial(_apply_all, edits), author=_author(args),
                                       guild_id=args.guild, expected_version=args.expect_version)
        except StaleVersionError as error:
            return _refused(error, await _changes_since(editor, args))
        _print_change(result)
        return 0

    return asyncio.run(with_repository(settings, work))


def _print_history(revisions: list[Revision]) -> None:
    for revision in revisions:
        when = revision.created_at.isoformat(timespec="seconds")
        _out(f"{revision.version:>4}  {revision.action:<6}  {when}  {revision.author}  {revision.title}")


def history_command(args: argparse.Namespace, settings: Settings) -> int:
    async def work(repo: TopicRepository) -> list[Revision]:
        return await _editor(repo).history(args.title, guild_id=args.guild)

    _print_history(asyncio.run(with_repository(settings, work, reads=True)))
    return 0


def diff_command(args: argparse.Namespace, settings: Settings) -> int:
    async def work(repo: TopicRepository) -> TopicDiff:
        return await _editor(repo).diff(args.title, args.from_version, args.to_version, guild_id=args.guild)

    diff = asyncio.run(with_repository(settings, work, reads=True))
    _out(f"version {args.from_version} \u2192 {args.to_version}")
    _out(plain_text(format_diff(diff, _TERMINAL_LIMIT)))
    return 0


def revert_command(args: argparse.Namespace, settings: Settings) -> int:
    async def work(repo: TopicRepository) -> int:
        editor = _editor(repo)
        try:
            result = await editor.revert(args.title, args.version, author=_author(args), guild_id=args.guild,
                                         expected_version=args.expect_version)
        except StaleVersionError as error:
            return _refused(error, None)
        _print_change(result)
        return 0

    return asyncio.run(with_repository(settings, work))


def remove_command(args: argparse.Namespace, settings: Settings) -> int:
    async def work(repo: TopicRepository) -> int:
        editor = _editor(repo)
        try:
            result = await editor.remove(args.title, author=_author(args), guild_id=args.guild,
                                         expected_version=args.expect_version)
        except StaleVersionError as error:
            return _refused(error, await _changes_since(editor, args))
        undo = f"topicbot revert {shlex.quote(result.title)} {result.version - 1}"
        _out(f"{plain_text(result.headline())}; undo with: {undo}")
        return 0

    return asyncio.run(with_repository(settings, work))


def hide_command(args: argparse.Namespace, settings: Settings) -> int:
    async def work(repo: TopicRepository) -> ChangeResult:
        editor = _editor(repo)
        if args.action == "hide":
            return await editor.hide(args.title, guild_id=args.guild, author=_author(args))
        return await editor.unhide(args.title, guild_id=args.guild, author=_author(args))

    result = asyncio.run(with_repository(settings, work))
    _out(result.headline().replace("in this server", f"in guild {args.guild}"))
    return 0
