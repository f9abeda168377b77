"""``topicbot sync DIR``: make the store match a folder of records once, or keep it matching (``--watch``).

A research pipeline writes one record file per topic into a folder (best: write ``name.txt.tmp`` and
rename it to ``name.txt`` when complete, which is atomic; a file still being written is left for the
next pass in any case). ``--status`` lists what the folder holds and which files were refused.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from bot.cli.options import guild_id
from bot.config import Settings

if TYPE_CHECKING:
    from bot.core.moderation import TopicEditor
    from bot.core.research_sync import SyncReport
    from bot.core.storage.sync_state import SyncStateStore

#: A file last written less than this long ago may still be growing: it waits for the next pass.
SETTLE_SECONDS: Final = 0.3
#: Changes arriving within this time are handled in one pass.
DEBOUNCE_MS: Final = 200


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sync", help="make the store match a folder of records (once, or --watch to keep doing it)",
        description="Make the store match a folder of records written by a research pipeline: new files add "
                    "topics, changed files replace them (moderator aliases kept), removed files follow "
                    "--on-delete. A bad file is reported and its topic keeps its last good version. Every change "
                    "goes through the same write path as the Discord commands.",
    )
    parser.add_argument("folder", type=Path, metavar="DIR", help="folder of *.txt record files")
    parser.add_argument("--watch", action="store_true", help="keep the store matching the folder until stopped")
    parser.add_argument("--status", action="store_true", help="list the folder's files, their topics and refusals")
    parser.add_argument("--verbose", dest="list_each", action="store_true",
                        help="list each topic added, changed or removed (default: one summary line a pass)")
    parser.add_argument("--guild", type=guild_id, metavar="ID",
                        help="sync into this guild's own topics (default: shared topics)")
    parser.add_argument("--on-delete", choices=("hide", "remove", "keep"), default="hide",
                        help="a removed file hides its topic until it comes back (default), removes it, or keeps it")
    parser.add_argument("--max-removed-share", type=_share, default=0.5, metavar="SHARE",
                        help="refuse to remove more than this share of the folder's topics at once (default 0.5)")
    parser.set_defaults(handler=run)


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a share from 0 to 1, got {text!r}")
    return value


def run(args: argparse.Namespace, settings: Settings) -> int:
    folder: Path = args.folder
    if not folder.is_dir():
        sys.stderr.write(f"topicbot sync: {folder} is not a folder (is it mounted?)\n")
        return 1
    return asyncio.run(_main(args, settings))


async def _main(args: argparse.Namespace, settings: Settings) -> int:
    stop = asyncio.Event()  # SIGTERM or Ctrl-C ends --watch cleanly, from the first moment on
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal_number, stop.set)
    from bot.core.moderation import TopicEditor
    from bot.core.storage import TopicRepository, make_engine, make_session_factory, migrate
    from bot.core.storage.sync_state import SyncStateStore

    engine = make_engine(settings.database_url)
    try:
        await migrate(engine)
        factory = make_session_factory(engine)
        editor = TopicEditor(TopicRepository(factory, tz=settings.tz, limits=settings.limits.record_limits))
        state = SyncStateStore(factory)
        if args.status:
            return await _status(state, args)
        if not args.watch:
            report = await _pass(editor, state, args)
            return 1 if report.refused or report.stopped else 0
        return await _watch(editor, state, args, stop)
    finally:
        await engine.dispose()


async def _pass(editor: TopicEditor, state: SyncStateStore, args: argparse.Namespace) -> SyncReport:
    from bot.core.changes import Author
    from bot.core.research_sync import sync_folder

    report = await sync_folder(editor, state, args.folder, author=Author("sync", "cli"), now=datetime.now(UTC),
                               guild_id=args.guild, on_delete=args.on_delete,
                               max_removed_share=args.max_removed_share, is_settled=_settled)
    if args.list_each:
        for title in report.added:
            sys.stdout.write(f"+ {title}\n")
        for title in report.changed:
            sys.stdout.write(f"~ {title}\n")
        for title in report.removed:
            sys.stdout.write(f"- {title}\n")
    for _, why in report.refused:
        sys.stderr.write(f"topicbot sync: {why} (its topic keeps its last good version)\n")
    if report.stopped:
        sys.stderr.write(f"topicbot sync: {report.stopped}\n")
    sys.stdout.write(report.summary() + "\n")
    sys.stdout.flush()
    return report


def _settled(path: Path) -> bool:
    """The file was last written long enough ago not to be growing still."""
    try:
        return time.time() - path.stat().st_mtime >= SETTLE_SECONDS
    except OSError:
        return True  # gone or unreadable: the pass reports it


async def _watch(editor: TopicEditor, state: SyncStateStore, args: argparse.Namespace, stop: asyncio.Event) -> int:
    import watchfiles

    if stop.is_set():
        return 0
    report = await _pass(editor, state, args)
    changes = watchfiles.awatch(args.folder, debounce=DEBOUNCE_MS, step=50, recursive=False, stop_event=stop,
                                rust_timeout=int(SETTLE_SECONDS * 2000), yield_on_timeout=True)
    async for _ in changes:  # a batch of changes, or a timeout while files were still being written
        if stop.is_set():
            break
        if not args.folder.is_dir():
            sys.stderr.write(f"topicbot sync: {args.folder} is gone (unmounted?); waiting for it\n")
            continue
        report = await _pass(editor, state, args)
        del report
    return 0


async def _status(state: SyncStateStore, args: argparse.Namespace) -> int:
    from bot.core.research_sync import folder_key

    files = await state.files(folder_key(args.folder), args.guild)
    present = set(os.listdir(args.folder))
    refused = 0
    for name, file in sorted(files.items()):
        if file.error:
            refused += file.error != "" and name in present and file.digest is None
            sys.stdout.write(f"{name}: {file.title or '-'}: {file.error} (checked {file.checked_at:%Y-%m-%d %H:%M})\n")
        else:
            sys.stdout.write(f"{name}: {file.title} (in sync since {file.checked_at:%Y-%m-%d %H:%M})\n")
    sys.stdout.write(f"{len(files)} files known, {refused} refused\n")
    return 0
