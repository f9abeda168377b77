"""``TopicAdminCog``: forms and their validation, the stale-edit refusal, attachments, confirm buttons, mod log."""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from unittest.mock import create_autospec

import discord
import pytest

from bot.core.changes import Author
from bot.core.editing import new_topic
from bot.core.errors import FieldTooLongError, RecordFormatError, TopicbotError
from bot.core.model import LIMITS, Topic
from bot.core.record_format import format_record, parse_record
from bot.core.storage import GuildSettings
from bot.discord_adapter.admin_views import NOT_YOURS, ConfirmView, TopicFormModal
from bot.discord_adapter.cogs.admin import TopicAdminCog
from bot.discord_adapter.error_messages import user_message
from bot.discord_adapter.mod_log import ModLog
from bot.discord_adapter.tree import report_error

GUILD_ID = 1
MOD_LOG_CHANNEL = 555
NEW_TITLE = "Lunar Regolith Mining"


@pytest.fixture
def cog(bot: Any) -> TopicAdminCog:
    return TopicAdminCog(bot)


@pytest.fixture
def mod_log(cog: TopicAdminCog) -> Any:
    """The cog's mod log, posting into a spec'd channel; returns the channel's ``send`` mock."""
    client = create_autospec(discord.Client, instance=True)
    channel = create_autospec(discord.TextChannel, instance=True)
    channel.id = MOD_LOG_CHANNEL
    channel.guild.id = GUILD_ID
    client.get_channel.return_value = channel
    cog.mod_log = ModLog(client, MOD_LOG_CHANNEL)
    return channel.send


def moderator(make_interaction: Any, name: str = "alice", user_id: int = 100) -> Any:
    interaction = make_interaction(guild_id=GUILD_ID, user_id=user_id)
    interaction.permissions = discord.Permissions(manage_guild=True)
    interaction.user.name = name
    interaction.user.roles = []
    return interaction


def reply_text(interaction: Any) -> str:
    """The one ephemeral message the moderator got (a response, or a follow-up after a defer)."""
    response, followup = interaction.response.send_message, interaction.followup.send
    mock = response if response.await_count else followup
    mock.assert_awaited_once()
    args, kwargs = mock.await_args
    assert kwargs["ephemeral"] is True
    assert kwargs["allowed_mentions"].everyone is False and kwargs["allowed_mentions"].roles is False
    return str(kwargs.get("content", args[0] if args else ""))


def fill(modal: TopicFormModal, interaction: Any, **values: str) -> None:
    """Put submitted values into the modal's inputs the way discord.py does on a modal submit."""
    inputs = {"title": modal.title_input, "description": modal.description_input, "summary": modal.summary_input}
    for name, value in values.items():
        item = inputs[name]
        item._refresh_state(interaction, {"type": 4, "custom_id": item.custom_id, "value": value})


def record_bytes(topic: Topic, **changes: Any) -> bytes:
    return format_record(replace(topic, **changes)).encode("utf-8")


def attachment(name: str, data: bytes) -> Any:
    file = create_autospec(discord.Attachment, instance=True)
    file.filename = name
    file.size = len(data)
    file.read.return_value = data
    return file


async def open_form(cog: TopicAdminCog, make_interaction: Any, topic: str | None = None) -> TopicFormModal:
    """Run ``/topic-admin add`` (no file) or ``edit topic:``; the modal it opened."""
    interaction = moderator(make_interaction)
    if topic is None:
        await cog.add.callback(cog, interaction)
    else:
        await cog.edit.callback(cog, interaction, topic=topic)
    modal = interaction.response.send_modal.await_args.args[0]
    assert isinstance(modal, TopicFormModal)
    return modal


async def submit(modal: TopicFormModal, make_interaction: Any, name: str = "alice", **values: str) -> Any:
    """Submit ``modal`` with ``values`` as a moderator; the submit interaction."""
    interaction = moderator(make_interaction, name)
    fill(modal, interaction, **values)
    await modal.on_submit(interaction)
    return interaction


FORM = {"title": NEW_TITLE, "description": "Extracting oxygen and metals from Moon dust.",
        "summary": "Several agencies plan regolith processing pilots before 2030."}


async def added(cog: TopicAdminCog, make_interaction: Any, title: str = NEW_TITLE) -> Topic:
    await submit(await open_form(cog, make_interaction), make_interaction, **{**FORM, "title": title})
    topic = cog.bot.services.index.get(title, GUILD_ID)
    assert topic is not None
    return topic


# --- the add and edit forms -------------------------------------------------------------------


async def test_the_form_limits_are_the_cores(cog: TopicAdminCog, make_interaction: Any) -> None:
    modal = await open_form(cog, make_interaction)
    assert modal.title_input.max_length == LIMITS["title"]
    assert modal.description_input.max_length == LIMITS["description"]
    assert modal.summary_input.max_length == min(LIMITS["summary"], 4000)
    assert len(modal.title) <= 45


async def test_an_added_topic_is_answered_at_once(cog: TopicAdminCog, make_interaction: Any) -> None:
    modal = await open_form(cog, make_interaction)
    interaction = await submit(modal, make_interaction, **FORM)
    assert "alice (100) added **Lunar Regolith Mining** (version 1)" in reply_text(interaction)
    answer = cog.bot.services.answerer.answer("what is lunar regolith mining", guild_id=GUILD_ID)
    assert answer.topic is not None and answer.topic.title == NEW_TITLE
    other_guild = cog.bot.services.answerer.answer("what is lunar regolith mining", guild_id=2)
    assert other_guild.topic is None or other_guild.topic.title != NEW_TITLE


async def test_an_over_long_field_gets_the_limit_message_and_nothing_is_stored(
    cog: TopicAdminCog, make_interaction: Any
) -> None:
    modal = await open_form(cog, make_interaction)
    too_long = "x" * (LIMITS["description"] + 1)
    interaction = await submit(modal, make_interaction, **{**FORM, "description": too_long})
    expected = user_message(FieldTooLongError("description", LIMITS["description"], len(too_long)))
    assert reply_text(interaction) == expected
    assert "limit is 1000" in expected
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID) is None


async def test_an_empty_title_is_refused(cog: TopicAdminCog, make_interaction: Any) -> None:
    modal = await open_form(cog, make_interaction)
    interaction = await submit(modal, make_interaction, **{**FORM, "title": "   "})
    assert "title cannot be empty" in reply_text(interaction)
    assert "nothing was changed" in reply_text(interaction)


async def test_the_edit_form_is_prefilled_and_keeps_the_version_it_was_opened_at(
    cog: TopicAdminCog, make_interaction: Any
) -> None:
    topic = await added(cog, make_interaction)
    modal = await open_form(cog, make_interaction, NEW_TITLE)
    assert (modal.title_input.default, modal.description_input.default, modal.summary_input.default) == (
        topic.title, topic.description, topic.summary)
    assert modal.version == 1 and modal.opened_title == NEW_TITLE
    interaction = await submit(modal, make_interaction, summary="Pilots are planned for 2028.")
    assert "edited **Lunar Regolith Mining** (version 2)" in reply_text(interaction)
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID).summary == "Pilots are planned for 2028."


async def test_a_stale_edit_is_refused_naming_the_other_author_and_overwrites_nothing(
    cog: TopicAdminCog, make_interaction: Any
) -> None:
    await added(cog, make_interaction)
    mine = await open_form(cog, make_interaction, NEW_TITLE)  # opened at version 1
    bobs = await open_form(cog, make_interaction, NEW_TITLE)
    await submit(bobs, make_interaction, name="bob", summary="Bob's summary of the pilots.")

    interaction = await submit(mine, make_interaction, summary="Alice's summary, written on version 1.")
    text = reply_text(interaction)
    assert "changed by bob (100)" in text and "since you opened it" in text
    assert "nothing was overwritten" in text
    assert "Bob's summary of the pilots." in text  # the diff of what bob changed
    stored = await cog.bot.services.editor.open(NEW_TITLE, guild_id=GUILD_ID)
    assert stored.version == 2 and stored.topic.summary == "Bob's summary of the pilots."
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID).summary == "Bob's summary of the pilots."


# --- adding by attachment ---------------------------------------------------------------------


async def test_a_record_attachment_is_added_and_answered(cog: TopicAdminCog, make_interaction: Any,
                                                         topics: dict[str, Topic]) -> None:
    interaction = moderator(make_interaction)
    data = record_bytes(topics["Waymo"], title=NEW_TITLE)
    await cog.add.callback(cog, interaction, file=attachment("lunar.txt", data))
    interaction.response.defer.assert_awaited_once()
    assert "added **Lunar Regolith Mining**" in reply_text(interaction)
    stored = await cog.bot.services.editor.export_record(NEW_TITLE, guild_id=GUILD_ID)
    assert stored[1] == data


async def test_a_malformed_attachment_shows_the_line_and_stores_nothing(
    cog: TopicAdminCog, make_interaction: Any, topics: dict[str, Topic]
) -> None:
    good = format_record(replace(topics["Waymo"], title=NEW_TITLE))
    lines = good.split("\n")
    broken_line = lines.index("First Mentioned") + 2  # 0-based index of its date, so 1-based line - 1
    lines[broken_line] = "sometime last autumn"
    bad = "\n".join(lines)
    with pytest.raises(RecordFormatError) as parsed:
        parse_record(bad)
    assert parsed.value.line == broken_line + 1

    interaction = moderator(make_interaction)
    with pytest.raises(RecordFormatError) as raised:
        await cog.add.callback(cog, interaction, file=attachment("lunar.txt", bad.encode()))
    await report_error(interaction, raised.value)  # TopicTree.on_error
    text = reply_text(interaction)
    assert f"lunar.txt, line {broken_line + 1}" in text
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID) is None
    with pytest.raises(TopicbotError):
        await cog.bot.services.editor.open(NEW_TITLE, guild_id=GUILD_ID)


# --- the mod log ------------------------------------------------------------------------------


async def test_each_change_posts_one_mod_log_message_with_the_right_before(
    cog: TopicAdminCog, make_interaction: Any, mod_log: Any
) -> None:
    await added(cog, make_interaction)
    assert mod_log.await_count == 1
    await submit(await open_form(cog, make_interaction, NEW_TITLE), make_interaction, summary="First rewrite.")
    await submit(await open_form(cog, make_interaction, NEW_TITLE), make_interaction, summary="Second rewrite.")
    assert mod_log.await_count == 3
    second = mod_log.await_args_list[2]
    text = second.args[0]
    assert "(version 3)" in text
    assert "\u201cFirst rewrite.\u201d \u2192 \u201cSecond rewrite.\u201d" in text
    assert FORM["summary"] not in text
    assert second.kwargs["allowed_mentions"].everyone is False


async def test_a_failed_mod_log_post_is_logged_and_keeps_the_change(
    cog: TopicAdminCog, make_interaction: Any, mod_log: Any, caplog: pytest.LogCaptureFixture
) -> None:
    mod_log.side_effect = discord.Forbidden(SimpleNamespace(status=403, reason="Forbidden"), "Missing Access")
    modal = await open_form(cog, make_interaction)
    with caplog.at_level(logging.ERROR, logger="bot.discord_adapter.mod_log"):
        interaction = await submit(modal, make_interaction, **FORM)
    assert "added **Lunar Regolith Mining**" in reply_text(interaction)
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID) is not None
    assert any("mod-log" in record.getMessage() and record.exc_info for record in caplog.records)


async def test_the_default_mod_log_channel_gets_nothing_from_another_server(
    cog: TopicAdminCog, make_interaction: Any, mod_log: Any
) -> None:
    cog.mod_log.client.get_channel.return_value.guild.id = GUILD_ID + 1
    await added(cog, make_interaction)
    mod_log.assert_not_awaited()


async def test_the_guilds_mod_log_channel_wins_over_the_default(cog: TopicAdminCog, make_interaction: Any,
                                                                mod_log: Any) -> None:
    await cog.bot.services.repository.save_guild_settings(GuildSettings(GUILD_ID, None, 777))
    await added(cog, make_interaction)
    cog.mod_log.client.get_channel.assert_called_with(777)


# --- remove (confirm), revert, history, diff --------------------------------------------------


def confirm_view(interaction: Any) -> ConfirmView:
    response, followup = interaction.response.send_message, interaction.followup.send
    mock = response if response.await_count else followup
    view = mock.await_args.kwargs["view"]
    assert isinstance(view, ConfirmView)
    return view


def edited_text(click: Any) -> str:
    click.edit_original_response.assert_awaited_once()
    return str(click.edit_original_response.await_args.kwargs["content"])


async def test_remove_asks_the_invoker_to_confirm_and_can_be_undone(cog: TopicAdminCog, make_interaction: Any,
                                                                    mod_log: Any) -> None:
    await added(cog, make_interaction)
    interaction = moderator(make_interaction)
    await cog.remove.callback(cog, interaction, topic=NEW_TITLE)
    assert "Remove **Lunar Regolith Mining** (version 1)?" in reply_text(interaction)
    view = confirm_view(interaction)
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID) is not None  # nothing happens before the click

    stranger = moderator(make_interaction, "mallory", user_id=200)
    assert await view.interaction_check(stranger) is False
    assert reply_text(stranger) == NOT_YOURS

    click = moderator(make_interaction)
    await view.confirm.callback(click)
    text = edited_text(click)
    assert "removed **Lunar Regolith Mining**" in text
    assert "/topic-admin revert topic:Lunar Regolith Mining to:1" in text
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID) is None
    assert "(removed)" in mod_log.await_args.args[0]

    undo = moderator(make_interaction)
    await cog.revert.callback(cog, undo, topic=NEW_TITLE, to=1)
    assert "reverted **Lunar Regolith Mining** to version 1 (now version 3)" in reply_text(undo)
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID) is not None


async def test_cancel_changes_nothing(cog: TopicAdminCog, make_interaction: Any) -> None:
    await added(cog, make_interaction)
    interaction = moderator(make_interaction)
    await cog.remove.callback(cog, interaction, topic=NEW_TITLE)
    click = moderator(make_interaction)
    await confirm_view(interaction).cancel.callback(click)
    assert "nothing was changed" in click.response.edit_message.await_args.kwargs["content"]
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID) is not None


async def test_history_and_diff_show_who_changed_what(cog: TopicAdminCog, make_interaction: Any) -> None:
    await added(cog, make_interaction)
    await submit(await open_form(cog, make_interaction, NEW_TITLE), make_interaction, "bob",
                 summary="Rewritten by bob.")
    history = moderator(make_interaction)
    await cog.history.callback(cog, history, topic=NEW_TITLE)
    lines = reply_text(history).splitlines()
    assert lines[1].startswith("`v2` edit by bob (100)") and lines[2].startswith("`v1` add by alice (100)")
    diff = moderator(make_interaction)
    await cog.diff.callback(cog, diff, topic=NEW_TITLE, from_version=1, to_version=2)
    assert "~ Summary:" in reply_text(diff) and "Rewritten by bob." in reply_text(diff)


# --- the one-field edit commands --------------------------------------------------------------


async def test_attribute_event_alias_and_result_commands_edit_the_topic(
    cog: TopicAdminCog, make_interaction: Any
) -> None:
    await added(cog, make_interaction)
    steps = [
        (cog.attribute, {"name": "Lead agency", "value": "ESA"}, "+ Lead agency: ESA"),
        (cog.event_add, {"date": "2027-05-01", "text": "First pilot plant tested", "source": "ESA"},
         "+ 2027-05-01: First pilot plant tested (source: ESA)"),
        (cog.alias_add, {"alias": "moon mining"}, "+ moon mining"),
        (cog.result_add, {"title": "Regolith report", "snippet": "A survey.", "url": "https://example.org/r"},
         "+ Regolith report <https://example.org/r>"),
        (cog.attribute, {"name": "lead agency"}, "- Lead agency: ESA"),
        (cog.event_remove, {"number": 1}, "- 2027-05-01"),
        (cog.alias_remove, {"alias": "Moon Mining"}, "- moon mining"),
        (cog.result_remove, {"number": 1}, "- Regolith report"),
    ]
    for version, (command, options, expected) in enumerate(steps, start=2):
        interaction = moderator(make_interaction)
        await command.callback(cog, interaction, topic=NEW_TITLE, **options)
        text = reply_text(interaction)
        assert f"(version {version})" in text and expected in text, (command.name, text)
    final = cog.bot.services.index.get(NEW_TITLE, GUILD_ID)
    assert (final.attributes, final.timeline, final.aliases, final.web_results) == ((), (), (), ())


async def test_a_bad_date_and_a_missing_attribute_are_refused(cog: TopicAdminCog, make_interaction: Any) -> None:
    await added(cog, make_interaction)
    for command, options, expected in [
        (cog.event_add, {"date": "May 2027", "text": "Something"}, "YYYY-MM-DD"),
        (cog.attribute, {"name": "Nope"}, "has no attribute called 'Nope'"),
    ]:
        interaction = moderator(make_interaction)
        with pytest.raises(TopicbotError) as raised:
            await command.callback(cog, interaction, topic=NEW_TITLE, **options)
        assert expected in user_message(raised.value)
    assert (await cog.bot.services.editor.open(NEW_TITLE, guild_id=GUILD_ID)).version == 1


async def test_hide_and_unhide_a_shared_topic_in_this_server(cog: TopicAdminCog, make_interaction: Any,
                                                             mod_log: Any) -> None:
    answerer = cog.bot.services.answerer
    assert answerer.answer("who runs waymo", guild_id=GUILD_ID).topic.title == "Waymo"
    hide = moderator(make_interaction)
    await cog.hide.callback(cog, hide, topic="Waymo")
    assert "hid **Waymo** in this server" in reply_text(hide)
    hidden = answerer.answer("who runs waymo", guild_id=GUILD_ID)
    assert hidden.topic is None or hidden.topic.title != "Waymo"
    assert answerer.answer("who runs waymo", guild_id=2).topic.title == "Waymo"
    assert mod_log.await_count == 1
    await cog.unhide.callback(cog, moderator(make_interaction), topic="Waymo")
    assert answerer.answer("who runs waymo", guild_id=GUILD_ID).topic.title == "Waymo"


# --- import and export ------------------------------------------------------------------------


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def test_an_import_with_one_malformed_file_changes_nothing(
    cog: TopicAdminCog, make_interaction: Any, topics: dict[str, Topic]
) -> None:
    good = record_bytes(topics["Waymo"], title=NEW_TITLE)
    bad = record_bytes(topics["Bitcoin"], title="Broken").replace(b"Last Updated", b"Last Upd8ted")
    interaction = moderator(make_interaction)
    with pytest.raises(RecordFormatError) as raised:
        await cog.import_records.callback(cog, interaction, file=attachment("batch.zip", zipped(
            {"a.txt": good, "b.txt": bad})))
    await report_error(interaction, raised.value)
    assert "batch.zip:b.txt, line" in reply_text(interaction)
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID) is None
    interaction.followup.send.assert_awaited_once()  # the error only: no preview, no confirm button


async def test_an_import_previews_then_applies_on_confirm(cog: TopicAdminCog, make_interaction: Any,
                                                          topics: dict[str, Topic], mod_log: Any) -> None:
    await added(cog, make_interaction, "Moon Base")
    changed = format_record(replace(cog.bot.services.index.get("Moon Base", GUILD_ID), summary="Imported summary."))
    interaction = moderator(make_interaction)
    await cog.import_records.callback(cog, interaction, file=attachment("one.txt", record_bytes(
        topics["Waymo"], title=NEW_TITLE)), file2=attachment("two.txt", changed.encode()))
    preview = reply_text(interaction)
    assert "1 to add, 1 to change, 0 unchanged" in preview
    assert f"+ {NEW_TITLE}" in preview and "~ Moon Base (summary)" in preview
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID) is None  # a preview writes nothing

    click = moderator(make_interaction)
    await confirm_view(interaction).confirm.callback(click)
    assert edited_text(click) == "Imported: 1 added, 1 changed, 0 unchanged."
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID) is not None
    assert cog.bot.services.index.get("Moon Base", GUILD_ID).summary == "Imported summary."
    assert mod_log.await_count == 3  # the form's add, then one message per imported change


async def test_export_is_byte_identical_to_the_record_format(cog: TopicAdminCog, make_interaction: Any) -> None:
    topic = await added(cog, make_interaction)
    one = moderator(make_interaction)
    await cog.export.callback(cog, one, topic=NEW_TITLE)
    file = one.response.send_message.await_args.kwargs["file"]
    assert file.filename.endswith(".txt")
    assert file.fp.read() == format_record(topic).encode("utf-8")

    every = moderator(make_interaction)
    await cog.export.callback(cog, every)
    archive = zipfile.ZipFile(every.followup.send.await_args.kwargs["file"].fp)
    [name] = archive.namelist()
    assert archive.read(name) == format_record(topic).encode("utf-8")




async def test_a_topic_can_be_added_after_the_newest_one_was_removed(cog: TopicAdminCog,
                                                                     make_interaction: Any) -> None:
    await added(cog, make_interaction)
    editor = cog.bot.services.editor
    await editor.remove(NEW_TITLE, author=Author("alice"), guild_id=GUILD_ID)
    result = await editor.add(new_topic("Moon Base", "A crewed lunar base.", "Plans for a base.", datetime.now(UTC)),
                              author=Author("alice"), guild_id=GUILD_ID)
    assert result.version == 1


async def test_the_edit_form_validates_like_the_add_form(cog: TopicAdminCog, make_interaction: Any) -> None:
    await added(cog, make_interaction)
    too_long = "T" * (LIMITS["title"] + 1)
    interaction = await submit(await open_form(cog, make_interaction, NEW_TITLE), make_interaction, title=too_long)
    assert reply_text(interaction) == user_message(FieldTooLongError("title", LIMITS["title"], len(too_long)))
    blank = await submit(await open_form(cog, make_interaction, NEW_TITLE), make_interaction, summary="  ")
    assert "summary cannot be empty" in reply_text(blank)
    assert (await cog.bot.services.editor.open(NEW_TITLE, guild_id=GUILD_ID)).version == 1


def demoted(make_interaction: Any, name: str = "alice") -> Any:
    """The same member, after Manage Server (their only moderator right) was taken away."""
    interaction = moderator(make_interaction, name)
    interaction.permissions = discord.Permissions.none()
    return interaction


async def test_a_form_submitted_after_losing_moderator_rights_changes_nothing(cog: TopicAdminCog,
                                                                              make_interaction: Any) -> None:
    modal = await open_form(cog, make_interaction)
    interaction = demoted(make_interaction)
    fill(modal, interaction, **FORM)
    await modal.on_submit(interaction)
    assert "Only moderators" in reply_text(interaction)
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID) is None


async def test_an_import_confirmed_after_losing_moderator_rights_changes_nothing(
        cog: TopicAdminCog, make_interaction: Any, topics: dict[str, Topic]) -> None:
    interaction = moderator(make_interaction)
    await cog.import_records.callback(cog, interaction, file=attachment("one.txt", record_bytes(
        topics["Waymo"], title=NEW_TITLE)))
    click = demoted(make_interaction)
    await confirm_view(interaction).confirm.callback(click)
    assert "Only moderators" in reply_text(click)
    assert cog.bot.services.index.get(NEW_TITLE, GUILD_ID) is None


# --- /topic-admin dashboard -----------------------------------------------------------------------


@pytest.mark.parametrize("owner", [False, True])
async def test_the_dashboard_command_replies_privately_with_a_one_time_link(
        cog: TopicAdminCog, make_interaction: Any, sent_kwargs: Any, owner: bool) -> None:
    from urllib.parse import unquote

    from bot.core import sign_in
    from bot.core.sign_in import SignInError

    interaction = make_interaction(user_id=4242)
    interaction.user.name = "modname"
    cog.bot.owner_id = 4242 if owner else 1
    await cog.dashboard.callback(cog, interaction)
    sent = sent_kwargs(interaction.response.send_message)
    assert sent["ephemeral"] is True
    link = sent["content"].split("<", 1)[1].split(">", 1)[0]
    assert link.startswith("http://127.0.0.1:8080/sign-in?token=")
    token = unquote(link.split("token=", 1)[1])
    now = datetime.now(UTC)
    grant = await sign_in.redeem(cog.sign_ins, token, now=now)
    assert (grant.guild_id, grant.user_id, grant.user_name, grant.owner) == (GUILD_ID, 4242, "modname", owner)
    with pytest.raises(SignInError, match="used already"):
        await sign_in.redeem(cog.sign_ins, token, now=now)


# --- record limits (issue 22) -----------------------------------------------------------------


async def test_a_change_over_the_record_limits_is_refused_naming_the_limit(
    cog: TopicAdminCog, make_interaction: Any, topics: dict[str, Topic]
) -> None:
    from bot.core.errors import RecordTooLargeError
    from bot.core.record_limits import RecordLimits

    cog.bot.services.editor.repository.limits = RecordLimits(timeline_events=1)
    await added(cog, make_interaction)
    await cog.event_add.callback(cog, moderator(make_interaction), topic=NEW_TITLE, date="2027-05-01",
                                 text="First pilot plant tested")
    interaction = moderator(make_interaction)
    with pytest.raises(RecordTooLargeError) as raised:
        await cog.event_add.callback(cog, interaction, topic=NEW_TITLE, date="2028-05-01", text="Second plant")
    await report_error(interaction, raised.value)
    assert reply_text(interaction) == (
        f"That record is too large, so nothing was changed: {NEW_TITLE}: 2 timeline events, the limit is 1 "
        "([limits] timeline_events).")
    assert (await cog.bot.services.editor.open(NEW_TITLE, guild_id=GUILD_ID)).version == 2
    assert len(cog.bot.services.index.get(NEW_TITLE, GUILD_ID).timeline) == 1

    upload = moderator(make_interaction)
    with pytest.raises(RecordTooLargeError) as refused:
        await cog.add.callback(cog, upload, file=attachment("waymo.txt", record_bytes(topics["Waymo"], title="Other")))
    assert str(refused.value).startswith("waymo.txt: ") and "([limits] timeline_events)" in str(refused.value)
    assert cog.bot.services.index.get("Other", GUILD_ID) is None
