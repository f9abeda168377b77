"""Keeping the store matching a folder of records written by a research pipeline (``topicbot sync``).

One pass (``sync_folder``) reads every record file of the folder (``*.txt``, any case; hidden and
temporary names and files still being written are left for the next pass), and through the one write
path (``TopicEditor``, so running bots, the mod log and followers see each change) adds the new
topics, replaces the changed ones (keeping moderator aliases) and applies the deletion policy to the
topics whose files are gone:

* ``hide`` (default): the topic is removed from answers (a revision: ``topicbot revert`` brings it
  back) and comes back by itself when its file does;
* ``remove``: the same, and the folder forgets the file;
* ``keep``: the topic stays; the folder forgets the file.

One bad file never stops the rest: it is reported (file, line, reason) and kept in the sync state,
its topic keeps its last good version, and the next good write of the file is picked up. If more
than ``max_removed_share`` of the folder's topics would go at once (an unmounted folder, an emptied
export), nothing is removed and the report says so.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final, Literal

from bot.core.changes import Author
from bot.core.errors import RecordFormatError, TopicbotError, TopicNotFoundError
from bot.core.importing import PlannedRecord, imported_topic, read_upload
from bot.core.model import Topic
from bot.core.moderation import TopicEditor
from bot.core.storage.sync_state import SyncedFile, SyncStateStore

log = logging.getLogger(__name__)

OnDelete = Literal["hide", "remove", "keep"]
ON_DELETE: Final[tuple[OnDelete, ...]] = ("hide", "remove", "keep")
#: By default at most half of a folder's topics may go in one pass.
MAX_REMOVED_SHARE: Final = 0.5
RECORD_SUFFIX: Final = ".txt"
#: Names writers use while a file is not finished: hidden, editor backups, partial downloads.
_UNFINISHED: Final = (".", "~", "#")
_UNFINISHED_SUFFIXES: Final = (".tmp", ".part", ".partial", ".swp", "~")
HIDDEN_NOTE: Final = "its file is gone: the topic is hidden until the file comes back"


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    waiting: list[str] = field(default_factory=list)  # files still being written
    stopped: str | None = None  # why nothing was removed

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.changed)} changed", f"{self.unchanged} unchanged",
                 f"{len(self.removed)} removed", f"{len(self.refused)} refused"]
        if self.waiting:
            parts.append(f"{len(self.waiting)} still being written")
        return ", ".join(parts)


def record_names(folder: Path) -> list[str]:
    """The finished record files of ``folder`` (``*.txt`` in any case; not hidden or temporary names)."""
    if not folder.is_dir():
        raise TopicbotError(f"{folder} is not a folder (is it mounted?)")
    with os.scandir(folder) as entries:
        return sorted(e.name for e in entries
                      if e.name.casefold().endswith(RECORD_SUFFIX) and not e.name.startswith(_UNFINISHED)
                      and not e.name.endswith(_UNFINISHED_SUFFIXES) and not e.is_dir())


def folder_key(folder: Path) -> str:
    """How the sync state names a folder: its absolute path."""
    return str(folder.resolve())


async def sync_folder(editor: TopicEditor, state: SyncStateStore, folder: Path, *, author: Author,
                      now: datetime, guild_id: int | None = None, on_delete: OnDelete = "hide",
                      max_removed_share: float = MAX_REMOVED_SHARE,
                      is_settled: Callable[[Path], bool] | None = None) -> SyncReport:
    """Make the store match ``folder`` once (see the module docstring)."""
    key = folder_key(folder)
    known = await state.files(key, guild_id)
    report = SyncReport()
    saved: list[SyncedFile] = []
    batch: list[_Read] = []
    renamed: list[_Read] = []
    names = record_names(folder)
    for name in names:
        path = folder / name
        if is_settled is not None and not is_settled(path):
            report.waiting.append(name)
            continue
        before = known.get(name)
        try:
            data = path.read_bytes()
        except OSError as error:
            _refuse(report, saved, name, before, f"{name}: cannot be read ({error.strerror or error})", now, None)
            continue
        digest = hashlib.sha256(data).hexdigest()
        if before is not None and before.digest == digest:
            if before.error is None:
                report.unchanged += 1
            else:  # the same bad content as last time: still refused, said once already
                report.refused.append((name, before.error))
            continue
        try:
            record = read_upload(name, data, editor.tz, editor.repository.limits)
        except (RecordFormatError, TopicbotError) as error:
            _refuse(report, saved, name, before, _why(name, error), now, digest)
            continue
        if before is not None and before.title and before.title != record.topic.title:
            renamed.append((name, record, digest, before))
        else:
            batch.append((name, record, digest, before))
    await _write_batch(editor, batch, author=author, guild_id=guild_id, report=report, saved=saved, now=now)
    for name, record, digest, before in renamed:
        await _write_one(editor, name, record.topic, digest, before, author=author, guild_id=guild_id, report=report,
                         saved=saved, now=now)
    await state.save(key, guild_id, saved, known=bool(known))
    held = {f.title for f in saved if f.title} | {known[n].title for n in names if n in known and known[n].title}
    await _gone(editor, state, key, known, set(names), held, report, author=author, now=now, guild_id=guild_id,
                on_delete=on_delete, max_removed_share=max_removed_share)
    log.info("sync %s: %s", folder, report.summary())
    return report


#: A file read and parsed this pass: name, record, digest, what the state knew of it.
_Read = tuple[str, PlannedRecord, str, SyncedFile | None]


def _why(name: str, error: Exception) -> str:
    return str(error) if str(error).startswith(name) else f"{name}: {error}"


async def _write_batch(editor: TopicEditor, files: list[_Read], *, author: Author, guild_id: int | None,
                       report: SyncReport, saved: list[SyncedFile], now: datetime) -> None:
    """Add and replace the topics of ``files`` in one import (one transaction, as ``topicbot import``);
    if the import is refused as a whole (two files with one title), file by file."""
    if not files:
        return
    try:
        plan = await editor.import_parsed([record for _, record, _, _ in files], author=author, guild_id=guild_id)
    except TopicbotError as error:
        log.info("sync: one import refused (%s); writing file by file", error)
        for name, record, digest, before in files:
            await _write_one(editor, name, record.topic, digest, before, author=author, guild_id=guild_id,
                             report=report, saved=saved, now=now)
        return
    report.added.extend(r.topic.title for r in plan.added)
    report.changed.extend(c.record.topic.title for c in plan.changed)
    report.unchanged += len(plan.unchanged)
    saved.extend(SyncedFile(name, record.topic.title, digest, None, now) for name, record, digest, _ in files)


async def _write_one(editor: TopicEditor, name: str, topic: Topic, digest: str, before: SyncedFile | None, *,
                     author: Author, guild_id: int | None, report: SyncReport, saved: list[SyncedFile],
                     now: datetime) -> None:
    try:
        title = await _write(editor, topic, before, author=author, guild_id=guild_id, report=report)
    except TopicbotError as error:
        _refuse(report, saved, name, before, _why(name, error), now, digest)
        return
    saved.append(SyncedFile(name, title, digest, None, now))


def _refuse(report: SyncReport, saved: list[SyncedFile], name: str, before: SyncedFile | None, why: str,
            now: datetime, digest: str | None) -> None:
    log.warning("sync: %s (the topic keeps its last good version)", why)
    report.refused.append((name, why))
    saved.append(SyncedFile(name, before.title if before else None, digest, why, now))


async def _write(editor: TopicEditor, topic: Topic, before: SyncedFile | None, *, author: Author,
                 guild_id: int | None, report: SyncReport) -> str:
    """Add or replace the file's topic; a file whose title changed renames its topic."""
    for title in dict.fromkeys(t for t in (topic.title, before.title if before else None) if t):
        try:
            stored = await editor.open(title, guild_id=guild_id)
        except TopicNotFoundError:
            continue
        if stored.guild_id != guild_id:
            continue  # a shared topic seen from a guild: the guild gets its own
        result = await editor.edit(stored.title, imported_topic(stored.topic, topic), author=author,
                                   guild_id=guild_id)
        if result.changed:
            report.changed.append(topic.title)
        else:
            report.unchanged += 1
        return topic.title
    await editor.add(topic, author=author, guild_id=guild_id)
    report.added.append(topic.title)
    return topic.title


async def _gone(editor: TopicEditor, state: SyncStateStore, key: str, known: dict[str, SyncedFile],
                present: set[str], held: set[str | None], report: SyncReport, *, author: Author, now: datetime,
                guild_id: int | None, on_delete: OnDelete, max_removed_share: float) -> None:
    """Files gone since the last pass; a topic another file now holds (a renamed file) is not gone."""
    renamed = [name for name, f in known.items() if name not in present and f.title in held]
    await state.forget(key, guild_id, renamed)
    gone = [f for name, f in known.items()
            if name not in present and f.title and f.title not in held and f.error != HIDDEN_NOTE]
    if not gone:
        return
    live = [f for f in known.values() if f.title and f.error != HIDDEN_NOTE]
    if on_delete != "keep" and len(gone) > 1 and len(gone) > max_removed_share * len(live):
        report.stopped = (f"{len(gone)} of the folder's {len(live)} topics would go at once (more than "
                          f"{max_removed_share:.0%}); nothing was removed. If the folder is not mounted, mount it; "
                          f"if they really went, run again with --max-removed-share 1")
        log.warning("sync %s: %s", key, report.stopped)
        return
    hidden: list[SyncedFile] = []
    for file in gone:
        if on_delete != "keep" and file.title:
            try:
                await editor.remove(file.title, author=author, guild_id=guild_id)
                report.removed.append(file.title)
            except TopicNotFoundError:
                pass
        if on_delete == "hide":
            hidden.append(SyncedFile(file.name, file.title, None, HIDDEN_NOTE, now))
    await state.save(key, guild_id, hidden)
    if on_delete != "hide":
        await state.forget(key, guild_id, [f.name for f in gone])
