"""The store commands: ``check``, ``import``, ``export``, ``list`` and ``show``.

Each handler migrates the database first (so a fresh SQLite file just works) and fills an empty
store from the shipped ``knowledge/`` folder (so every command sees the shipped topics on a fresh
install, as ``ask`` does), then runs one async unit of work with ``asyncio.run``. Errors are
``TopicbotError``s; ``bot.cli.main`` prints them. The store, the record format and the importer are
imported inside the handlers, so that ``topicbot --help`` does not load SQLAlchemy.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.cli.options import guild_id
from bot.cli.wording import counted
from bot.config import Settings
from bot.core.errors import ImportAbortedError, RecordFormatError, TopicbotError

if TYPE_CHECKING:
    from bot.core.importing import ImportDiff
    from bot.core.storage import StoredTopic, TopicRepository

T = TypeVar("T")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = subparsers.add_parser(
        "check", help="validate record files (line-numbered errors)",
        description="Check record files without touching the store. Every bad file is listed with its line, what "
                    "was expected and what was found; the exit code is 1 if any file is bad or none was found.",
    )
    check.add_argument("files", nargs="+", type=Path, metavar="FILE", help="record files, or folders of *.txt records")
    check.set_defaults(handler=check_command)

    importing = subparsers.add_parser(
        "import", help="import a folder of records (all or nothing)",
        description="Import every *.txt record in DIR in one transaction: topics are matched by title, new ones "
                    "added, changed ones replaced (keeping moderator aliases). One bad file aborts the import and "
                    "changes nothing; every bad file is then listed. A record over the [limits] of the config is "
                    "left out and listed, the rest imported, and the exit code is 1.",
    )
    importing.add_argument("folder", type=Path, metavar="DIR", help="folder of *.txt record files")
    importing.add_argument("--dry-run", action="store_true", help="show what would be added/changed; change nothing")
    importing.add_argument("--verbose", dest="list_each", action="store_true",
                           help="list each topic added or changed (a dry run always lists them)")
    importing.add_argument("--guild", type=guild_id, metavar="ID",
                           help="import as this guild's own topics (default: shared topics, seen by every guild)")
    importing.set_defaults(handler=import_command)

    export = subparsers.add_parser(
        "export", help="write every topic to DIR, one record file each",
        description="Write every global topic to DIR as one record file each, atomically, byte-identical to what "
                    "was imported. Exporting again into the same folder removes the files of topics that no "
                    "longer exist (only files an earlier export wrote).",
    )
    export.add_argument("folder", type=Path, metavar="DIR", help="folder to write to (created if missing)")
    export.set_defaults(handler=export_command)

    listing = subparsers.add_parser("list", help="list the stored topic titles",
                                    description="Print the title of every global topic, one per line.")
    listing.set_defaults(handler=list_command)

    show = subparsers.add_parser("show", help="print one stored topic as a record",
                                 description="Print one topic in the record format. TITLE may be any of its "
                                             "names: its title or an alias, in any case.")
    show.add_argument("title", metavar="TITLE", help="the topic's title or one of its aliases")
    show.set_defaults(handler=show_command)


async def with_repository(settings: Settings, work: Callable[[TopicRepository], Awaitable[T]], *,
                          reads: bool = False) -> T:
    """Run ``work`` against the configured store, migrated to the latest schema; a command that
    ``reads`` finds an empty store filled first (``services.seeds``), one that writes never does."""
    from bot.core.storage import TopicRepository, make_engine, make_session_factory, migrate
    from bot.services import seed_store, seeds

    engine = make_engine(settings.database_url)
    try:
        await migrate(engine)
        repository = TopicRepository(make_session_factory(engine), tz=settings.tz, limits=settings.limits.record_limits)
        if reads and seeds(settings):
            await seed_store(repository, settings)
        return await work(repository)
    finally:
        await engine.dispose()


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _expand(paths: list[Path]) -> Iterator[Path]:
    from bot.core.importing import record_files

    for path in paths:
        if path.is_dir():
            yield from record_files(path)
        else:
            yield path


def check_files(paths: list[Path], settings: Settings) -> tuple[int, list[str]]:
    """Parse each record file; the number checked and one line per bad file."""
    from bot.core.errors import FieldTooLongError
    from bot.core.record_format import parse_record
    from bot.core.record_limits import check_record_bytes, check_record_limits

    problems: list[str] = []
    checked = 0
    for path in _expand(paths):
        checked += 1
        try:
            data = path.read_bytes()
            too_big = check_record_bytes(len(data), settings.limits.record_limits)
            breaches = [too_big] if too_big is not None else check_record_limits(
                parse_record(data.decode("utf-8"), settings.tz), settings.limits.record_limits, size=len(data))
            if breaches:
                problems.append(f"{path}: {'; '.join(map(str, breaches))}")
        except RecordFormatError as error:
            problems.append(f"{path}: line {error.line}: expected {error.expected}, found {error.found}")
        except FieldTooLongError as error:
            problems.append(f"{path}: {error}")
        except UnicodeDecodeError as error:
            line = path.read_bytes()[: error.start].count(b"\n") + 1
            problems.append(f"{path}: line {line}: not UTF-8 text ({error.reason})")
        except IsADirectoryError:
            problems.append(f"{path}: is a folder inside a folder (only *.txt files directly in it are read)")
        except OSError as error:
            problems.append(f"{path}: cannot read ({error.strerror})")
    return checked, problems


def check_command(args: argparse.Namespace, settings: Settings) -> int:
    checked, problems = check_files(args.files, settings)
    for line in problems:  # problems on stderr, the summary on stdout
        sys.stderr.write(f"topicbot check: {line}\n")
    if checked == 0:
        sys.stderr.write(f"topicbot check: no record files (*.txt) in {', '.join(map(str, args.files))}\n")
        return 1
    _out(f"{checked - len(problems)} of {counted(checked, 'record')} ok")
    return 1 if problems else 0


def _print_diff(diff: ImportDiff, *, dry_run: bool, each: bool = True) -> None:
    """The import's summary line; before it, with ``each`` (``--verbose``, or any dry run), one line per
    topic (an import of 100,000 records prints one summary, not 100,000 lines)."""
    if each or dry_run:
        for title in diff.added:
            _out(f"+ {title}")
        for change in diff.changed:
            _out(f"~ {change.title} ({', '.join(change.fields)})")
    if dry_run:
        for title in diff.unchanged:
            _out(f"= {title}")
    added, changed = counted(len(diff.added), "topic"), counted(len(diff.changed), "topic")
    unchanged = f"{len(diff.unchanged)} unchanged"
    if diff.refused:
        unchanged += f", {len(diff.refused)} refused (over the [limits], listed on stderr)"
    if dry_run:
        _out(f"would add {added}, change {changed}; {unchanged} (dry run: nothing was written)")
    else:
        _out(f"added {added}, changed {changed}; {unchanged}")


def import_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.changes import CLI_AUTHOR
    from bot.core.importing import record_files
    from bot.core.moderation import TopicEditor

    folder: Path = args.folder
    total = len(record_files(folder))
    if total == 0:
        sys.stderr.write(f"topicbot import: no record files (*.txt) in {folder}\n")
        return 1

    async def work(repo: TopicRepository) -> ImportDiff:
        editor = TopicEditor(repo)
        if not sys.stdout.isatty():
            return await editor.import_folder(folder, author=CLI_AUTHOR, dry_run=args.dry_run, guild_id=args.guild)
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("checking" if args.dry_run else "importing", total=total)
            return await editor.import_folder(
                folder, author=CLI_AUTHOR, dry_run=args.dry_run, guild_id=args.guild,
                progress=lambda n: bar.advance(task, n),
            )

    try:
        diff = asyncio.run(with_repository(settings, work))
    except (RecordFormatError, ImportAbortedError) as error:
        _report_bad_files(folder, settings, error)
        return 1
    for refused in diff.refused:
        sys.stderr.write(f"topicbot import: {folder / refused.source}: {refused.reason}\n")
    _print_diff(diff, dry_run=args.dry_run, each=args.list_each)
    if not args.dry_run and (diff.added or diff.changed):
        _refresh_index(settings)
    return 1 if diff.refused else 0


def _refresh_index(settings: Settings) -> None:
    """After an import, the index snapshot is brought up to date, so the next start (the bot, or
    ``topicbot ask``) loads the index instead of building it; failing that is only a slower start."""
    from bot.services import refresh_index_snapshot

    try:
        asyncio.run(refresh_index_snapshot(settings))
    except TopicbotError as error:
        sys.stderr.write(f"topicbot import: the index snapshot was not refreshed ({error}); "
                         "the next start builds the index from the store\n")


def _report_bad_files(folder: Path, settings: Settings, error: TopicbotError) -> None:
    """After an aborted import: every bad file (as ``check`` lists them), or the one error if none is."""
    _, problems = check_files([folder], settings)
    for line in problems or [str(error)]:
        sys.stderr.write(f"topicbot import: {line}\n")
    sys.stderr.write(f"topicbot import: nothing was imported ({counted(len(problems) or 1, 'problem')})\n")


def export_command(args: argparse.Namespace, settings: Settings) -> int:
    folder: Path = args.folder
    if folder.exists() and not folder.is_dir():
        sys.stderr.write(f"topicbot export: {folder} exists and is not a folder; give a folder to write into\n")
        return 1
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        sys.stderr.write(f"topicbot export: cannot write into {folder} (permission denied)\n")
        return 1

    async def work(repo: TopicRepository) -> tuple[list[Path], list[Path]]:
        from bot.core.importing import export_topics, remove_stale_exports

        written = await export_topics(repo, folder, settings.tz)
        return written, remove_stale_exports(folder, written)

    written, removed = asyncio.run(with_repository(settings, work, reads=True))
    gone = f"; removed {counted(len(removed), 'file')} of topics that no longer exist" if removed else ""
    _out(f"exported {counted(len(written), 'topic')} to {folder}{gone}")
    return 0


def list_command(args: argparse.Namespace, settings: Settings) -> int:
    async def work(repo: TopicRepository) -> list[str]:
        return [stored.topic.title for stored in await repo.list()]

    for title in asyncio.run(with_repository(settings, work, reads=True)):
        _out(title)
    return 0


async def find_topic(repo: TopicRepository, name: str, *, guild_id: int | None = None) -> StoredTopic:
    """The topic titled ``name``, else the one with ``name`` among its aliases; else the title lookup's error."""
    from bot.core.errors import TopicNotFoundError
    from bot.core.names import name_key

    try:
        return await repo.get(name, guild_id=guild_id)
    except TopicNotFoundError:
        wanted = name_key(name)
        for stored in await repo.list(guild_id=guild_id):
            if any(name_key(alias) == wanted for alias in stored.topic.all_aliases):
                return stored
        raise


def show_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.record_format import format_record

    async def work(repo: TopicRepository) -> str:
        stored = await find_topic(repo, args.title)
        return format_record(stored.topic, settings.tz)

    record = asyncio.run(with_repository(settings, work, reads=True))
    # Into a file or a pipe the record is written exactly (no trailing newline, as the format has it),
    # so `topicbot show X > x.txt` imports again; a terminal gets a final newline to end the line.
    sys.stdout.write(record + ("\n" if sys.stdout.isatty() else ""))
    return 0
