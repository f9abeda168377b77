"""``TopicEditor``: the one place a moderator's change to the topics happens.

Every change goes through the repository (which writes a revision in the same transaction) and is
then applied to the in-memory ``TopicIndex`` at once, so answers see it without a restart. Each
method returns a ``ChangeResult`` carrying everything a reply or the mod log needs; its ``before``
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
from typing import Final, Literal

from bot.core.editing import checked
from bot.core.errors import EditError, FieldTooLongError, ImportAbortedError, RecordFormatError, StaleVersionError
from bot.core.importing import ImportDiff, ImportPlan, export_file_names, plan_import
from bot.core.matching import TopicIndex
from bot.core.model import Topic
from bot.core.record_format import format_record, parse_record
from bot.core.storage import Revision, StoredTopic, TopicRepository, TopicWrite
from bot.core.topic_diff import DISCORD_MESSAGE_LIMIT, TopicDiff, diff_topics, format_diff

log = logging.getLogger(__name__)

ChangeAction = Literal["add", "edit", "remove", "revert", "hide", "unhide"]
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
    author: str
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
        if self.action in {"hide", "unhide"}:
            return f"{self.author} {verb} **{self.title}** in this server"
        if not self.changed:
            return f"{self.author} made no change to **{self.title}** (still version {self.version})"
        if self.reverted_to is not None:
            return f"{self.author} {verb} **{self.title}** to version {self.reverted_to} (now version {self.version})"
        return f"{self.author} {verb} **{self.title}** (version {self.version})"

    def mod_log_text(self, limit: int = DISCORD_MESSAGE_LIMIT) -> str:
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

    def text(self, limit: int = DISCORD_MESSAGE_LIMIT) -> str:
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


def parse_upload(name: str, data: bytes, tz: tzinfo = UTC) -> Topic:
    """Parse one uploaded record file; errors name the file (``RecordFormatError`` with its line)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RecordFormatError(line, "UTF-8 text", f"an undecodable byte ({error.reason})", name) from None
    try:
        return parse_record(text, tz)
    except RecordFormatError as error:
        raise error.with_source(name) from None
    except FieldTooLongError as error:
        raise ImportAbortedError(f"{name}: {error}") from error


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


def read_uploads(files: Sequence[tuple[str, bytes]], tz: tzinfo = UTC) -> list[tuple[str, Topic]]:
    """Parse uploaded record files (``.txt``) and archives of them (``.zip``), in the order given.

    The first malformed file raises (naming it, and its line); so does any other kind of file.
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
    return [(name, parse_upload(name, data, tz)) for name, data in expanded]


class TopicEditor:
    """Add, edit, remove, revert, hide and import topics; keep ``index`` in step with the store.

    ``index`` is public so that whoever rebuilds the index (``Services.reload_index``) can hand the
    new one over. Methods raise core errors only: ``TopicNotFoundError``, ``DuplicateTopicError``,
    ``StaleVersionError``, ``EditError``, ``FieldTooLongError``, ``RecordFormatError``,
    ``ImportAbortedError``, ``StorageUnavailableError``.
    """

    def __init__(self, repository: TopicRepository, index: TopicIndex) -> None:
        self.repository = repository
        self.index = index

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

    async def changes_since(self, title: str, version: int, *, guild_id: int | None = None) -> TopicDiff:
        """What others changed since ``version`` was opened (for a stale-edit refusal)."""
        old = await self.repository.revision(title, version, guild_id=guild_id)
        history = await self.repository.history(title, guild_id=guild_id)
        return diff_topics(_revision_topic(old, self.tz), _revision_topic(history[-1], self.tz), self.tz)

    # --- changes ------------------------------------------------------------------------------

    async def add(self, topic: Topic, *, author: str, guild_id: int | None = None) -> ChangeResult:
        """Store a new topic (``DuplicateTopicError`` if its title is taken in the scope)."""
        topic = checked(topic)
        stored = await self.repository.add(topic, guild_id=guild_id, author=author)
        self.index.upsert(stored.topic, guild_id)
        return self._result("add", None, stored, author)

    async def add_record(self, name: str, data: bytes, *, author: str, guild_id: int | None = None) -> ChangeResult:
        """Add a topic from an uploaded record file (validated first; errors name the file and line)."""
        return await self.add(parse_upload(name, data, self.tz), author=author, guild_id=guild_id)

    async def edit(
        self,
        title: str,
        change: Change,
        *,
        author: str,
        guild_id: int | None = None,
        expected_version: int | None = None,
    ) -> ChangeResult:
        """Apply ``change`` to the topic, if it is still at ``expected_version`` (default: as read now).

        ``change`` is a function of the stored topic (see ``bot.core.editing``) or the new topic.
        Raises ``StaleVersionError`` naming who changed it and when; nothing is overwritten. An edit
        that changes nothing writes no revision (``ChangeResult.changed`` is false).
        """
        stored = await self.open(title, guild_id=guild_id, expected_version=expected_version)
        after = checked(change if isinstance(change, Topic) else change(stored.topic))
        if after == stored.topic:
            return self._result("edit", stored.topic, stored, author)
        updated = await self.repository.update(
            after, expected_version=stored.version, guild_id=guild_id, author=author, original_title=stored.title
        )
        self._reindex(stored.topic, updated.topic, guild_id)
        return self._result("edit", stored.topic, updated, author)

    async def remove(
        self, title: str, *, author: str, guild_id: int | None = None, expected_version: int | None = None
    ) -> ChangeResult:
        """Remove the topic; the removal is a revision, so ``revert`` to the version before undoes it."""
        stored = await self.open(title, guild_id=guild_id, expected_version=expected_version)
        await self.repository.remove(stored.title, guild_id=guild_id, author=author, expected_version=stored.version)
        self.index.remove(stored.title, guild_id)
        removal = await self.repository.revision(stored.title, stored.version + 1, guild_id=guild_id)
        return ChangeResult("remove", stored.title, stored.topic, None, removal.version, author,
                            diff_topics(stored.topic, None, self.tz), guild_id, removal.created_at)

    async def revert(
        self,
        title: str,
        to_version: int,
        *,
        author: str,
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
        self._reindex(before, stored.topic, guild_id)
        return replace(self._result("revert", before, stored, author), reverted_to=to_version)

    async def hide(self, title: str, *, guild_id: int, author: str) -> ChangeResult:
        """Hide a global topic from one guild (no revision: the topic itself is unchanged)."""
        stored = await self.repository.get(title)
        await self.repository.hide(stored.title, guild_id=guild_id)
        self.index.hide(guild_id, stored.title)
        log.info("%s hid %r in guild %s", author, stored.title, guild_id)
        return self._visibility("hide", stored, guild_id, author)

    async def unhide(self, title: str, *, guild_id: int, author: str) -> ChangeResult:
        stored = await self.repository.get(title)
        await self.repository.unhide(stored.title, guild_id=guild_id)
        self.index.unhide(guild_id, stored.title)
        log.info("%s unhid %r in guild %s", author, stored.title, guild_id)
        return self._visibility("unhide", stored, guild_id, author)

    # --- imports ------------------------------------------------------------------------------

    async def preview_import(
        self, files: Sequence[tuple[str, bytes]], *, guild_id: int | None = None
    ) -> ImportPreview:
        """Parse the uploads and diff them against the store; writes nothing.

        A malformed file raises (naming it and its line) before anything is planned.
        """
        records = read_uploads(files, self.tz)
        plan = await plan_import(self.repository, records, guild_id=guild_id)
        diffs = [diff_topics(None, r.topic, self.tz) for r in plan.added]
        diffs.extend(diff_topics(c.stored.topic, self._imported(c.stored.topic, c.record.topic), self.tz)
                     for c in plan.changed)
        return ImportPreview(plan, tuple(diffs))

    async def apply_import(self, preview: ImportPreview, *, author: str) -> ImportOutcome:
        """Write a previewed import in one transaction; if any topic changed since, nothing is written."""
        plan = preview.plan
        async with self.repository.batch(guild_id=plan.guild_id, author=author) as batch:
            added = await batch.add_many([TopicWrite(r.topic, r.text) for r in plan.added])
            changed = [
                (c.stored, await batch.replace(
                    c.stored, TopicWrite(self._imported(c.stored.topic, c.record.topic), c.record.text)))
                for c in plan.changed
            ]
        results = []
        for stored in added:
            self.index.upsert(stored.topic, plan.guild_id)
            results.append(self._result("add", None, stored, author))
        for old, new in changed:
            self._reindex(old.topic, new.topic, plan.guild_id)
            results.append(self._result("edit", old.topic, new, author))
        log.info("import by %s: %d added, %d changed, %d unchanged", author, len(added), len(changed),
                 len(plan.unchanged))
        return ImportOutcome(preview, tuple(results))

    async def import_records(
        self,
        files: Sequence[tuple[str, bytes]],
        *,
        author: str,
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

    # --- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _imported(stored: Topic, record: Topic) -> Topic:
        # Record files carry no moderator aliases: an import keeps the ones already there.
        return replace(record, aliases=stored.aliases)

    def _reindex(self, before: Topic | None, after: Topic, guild_id: int | None) -> None:
        if before is not None and before.title.casefold() != after.title.casefold():
            self.index.remove(before.title, guild_id)
        self.index.upsert(after, guild_id)

    def _result(self, action: ChangeAction, before: Topic | None, stored: StoredTopic, author: str) -> ChangeResult:
        return ChangeResult(action, stored.title, before, stored.topic, stored.version, author,
                            diff_topics(before, stored.topic, self.tz), stored.guild_id, stored.updated_at)

    def _visibility(self, action: ChangeAction, stored: StoredTopic, guild_id: int, author: str) -> ChangeResult:
        return ChangeResult(action, stored.title, stored.topic, stored.topic, stored.version, author,
                            diff_topics(stored.topic, stored.topic, self.tz), guild_id)
