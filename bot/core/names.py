"""The one key topic names are compared by: titles and aliases, for uniqueness and for look-ups.

Two names that look the same are the same name: the key drops invisible format characters
(Unicode category Cf: zero-width spaces and joiners, bidirectional controls, soft hyphens, byte-order
marks), applies NFKC compatibility normalisation (full-width letters, ligatures) and case-folds.
"Way\u200bmo", "ＷＡＹＭＯ" and "waymo" have one key. Names themselves are stored as written.
"""

from __future__ import annotations

import unicodedata


def strip_invisible(text: str) -> str:
    """``text`` without format characters (category Cf), which render as nothing."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def name_key(name: str) -> str:
    """The comparison key of a title or alias (NFKC, invisible characters removed, case-folded)."""
    if name.isascii():
        # The same key, faster: ASCII has no format characters, NFKC leaves it alone and case-folds it
        # to lower case.
        return name.lower()
    folded = unicodedata.normalize("NFKC", strip_invisible(name)).casefold()
    return unicodedata.normalize("NFKC", folded)
