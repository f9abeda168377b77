"""``/topic-admin …``: moderators add, edit, remove, import, export and revert this server's topics.

Hidden from members by default permissions and checked again on every use (``moderators``).
Every change goes through ``services.editor`` (``TopicEditor``), the one write path; the moderator
gets an ephemeral reply with the diff. The mod log is a change-feed subscriber: it gets every change
made in any process (Discord, the CLI, another shard), claims it in the store so that exactly one
process posts it, and posts one message per change to the guild's mod-log channel. Changes apply
to the guild's own topics; a shared topic can only be hidden here.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from bot.core import editing
from bot.core.changes import Author, ChangeEvent
from bot.core.discord_limits import MESSAGE_LIMIT
from bot.core.errors import EditError, StaleVersionError, TopicbotError, TopicNotFoundError
from bot.core.model import LIMITS
from bot.core.moderation import RECORD_SUFFIX
from bot.core.sign_in import LINK_LIFETIME, sign_in_link
from bot.core.storage import GuildSettings
from bot.core.storage.sign_ins import SignInStore
from bot.core.topic_diff import format_diff
from bot.discord_adapter.admin_views import (
    ConfirmView,
    TopicForm,
    TopicFormModal,
    form_change,
    parse_day,
    read_attachment,
)
from bot.discord_adapter.choices import topic_choices
from bot.discord_adapter.cogs.usage_admin import UsageAdminCommands
from bot.discord_adapter.error_messages import user_message
from bot.discord_adapter.mod_log import MAX_MESSAGES_PER_BATCH, ModLog
from bot.discord_adapter.moderators import check_manager, check_moderator
from bot.discord_adapter.replies import clip, no_pings
from bot.discord_adapter.topic_keys import resolve_key

if TYPE_CHECKING:
    from bot.core.moderation import Change, ChangeResult, TopicEditor
    from bot.discord_adapter.client import TopicBot

log = logging.getLogger(__name__)

TOPIC_HELP: Final = "The topic (start typing to search)"

# Option types whose length limits are the core's (``LIMITS``).
AttributeName = app_commands.Range[str, 1, LIMITS["attribute_name"]]
AttributeValue = app_commands.Range[str, 1, LIMITS["attribute_value"]]
EventText = app_commands.Range[str, 1, LIMITS["event_text"]]
EventSource = app_commands.Range[str, 1, LIMITS["event_source"]]
Alias = app_commands.Range[str, 1, LIMITS["alias"]]
ResultTitle = app_commands.Range[str, 1, LIMITS["result_title"]]
ResultSnippet = app_commands.Range[str, 1, LIMITS["result_snippet"]]
ResultUrl = app_commands.Range[str, 1, LIMITS["result_url"]]


def author_of(interaction: discord.Interaction) -> Author:
    """The moderator behind an interaction (named ``name (id)`` in revisions and the mod log)."""
    return Author(interaction.user.name, "discord", interaction.user.id)


def _guild(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:  # the group is guild-only; this is a bug, not user input
        raise app_commands.NoPrivateMessage
    return interaction.guild_id


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class TopicAdminCog(UsageAdminCommands, commands.GroupCog, group_name="topic-admin",
                    group_description="Moderators: add, edit, import and revert this server's topics"):
    """Moderator tools; every command replies only to the moderator who used it."""

    def __init__(self, bot: TopicBot) -> None:
        self.bot = bot
        self.mod_log = ModLog(bot, bot.settings.discord.mod_log_channel_id)
        self.sign_ins = SignInStore(bot.services.session_factory, secret=bot.settings.dashboard.secret)
        super().__init__()
        bot.services.feed.subscribe(self.post_to_mod_log)

    async def cog_unload(self) -> None:
        self.bot.services.feed.unsubscribe(self.post_to_mod_log)

    @property
    def editor(self) -> TopicEditor:
        return self.bot.services.editor

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        await check_moderator(interaction, self.bot.services.repository)
        return True

    async def recheck(self, interaction: discord.Interaction) -> None:
        """Check again, when a form is submitted or a Confirm pressed, that the member is still a moderator:
        the role or permission may have been taken away since the command was used."""
        await check_moderator(interaction, self.bot.services.repository)

    # --- replies and the mod log ------------------------------------------------------------

    @staticmethod
    async def reply(interaction: discord.Interaction, text: str, *, view: discord.ui.View | None = None,
                    file: discord.File | None = None) -> None:
        """An ephemeral reply that pings nobody, as a response or (after a defer) a follow-up."""
        kwargs: dict[str, Any] = {"ephemeral": True, "allowed_mentions": no_pings()}
        if view is not None:
            kwargs["view"] = view
        if file is not None:
            kwargs["file"] = file
        if interaction.response.is_done():
            await interaction.followup.send(clip(text, MESSAGE_LIMIT), wait=True, **kwargs)
        else:
            await interaction.response.send_message(clip(text, MESSAGE_LIMIT), **kwargs)

    async def post_to_mod_log(self, events: Sequence[ChangeEvent], /) -> None:
        """Change-feed subscriber: post the guild changes this process claims to their mod logs.

        Every process running the bot sees every change; the claim in the store makes exactly one of
        them post it. Never raises (the changes are stored already).
        """
        services = self.bot.services
        logged = [e for e in events if e.guild_id is not None and e.action != "settings"]
        if not logged:
            return
        try:
            claimed = await services.repository.claim_for_mod_log([e.id for e in logged], services.process_id)
            by_guild: dict[int, list[ChangeEvent]] = {}
            for event in logged:
                if event.id in claimed and event.guild_id is not None:
                    by_guild.setdefault(event.guild_id, []).append(event)
            for guild_id, guild_events in by_guild.items():
                settings = await services.repository.guild_settings(guild_id)
                described = [await services.editor.describe(e) for e in guild_events[:MAX_MESSAGES_PER_BATCH]]
                rest = [(e.title or "?", e.author.label) for e in guild_events[MAX_MESSAGES_PER_BATCH:]]
                await self.mod_log.post(settings, [c for c in described if c is not None], rest)
        except Exception:  # logged; the changes themselves stand
            log.exception("could not post change events %d to %d to the mod log", logged[0].id, logged[-1].id)

    async def applied(self, interaction: discord.Interaction, result: ChangeResult, note: str = "") -> None:
        """Tell the moderator what changed (headline and diff); the mod log hears of it from the feed."""
        room = MESSAGE_LIMIT - len(note) - 1
        await self.reply(interaction, f"{result.mod_log_text(room)}\n{note}".rstrip())

    async def refuse_stale(self, interaction: discord.Interaction, error: StaleVersionError) -> None:
        """Refuse a stale edit: who changed the topic and when since it was opened, and what they changed."""
        log.info("stale edit of %r by %s refused (had version %s, now %s)", error.title, author_of(interaction),
                 error.expected_version, error.actual_version)
        text = user_message(error)
        try:
            diff = await self.editor.changes_since(error.title, error.expected_version, guild_id=interaction.guild_id)
        except TopicbotError:
            log.warning("no diff for the stale edit of %r", error.title, exc_info=True)
        else:
            heading = "\n**What changed since you opened it:**\n"
            text += heading + format_diff(diff, max(0, MESSAGE_LIMIT - len(text) - len(heading)))
        await self.reply(interaction, text)

    async def change(self, interaction: discord.Interaction, topic: str, change: Change) -> None:
        """Apply one edit function to the topic the option names."""
        try:
            result = await self.editor.edit(self.title(interaction, topic), change, author=author_of(interaction),
                                            guild_id=_guild(interaction))
        except StaleVersionError as error:
            await self.refuse_stale(interaction, error)
            return
        await self.applied(interaction, result)

    def title(self, interaction: discord.Interaction, key: str) -> str:
        return resolve_key(key, self.bot.services.index, interaction.guild_id)

    # --- settings ---------------------------------------------------------------------------

    @app_commands.command(name="config", description="Set the moderator role and the mod-log channel")
    @app_commands.rename(moderator_role="moderator-role", mod_log="mod-log")
    @app_commands.describe(moderator_role="Members with this role may use /topic-admin",
                           mod_log="Channel that gets one message per change")
    async def config(self, interaction: discord.Interaction, moderator_role: discord.Role,
                     mod_log: discord.TextChannel | None = None) -> None:
        check_manager(interaction)
        if moderator_role.is_default():
            raise EditError("@everyone cannot be the moderator role: that would let every member edit the topics")
        repository = self.bot.services.repository
        current = await repository.guild_settings(_guild(interaction))
        channel_id = mod_log.id if mod_log is not None else current.mod_log_channel_id
        await self.editor.save_guild_settings(GuildSettings(current.guild_id, moderator_role.id, channel_id),
                                              author=author_of(interaction))
        log.info("%s set moderator role %s and mod log %s in guild %s", author_of(interaction), moderator_role.id,
                 channel_id, current.guild_id)
        where = f"<#{channel_id}>" if channel_id is not None else "not set"
        await self.reply(interaction, f"Moderators: members with Manage Server and {moderator_role.mention}.\n"
                                      f"Mod log: {where}.")

    # --- adding and editing -----------------------------------------------------------------

    @app_commands.command(name="add", description="Add a topic: fill in a form, or attach a record file (.txt)")
    @app_commands.describe(file="A record file in the topic format (.txt); leave out to fill in a form")
    async def add(self, interaction: discord.Interaction, file: discord.Attachment | None = None) -> None:
        if file is None:
            await interaction.response.send_modal(TopicFormModal("Add a topic", self.submit_add))
            return
        if not file.filename.lower().endswith(RECORD_SUFFIX):
            raise EditError(f"{file.filename} is not a record file ({RECORD_SUFFIX}); use /topic-admin import "
                            "for a .zip")
        await interaction.response.defer(ephemeral=True, thinking=True)
        name, data = await read_attachment(file)
        result = await self.editor.add_record(name, data, author=author_of(interaction), guild_id=_guild(interaction))
        await self.applied(interaction, result)

    async def submit_add(self, interaction: discord.Interaction, form: TopicForm) -> None:
        await self.recheck(interaction)
        topic = editing.new_topic(form.title, form.description, form.summary, datetime.now(UTC))
        result = await self.editor.add(topic, author=author_of(interaction), guild_id=_guild(interaction))
        await self.applied(interaction, result)

    @app_commands.command(name="edit", description="Edit a topic's title, description and summary in a form")
    @app_commands.describe(topic=TOPIC_HELP)
    async def edit(self, interaction: discord.Interaction, topic: str) -> None:
        stored = await self.editor.open(self.title(interaction, topic), guild_id=_guild(interaction))
        modal = TopicFormModal(f"Edit {stored.title}", self.submit_edit, current=stored.topic,
                               version=stored.version)
        await interaction.response.send_modal(modal)

    async def submit_edit(self, interaction: discord.Interaction, form: TopicForm) -> None:
        await self.recheck(interaction)
        if form.opened_title is None or form.version is None:
            raise EditError("this form was not opened for a topic; use /topic-admin edit")
        try:
            result = await self.editor.edit(form.opened_title, form_change(form), author=author_of(interaction),
                                            guild_id=_guild(interaction), expected_version=form.version)
        except StaleVersionError as error:
            await self.refuse_stale(interaction, error)
            return
        await self.applied(interaction, result)

    @app_commands.command(name="attribute", description="Set an attribute of a topic, or remove it (leave out value)")
    @app_commands.describe(topic=TOPIC_HELP, name="The attribute, e.g. CEO", value="Its value; leave out to remove it")
    async def attribute(self, interaction: discord.Interaction, topic: str,
                        name: AttributeName,
                        value: AttributeValue | None = None) -> None:
        if value is None:
            await self.change(interaction, topic, lambda t: editing.remove_attribute(t, name))
        else:
            await self.change(interaction, topic, lambda t: editing.set_attribute(t, name, value))

    @app_commands.command(name="event-add", description="Add a dated event to a topic's timeline")
    @app_commands.describe(topic=TOPIC_HELP, date="The day, as YYYY-MM-DD", text="What happened",
                           source="Where it was reported (optional)")
    async def event_add(self, interaction: discord.Interaction, topic: str, date: str,
                        text: EventText,
                        source: EventSource | None = None) -> None:
        day = parse_day(date)
        await self.change(interaction, topic, lambda t: editing.add_event(t, text, day, source))

    @app_commands.command(name="event-remove", description="Remove a timeline event (numbered as in /topic timeline)")
    @app_commands.describe(topic=TOPIC_HELP, number="The event's number, counting from 1")
    async def event_remove(self, interaction: discord.Interaction, topic: str,
                           number: app_commands.Range[int, 1]) -> None:
        await self.change(interaction, topic, lambda t: editing.remove_event(t, number))

    @app_commands.command(name="alias-add", description="Add another name a topic answers to")
    @app_commands.describe(topic=TOPIC_HELP, alias="The other name")
    async def alias_add(self, interaction: discord.Interaction, topic: str,
                        alias: Alias) -> None:
        await self.change(interaction, topic, lambda t: editing.add_alias(t, alias))

    @app_commands.command(name="alias-remove", description="Remove a name added with alias-add")
    @app_commands.describe(topic=TOPIC_HELP, alias="The name to remove")
    async def alias_remove(self, interaction: discord.Interaction, topic: str,
                           alias: Alias) -> None:
        await self.change(interaction, topic, lambda t: editing.remove_alias(t, alias))

    @app_commands.command(name="result-add", description="Add a web result (a source) to a topic")
    @app_commands.describe(topic=TOPIC_HELP, title="The page's title", snippet="What it says",
                           url="Its address (http:// or https://)")
    async def result_add(self, interaction: discord.Interaction, topic: str,
                         title: ResultTitle,
                         snippet: ResultSnippet,
                         url: ResultUrl | None = None) -> None:
        await self.change(interaction, topic, lambda t: editing.add_web_result(t, title, snippet, url))

    @app_commands.command(name="result-remove", description="Remove a web result (numbered as /topic sources shows)")
    @app_commands.describe(topic=TOPIC_HELP, number="The result's number, counting from 1")
    async def result_remove(self, interaction: discord.Interaction, topic: str,
                            number: app_commands.Range[int, 1]) -> None:
        await self.change(interaction, topic, lambda t: editing.remove_web_result(t, number))

    # --- removing, reverting, hiding --------------------------------------------------------

    @app_commands.command(name="remove", description="Remove a topic (asks to confirm; it can be undone)")
    @app_commands.describe(topic=TOPIC_HELP)
    async def remove(self, interaction: discord.Interaction, topic: str) -> None:
        guild_id = _guild(interaction)
        stored = await self.editor.open(self.title(interaction, topic), guild_id=guild_id)

        async def confirmed(click: discord.Interaction) -> str:
            await self.recheck(click)
            result = await self.editor.remove(stored.title, author=author_of(click), guild_id=guild_id,
                                              expected_version=stored.version)
            return (f"{result.headline()}\nTo undo it: `/topic-admin revert topic:{stored.title} "
                    f"to:{stored.version}`")

        view = ConfirmView(interaction.user.id, confirmed, confirm_label="Remove")
        await self.reply(interaction, f"Remove **{stored.title}** (version {stored.version})? The removal is kept "
                                      "in its history, so `/topic-admin revert` can bring it back.", view=view)

    @app_commands.command(name="revert", description="Make a topic what it was at an earlier version")
    @app_commands.describe(topic=TOPIC_HELP, to="The version to go back to (see /topic-admin history)")
    async def revert(self, interaction: discord.Interaction, topic: str, to: app_commands.Range[int, 1]) -> None:
        result = await self.editor.revert(self.title(interaction, topic), to, author=author_of(interaction),
                                          guild_id=_guild(interaction))
        await self.applied(interaction, result)

    @app_commands.command(name="hide", description="Hide a shared topic in this server")
    @app_commands.describe(topic=TOPIC_HELP)
    async def hide(self, interaction: discord.Interaction, topic: str) -> None:
        result = await self.editor.hide(self.title(interaction, topic), guild_id=_guild(interaction),
                                        author=author_of(interaction))
        await self.applied(interaction, result, "`/topic-admin unhide` shows it again.")

    @app_commands.command(name="unhide", description="Show a hidden shared topic in this server again")
    @app_commands.describe(topic="The hidden topic's title")
    async def unhide(self, interaction: discord.Interaction, topic: str) -> None:
        result = await self.editor.unhide(topic, guild_id=_guild(interaction), author=author_of(interaction))
        await self.applied(interaction, result)

    # --- history ----------------------------------------------------------------------------

    @app_commands.command(name="history", description="Every version of a topic: who changed it and when")
    @app_commands.describe(topic=TOPIC_HELP)
    async def history(self, interaction: discord.Interaction, topic: str) -> None:
        title, guild_id = self.title(interaction, topic), _guild(interaction)
        try:
            revisions = await self.editor.history(title, guild_id=guild_id)
        except TopicNotFoundError:  # not this server's own topic: a shared one's history is readable too
            revisions = await self.editor.history(title)
        lines = [f"**{revisions[-1].title}**: {len(revisions)} versions, newest first"]
        lines += [f"`v{r.version}` {r.action} by {r.author}, {format_dt(r.created_at, 'f')}"
                  for r in reversed(revisions)]
        await self.reply(interaction, "\n".join(lines))

    @app_commands.command(name="diff", description="What changed in a topic between two versions")
    @app_commands.rename(from_version="from", to_version="to")
    @app_commands.describe(topic=TOPIC_HELP, from_version="The older version", to_version="The newer version")
    async def diff(self, interaction: discord.Interaction, topic: str, from_version: app_commands.Range[int, 1],
                   to_version: app_commands.Range[int, 1]) -> None:
        title, guild_id = self.title(interaction, topic), _guild(interaction)
        try:
            found = await self.editor.diff(title, from_version, to_version, guild_id=guild_id)
        except TopicNotFoundError:  # as in history: fall back to the shared topic
            found = await self.editor.diff(title, from_version, to_version)
        heading = f"**{title}**, version {from_version} \u2192 {to_version}:\n"
        await self.reply(interaction, heading + format_diff(found, MESSAGE_LIMIT - len(heading)))

    # --- import and export ------------------------------------------------------------------

    @app_commands.command(name="import", description="Import record files (.txt) or a .zip of them, after a preview")
    @app_commands.describe(file="A record file (.txt) or a .zip of them", file2="Another one", file3="Another one")
    async def import_records(self, interaction: discord.Interaction, file: discord.Attachment,
                             file2: discord.Attachment | None = None,
                             file3: discord.Attachment | None = None) -> None:
        guild_id = _guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        uploads = [await read_attachment(a) for a in (file, file2, file3) if a is not None]
        preview = await self.editor.preview_import(uploads, guild_id=guild_id)
        if preview.summary.is_noop:
            await self.reply(interaction, f"Nothing to import: {len(preview.summary.unchanged)} topics unchanged.")
            return

        async def confirmed(click: discord.Interaction) -> str:
            await self.recheck(click)
            outcome = await self.editor.apply_import(preview, author=author_of(click))
            added = sum(1 for change in outcome.changes if change.action == "add")
            return (f"Imported: {added} added, {len(outcome.changes) - added} changed, "
                    f"{len(preview.summary.unchanged)} unchanged.")

        heading = "**Import preview**: nothing is stored until you confirm.\n```\n"
        body = preview.text(MESSAGE_LIMIT - len(heading) - 4).replace("```", "'''")
        await self.reply(interaction, f"{heading}{body}\n```",
                         view=ConfirmView(interaction.user.id, confirmed, confirm_label="Import"))

    @app_commands.command(name="export", description="Download a topic's record file, or all this server's topics")
    @app_commands.describe(topic="One topic; leave out for a .zip of this server's own topics")
    async def export(self, interaction: discord.Interaction, topic: str | None = None) -> None:
        guild_id = _guild(interaction)
        if topic is not None:
            name, data = await self.editor.export_record(self.title(interaction, topic), guild_id=guild_id)
            text = f"The record of **{name.removesuffix(RECORD_SUFFIX)}**, in the topic format."
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
            data = await self.editor.export_archive(guild_id=guild_id)
            name, text = f"topics-{guild_id}.zip", "This server's own topics, one record file each."
        await self.reply(interaction, text, file=discord.File(io.BytesIO(data), filename=name))

    # --- the web dashboard ----------------------------------------------------------------

    @app_commands.command(name="dashboard", description="Get a private link to the web dashboard (works once, "
                                                        "for 10 minutes)")
    async def dashboard(self, interaction: discord.Interaction) -> None:
        settings = self.bot.settings
        try:
            owner = await self.bot.is_owner(interaction.user)
        except discord.HTTPException:  # the application's owner could not be looked up: no owner rights
            log.warning("could not look up the bot's owner for a dashboard link", exc_info=True)
            owner = False
        link = await sign_in_link(self.sign_ins, settings.dashboard.public_url, guild_id=_guild(interaction),
                                  user_id=interaction.user.id, user_name=interaction.user.name,
                                  now=datetime.now(UTC), owner=owner)
        log.info("%s asked for a dashboard link for guild %s", author_of(interaction), interaction.guild_id)
        await self.reply(interaction, f"Your sign-in link to the topic dashboard (only you can see it; it works "
                                      f"once, for {LINK_LIFETIME.seconds // 60} minutes):\n<{link}>")

    # --- autocomplete -----------------------------------------------------------------------

    @edit.autocomplete("topic")
    @attribute.autocomplete("topic")
    @event_add.autocomplete("topic")
    @event_remove.autocomplete("topic")
    @alias_add.autocomplete("topic")
    @alias_remove.autocomplete("topic")
    @result_add.autocomplete("topic")
    @result_remove.autocomplete("topic")
    @remove.autocomplete("topic")
    @revert.autocomplete("topic")
    @hide.autocomplete("topic")
    @history.autocomplete("topic")
    @diff.autocomplete("topic")
    @export.autocomplete("topic")
    async def topic_autocomplete(self, interaction: discord.Interaction,
                                 current: str) -> list[app_commands.Choice[str]]:
        return topic_choices(self.bot.services.index, current, interaction.guild_id)


async def setup(bot: TopicBot) -> None:
    await bot.add_cog(TopicAdminCog(bot))
