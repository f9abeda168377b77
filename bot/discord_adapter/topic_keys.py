"""Short, stable keys for topic titles where Discord limits the length of a string.

Autocomplete choice values are limited to 100 characters and component ``custom_id``s to 100 in
all, but titles may be up to 200. A title that fits is its own key; a longer one becomes ``#`` and
a hash of its case-folded text, resolved back against the in-memory index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Protocol

HASH_PREFIX = "#"


class TitleSource(Protocol):
    """The part of ``TopicIndex`` this module needs."""

    def titles(self, guild_id: int | None = None) -> Iterable[str]: ...


def title_hash(title: str) -> str:
    return HASH_PREFIX + hashlib.sha1(title.casefold().encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def topic_key(title: str, max_length: int = 100) -> str:
    """``title`` itself when it fits in ``max_length`` (and cannot be taken for a hash), else its hash key."""
    if len(title) <= max_length and not title.startswith(HASH_PREFIX):
        return title
    return title_hash(title)


def resolve_key(key: str, index: TitleSource, guild_id: int | None = None) -> str:
    """The title behind ``key``; a plain title is returned as given (the answerer reports unknown ones)."""
    if not key.startswith(HASH_PREFIX):
        return key
    for title in index.titles(guild_id):
        if title_hash(title) == key:
            return title
    return key
