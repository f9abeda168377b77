"""Escaping record text for Discord Markdown, so a record's text is shown as written.

Records are plain text: an asterisk, an underscore or a ``[text](url)`` in a description is meant
literally, and rendered as markup it could hide a link behind harmless-looking words. Templates put
every piece of record text through ``escape_markdown``; the markup they add themselves (bold
labels, bullet lists, ``<url>`` links) stays markup. Bare http(s) URLs are left as they are, so
Discord still links them (and shows the real address).
"""

from __future__ import annotations

import re
from typing import Final

_URL_OR_SPECIAL: Final = re.compile(r"(?P<url>https?://[^\s<>]+)|(?P<special>[\\*_~`|\[\]<>])")
#: Markup that only counts at the start of a line: headings, quotes, list items, numbered lists.
_LINE_START: Final = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>#{1,3} |>|-# |[-+] |\d+\. )", re.MULTILINE)


def _escape(match: re.Match[str]) -> str:
    return match.group("url") or "\\" + match.group("special")


def escape_markdown(text: str) -> str:
    """``text`` with Discord Markdown characters backslash-escaped, except inside bare URLs."""
    escaped = _URL_OR_SPECIAL.sub(_escape, text)
    return _LINE_START.sub(lambda m: f"{m.group('indent')}\\{m.group('mark')}", escaped)
