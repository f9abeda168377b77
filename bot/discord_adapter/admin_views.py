"""Modals and confirm buttons for ``/topic-admin``.

``TopicFormModal`` is the add/edit form (title, description, summary). Its text inputs take their
``max_length`` from ``bot.core.model.LIMITS``, the limits the core enforces, and an edit form keeps
the topic's title and version as they were when it was opened, so the submit can refuse a stale
edit. ``ConfirmView`` asks the moderator who ran a command to confirm it; nobody else can press it.

``read_attachment``, ``parse_day`` and ``form_change`` turn what a moderator handed in into what
the editor takes. The views only collect input and hand it to a handler from the cog; every failure is logged and
answered once through ``report_error``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import discord

from bot.core import editing
from bot.core.discord_limits import MESSAGE_LIMIT, MODAL_TITLE_LIMIT, TEXT_INPUT_LIMIT
from bot.core.errors import EditError
from bot.core.model import LIMITS
from bot.core.moderation import MAX_UPLOAD_BYTES
from bot.discord_adapter.replies import clip, no_pings
from bot.discord_adapter.tree import report_error

if TYPE_CHECKING:
    from bot.core.model import Topic
    from bot.core.moderation import Change

log = logging.getLogger(__name__)

#: Discord's own cap on a modal text input.
FORM_TIMEOUT_SECONDS: Final = 30 * 60
CONFIRM_TIMEOUT_SECONDS: Final = 10 * 60
TITLE_FIELD: Final = "topic:title"
DESCRIPTION_FIELD: Final = "topic:description"
SUMMARY_FIELD: Final = "topic:summary"
NOT_YOURS: Final = "Only the moderator who ran this command can press its buttons."
CANCELLED: Final = "Cancelled; nothing was changed."
FAILED: Final = "Not done, and nothing was changed (the reason is in the message below)."
ALREADY_DONE: Final = "That was already confirmed or cancelled."


@dataclass(frozen=True)
class TopicForm:
    """What a submitted add/edit form holds; ``opened_title``/``version`` are set for an edit."""

    title: str
    description: str
    summary: str
    opened_title: str | None = None
    version: int | None = None


FormHandler = Callable[[discord.Interaction, TopicForm], Awaitable[None]]
#: Runs a confirmed action; returns the text that replaces the confirmation message.
ConfirmHandler = Callable[[discord.Interaction], Awaitable[str]]


async def read_attachment(attachment: discord.Attachment) -> tuple[str, bytes]:
    """``(file name, bytes)`` of an uploaded file, refusing one too large to be a set of records."""
    if attachment.size > MAX_UPLOAD_BYTES:
        raise EditError(f"{attachment.filename} is {attachment.size} bytes; the limit is {MAX_UPLOAD_BYTES}")
    try:
        return attachment.filename, await attachment.read()
    except discord.HTTPException as error:
        raise EditError(f"I couldn't download {attachment.filename} from Discord; please try again") from error


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise EditError(f"write the date as YYYY-MM-DD (got {text.strip()!r})") from None


def form_change(form: TopicForm) -> Change:
    """The edit a submitted form asks for: its title, description and summary, everything else kept."""

    def change(topic: Topic) -> Topic:
        topic = editing.set_title(topic, form.title)
        topic = editing.set_description(topic, form.description)
        return editing.set_summary(topic, form.summary)

    return change


def _max_length(field_name: str) -> int:
    return min(LIMITS[field_name], TEXT_INPUT_LIMIT)


class TopicFormModal(discord.ui.Modal):
    """Title, description and summary of a topic: empty to add one, pre-filled to edit one."""

    def __init__(self, heading: str, handler: FormHandler, *, current: Topic | None = None,
                 version: int | None = None, timeout: float | None = FORM_TIMEOUT_SECONDS) -> None:
        super().__init__(title=clip(heading, MODAL_TITLE_LIMIT), timeout=timeout)
        self.handler = handler
        self.opened_title = current.title if current is not None else None
        self.version = version
        self.title_input: discord.ui.TextInput[TopicFormModal] = discord.ui.TextInput(
            label="Title", custom_id=TITLE_FIELD, max_length=_max_length("title"),
            default=current.title if current is not None else None)
        self.description_input: discord.ui.TextInput[TopicFormModal] = discord.ui.TextInput(
            label="Description (one paragraph)", custom_id=DESCRIPTION_FIELD, style=discord.TextStyle.paragraph,
            max_length=_max_length("description"), default=current.description if current is not None else None)
        self.summary_input: discord.ui.TextInput[TopicFormModal] = discord.ui.TextInput(
            label="Summary", custom_id=SUMMARY_FIELD, style=discord.TextStyle.paragraph,
            max_length=_max_length("summary"), default=current.summary if current is not None else None)
        for item in (self.title_input, self.description_input, self.summary_input):
            self.add_item(item)

    def form(self) -> TopicForm:
        return TopicForm(self.title_input.value, self.description_input.value, self.summary_input.value,
                         self.opened_title, self.version)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        try:
            await self.handler(interaction, self.form())
        except Exception as error:  # reported to the moderator once and logged with its traceback
            await report_error(interaction, error)

    # discord.py's Modal.on_error itself drops View.on_error's ``item`` parameter.
    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await report_error(interaction, error)


class ConfirmView(discord.ui.View):
    """Confirm / Cancel for one moderator's pending action; the action runs at most once."""

    def __init__(self, owner_id: int, handler: ConfirmHandler, *, confirm_label: str = "Confirm",
                 timeout: float | None = CONFIRM_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.handler = handler
        self.done = False
        self.confirm.label = confirm_label

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        log.warning("user %s pressed a confirm button of user %s in guild %s; refused", interaction.user.id,
                    self.owner_id, interaction.guild_id)
        await interaction.response.send_message(NOT_YOURS, ephemeral=True, allowed_mentions=no_pings())
        return False

    def _finish(self) -> None:
        self.done = True
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        self.stop()

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _button: discord.ui.Button[Any]) -> None:
        if self.done:
            await interaction.response.send_message(ALREADY_DONE, ephemeral=True, allowed_mentions=no_pings())
            return
        self._finish()
        await interaction.response.defer()
        try:
            text = await self.handler(interaction)
        except Exception as error:  # reported to the moderator once and logged with its traceback
            await report_error(interaction, error)
            await self._show(interaction, FAILED)
            return
        await self._show(interaction, text)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _button: discord.ui.Button[Any]) -> None:
        self._finish()
        await interaction.response.edit_message(content=CANCELLED, view=None, allowed_mentions=no_pings())

    async def _show(self, interaction: discord.Interaction, text: str) -> None:
        try:
            await interaction.edit_original_response(content=clip(text, MESSAGE_LIMIT), view=None,
                                                     allowed_mentions=no_pings())
        except discord.HTTPException:
            log.exception("could not update the confirmation message for user %s", self.owner_id)

    async def on_error(self, interaction: discord.Interaction, error: Exception,
                       item: discord.ui.Item[Any], /) -> None:
        await report_error(interaction, error)
