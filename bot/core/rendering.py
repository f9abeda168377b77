"""Turning an ``Answer`` into Markdown with Jinja2 templates, within Discord's limits.

One ``jinja2.Environment`` is built in ``Renderer.__init__`` (templates in ``bot/core/templates``,
autoescape off because the output is Markdown, ``trim_blocks``/``lstrip_blocks`` on). ``render``
returns a ``Reply``: the body (≤ 4096 characters, an embed description), the body split into pages
for long timelines and lists, and a complete plain ``text`` of at most 2000 characters that is
shortened with a visible note rather than cut mid-word.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import jinja2

from bot.core.answers import Answer
from bot.core.discord_limits import EMBED_DESCRIPTION_LIMIT, MESSAGE_LIMIT
from bot.core.markdown import escape_markdown
from bot.core.model import Topic

log = logging.getLogger(__name__)

PAGE_LIMIT: Final = EMBED_DESCRIPTION_LIMIT
SHORTENED_NOTE: Final = "… (shortened; ask about one part, or use /topic, for the rest)"


@dataclass(frozen=True)
class CommandNames:
    """How a front end names the commands its hints point to (slash commands in Discord, CLI commands)."""

    list_topics: str
    show_topic: str


DISCORD_COMMANDS: Final = CommandNames(list_topics="/topic list", show_topic="/topic")
CLI_COMMANDS: Final = CommandNames(list_topics="`topicbot list`", show_topic="`topicbot show TITLE`")


@dataclass(frozen=True)
class Reply:
    """What a front end shows for one answer.

    ``title`` is the topic title or a heading; ``body`` the Markdown answer without title and
    freshness (≤ 4096 chars); ``pages`` the complete body split on line boundaries (each ≤ 4096);
    ``text`` the whole plain message (≤ 2000 chars); ``links`` source URLs for link buttons.
    """

    title: str | None
    body: str
    pages: tuple[str, ...]
    text: str
    links: tuple[str, ...] = ()
    freshness: str | None = None


def format_day(moment: datetime) -> str:
    """``6 Jan 2026``."""
    return f"{moment.day} {moment:%b %Y}"


def freshness_line(topic: Topic) -> str:
    return f"Last updated {format_day(topic.last_updated)} · research retrieved {format_day(topic.research_retrieved)}"


def shorten(text: str, limit: int, note: str = SHORTENED_NOTE) -> str:
    """``text`` if it fits in ``limit``; else cut at a word boundary and end with ``note``."""
    if len(text) <= limit:
        return text
    room = max(0, limit - len(note))
    cut = text[:room]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > room // 2:
        cut = cut[:space]
    return cut.rstrip() + note


def paginate(body: str, limit: int = PAGE_LIMIT) -> tuple[str, ...]:
    """Split ``body`` on line boundaries into pages of at most ``limit`` characters."""
    pages: list[str] = []
    current = ""
    for line in body.split("\n"):
        while len(line) > limit:  # a single over-long line is split between words
            head = shorten(line, limit, note="")
            pages.extend([current.rstrip("\n")] if current.strip() else [])
            current = ""
            pages.append(head)
            line = line[len(head):].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pages.append(current.rstrip("\n"))
            current = line
        else:
            current = candidate
    if current.strip() or not pages:
        pages.append(current.rstrip("\n"))
    return tuple(pages)


class Renderer:
    """Renders answers; build one and reuse it (the Jinja2 environment is built once)."""

    def __init__(self, commands: CommandNames = DISCORD_COMMANDS) -> None:
        self.commands = commands
        self.shortened_note = SHORTENED_NOTE.replace("/topic", commands.show_topic)
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("bot.core", "templates"),
            autoescape=False,  # noqa: S701 - the output is Discord Markdown, not HTML
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            undefined=jinja2.StrictUndefined,
        )
        # Record text is literal: every template passes it through ``md`` (see bot.core.markdown).
        self.env.filters["md"] = escape_markdown
        self.env.globals["commands"] = commands
        self._templates: dict[str, jinja2.Template] = {}

    def _render(self, name: str, **context: object) -> str:
        template = self._templates.get(name)
        if template is None:  # loaded once: the templates ship with the package and do not change
            template = self._templates[name] = self.env.get_template(f"{name}.md.j2")
        return template.render(**context).strip()

    def render(self, answer: Answer) -> Reply:
        topic = answer.topic
        links: tuple[str, ...] = ()
        freshness = freshness_line(topic) if topic is not None else None
        if answer.is_disambiguation:
            title: str | None = "Did you mean…?"
            body = self._render("disambiguation", candidates=answer.candidates)
        elif answer.intent == "list":
            title = "Tracked topics"
            body = self._render("list", titles=answer.candidates, filter_label=answer.list_filter)
        elif topic is None:
            title = None
            body = self._render("miss", suggestions=answer.suggestions)
        else:
            title = topic.title
            links = answer.sources or topic.links
            if answer.intent == "attribute" and answer.attribute is not None:
                body = self._render("attribute", attribute=answer.attribute)
            elif answer.intent == "timeline":
                body = self._render("timeline", topic=topic, events=answer.events,
                                    nearest_events=answer.nearest_events, date_range=answer.date_range)
            elif answer.intent == "sources":
                body = self._render("sources", topic=topic, links=links,
                                    unlinked=[r.title for r in topic.web_results if not r.links])
            else:
                body = self._render("summary", topic=topic)
        pages = paginate(body)
        first = pages[0] if len(pages) == 1 else shorten(body, PAGE_LIMIT, self.shortened_note)
        return Reply(title=title, body=first, pages=pages, text=self._message(title, body, freshness, links,
                                                                             answer.intent),
                     links=links, freshness=freshness)

    def _message(self, title: str | None, body: str, freshness: str | None, links: tuple[str, ...],
                 intent: str) -> str:
        head = f"**{escape_markdown(title)}**\n\n" if title else ""
        tail = f"\n\n_{freshness}_" if freshness else ""
        if links and intent != "sources":
            tail += "\nSources: " + " ".join(f"<{link}>" for link in links[:3])
        room = MESSAGE_LIMIT - len(head) - len(tail)
        if room < 200:  # pathological titles or links: keep the answer, drop the extras
            tail = f"\n_{freshness}_" if freshness and len(freshness) < 300 else ""
            head = shorten(head, 200, note="…")
            room = MESSAGE_LIMIT - len(head) - len(tail)
        note = self.shortened_note
        return shorten(f"{head}{body}{tail}" if len(body) <= room else f"{head}{shorten(body, room, note)}{tail}",
                       MESSAGE_LIMIT, note)
