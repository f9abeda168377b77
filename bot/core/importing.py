"""The one import pipeline (read, plan, apply), and exporting the store back to files.

Reading: ``read_upload`` decodes and parses one record file's bytes (an upload, or a file read by
``read_record``); errors name the file and line. Planning: ``plan_import`` diffs records against the
store. Applying: ``apply_import`` writes a plan; ``import_folder`` plans and applies a folder chunk by
chunk in one transaction. ``TopicEditor`` (every front end's way in) wraps these with previews and
change results.

Imports are all-or-nothing: every write happens in one transaction, and any malformed file, over-long
field, duplicate title or concurrent change rolls the whole import back. The one exception is a record
over the configured ``[limits]`` (``bot.core.record_limits``): a folder import leaves that file out,
says why, and imports the rest. Importing the same folder
twice changes nothing the second time (no new versions, no new revisions). Exports write one file per
topic, atomically, byte-identical to the record that was imported.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Final

from bot.core.changes import CLI_AUTHOR, Author
from bot.core.errors import FieldTooLongError, ImportAbortedError, RecordFormatError, RecordTooLargeError
from bot.core.model import Topic
from bot.core.names import name_key
from bot.core.record_format import format_record, parse_record
from bot.core.record_limits import DEFAULT_LIMITS, RecordLimits, check_record_bytes, enforce_record_limits, refusal
from bot.core.storage import StoredTopic, TopicBatch, TopicRepository, TopicWrite

log = logging.getLogger(__name__)

RECORD_SUFFIX: Final = ".txt"
#: The file in an export folder that lists the record files the last export wrote.
EXPORT_MANIFEST: Final = ".topicbot-export"
#: Records parsed and written per round trip to the database.
DEFAULT_CHUNK: Final = 1000
_COMPARED_FIELDS: Final = (
    "title",
    "description",
    "first_mentioned",
    "last_updated",
    "research_retrieved",
    "summary",
    "attributes",
    "timeline",
    "background",
    "web_results",
)
_SLUG_RE: Final = re.compile(r"[^a-z0-9]+")
_SLUG_MAX: Final = 80

Progress = Callable[[int], None]


@dataclass(frozen=True)
class TopicChange:
    """A topic an import would change, and the names of the fields that differ."""

    title: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class RefusedRecord:
    """A record file an import left out because it goes over the ``[limits]``: the file and each breach."""

    source: str
    breaches: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.breaches)


@dataclass(frozen=True)
class ImportDiff:
    """What an import adds, changes and leaves alone, by title; and the files it refused (over the limits)."""

    added: tuple[str, ...] = ()
    changed: tuple[TopicChange, ...] = ()
    unchanged: tuple[str, ...] = ()
    refused: tuple[RefusedRecord, ...] = ()

    @property
    def is_noop(self) -> bool:
        return not self.added and not self.changed


@dataclass(frozen=True)
class PlannedRecord:
    source: str
    topic: Topic
    text: str


@dataclass(frozen=True)
class PlannedChange:
    record: PlannedRecord
    stored: StoredTopic
    fields: tuple[str, ...]


@dataclass(frozen=True)
class AppliedImport:
    """What an applied import wrote: the topics added, and each changed topic before and after."""

    plan: ImportPlan
    added: tuple[StoredTopic, ...] = ()
    changed: tuple[tuple[StoredTopic, StoredTopic], ...] = ()

    @property
    def diff(self) -> ImportDiff:
        return self.plan.diff


@dataclass(frozen=True)
class ImportPlan:
    """An import worked out against the store, not yet applied (see ``apply_import``)."""

    guild_id: int | None
    added: tuple[PlannedRecord, ...] = ()
    changed: tuple[PlannedChange, ...] = ()
    unchanged: tuple[str, ...] = ()

    @property
    def diff(self) -> ImportDiff:
        return ImportDiff(
            added=tuple(r.topic.title for r in self.added),
            changed=tuple(TopicChange(c.record.topic.title, c.fields) for c in self.changed),
            unchanged=self.unchanged,
        )


@dataclass
class _Tally:
    added: list[str] = field(default_factory=list)
    changed: list[TopicChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[RefusedRecord] = field(default_factory=list)

    def diff(self) -> ImportDiff:
        return ImportDiff(tuple(self.added), tuple(self.changed), tuple(self.unchanged), tuple(self.refused))


def changed_fields(old: Topic, new: Topic) -> tuple[str, ...]:
    """Names of the record fields that differ (aliases are not part of the record format)."""
    return tuple(name for name in _COMPARED_FIELDS if getattr(old, name) != getattr(new, name))


def record_files(folder: Path) -> list[Path]:
    """The record files (``*.txt``) directly in ``folder``, sorted by name."""
    return [folder / name for name in _record_names(folder)]


def _record_names(folder: Path) -> list[str]:
    if not folder.is_dir():
        raise ImportAbortedError(f"{folder} is not a folder")
    with os.scandir(folder) as entries:
        return sorted(e.name for e in entries if e.name.casefold().endswith(RECORD_SUFFIX) and _is_file(e))


def _is_file(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a file; one that cannot be inspected (a symlink loop) or a symlink to
    nothing counts, so that reading it reports the problem instead of it being skipped silently."""
    try:
        return entry.is_file() or (entry.is_symlink() and not os.path.exists(entry.path))
    except OSError:
        return True


def read_upload(name: str, data: bytes, tz: tzinfo = UTC, limits: RecordLimits = DEFAULT_LIMITS) -> PlannedRecord:
    """Decode and parse one record file's bytes; errors name the file (``RecordFormatError`` with its line).

    A record over ``limits`` raises ``RecordTooLargeError`` naming the file; one over ``record_bytes``
    is refused before it is decoded or parsed.
    """
    too_big = check_record_bytes(len(data), limits)
    if too_big is not None:
        raise refusal(name, [too_big])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RecordFormatError(line, "UTF-8 text", f"an undecodable byte ({error.reason})", name) from None
    try:
        topic = parse_record(text, tz)
    except RecordFormatError as error:
        raise error.with_source(name) from None
    except FieldTooLongError as error:
        raise ImportAbortedError(f"{name}: {error}") from error
    enforce_record_limits(name, topic, limits, size=len(data))
    return PlannedRecord(name, topic, text)


def read_record(path: Path, tz: tzinfo = UTC, limits: RecordLimits = DEFAULT_LIMITS) -> tuple[Topic, str]:
    """Parse one record file; errors name the file. Returns the topic and the file's text."""
    record = read_upload(path.name, _file_bytes(str(path), path.name), tz, limits)
    return record.topic, record.text


def _file_bytes(path: str, name: str) -> bytes:
    try:
        with open(path, "rb") as handle:  # no Path object per file: large imports read many
            return handle.read()
    except OSError as error:
        raise ImportAbortedError(f"{name}: cannot read the file ({error.strerror})") from error


def read_records(folder: Path, tz: tzinfo = UTC) -> list[tuple[Path, Topic]]:
    """Parse every record in ``folder``; the first malformed one raises ``RecordFormatError`` naming it."""
    return [(path, read_record(path, tz)[0]) for path in record_files(folder)]


#: One chunk of a folder, read: the records, and the files refused for going over the limits.
_Chunk = tuple[list[PlannedRecord], list[RefusedRecord]]


def _read_chunk(folder: Path, names: Sequence[str], tz: tzinfo, limits: RecordLimits) -> _Chunk:
    directory = str(folder)
    records: list[PlannedRecord] = []
    refused: list[RefusedRecord] = []
    for name in names:
        try:
            records.append(read_upload(name, _file_bytes(os.path.join(directory, name), name), tz, limits))
        except RecordTooLargeError as error:
            refused.append(RefusedRecord(name, error.breaches))
    return records, refused


def _check_unique(topic: Topic, source: str, seen: dict[str, str]) -> None:
    key = name_key(topic.title)
    if key in seen:
        raise ImportAbortedError(f"{source}: the title {topic.title!r} is also used by {seen[key]}")
    seen[key] = source


async def _plan_chunk(
    batch: TopicBatch, records: Sequence[PlannedRecord]
) -> tuple[list[PlannedRecord], list[PlannedChange], list[str]]:
    existing = await batch.find([r.topic.title for r in records])
    added: list[PlannedRecord] = []
    changed: list[PlannedChange] = []
    unchanged: list[str] = []
    for record in records:
        stored = existing.get(name_key(record.topic.title))
        if stored is None:
            added.append(record)
            continue
        fields = changed_fields(stored.topic, record.topic)
        if fields:
            changed.append(PlannedChange(record, stored, fields))
        else:
            unchanged.append(record.topic.title)
    return added, changed, unchanged


def imported_topic(stored: Topic, record: Topic) -> Topic:
    """The topic an import leaves: the record's, keeping the moderator aliases (records carry none)."""
    return replace(record, aliases=stored.aliases)


async def _apply_chunk(
    batch: TopicBatch, added: Sequence[PlannedRecord], changed: Sequence[PlannedChange]
) -> tuple[list[StoredTopic], list[tuple[StoredTopic, StoredTopic]]]:
    stored = await batch.add_many([TopicWrite(r.topic, r.text) for r in added])
    replaced = []
    for change in changed:
        topic = imported_topic(change.stored.topic, change.record.topic)
        replaced.append((change.stored, await batch.replace(change.stored, TopicWrite(topic, change.record.text))))
    return stored, replaced


def _planned(record: PlannedRecord | tuple[Path | str, Topic], tz: tzinfo) -> PlannedRecord:
    if isinstance(record, PlannedRecord):
        return record
    source, topic = record
    return PlannedRecord(source.name if isinstance(source, Path) else source, topic, format_record(topic, tz))


async def plan_import(
    repo: TopicRepository,
    records: Sequence[PlannedRecord | tuple[Path | str, Topic]],
    *,
    guild_id: int | None = None,
) -> ImportPlan:
    """Diff ``records`` against the store by title (case-insensitive); changes nothing."""
    seen: dict[str, str] = {}
    planned = [_planned(record, repo.tz) for record in records]
    for record in planned:
        _check_unique(record.topic, record.source, seen)
    async with repo.batch(guild_id=guild_id) as batch:
        added, changed, unchanged = await _plan_chunk(batch, planned)
    return ImportPlan(guild_id, tuple(added), tuple(changed), tuple(unchanged))


async def apply_import(repo: TopicRepository, plan: ImportPlan, *, author: Author) -> AppliedImport:
    """Apply a plan in one transaction. If anything changed since it was planned, nothing is written."""
    async with repo.batch(guild_id=plan.guild_id, author=author) as batch:
        added, changed = await _apply_chunk(batch, plan.added, plan.changed)
    log.info("import by %s: %d added, %d changed, %d unchanged", author, len(plan.added), len(plan.changed),
             len(plan.unchanged))
    return AppliedImport(plan, tuple(added), tuple(changed))


def _chunks(names: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(names), size):
        yield names[start : start + size]


@asynccontextmanager
async def _reading_ahead(folder: Path, chunks: Sequence[Sequence[str]], tz: tzinfo, limits: RecordLimits,
                         ) -> AsyncIterator[AsyncIterator[_Chunk]]:
    """The chunks' records in order, each chunk read and parsed in a worker thread while the caller
    writes the one before (the database driver works without holding the interpreter lock).

    A chunk is only read once the one before has been handed out, so memory stays bounded by two
    chunks. On leaving, a read still under way is abandoned and its outcome (an error too) discarded.
    """
    pending: asyncio.Future[_Chunk] | None = None

    def start(index: int) -> asyncio.Future[_Chunk] | None:
        if index >= len(chunks):
            return None
        return asyncio.ensure_future(asyncio.to_thread(_read_chunk, folder, chunks[index], tz, limits))

    async def records() -> AsyncIterator[_Chunk]:
        nonlocal pending
        pending = start(0)
        for index in range(len(chunks)):
            assert pending is not None  # noqa: S101 - started for every index below len(chunks)
            chunk = await pending
            pending = start(index + 1)
            yield chunk

    try:
        yield records()
    finally:
        if pending is not None:
            pending.cancel()
            pending.add_done_callback(_discard_outcome)


def _discard_outcome(future: asyncio.Future[_Chunk]) -> None:
    if not future.cancelled():
        future.exception()


async def import_folder(
    repo: TopicRepository,
    folder: Path,
    *,
    tz: tzinfo = UTC,
    guild_id: int | None = None,
    author: Author = CLI_AUTHOR,
    dry_run: bool = False,
    limit: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
) -> ImportDiff:
    """Import every record in ``folder`` in one transaction, reading and writing in chunks.

    Memory stays bounded by ``chunk_size`` records (plus one title per record for duplicate checks).
    With ``dry_run`` nothing is written; the diff says what would happen. ``limit`` imports only the
    first records (by file name). A malformed file raises ``RecordFormatError`` naming it and its line
    and leaves the store exactly as it was. A file over the repository's ``[limits]`` is left out and
    listed in the diff's ``refused``; the rest is imported.
    """
    chunks = list(_chunks(_record_names(folder)[:limit], chunk_size))
    seen: dict[str, str] = {}
    tally = _Tally()
    async with repo.batch(guild_id=guild_id, author=author) as batch, \
            _reading_ahead(folder, chunks, tz, repo.limits) as chunk_records:
        async for records, refused in chunk_records:
            tally.refused.extend(refused)
            for record in records:
                _check_unique(record.topic, record.source, seen)
            added, changed, unchanged = await _plan_chunk(batch, records)
            if not dry_run:
                await _apply_chunk(batch, added, changed)
            tally.added.extend(r.topic.title for r in added)
            tally.changed.extend(TopicChange(c.record.topic.title, c.fields) for c in changed)
            tally.unchanged.extend(unchanged)
            if progress is not None:
                progress(len(records) + len(refused))
    diff = tally.diff()
    log.debug("%s %s: %d added, %d changed, %d unchanged, %d refused", "planned import of" if dry_run else "imported",
             folder, len(diff.added), len(diff.changed), len(diff.unchanged), len(diff.refused))
    return diff


def slugify(title: str) -> str:
    """A filesystem-safe file stem for a title: lower-case ASCII letters and digits joined by '-'.

    Accents are dropped ("Ünïcode" → "unicode"); a title with no ASCII letters or digits at all
    becomes "topic" (``export_file_names`` then tells such titles apart by a hash).
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_RE.sub("-", ascii_title.casefold()).strip("-")[:_SLUG_MAX].rstrip("-")
    return slug or "topic"


def export_file_names(titles: Sequence[str]) -> dict[str, str]:
    """A stable file name per title: its slug, plus a short hash of the title where slugs collide."""
    slugs = {title: slugify(title) for title in titles}
    counts: dict[str, int] = {}
    for slug in slugs.values():
        counts[slug] = counts.get(slug, 0) + 1
    names: dict[str, str] = {}
    for title, slug in slugs.items():
        if counts[slug] > 1:
            slug = f"{slug}-{hashlib.sha256(title.encode('utf-8')).hexdigest()[:8]}"
        names[title] = slug + RECORD_SUFFIX
    return names


def _umask() -> int:
    current = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(current)
    return current


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, bytes as given) to ``path`` via a temporary file and ``os.replace``, with
    the permissions the user's umask gives a new file (the temporary file itself is private)."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below before the rename
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o666 & ~_umask())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


async def export_topics(
    repo: TopicRepository, folder: Path, tz: tzinfo = UTC, *, guild_id: int | None = None
) -> list[Path]:
    """Write every topic of the scope to ``folder``, one record file each; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    stored = await repo.list(guild_id=guild_id, include_global=guild_id is None)
    names = export_file_names([s.topic.title for s in stored])
    written: list[Path] = []
    for item in stored:
        path = folder / names[item.topic.title]
        write_atomically(path, format_record(item.topic, tz))
        written.append(path)
    log.debug("exported %d topics to %s", len(written), folder)
    return written


def remove_stale_exports(folder: Path, written: Sequence[Path]) -> list[Path]:
    """Remove the files an earlier export into ``folder`` wrote that this one (``written``) did not.

    Each export lists its files in ``EXPORT_MANIFEST``; only files named there are ever removed, so
    anything else in the folder is left alone. Returns the removed paths.
    """
    manifest = folder / EXPORT_MANIFEST
    previous = manifest.read_text(encoding="utf-8").splitlines() if manifest.is_file() else []
    current = {path.name for path in written}
    removed: list[Path] = []
    for name in previous:
        path = folder / name
        if name in current or Path(name).name != name or not name.endswith(RECORD_SUFFIX) or not path.is_file():
            continue
        path.unlink()
        removed.append(path)
    write_atomically(manifest, "\n".join(sorted(current)))
    return removed
