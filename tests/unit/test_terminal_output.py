"""Answers on the command line: rendered with rich on a terminal, plain text into a pipe or a file."""

from __future__ import annotations

import io
import re

from bot.cli.terminal import Printer, plain_text

ANSWER = "**Waymo**\n\nA robotaxi \\*company\\*.\n\n_Last updated 6 Jan 2026_\nSources: <https://waymo.com/a_b>"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_the_markdown_rendered() -> None:
    out = _Terminal()
    Printer(out).markdown(ANSWER)
    shown = re.sub(r"\x1b\[[0-9;]*[A-Za-z]|\x1b\]8;[^\x1b]*\x1b\\\\", "", out.getvalue())
    assert "Waymo" in shown
    assert "**" not in shown
    assert "\\*" not in shown
    assert "A robotaxi *company*." in shown
    assert "\x1b[" in out.getvalue()  # styled


def test_a_pipe_gets_plain_text_line_for_line() -> None:
    out = io.StringIO()
    Printer(out).markdown(ANSWER)
    assert out.getvalue() == ("Waymo\n\nA robotaxi *company*.\n\nLast updated 6 Jan 2026\n"
                              "Sources: https://waymo.com/a_b\n")
    assert plain_text("snake_case and 2*3") == "snake_case and 2*3"


def test_item_13_no_discord_markdown_reaches_a_pipe() -> None:
    """Issue 23, item 13: inline code and Markdown links are rendered for plain text, not leaked."""
    out = io.StringIO()
    Printer(out).markdown("I don't have a topic for that; try `topicbot list`.\nRead [the record](https://x.org/a_b) "
                          "or (<https://y.org/c>); a literal \\`tick\\` stays.")
    assert out.getvalue() == ("I don't have a topic for that; try topicbot list.\nRead the record (https://x.org/a_b) "
                              "or (https://y.org/c); a literal `tick` stays.\n")
