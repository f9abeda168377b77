"""The index persisted beside the store, so a process starts in seconds instead of re-indexing.

A snapshot is the pickled ``TopicIndex`` plus the change-log position it reflects and a mark of the
store it was built from (``StoreMark``: the store's address and the time of the change at that
position). At start-up a snapshot is used only when the store still has that very change, so a
snapshot of another store, or of a store that was emptied and refilled, is never used; the changes
after its position are then applied from the change log like any other change. A snapshot that is
missing, unreadable or of another format is rebuilt from the store and written again.

The file is this process's own cache (written atomically: a temporary file renamed into place) and
holds nothing the store does not.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from bot.core.matching.index import TopicIndex

log = logging.getLogger(__name__)

#: Bumped whenever what a ``TopicIndex`` holds changes shape.
FORMAT: Final = 4


@dataclass(frozen=True)
class StoreMark:
    """Which store, and which point of its change log, a snapshot reflects."""

    store: str  # the store's address without credentials
    position: int  # the id of the last change applied
    changed_at: str  # when that change was made (ISO), or "" at position 0


@dataclass(frozen=True)
class Snapshot:
    mark: StoreMark
    index: TopicIndex


def save_snapshot(path: Path, index: TopicIndex, mark: StoreMark) -> None:
    """Write ``index`` as of ``mark`` to ``path`` (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump((FORMAT, mark, index), out, protocol=pickle.HIGHEST_PROTOCOL)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_snapshot(path: Path, store: str) -> Snapshot | None:
    """The snapshot at ``path`` when it is of this ``store`` and this format, else ``None``."""
    try:
        with path.open("rb") as data:
            loaded = pickle.load(data)  # noqa: S301 - this process's own cache file
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError) as error:
        log.warning("index snapshot %s is unreadable (%s): rebuilding it", path, error)
        return None
    if not (isinstance(loaded, tuple) and len(loaded) == 3 and loaded[0] == FORMAT):
        log.info("index snapshot %s is of another format: rebuilding it", path)
        return None
    _, mark, index = loaded
    if not isinstance(mark, StoreMark) or not isinstance(index, TopicIndex) or mark.store != store:
        log.info("index snapshot %s is of another store: rebuilding it", path)
        return None
    return Snapshot(mark, index)
