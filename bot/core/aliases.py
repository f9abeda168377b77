"""Recovering other names of a topic from its own text.

Records have no alias field; other names appear as parentheticals: "Small modular reactors
(SMRs)", "(Generative AI or GenAI)". A parenthetical counts as an alias when it is short, carries a
capital letter (acronyms and proper names do, explanatory asides rarely do) and is not a date.
"""

from __future__ import annotations

import re
from typing import Final

_PAREN_RE: Final = re.compile(r"\(([^()]{2,40})\)")
_SPLIT_RE: Final = re.compile(r"\s+or\s+|,\s*|;\s*|/")
_YEARISH_RE: Final = re.compile(r"\d{4}")
_MAX_WORDS: Final = 3


def derive_aliases(title: str, *texts: str) -> tuple[str, ...]:
    """Short capitalised parentheticals in ``texts``, split on "or", commas and slashes."""
    found: list[str] = []
    seen = {title.casefold()}
    for text in texts:
        for match in _PAREN_RE.finditer(text):
            for part in _SPLIT_RE.split(match.group(1)):
                name = part.strip().strip("\"'“”‘’")
                if not _looks_like_name(name) or name.casefold() in seen:
                    continue
                seen.add(name.casefold())
                found.append(name)
    return tuple(found)


def _looks_like_name(candidate: str) -> bool:
    if len(candidate) < 2 or len(candidate.split()) > _MAX_WORDS:
        return False
    if not any(ch.isupper() for ch in candidate):
        return False
    if _YEARISH_RE.search(candidate):
        return False
    lowered = candidate.casefold()
    return not lowered.startswith(("source", "see ", "e.g", "i.e", "formerly", "now "))
