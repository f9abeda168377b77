"""``TopicEditor``: the one write path. Every change to the topics, from every front end, goes here.

Every change is one transaction through the repository, which writes the topic, its revision and a
change event (see ``bot.core.changes``). The editor then lets its ``ChangeFeed`` catch up, so this
process's subscribers (the in-memory index, the mod log, ...) have seen the change before the
method returns; other processes see it through their own feeds. The editor knows no subscriber.
Each method returns a ``ChangeResult`` carrying everything a reply needs; its ``before``
is the version the change actually replaced: an edit is written only if the stored topic is still
at the version that was read (the repository's versioned UPDATE), so a concurrent change makes
this one fail with ``StaleVersionError`` rather than report a wrong "before".

Scopes: ``guild_id=None`` changes the global (shipped) topics; a guild id changes that guild's own
topics. A guild cannot edit or remove a global topic (``EditError``); it can hide it, or add its
own topic with the same title, which then takes the global one's place in that guild.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Final, Literal

from bot.core.change_feed import ChangeFeed
from bot.core.changes import Author, ChangeEvent
from bot.core.discord_limits import MESSAGE_LIMIT
from bot.core.editing import checked
from bot.core.errors import EditError, ImportAbortedError, StaleVersionError
from bot.core.importing import (
    DEFAULT_CHUNK,
    ImportDiff,
    ImportPlan,
    PlannedRecord,
    Progress,
    apply_import,
    export_file_names,
    import_folder,
    imported_topic,
    plan_import,
    read_upload,
)
from bot.core.model import Topic
from bot.core.record_format import as_written, format_record
from bot.core.record_limits import DEFAULT_LIMITS, RecordLimits
from bot.core.storage import GuildSettings, Revision, StoredTopic, TopicRepository
from bot.core.topic_diff import TopicDiff, diff_topics, format_diff

log = logging.getLogger(__name__)

#: Times an edit without an expected version is tried when others keep writing the same topic.
EDIT_ATTEMPTS: Final = 5

ChangeAction = Literal["add", "edit", "remove", "revert", "hide", "unhide"]
_DESCRIBED: Final = frozenset({"add", "edit", "remove", "revert", "hide", "unhide"})
#: A change to apply to the topic as stored: a function of it, or the whole new topic.
Change = Callable[[Topic], Topic] | Topic

RECORD_SUFFIX: Final = ".txt"
ARCHIVE_SUFFIX: Final = ".zip"
#: Bounds on what one upload may unpack to (a zip bomb is refused, not unpacked).
MAX_ARCHIVE_MEMBERS: Final = 10_000
MAX_UPLOAD_BYTES: Final = 50_000_000
_PAST_TENSE: Final = {
    "add": "added",
    "edit": "edited",
    "remove": "removed",
    "revert": "reverted",
    "hide": "hid",
    "unhide": "unhid",
}


@dataclass(frozen=True)
class ChangeResult:
    """One applied change: what it was, who made it, the topic before and after, and their diff.

    ``version`` is the topic's version after the change (for a removal, the version of the removal
    revision, which ``revert`` can go back from; for hide/unhide, the unchanged current version).
    ``before`` is ``None`` for an addition, ``after`` ``None`` for a removal.
    """

    action: ChangeAction
    title: str
    before: Topic | None
    after: Topic | None
    version: int
    author: Author
    diff: TopicDiff
    guild_id: int | None = None
    at: datetime | None = None
    #: For a revert: the version it went back to.
    reverted_to: int | None = None

    @property
    def changed(self) -> bool:
        """Whether anything was written (an edit that changes nothing writes no revision)."""
        return self.action in {"hide", "unhide"} or not self.diff.is_empty

    def headline(self) -> str:
        """One line for a reply or the mod log: ``alice edited **Title** (version 3)``."""
        verb = _PAST_TENSE[self.action]
        who = self.author.label
        if self.action in {"hide", "unhide"}:
            return f"{who} {verb} **{self.title}** in this server"
        if not self.changed:
            return f"{who} made no change to **{self.title}** (still version {self.version})"
        if self.reverted_to is not None:
            return f"{who} {verb} **{self.title}** to version {self.reverted_to} (now version {self.version})"
        return f"{who} {verb} **{self.title}** (version {self.version})"

    def mod_log_text(self, limit: int = MESSAGE_LIMIT) -> str:
        """The headline and the before/after diff, within ``limit`` characters."""
        head = self.headline()
        if self.action in {"hide", "unhide"}:
            return head[:limit]
        return f"{head}\n{format_diff(self.diff, max(0, limit - len(head) - 1))}"[:limit]


@dataclass(frozen=True)
class ImportPreview:
    """A planned import (nothing written yet): the plan, and a per-topic diff of what would change."""

    plan: ImportPlan
    diffs: tuple[TopicDiff, ...]

    @property
    def summary(self) -> ImportDiff:
        return self.plan.diff

    @property
    def guild_id(self) -> int | None:
        return self.plan.guild_id

    def text(self, limit: int = MESSAGE_LIMIT) -> str:
        """Added / changed (with changed fields) / unchanged, as lines within ``limit`` characters."""
        summary = self.summary
        lines = [f"{len(summary.added)} to add, {len(summary.changed)} to change, {len(summary.unchanged)} unchanged"]
        lines.extend(f"+ {title}" for title in summary.added)
        lines.extend(f"~ {change.title} ({', '.join(change.fields)})" for change in summary.changed)
        lines.extend(f"= {title}" for title in summary.unchanged)
        text = "\n".join(lines)
        if len(text) <= limit:
            return text
        cut = text[: max(0, limit - 2)].rsplit("\n", 1)[0]
        return f"{cut}\n\u2026"[:limit]


@dataclass(frozen=True)
class ImportOutcome:
    """An import's preview and, unless it was a dry run, the changes it applied."""

    preview: ImportPreview
    changes: tuple[ChangeResult, ...] = ()
    dry_run: bool = False


def _revision_topic(revision: Revision, tz: tzinfo) -> Topic | None:
    """The topic a revision leaves behind (``None`` after a removal)."""
    return None if revision.action == "remove" else revision.topic(tz)


def _stale(stored: StoredTopic, expected_version: int) -> StaleVersionError:
    return StaleVersionError(stored.title, expected_version, stored.version, stored.updated_by,
                             stored.updated_at.isoformat(timespec="seconds"))


def _unpack(name: str, data: bytes) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ImportAbortedError(f"{name}: not a readable .zip archive") from error
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX/")]
        if len(members) > MAX_ARCHIVE_MEMBERS or sum(m.file_size for m in members) > MAX_UPLOAD_BYTES:
            raise ImportAbortedError(f"{name}: the archive is too large to import")
        out: list[tuple[str, bytes]] = []
        for member in sorted(members, key=lambda m: m.filename):
            if not member.filename.endswith(RECORD_SUFFIX):
                raise ImportAbortedError(f"{name}: {member.filename} is not a record file ({RECORD_SUFFIX})")
            out.append((f"{name}:{member.filename}", archive.read(member)))
    return out


def read_uploads(files: Sequence[tuple[str, bytes]], tz: tzinfo = UTC,
                 limits: RecordLimits = DEFAULT_LIMITS) -> list[PlannedRecord]:
    """Parse uploaded record files (``.txt``) and archives of them (``.zip``), in the order given.

    The first malformed file raises (naming it, and its line); so does any other kind of file, and a
    record over ``limits`` (``RecordTooLargeError``).
    """
    expanded: list[tuple[str, bytes]] = []
    for name, data in files:
        if name.lower().endswith(ARCHIVE_SUFFIX):
            expanded.extend(_unpack(name, data))
        elif name.lower().endswith(RECORD_SUFFIX):
            expanded.append((name, data))
        else:
            raise ImportAbortedError(f"{name}: not a record file ({RECORD_SUFFIX}) or a {ARCHIVE_SUFFIX} of them")
    if not expanded:
        raise ImportAbortedError("no record files to import")
    return [read_upload(name, data, tz, limits) for name, data in expanded]


class TopicEditor:
    """Add, edit, remove, revert, hide and import topics: the one write path of every front end.

    With a ``feed``, each change is delivered to this process's subscribers before the method
    returns. Methods raise core errors only: ``TopicNotFoundError``, ``DuplicateTopicError``,
    ``StaleVersionError``, ``EditError``, ``FieldTooLongError``, ``RecordFormatError``,
    ``RecordTooLargeError`` (a record over the repository's ``[limits]``), ``ImportAbortedError``,
    ``StorageUnavailableError``.
    """

    def __init__(self, repository: TopicRepository, feed: ChangeFeed | None = None) -> None:
        self.repository = repository
        self.feed = feed

    async def _announce(self) -> None:
        """Let this process's subscribers see what was just committed."""
        if self.feed is not None:
            await self.feed.catch_up()

    @property
    def tz(self) -> tzinfo:
        return self.repository.tz

    # --- reading ------------------------------------------------------------------------------

    async def open(self, title: str, *, guild_id: int | None = None,
                   expected_version: int | None = None) -> StoredTopic:
        """The topic as stored in this scope, with the version an edit form must send back.

        With ``expected_version``, raises ``StaleVersionError`` (naming who changed it and when) unless
        the topic is still at that version.
        """
        stored = await self.repository.get(title, guild_id=guild_id)
        if stored.guild_id != guild_id:
            raise EditError(f"{stored.title!r} is a shared topic; this server can hide it or add its own "
                            "topic with that title")
        if expected_version is not None and expected_version != stored.version:
            raise _stale(stored, expected_version)
        return stored

    async def history(self, title: str, *, guild_id: int | None = None) -> list[Revision]:
        """Every revision of the topic, oldest first (also after it was removed)."""
        return await self.repository.history(title, guild_id=guild_id)

    async def diff(self, title: str, from_version: int, to_version: int, *, guild_id: int | None = None) -> TopicDiff:
        """What changed from one revision to another (either way round).

        Raises ``EditError`` naming the versions there are when either version does not exist.
        """
        history = await self.repository.history(title, guild_id=guild_id)
        by_version = {revision.version: revision for revision in history}
        for version in (from_version, to_version):
            if version not in by_version:
                raise EditError(f"{history[-1].title!r} has no version {version} "
                                f"(it has versions 1 to {history[-1].version})")
        old, new = by_version[from_version], by_version[to_version]
        return diff_topics(_revision_topic(old, self.tz), _revision_topic(new, self.tz), self.tz)

    async def topic_at(self, title: str, version: int, *, guild_id: int | None = None) -> Topic:
        """The topic as it was at ``version`` (``TopicNotFoundError`` when there is no such version)."""
        return (await self.repository.revision(title, version, guild_id=guild_id)).topic(self.tz)

    async def changes_since(self, title: str, version: int, *, guild_id: int | None = None) -> TopicDiff:
        """What others changed since ``version`` was opened (for a stale-edit refusal)."""
        old = await self.repository.revision(title, version, guild_id=guild_id)
        history = await self.repository.history(title, guild_id=guild_id)
        return diff_topics(_revision_topic(old, self.tz), _revision_topic(history[-1], self.tz), self.tz)

    # --- changes ------------------------------------------------------------------------------

    async def add(self, topic: Topic, *, author: Author, guild_id: int | None = None) -> ChangeResult:
        """Store a new topic (``DuplicateTopicError`` if its title is taken in the scope)."""
        topic = as_written(checked(topic), self.tz)
        stored = await self.repository.add(topic, guild_id=guild_id, author=author)
        await self._announce()
        return self._result("add", None, stored, author)

    async def add_record(self, name: str, data: bytes, *, author: Author,
                         guild_id: int | None = None) -> ChangeResult:
        """Add a topic from an uploaded record file (validated first; errors name the file and line)."""
        record = read_upload(name, data, self.tz, self.repository.limits)
        return await self.add(record.topic, author=author, guild_id=guild_id)

    async def edit(
        self,
        title: str,
        change: Change,
        *,
        author: Author,
        guild_id: int | None = None,
        expected_version: int | None = None,
    ) -> ChangeResult:
        """Apply ``change`` to the topic, if it is still at ``expected_version``; without one, to the topic
        as it is when written (a concurrent edit in between makes this one read and apply again, at most
        ``EDIT_ATTEMPTS`` times).

        ``change`` is a function of the stored topic (see ``bot.core.editing``) or the new topic.
        Raises ``StaleVersionError`` naming who changed it and when; nothing is overwritten. An edit
        that changes nothing writes no revision (``ChangeResult.changed`` is false).
        """
        for attempt in range(1, EDIT_ATTEMPTS + 1):
            stored = await self.open(title, guild_id=guild_id, expected_version=expected_version)
            after = as_written(checked(change if isinstance(change, Topic) else change(stored.topic)), self.tz)
            if after == stored.topic:
                return self._result("edit", stored.topic, stored, author)
            try:
                updated = await self.repository.update(
                    after, expected_version=stored.version, guild_id=guild_id, author=author,
                    original_title=stored.title)
            except StaleVersionError:
                # Another edit landed between reading and writing. Only an edit pinned to a version is
                # refused; one that asked for none is applied again to the topic as it now is.
                if expected_version is not None or attempt == EDIT_ATTEMPTS:
                    raise
                continue
            await self._announce()
            return self._result("edit", stored.topic, updated, author)
        raise AssertionError("unreachable")  # the loop returns or raises

    async def remove(
        self, title: str, *, author: Author, guild_id: int | None = None, expected_version: int | None = None
    ) -> ChangeResult:
        """Remove the topic; the removal is a revision, so ``revert`` to the version before undoes it."""
        stored = await self.open(title, guild_id=guild_id, expected_version=expected_version)
        await self.repository.remove(stored.title, guild_id=guild_id, author=author, expected_version=stored.version)
        await self._announce()
        removal = await self.repository.revision(stored.title, stored.version + 1, guild_id=guild_id)
        return ChangeResult("remove", stored.title, stored.topic, None, removal.version, author,
                            diff_topics(stored.topic, None, self.tz), guild_id, removal.created_at)

    async def revert(
        self,
        title: str,
        to_version: int,
        *,
        author: Author,
        guild_id: int | None = None,
        expected_version: int | None = None,
    ) -> ChangeResult:
        """Make the topic what it was at ``to_version``, as a new revision (restoring a removed topic)."""
        history = await self.repository.history(title, guild_id=guild_id)
        target = next((r for r in history if r.version == to_version), None)
        if target is None:
            raise EditError(f"{title!r} has no version {to_version} (it has 1 to {history[-1].version})")
        if target.action == "remove":
            raise EditError(f"version {to_version} of {target.title!r} is its removal; revert to an earlier one")
        last = history[-1]
        current = None if last.action == "remove" else await self.open(last.title, guild_id=guild_id)
        if expected_version is not None and expected_version != last.version:
            if current is not None:
                raise _stale(current, expected_version)
            raise StaleVersionError(last.title, expected_version, last.version, last.author,
                                    last.created_at.isoformat(timespec="seconds"))
        stored = await self.repository.revert(
            target.title,
            to_version,
            guild_id=guild_id,
            author=author,
            expected_version=current.version if current is not None else None,
        )
        before = current.topic if current is not None else None
        await self._announce()
        return replace(self._result("revert", before, stored, author), reverted_to=to_version)

    async def hide(self, title: str, *, guild_id: int, author: Author) -> ChangeResult:
        """Hide a global topic from one guild (no revision: the topic itself is unchanged)."""
        stored = await self.repository.get(title)
        await self.repository.hide(stored.title, guild_id=guild_id, author=author)
        await self._announce()
        log.info("%s hid %r in guild %s", author, stored.title, guild_id)
        return self._visibility("hide", stored, guild_id, author)

    async def unhide(self, title: str, *, guild_id: int, author: Author) -> ChangeResult:
        stored = await self.repository.get(title)
        await self.repository.unhide(stored.title, guild_id=guild_id, author=author)
        await self._announce()
        log.info("%s unhid %r in guild %s", author, stored.title, guild_id)
        return self._visibility("unhide", stored, guild_id, author)

    async def save_guild_settings(self, settings: GuildSettings, *, author: Author) -> None:
        """Store a guild's moderation settings (a change event, so every process hears of it)."""
        await self.repository.save_guild_settings(settings, author=author)
        await self._announce()

    # --- imports ------------------------------------------------------------------------------

    async def preview_import(
        self, files: Sequence[tuple[str, bytes]], *, guild_id: int | None = None
    ) -> ImportPreview:
        """Parse the uploads and diff them against the store; writes nothing.

        A malformed file raises (naming it and its line) before anything is planned.
        """
        records = read_uploads(files, self.tz, self.repository.limits)
        plan = await plan_import(self.repository, records, guild_id=guild_id)
        diffs = [diff_topics(None, r.topic, self.tz) for r in plan.added]
        diffs.extend(diff_topics(c.stored.topic, imported_topic(c.stored.topic, c.record.topic), self.tz)
                     for c in plan.changed)
        return ImportPreview(plan, tuple(diffs))

    async def apply_import(self, preview: ImportPreview, *, author: Author) -> ImportOutcome:
        """Write a previewed import in one transaction; if any topic changed since, nothing is written."""
        applied = await apply_import(self.repository, preview.plan, author=author)
        await self._announce()
        results = [self._result("add", None, stored, author) for stored in applied.added]
        results.extend(self._result("edit", old.topic, new, author) for old, new in applied.changed)
        return ImportOutcome(preview, tuple(results))

    async def import_parsed(self, records: Sequence[PlannedRecord], *, author: Author,
                            guild_id: int | None = None) -> ImportPlan:
        """Write records already read (``read_upload``) in one transaction, as an import does, without
        previewing them first (``topicbot sync``); the plan says what was added, changed, unchanged."""
        plan = await plan_import(self.repository, records, guild_id=guild_id)
        await apply_import(self.repository, plan, author=author)
        await self._announce()
        return plan

    async def import_folder(
        self,
        folder: Path,
        *,
        author: Author,
        guild_id: int | None = None,
        dry_run: bool = False,
        limit: int | None = None,
        chunk_size: int = DEFAULT_CHUNK,
        progress: Progress | None = None,
    ) -> ImportDiff:
        """Import a folder of record files in one transaction (see ``bot.core.importing.import_folder``)."""
        diff = await import_folder(self.repository, folder, tz=self.tz, guild_id=guild_id, author=author,
                                   dry_run=dry_run, limit=limit, chunk_size=chunk_size, progress=progress)
        if not dry_run:
            await self._announce()
        return diff

    async def import_records(
        self,
        files: Sequence[tuple[str, bytes]],
        *,
        author: Author,
        guild_id: int | None = None,
        dry_run: bool = False,
    ) -> ImportOutcome:
        """Preview the uploads, then (unless ``dry_run``) apply them: all or nothing."""
        preview = await self.preview_import(files, guild_id=guild_id)
        if dry_run:
            return ImportOutcome(preview, dry_run=True)
        return await self.apply_import(preview, author=author)

    # --- exports ------------------------------------------------------------------------------

    async def export_record(self, title: str, *, guild_id: int | None = None) -> tuple[str, bytes]:
        """One visible topic as ``(file name, record bytes)``, byte-identical to the record format."""
        stored = await self.repository.get(title, guild_id=guild_id)
        name = export_file_names([stored.title])[stored.title]
        return name, format_record(stored.topic, self.tz).encode("utf-8")

    async def export_archive(self, *, guild_id: int | None = None) -> bytes:
        """A ``.zip`` of every topic of the scope (a guild's own, or the global ones), one record each."""
        stored = await self.repository.list(guild_id=guild_id, include_global=False)
        names = export_file_names([s.title for s in stored])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for item in stored:
                archive.writestr(names[item.title], format_record(item.topic, self.tz).encode("utf-8"))
        return buffer.getvalue()

    # --- describing a change event (for subscribers such as the mod log) -----------------------

    async def describe(self, event: ChangeEvent) -> ChangeResult | None:
        """The ``ChangeResult`` of a change event, whichever process made it (``None`` for settings)."""
        if event.action not in _DESCRIBED or event.title is None:
            return None
        action: ChangeAction = event.action  # type: ignore[assignment]  # checked just above
        if action in {"hide", "unhide"}:
            return ChangeResult(action, event.title, None, None, event.version or 0, event.author,
                                diff_topics(None, None, self.tz), event.guild_id, event.created_at)
        version = event.version or 1
        before: Topic | None = None
        after = event.topic(self.tz)
        if action == "remove":
            before = Revision(event.topic_id or 0, event.guild_id, event.title, version, "remove",
                              event.author.label, event.created_at, event.text, event.aliases).topic(self.tz)
        elif action != "add" and version > 1 and event.topic_id is not None:
            previous = await self.repository.revision_of(event.topic_id, version - 1)
            before = _revision_topic(previous, self.tz) if previous is not None else None
        return ChangeResult(action, event.title, before, after, version, event.author,
                            diff_topics(before, after, self.tz), event.guild_id, event.created_at)

    # --- helpers ------------------------------------------------------------------------------

    def _result(self, action: ChangeAction, before: Topic | None, stored: StoredTopic, author: Author) -> ChangeResult:
        return ChangeResult(action, stored.title, before, stored.topic, stored.version, author,
                            diff_topics(before, stored.topic, self.tz), stored.guild_id, stored.updated_at)

    def _visibility(self, action: ChangeAction, stored: StoredTopic, guild_id: int, author: Author) -> ChangeResult:
        return ChangeResult(action, stored.title, stored.topic, stored.topic, stored.version, author,
                            diff_topics(stored.topic, stored.topic, self.tz), guild_id)
