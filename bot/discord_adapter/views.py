"""Message components for answers: pages, source links, persistent disambiguation and "see also" buttons.

Disambiguation buttons are ``DynamicItem``s whose ``custom_id`` (``topicbot:pick:<intent>:<key>``)
holds everything needed to answer, so they keep working after a restart once the bot has called
``add_dynamic_items(PickTopicButton)``; "see also" buttons (``topicbot:see:<key>``) likewise.
Page buttons live in an in-memory view with a timeout.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final, cast
from urllib.parse import urlsplit

import discord

from bot.core.answers import INTENTS
from bot.core.discord_limits import BUTTON_LABEL_LIMIT, CUSTOM_ID_LIMIT, LINK_URL_LIMIT
from bot.core.engine import parse_date_range
from bot.discord_adapter.feedback import FeedbackButton
from bot.discord_adapter.replies import OutgoingMessage, answer_embed, clip, no_pings
from bot.discord_adapter.topic_keys import resolve_key, topic_key
from bot.discord_adapter.tree import report_error

if TYPE_CHECKING:
    from bot.core.answers import Answer, DateRange, Intent
    from bot.core.rendering import Reply
    from bot.discord_adapter.client import TopicBot

log = logging.getLogger(__name__)

CUSTOM_ID_PREFIX: Final = "topicbot:"
MAX_LINK_BUTTONS: Final = 5
MAX_PICK_BUTTONS: Final = 5
#: Related topics offered under an answer, on their own row (rows: pages 0, links 1, feedback 2).
MAX_SEE_ALSO_BUTTONS: Final = 3
SEE_ALSO_ROW: Final = 3
SEE_ALSO_LABEL: Final = "See also: "
MAX_DATES_LENGTH: Final = 30
PAGE_TIMEOUT_SECONDS: Final = 15 * 60

_PICK_PREFIX: Final = CUSTOM_ID_PREFIX + "pick:"
_SEE_ALSO_PREFIX: Final = CUSTOM_ID_PREFIX + "see:"


def _link_label(url: str) -> str:
    host = urlsplit(url).hostname or url
    return clip(host.removeprefix("www."), BUTTON_LABEL_LIMIT)


def link_buttons(links: tuple[str, ...] | list[str], row: int | None = None) -> list[discord.ui.Button[Any]]:
    """Up to five link buttons for ``links`` (URLs longer than Discord accepts are skipped)."""
    buttons: list[discord.ui.Button[Any]] = []
    for url in links:
        if len(buttons) == MAX_LINK_BUTTONS:
            break
        if url.startswith(("http://", "https://")) and len(url) <= LINK_URL_LIMIT:
            buttons.append(discord.ui.Button(style=discord.ButtonStyle.link, url=url, label=_link_label(url), row=row))
    return buttons


class PickTopicButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                      template=r"topicbot:pick:(?P<intent>[a-z]+)(?:\|(?P<dates>[^:]*))?:(?P<key>.+)"):
    """One candidate of a disambiguation; clicking edits the message into that topic's answer.

    The custom_id carries the intent, the question's date range as it was written (re-read with
    ``parse_date_range``) and the topic key, so a click needs nothing from memory.
    """

    def __init__(self, intent: Intent, key: str, label: str, dates: str | None = None) -> None:
        custom_id = f"{_PICK_PREFIX}{intent}{'|' + dates if dates else ''}:{key}"
        super().__init__(discord.ui.Button(style=discord.ButtonStyle.primary, label=clip(label, BUTTON_LABEL_LIMIT),
                                           custom_id=custom_id))
        self.intent: Intent = intent
        self.key = key
        self.dates = dates

    @classmethod
    def for_title(cls, intent: Intent, title: str, date_range: DateRange | None = None) -> PickTopicButton:
        dates = date_range.label if date_range is not None else None
        if dates is not None and (":" in dates or len(dates) > MAX_DATES_LENGTH):
            dates = None
        room = CUSTOM_ID_LIMIT - len(_PICK_PREFIX) - len(intent) - (len(dates) + 1 if dates else 0) - 1
        return cls(intent, topic_key(title, room), title, dates)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> PickTopicButton:
        intent = match["intent"]
        if intent not in INTENTS:
            intent = "summary"
        label = getattr(item, "label", None) or match["key"]
        return cls(cast("Intent", intent), match["key"], label, match["dates"] or None)

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            bot = cast("TopicBot", interaction.client)
            services = bot.services
            title = resolve_key(self.key, services.index, interaction.guild_id)
            date_range = parse_date_range(self.dates) if self.dates else None
            answer = services.answerer.with_related(services.answerer.answer_topic(
                title, self.intent, date_range=date_range, guild_id=interaction.guild_id), interaction.guild_id)
            message = compose(answer, services.renderer.render(answer), stale_after=bot.stale_after)
            await interaction.response.edit_message(**message.edit_kwargs())
        except Exception as error:  # every failure is reported to the user and logged with its traceback
            await report_error(interaction, error)


class SeeAlsoButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"topicbot:see:(?P<key>.+)"):
    """A topic related to the answer above it; clicking answers about it privately.

    Unlike a disambiguation pick, which resolves the question the message asked, the answer it sits
    under stays as it is for everyone reading the channel: the related topic's answer (with its own
    "see also" buttons) goes only to the member who clicked.
    """

    def __init__(self, key: str, label: str, row: int | None = SEE_ALSO_ROW) -> None:
        super().__init__(discord.ui.Button(style=discord.ButtonStyle.secondary,
                                           label=clip(SEE_ALSO_LABEL + label, BUTTON_LABEL_LIMIT),
                                           custom_id=f"{_SEE_ALSO_PREFIX}{key}", row=row))
        self.key = key

    @classmethod
    def for_title(cls, title: str) -> SeeAlsoButton:
        return cls(topic_key(title, CUSTOM_ID_LIMIT - len(_SEE_ALSO_PREFIX)), title)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> SeeAlsoButton:
        label = getattr(item, "label", None) or match["key"]
        return cls(match["key"], label.removeprefix(SEE_ALSO_LABEL))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            bot = cast("TopicBot", interaction.client)
            services = bot.services
            title = resolve_key(self.key, services.index, interaction.guild_id)
            answer = services.answerer.with_related(
                services.answerer.answer_topic(title, "summary", guild_id=interaction.guild_id), interaction.guild_id)
            message = compose(answer, services.renderer.render(answer), stale_after=bot.stale_after)
            await interaction.response.send_message(**message.send_kwargs(), ephemeral=True)
        except Exception as error:  # every failure is reported to the user and logged with its traceback
            await report_error(interaction, error)


def pick_view(answer: Answer) -> discord.ui.View:
    """One button per candidate (at most five); persistent, so ``timeout`` is ``None``."""
    view = discord.ui.View(timeout=None)
    intent: Intent = answer.intent if answer.intent in INTENTS else "summary"
    for title in answer.candidates[:MAX_PICK_BUTTONS]:
        view.add_item(PickTopicButton.for_title(intent, title, answer.date_range))
    return view


class PagedView(discord.ui.View):
    """Previous/next buttons over pre-built embeds, plus the answer's link buttons."""

    def __init__(self, pages: list[discord.Embed], links: tuple[str, ...] | list[str] = (),
                 timeout: float | None = PAGE_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.pages = pages
        self.page = 0
        if len(pages) <= 1:
            self.remove_item(self.previous_page)
            self.remove_item(self.next_page)
        for button in link_buttons(links, row=1):
            self.add_item(button)
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous_page.disabled = self.page == 0
        self.next_page.disabled = self.page >= len(self.pages) - 1

    async def _show(self, interaction: discord.Interaction, page: int) -> None:
        self.page = min(max(page, 0), len(self.pages) - 1)
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.pages[self.page], view=self, allowed_mentions=no_pings())

    @discord.ui.button(label="Previous", emoji="\u25c0", style=discord.ButtonStyle.secondary, row=0)
    async def previous_page(self, interaction: discord.Interaction, _button: discord.ui.Button[Any]) -> None:
        await self._show(interaction, self.page - 1)

    @discord.ui.button(label="Next", emoji="\u25b6", style=discord.ButtonStyle.secondary, row=0)
    async def next_page(self, interaction: discord.Interaction, _button: discord.ui.Button[Any]) -> None:
        await self._show(interaction, self.page + 1)

    async def on_error(self, interaction: discord.Interaction, error: Exception,
                       item: discord.ui.Item[Any], /) -> None:
        await report_error(interaction, error)


def compose(answer: Answer, reply: Reply, *, target: discord.abc.Snowflake | None = None,
            stale_after: timedelta | None = None) -> OutgoingMessage:
    """The message for an answer: embed (first page), page/link buttons or candidate buttons, safe mentions.

    ``target`` is the only user the message may ping; it is mentioned in the content. An answer about
    a topic carries the "not what I asked" button, up to three "see also" buttons for its related topics,
    and a note when the topic is older than ``stale_after``.
    """
    pages = reply.pages or (reply.body,)
    embeds = [answer_embed(answer, reply, page, stale_after=stale_after) for page in range(len(pages))]
    view: discord.ui.View | None = None
    if answer.is_disambiguation:
        view = pick_view(answer)
    elif len(embeds) > 1 or reply.links:
        view = PagedView(embeds, reply.links)
    if answer.topic is not None and answer.question:
        view = view or discord.ui.View(timeout=None)
        view.add_item(FeedbackButton.for_answer(answer.topic.title, answer.question, row=2))
    if answer.topic is not None and answer.related:
        view = view or discord.ui.View(timeout=None)
        for title in answer.related[:MAX_SEE_ALSO_BUTTONS]:
            view.add_item(SeeAlsoButton.for_title(title))
    content = f"<@{target.id}>" if target is not None else None
    return OutgoingMessage(content=content, embeds=embeds[:1], view=view, allowed_mentions=no_pings(target))
