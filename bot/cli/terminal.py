"""Printing answers: rendered with rich on a terminal, as plain text everywhere else.

Answers are written in Discord Markdown (``**bold**``, ``<https://…>`` links, backslash escapes).
A person at a terminal gets them rendered; a pipe or a file gets the same text without the markup,
one line per line, never re-wrapped, so scripts can read it.
"""

from __future__ import annotations

import re
from typing import Final, TextIO

_ANGLE_LINK: Final = re.compile(r"<(https?://[^\s<>]+)>")
_EMPHASIS: Final = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC: Final = re.compile(r"(?<![\w\\])_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)")
_ESCAPED: Final = re.compile(r"\\([\\*_~`|\[\]<>#>+\-.])")
#: Inline code (`topicbot list`): the words without the backticks.
_CODE: Final = re.compile(r"(?<![\\`])`([^`\n]+)`(?!`)")
#: A Markdown link [text](https://…): the text, then the address in parentheses.
_LINK: Final = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s()]+)\)")


def plain_text(markdown: str) -> str:
    """``markdown`` as the text a reader sees: markup removed, escaped characters as themselves."""
    text = _ANGLE_LINK.sub(r"\1", markdown)
    text = _LINK.sub(r"\1 (\2)", text)
    text = _CODE.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _ITALIC.sub(r"\1", text)
    return _ESCAPED.sub(r"\1", text)


class Printer:
    """Writes answers to ``out``: rich Markdown when it is a terminal, ``plain_text`` otherwise."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.terminal = out.isatty()

    def markdown(self, text: str) -> None:
        if not self.terminal:
            self.out.write(plain_text(text) + "\n")
            return
        from rich.console import Console
        from rich.markdown import Markdown

        Console(file=self.out).print(Markdown(text, hyperlinks=True))
