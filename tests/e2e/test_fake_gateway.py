"""The fake itself, proved with a throwaway discord.py bot (not the project's): login, sync, replies."""

from __future__ import annotations

import asyncio
import contextlib
import io

import discord
import pytest
from discord import app_commands
from discord.ext import commands
from fake_gateway import (
    CALLBACK_ROUTE,
    CHANNEL_MESSAGE_ROUTE,
    MESSAGE_CONTENT_INTENT,
    CommandShapeError,
    FakeDiscord,
    Upload,
)
from fake_gateway.client_patch import running

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(60)]

# The fake sends its one GUILD_CREATE right after READY, so there is no need for discord.py's
# default 2 s wait for more before on_ready.
READY_WAIT = 0.1


class PingView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Again", custom_id="throwaway:again")
    async def again(self, interaction: discord.Interaction, button: discord.ui.Button[PingView]) -> None:
        await interaction.response.edit_message(content="pong again", view=None)


def throwaway_bot(*, message_content: bool = False) -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = message_content
    bot = commands.Bot(
        command_prefix="!",
        intents=intents,
        allowed_mentions=discord.AllowedMentions.none(),
        guild_ready_timeout=READY_WAIT,
    )

    @bot.tree.command(name="ping", description="Reply pong")
    @app_commands.describe(word="Echoed back")
    async def ping(interaction: discord.Interaction, word: str = "") -> None:
        await interaction.response.send_message(f"pong {word}".strip(), view=PingView())

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author.bot:
            return
        await message.reply(f"heard: {message.content!r}")

    async def setup_hook() -> None:
        bot.add_view(PingView())

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


async def test_throwaway_bot_logs_in_syncs_and_answers(fake: FakeDiscord) -> None:
    bot = throwaway_bot()
    async with running(bot, fake):
        assert bot.user is not None and bot.user.id == fake.bot_id
        assert bot.get_guild(fake.guild_id) is not None
        synced = await bot.tree.sync()
        assert [c.name for c in synced] == ["ping"]
        assert fake.commands(guild=False)["ping"]["options"][0]["name"] == "word"

        channel = fake.new_channel()
        slash = await fake.slash("ping", {"word": "hi"}, channel_id=channel)
        callback = await fake.wait_for_callback(slash)
        assert callback.status == 200
        assert callback.query == {"with_response": "1"}
        assert callback.json["type"] == 4
        assert callback.json["data"]["content"] == "pong hi"
        assert callback.json["data"]["allowed_mentions"] == {"parse": []}
        sent = fake.message_of(callback)
        assert sent["components"][0]["components"][0]["custom_id"] == "throwaway:again"

        click = await fake.click(sent, "throwaway:again")
        update = await fake.wait_for_callback(click)
        assert update.json["type"] == 7
        assert fake.message(sent["id"])["content"] == "pong again"
        assert fake.message(sent["id"])["components"] == []

        posted = await fake.send_message(f"<@{fake.bot_id}> hello", channel_id=channel)
        reply = await fake.wait_for_route(CHANNEL_MESSAGE_ROUTE, channel_id=channel)
        assert str(reply.json["message_reference"]["message_id"]) == posted["id"]
        assert reply.json["content"] == f"heard: '<@{fake.bot_id}> hello'"
        assert not fake.pings_of(reply).anyone


async def test_without_message_content_intent_unmentioned_messages_arrive_blank(fake: FakeDiscord) -> None:
    bot = throwaway_bot(message_content=False)
    async with running(bot, fake):
        assert not fake.intents & MESSAGE_CONTENT_INTENT
        channel = fake.new_channel()
        await fake.send_message("no mention here", channel_id=channel)
        reply = await fake.wait_for_route(CHANNEL_MESSAGE_ROUTE, channel_id=channel)
        assert reply.json["content"] == "heard: ''"


async def test_with_message_content_intent_every_message_keeps_its_content(fake: FakeDiscord) -> None:
    bot = throwaway_bot(message_content=True)
    async with running(bot, fake):
        assert fake.intents & MESSAGE_CONTENT_INTENT
        channel = fake.new_channel()
        await fake.send_message("no mention here", channel_id=channel)
        reply = await fake.wait_for_route(CHANNEL_MESSAGE_ROUTE, channel_id=channel)
        assert reply.json["content"] == "heard: 'no mention here'"


async def test_a_second_callback_on_one_interaction_is_rejected(fake: FakeDiscord) -> None:
    bot = throwaway_bot()

    @bot.tree.command(name="twice", description="Answers twice")
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        try:
            await interaction.response.send_message("second")
        except discord.InteractionResponded:
            # discord.py itself refuses; go around it to prove the fake refuses too.
            await interaction.followup.send("follow-up")
            await bot.http.request(
                discord.http.Route("POST", "/interactions/{i}/{t}/callback", i=interaction.id, t=interaction.token),
                json={"type": 4, "data": {"content": "again"}},
            )

    async with running(bot, fake):
        await bot.tree.sync()
        channel = fake.new_channel()
        record = await fake.slash("twice", channel_id=channel)
        rejected = await fake.wait_for(
            lambda r: r.is_route(CALLBACK_ROUTE, interaction_id=record.id) and r.status == 400
        )
        assert rejected.response["code"] == 40060
        statuses = [r.status for r in fake.callbacks(record)]
        assert statuses == [200, 400]


async def test_a_rejected_token_fails_login(fake: FakeDiscord) -> None:
    bot = throwaway_bot()
    with pytest.raises(discord.LoginFailure):
        async with running(bot, fake, token="not-the-token"):
            pass
    me = fake.requests[0]
    assert me.route == "GET /users/@me" and me.status == 401


class NoteModal(discord.ui.Modal, title="Note"):
    text: discord.ui.TextInput[NoteModal] = discord.ui.TextInput(label="Text", custom_id="note:text", max_length=50)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"noted: {self.text.value}", ephemeral=True)


async def test_deferred_answers_follow_ups_files_and_modals_reach_the_fake(fake: FakeDiscord) -> None:
    bot = throwaway_bot()

    @bot.tree.command(name="slow", description="Defers, then edits and follows up with a file")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content="done")
        original = await interaction.original_response()
        await interaction.followup.send(f"see {original.id}", file=discord.File(io.BytesIO(b"a,b\n1,2\n"), "data.csv"))

    @bot.tree.command(name="note", description="Opens a modal")
    async def note(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(NoteModal())

    async with running(bot, fake):
        await bot.tree.sync()
        assert fake.state.heartbeats >= 1
        channel = fake.new_channel()
        slow_record = await fake.slash("slow", channel_id=channel)
        assert (await fake.wait_for_callback(slow_record)).json["type"] == 5
        edited = await fake.wait_for_route(
            "PATCH /webhooks/{application_id}/{token}/messages/{message_id}",
            token=slow_record.token,
            message_id="@original",
        )
        assert edited.json["content"] == "done"
        followup = await fake.wait_for_route("POST /webhooks/{application_id}/{token}", token=slow_record.token)
        assert [f.filename for f in followup.files] == ["data.csv"]
        assert followup.files[0].data == b"a,b\n1,2\n"
        assert followup.json["content"] == f"see {fake.message_of(edited)['id']}"

        note_record = await fake.slash("note", channel_id=channel)
        opened = await fake.wait_for_callback(note_record)
        assert opened.json["type"] == 9
        submitted = await fake.submit_modal(note_record, {"note:text": "remember the milk"})
        answer = await fake.wait_for_callback(submitted)
        assert answer.json["data"]["content"] == "noted: remember the milk"
        assert answer.json["data"]["flags"] & (1 << 6)


async def test_the_fake_rejects_what_discord_would(fake: FakeDiscord) -> None:
    bot = throwaway_bot()
    failures: list[BaseException] = []

    @bot.tree.command(name="huge", description="Sends an embed over Discord's limits")
    async def huge(interaction: discord.Interaction) -> None:
        try:
            await interaction.followup.send("too early")
        except discord.NotFound as error:  # no follow-ups before the interaction is acknowledged
            failures.append(error)
        try:
            await interaction.response.send_message(embed=discord.Embed(description="x" * 4097))
        except discord.HTTPException as error:
            failures.append(error)

    async with running(bot, fake):
        await bot.tree.sync()
        record = await fake.slash("huge", channel_id=fake.new_channel())
        rejected = await fake.wait_for_callback(record)
        assert rejected.status == 400
        assert "embeds[0].description" in rejected.response["errors"]
        assert [type(f) for f in failures] == [discord.NotFound, discord.HTTPException]


async def test_a_referenced_message_is_blank_without_the_content_intent(fake: FakeDiscord) -> None:
    bot = throwaway_bot(message_content=False)
    async with running(bot, fake):
        channel = fake.new_channel()
        original = await fake.send_message("the question", channel_id=channel, author=fake.world.owner_user)
        await fake.wait_for_route(CHANNEL_MESSAGE_ROUTE, channel_id=channel)  # heard: ''
        mark = fake.mark()
        await fake.send_message(f"<@{fake.bot_id}> this?", channel_id=channel, reply_to=original, ping_reply=False)
        reply = await fake.wait_for_route(CHANNEL_MESSAGE_ROUTE, channel_id=channel, after=mark)
        assert reply.json["content"] == f"heard: '<@{fake.bot_id}> this?'"
        fetched = await bot.get_partial_messageable(channel).fetch_message(int(original["id"]))
        assert fetched.content == ""


async def test_messages_reach_the_bot_only_with_the_matching_intent(fake: FakeDiscord) -> None:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.dm_messages = True  # but not guild_messages
    bot = commands.Bot(
        command_prefix="!",
        intents=intents,
        allowed_mentions=discord.AllowedMentions.none(),
        guild_ready_timeout=READY_WAIT,
    )

    @bot.event
    async def on_message(message: discord.Message) -> None:
        await message.channel.send(f"heard: {message.content!r}")

    async with running(bot, fake):
        in_guild = await fake.send_message(f"<@{fake.bot_id}> hello", channel_id=fake.new_channel())
        assert fake.state.undelivered == [in_guild]
        dm = fake.dm_channel()
        await fake.send_message("hi in private", channel_id=dm)
        reply = await fake.wait_for_route(CHANNEL_MESSAGE_ROUTE, channel_id=dm)
        assert reply.json["content"] == "heard: 'hi in private'"  # DMs keep their content without the intent


async def test_a_callback_after_the_deadline_is_an_unknown_interaction() -> None:
    bot = throwaway_bot()

    @bot.tree.command(name="late", description="Answers too late")
    async def late(interaction: discord.Interaction) -> None:
        await asyncio.sleep(1.0)  # well past the fake's 0.1 s window
        with contextlib.suppress(discord.NotFound):
            await interaction.response.send_message("finally")

    async with FakeDiscord(callback_deadline=0.1) as fake, running(bot, fake):
        await bot.tree.sync()
        record = await fake.slash("late", channel_id=fake.new_channel())
        callback = await fake.wait_for_callback(record)
        assert callback.status == 404 and callback.response["code"] == 10062
        assert record.callback_type is None


async def test_a_refused_privileged_intent_closes_the_gateway() -> None:
    bot = throwaway_bot(message_content=True)
    async with FakeDiscord(allow_message_content=False) as fake:
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with running(bot, fake):
                pass


async def test_attachments_roles_and_permission_gates(fake: FakeDiscord) -> None:
    bot = throwaway_bot()
    admin = app_commands.Group(
        name="admin", description="Admin things", default_permissions=discord.Permissions(manage_guild=True)
    )

    @admin.command(name="upload", description="Reads an attached file")
    async def upload(interaction: discord.Interaction, record: discord.Attachment, role: discord.Role) -> None:
        text = (await record.read()).decode()
        await interaction.response.send_message(f"{record.filename}: {text} for {role.name}", ephemeral=True)

    bot.tree.add_command(admin)
    async with running(bot, fake):
        await bot.tree.sync()
        channel = fake.new_channel()
        options = {"record": Upload("topic.txt", b"A record"), "role": fake.role(fake.world.mod_role_id)}
        record = await fake.slash("admin", options, subcommand="upload", channel_id=channel, user=fake.world.owner_user)
        answer = await fake.wait_for_callback(record)
        assert answer.json["data"]["content"] == "topic.txt: A record for Moderators"

        moderator = fake.world.add_user("mod", role_ids=[fake.world.mod_role_id])
        with pytest.raises(CommandShapeError, match="would not let mod"):
            await fake.slash("admin", options, subcommand="upload", channel_id=channel, user=moderator)
        overridden = await fake.slash(
            "admin", options, subcommand="upload", channel_id=channel, user=moderator, permission_override=True
        )
        assert (await fake.wait_for_callback(overridden)).status == 200

        posted = await fake.send_message(
            f"<@{fake.bot_id}> see file", channel_id=channel, attachments=[Upload("notes.txt", b"hello")]
        )
        fetched = await bot.get_partial_messageable(channel).fetch_message(int(posted["id"]))
        assert await fetched.attachments[0].read() == b"hello"


async def test_channel_messages_can_be_edited_and_fetched(fake: FakeDiscord) -> None:
    bot = throwaway_bot()
    channel = fake.new_channel()
    async with running(bot, fake):
        messageable = bot.get_partial_messageable(channel)
        sent = await messageable.send("draft", allowed_mentions=discord.AllowedMentions.none())
        await sent.edit(content="final")
        edit = await fake.wait_for_route("PATCH /channels/{channel_id}/messages/{message_id}", message_id=sent.id)
        assert edit.json["content"] == "final"
        assert (await messageable.fetch_message(sent.id)).content == "final"
        with pytest.raises(discord.NotFound):
            await messageable.fetch_message(12345)
