"""Two versions of a record side by side: aligned rows of lines, each marked same, changed, added or removed."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

RowKind = Literal["same", "changed", "added", "removed"]


@dataclass(frozen=True)
class Row:
    kind: RowKind
    left_number: int | None
    left: str
    right_number: int | None
    right: str


def side_by_side(before: str, after: str) -> list[Row]:
    """Rows pairing the lines of ``before`` with those of ``after`` (line numbers are 1-based)."""
    old, new = before.split("\n"), after.split("\n")
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(Row("same", i1 + k + 1, old[i1 + k], j1 + k + 1, new[j1 + k]) for k in range(i2 - i1))
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            left = i1 + k if i1 + k < i2 else None
            right = j1 + k if j1 + k < j2 else None
            kind: RowKind = "changed" if left is not None and right is not None else (
                "removed" if left is not None else "added")
            rows.append(Row(kind, None if left is None else left + 1, "" if left is None else old[left],
                            None if right is None else right + 1, "" if right is None else new[right]))
    return rows
