"""The "see also" lists kept with the index: computed when topics change, read in O(1) by a reply.

``RelatedLists`` is plain bookkeeping, held by ``TopicIndex`` (so the lists are saved in its snapshot
and a restarted process starts with them) and filled by ``related.RelatedTopics``, which knows how to
compute a list. It keeps, per topic key (scope, case-folded title):

- the list of related titles, once computed;
- for each title, the keys whose lists name it (so a change to a topic drops exactly the lists that
  show it);
- the topics changed since their neighbourhood was last looked at (``pending``): a topic added or
  edited may now belong in other topics' lists, which ``RelatedTopics.settle`` finds with one ranking
  of its definition and drops. A bulk change (an import, a rebuild) makes that pointless: past
  ``MAX_PENDING`` the lists are simply all dropped and computed again.

Nothing here depends on how relatedness is scored.
"""

from __future__ import annotations

from typing import Final

Key = tuple[int | None, str]

#: More pending changes than this: drop every list instead of settling each change.
MAX_PENDING: Final = 256


class RelatedLists:
    """Related titles by topic key, with what a change to one topic makes stale."""

    def __init__(self) -> None:
        self._lists: dict[Key, tuple[str, ...]] = {}
        self._listed_in: dict[str, set[Key]] = {}  # case-folded title → keys whose list names it
        self._pending: dict[Key, None] = {}  # changed topics whose neighbours are not yet settled
        self._overflowed = False

    def __len__(self) -> int:
        return len(self._lists)

    def get(self, key: Key) -> tuple[str, ...] | None:
        """The stored list of ``key`` (``None``: not computed, or dropped since)."""
        return self._lists.get(key)

    def put(self, key: Key, titles: tuple[str, ...]) -> None:
        self.drop(key)
        self._lists[key] = titles
        for title in titles:
            self._listed_in.setdefault(title.casefold(), set()).add(key)

    def drop(self, key: Key) -> None:
        """Forget ``key``'s list."""
        titles = self._lists.pop(key, None)
        for title in titles or ():
            keys = self._listed_in.get(title.casefold())
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._listed_in[title.casefold()]

    def changed(self, key: Key) -> None:
        """The topic at ``key`` was added, edited or removed: drop its list and every list naming it,
        and remember it so that the lists it now belongs in are found (``pending``)."""
        self.drop(key)
        for other in list(self._listed_in.get(key[1], ())):
            self.drop(other)
        if self._overflowed:
            return
        self._pending[key] = None
        if len(self._pending) > MAX_PENDING:
            self.clear()
            self._overflowed = True

    def scope_changed(self, guild_id: int) -> None:
        """What ``guild_id`` sees changed (a topic hidden or shown): drop the lists made for it."""
        for key in [k for k in self._lists if k[0] == guild_id]:
            self.drop(key)

    def pending(self) -> list[Key]:
        """The changed topics not yet settled, oldest first; reading them settles them."""
        keys = list(self._pending)
        self._pending.clear()
        self._overflowed = False
        return keys

    def clear(self) -> None:
        self._lists.clear()
        self._listed_in.clear()
        self._pending.clear()

    def missing(self, keys: list[Key]) -> list[Key]:
        """Those of ``keys`` with no list yet."""
        return [k for k in keys if k not in self._lists]
