"""The store commands: ``check``, ``import``, ``export``, ``list`` and ``show``.

Each handler migrates the database first (so a fresh SQLite file just works), then runs one async
unit of work with ``asyncio.run``. Errors are ``TopicbotError``s; ``bot.cli.main`` prints them.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

from bot.config import Settings
from bot.core.errors import FieldTooLongError, RecordFormatError
from bot.core.importing import ImportDiff, export_topics, import_folder, record_files
from bot.core.record_format import format_record, parse_record
from bot.core.storage import TopicRepository, make_engine, make_session_factory, migrate

T = TypeVar("T")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = subparsers.add_parser("check", help="validate record files (line-numbered errors)")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE", help="record files or folders of them")
    check.set_defaults(handler=check_command)

    importing = subparsers.add_parser("import", help="import a folder of records (all or nothing)")
    importing.add_argument("folder", type=Path, metavar="DIR")
    importing.add_argument("--dry-run", action="store_true", help="show what would be added/changed; change nothing")
    importing.set_defaults(handler=import_command)

    export = subparsers.add_parser("export", help="write every topic to DIR, one record file each")
    export.add_argument("folder", type=Path, metavar="DIR")
    export.set_defaults(handler=export_command)

    listing = subparsers.add_parser("list", help="list the stored topic titles")
    listing.set_defaults(handler=list_command)

    show = subparsers.add_parser("show", help="print one stored topic as a record")
    show.add_argument("title", metavar="TITLE")
    show.set_defaults(handler=show_command)


async def with_repository(settings: Settings, work: Callable[[TopicRepository], Awaitable[T]]) -> T:
    """Run ``work`` against the configured store, migrated to the latest schema first."""
    engine = make_engine(settings.database_url)
    try:
        await migrate(engine)
        return await work(TopicRepository(make_session_factory(engine), tz=settings.tz))
    finally:
        await engine.dispose()


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _expand(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from record_files(path)
        else:
            yield path


def check_command(args: argparse.Namespace, settings: Settings) -> int:
    bad = 0
    checked = 0
    for path in _expand(args.files):
        checked += 1
        try:
            parse_record(path.read_bytes().decode("utf-8"), settings.tz)
        except RecordFormatError as error:
            bad += 1
            _out(f"{path}: line {error.line}: expected {error.expected}, found {error.found}")
        except FieldTooLongError as error:
            bad += 1
            _out(f"{path}: {error}")
        except UnicodeDecodeError as error:
            bad += 1
            _out(f"{path}: not UTF-8 text ({error.reason})")
        except OSError as error:
            bad += 1
            _out(f"{path}: cannot read ({error.strerror})")
    _out(f"{checked - bad} of {checked} records ok")
    return 1 if bad else 0


def _print_diff(diff: ImportDiff, *, dry_run: bool) -> None:
    verb = "would be" if dry_run else "were"
    for title in diff.added:
        _out(f"+ {title}")
    for change in diff.changed:
        _out(f"~ {change.title} ({', '.join(change.fields)})")
    if dry_run:
        for title in diff.unchanged:
            _out(f"= {title}")
    _out(f"{len(diff.added)} {verb} added, {len(diff.changed)} {verb} changed, {len(diff.unchanged)} unchanged")


def import_command(args: argparse.Namespace, settings: Settings) -> int:
    folder: Path = args.folder
    total = len(record_files(folder))

    async def work(repo: TopicRepository) -> ImportDiff:
        if not sys.stdout.isatty():
            return await import_folder(repo, folder, tz=settings.tz, dry_run=args.dry_run)
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("checking" if args.dry_run else "importing", total=total)
            return await import_folder(
                repo, folder, tz=settings.tz, dry_run=args.dry_run, progress=lambda n: bar.advance(task, n)
            )

    diff = asyncio.run(with_repository(settings, work))
    _print_diff(diff, dry_run=args.dry_run)
    return 0


def export_command(args: argparse.Namespace, settings: Settings) -> int:
    async def work(repo: TopicRepository) -> list[Path]:
        return await export_topics(repo, args.folder, settings.tz)

    written = asyncio.run(with_repository(settings, work))
    _out(f"exported {len(written)} topics to {args.folder}")
    return 0


def list_command(args: argparse.Namespace, settings: Settings) -> int:
    async def work(repo: TopicRepository) -> list[str]:
        return [stored.topic.title for stored in await repo.list()]

    for title in asyncio.run(with_repository(settings, work)):
        _out(title)
    return 0


def show_command(args: argparse.Namespace, settings: Settings) -> int:
    async def work(repo: TopicRepository) -> str:
        stored = await repo.get(args.title)
        return format_record(stored.topic, settings.tz)

    _out(asyncio.run(with_repository(settings, work)))
    return 0
