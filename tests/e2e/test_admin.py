"""``/topic-admin`` end to end: the real TopicBot and core over the fake Discord.

A moderator here is the guild owner (every permission, so Manage Server) unless a test says
otherwise; members reach the commands only through ``permission_override`` (a server admin
granting them in the integration settings), which is exactly when the run-time check matters.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
import pytest_asyncio
from fake_gateway import CHANNEL_MESSAGE_ROUTE, CommandShapeError, FakeDiscord, InteractionRecord
from fake_gateway.uploads import Upload
from harness import RECORDS_DIR, RunningTopicBot, e2e_settings, embed_of, topicbot_on

from bot.core.record_format import format_record, parse_record
from bot.discord_adapter.moderators import NOT_MODERATOR

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

EPHEMERAL = 1 << 6
MANAGE_GUILD = 1 << 5
FOLLOWUP_ROUTE = "POST /webhooks/{application_id}/{token}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def topicbot(
    shared_fake: FakeDiscord, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningTopicBot]:
    """This module's TopicBot, with a mod-log channel configured in its settings."""
    settings = e2e_settings(shared_fake, tmp_path_factory.mktemp("e2e-admin") / "topics.db",
                            mod_log_channel_id=shared_fake.new_channel())
    async with topicbot_on(shared_fake, settings) as running:
        yield running


def record_text(title: str, about: str) -> str:
    """A record of our own: a test record with a new title, description and summary."""
    base = parse_record((RECORDS_DIR / "012_nuclear_fusion.txt").read_text(encoding="utf-8"))
    return format_record(replace(base, title=title, description=f"{title} is {about}.",
                                 summary=f"{title}: {about}, tracked by the test moderators."))


def mod_log_channel(running: RunningTopicBot) -> int:
    channel_id = running.bot.settings.discord.mod_log_channel_id
    assert channel_id is not None
    return int(channel_id)


async def admin(running: RunningTopicBot, subcommand: str, options: dict[str, Any], *,
                user: dict[str, Any] | None = None, channel_id: int | None = None,
                permission_override: bool = False) -> InteractionRecord:
    fake = running.fake
    return await fake.slash("topic-admin", options, subcommand=subcommand, user=user or fake.world.owner_user,
                            channel_id=channel_id or fake.new_channel(), permission_override=permission_override)


async def reply_of(fake: FakeDiscord, record: InteractionRecord) -> dict[str, Any]:
    """The ephemeral message the bot answered ``record`` with (the response, or the follow-up after a defer)."""
    callback = await fake.wait_for_callback(record)
    assert callback.status == 200, callback.response
    if callback.json["type"] == 5:
        assert int(callback.json["data"].get("flags") or 0) & EPHEMERAL
        followup = await fake.wait_for_route(FOLLOWUP_ROUTE, token=record.token)
        assert followup.status in (200, 204), followup.response
        body = followup.json
    else:
        assert callback.json["type"] == 4, callback.json
        body = callback.json["data"]
    assert int(body.get("flags") or 0) & EPHEMERAL, "admin replies are for the moderator only"
    return dict(body)


async def ask(fake: FakeDiscord, question: str) -> dict[str, Any]:
    """The ``/ask`` reply's message data (an embed for an answer, plain content for a miss)."""
    record = await fake.slash("ask", {"question": question}, channel_id=fake.new_channel())
    callback = await fake.wait_for_callback(record)
    assert callback.json["type"] == 4, callback.response
    return dict(callback.json["data"])


def answered_title(data: dict[str, Any]) -> str | None:
    return embed_of(data).get("title") if data.get("embeds") else None


async def add_by_attachment(running: RunningTopicBot, title: str, about: str) -> dict[str, Any]:
    upload = Upload(f"{title.lower().replace(' ', '_')}.txt", record_text(title, about).encode("utf-8"))
    return await reply_of(running.fake, await admin(running, "add", {"file": upload}))


async def test_the_group_is_registered_for_manage_server_in_guilds_only(topicbot: RunningTopicBot) -> None:
    command = topicbot.fake.commands()["topic-admin"]
    assert int(command["default_member_permissions"]) == MANAGE_GUILD
    assert command.get("dm_permission") is False or command.get("contexts") == [0]
    subcommands = {option["name"] for option in command["options"]}
    assert {"config", "add", "edit", "attribute", "event-add", "event-remove", "alias-add", "alias-remove",
            "result-add", "result-remove", "remove", "import", "export", "history", "diff", "revert", "hide",
            "unhide"} <= subcommands


async def test_a_moderator_adds_a_topic_by_attachment_and_ask_answers_from_it_at_once(
    topicbot: RunningTopicBot,
) -> None:
    fake = topicbot.fake
    mark = fake.mark()
    title = "Lunar Regolith Mining"
    reply = await add_by_attachment(topicbot, title, "the extraction of oxygen and metals from Moon dust")
    assert f"added **{title}** (version 1)" in reply["content"]

    logged = await fake.wait_for_route(CHANNEL_MESSAGE_ROUTE, channel_id=mod_log_channel(topicbot), after=mark)
    assert f"added **{title}** (version 1)" in logged.json["content"]
    assert "(new topic)" in logged.json["content"]

    assert answered_title(await ask(fake, "what is lunar regolith mining?")) == title


async def test_a_member_without_manage_server_or_the_role_is_refused(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    member = fake.world.asker_user
    with pytest.raises(CommandShapeError):  # Discord hides the command from them ...
        await admin(topicbot, "history", {"topic": "Waymo"}, user=member)
    # ... and when a server admin lets them see it anyway, the bot still refuses.
    record = await admin(topicbot, "history", {"topic": "Waymo"}, user=member, permission_override=True)
    reply = await reply_of(fake, record)
    assert reply["content"] == NOT_MODERATOR


async def test_the_configured_moderator_role_may_use_the_commands(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    moderator = fake.world.add_user("modjane", role_ids=[fake.world.mod_role_id])
    before = await reply_of(fake, await admin(topicbot, "history", {"topic": "Waymo"}, user=moderator,
                                              permission_override=True))
    assert before["content"] == NOT_MODERATOR

    configured = await reply_of(fake, await admin(topicbot, "config",
                                                  {"moderator-role": fake.role(fake.world.mod_role_id)}))
    assert f"<@&{fake.world.mod_role_id}>" in configured["content"]
    after = await reply_of(fake, await admin(topicbot, "history", {"topic": "Waymo"}, user=moderator,
                                             permission_override=True))
    assert after["content"].startswith("**Waymo**: 1 versions")


async def test_two_concurrent_edits_end_with_one_applied_and_one_refused(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    title = "Orbital Debris Removal"
    await add_by_attachment(topicbot, title, "clearing dead satellites from low Earth orbit")
    opened = [await admin(topicbot, "edit", {"topic": title}) for _ in range(2)]
    for record in opened:
        callback = await fake.wait_for_callback(record)
        assert callback.json["type"] == 9, callback.json  # a modal, pre-filled
    mark = fake.mark()

    summaries = ["Summary written in the first form.", "Summary written in the second form."]
    submits = await asyncio.gather(*(fake.submit_modal(record, {"topic:summary": summary})
                                     for record, summary in zip(opened, summaries, strict=True)))
    replies = [(await reply_of(fake, record))["content"] for record in submits]

    applied = [i for i, text in enumerate(replies) if f"edited **{title}** (version 2)" in text]
    refused = [i for i, text in enumerate(replies) if "since you opened it" in text]
    assert len(applied) == 1 and len(refused) == 1, replies
    assert "nothing was overwritten" in replies[refused[0]]
    assert summaries[applied[0]] in replies[refused[0]], "the refusal shows what the other edit changed"
    stored = await topicbot.services.editor.open(title, guild_id=fake.guild_id)
    assert stored.version == 2 and stored.topic.summary == summaries[applied[0]]

    await fake.wait_for_route(CHANNEL_MESSAGE_ROUTE, channel_id=mod_log_channel(topicbot), after=mark)
    await asyncio.sleep(0.2)  # let a (wrong) second mod-log post arrive if there were one
    edits = [r for r in fake.requests[mark:]
             if r.is_route(CHANNEL_MESSAGE_ROUTE, channel_id=str(mod_log_channel(topicbot)))]
    assert len(edits) == 1 and f"edited **{title}**" in edits[0].json["content"]


async def test_an_import_with_one_malformed_file_changes_nothing(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    before = await ask(fake, "who runs waymo")
    good = record_text("Asteroid Prospecting", "surveying near-Earth asteroids for metals")
    lines = record_text("Space Tethers", "long cables for moving payloads").split("\n")
    broken = lines.index("Last Updated") + 2
    lines[broken] = "a while ago"
    files = {"file": Upload("good.txt", good.encode()), "file2": Upload("bad.txt", "\n".join(lines).encode())}

    reply = await reply_of(fake, await admin(topicbot, "import", files))
    assert f"bad.txt, line {broken + 1}" in reply["content"]
    assert not reply.get("components"), "no confirm button for an import that cannot apply"
    assert topicbot.services.index.get("Asteroid Prospecting", fake.guild_id) is None
    assert answered_title(await ask(fake, "what is asteroid prospecting?")) != "Asteroid Prospecting"
    after = await ask(fake, "who runs waymo")
    assert answered_title(before) == "Waymo"
    assert embed_of(after)["description"] == embed_of(before)["description"]


async def test_an_import_previews_and_applies_only_on_confirm(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    mark = fake.mark()
    title = "Asteroid Prospecting Missions"
    upload = Upload("prospecting.zip", zipped({"a.txt": record_text(title, "surveying asteroids for metals")}))
    record = await admin(topicbot, "import", {"file": upload})
    reply = await reply_of(fake, record)
    assert "1 to add, 0 to change, 0 unchanged" in reply["content"] and f"+ {title}" in reply["content"]
    assert topicbot.services.index.get(title, fake.guild_id) is None

    followup = await fake.wait_for_route(FOLLOWUP_ROUTE, token=record.token)
    preview = fake.message_of(followup)
    confirm = next(b for row in preview["components"] for b in row["components"] if b.get("label") == "Import")
    click = await fake.click(preview, confirm["custom_id"], user=fake.world.owner_user)
    assert (await fake.wait_for_callback(click)).json["type"] == 6
    edit = await fake.wait_for_route("PATCH /webhooks/{application_id}/{token}/messages/{message_id}",
                                     token=click.token)
    assert edit.json["content"] == "Imported: 1 added, 0 changed, 0 unchanged."
    logged = await fake.wait_for_route(CHANNEL_MESSAGE_ROUTE, channel_id=mod_log_channel(topicbot), after=mark)
    assert f"added **{title}**" in logged.json["content"]
    assert answered_title(await ask(fake, "what are asteroid prospecting missions?")) == title


async def test_remove_needs_the_confirm_click_and_ask_stops_answering(topicbot: RunningTopicBot) -> None:
    # Kept last in the module: on SQLite a topic added after the newest one is removed currently
    # collides with the removed topic's revisions (see test_admin_cog's xfail).
    fake = topicbot.fake
    title = "Solar Sail Propulsion"
    await add_by_attachment(topicbot, title, "pushing spacecraft with sunlight")
    assert answered_title(await ask(fake, "what is solar sail propulsion?")) == title
    record = await admin(topicbot, "remove", {"topic": title})
    callback = await fake.wait_for_callback(record)
    message = fake.message_of(callback)
    confirm = next(b for row in message["components"] for b in row["components"] if b.get("label") == "Remove")
    assert topicbot.services.index.get(title, fake.guild_id) is not None

    click = await fake.click(message, confirm["custom_id"], user=fake.world.owner_user)
    assert (await fake.wait_for_callback(click)).json["type"] == 6
    edit = await fake.wait_for_route("PATCH /webhooks/{application_id}/{token}/messages/{message_id}",
                                     token=click.token)
    assert f"removed **{title}**" in edit.json["content"]
    assert f"/topic-admin revert topic:{title} to:1" in edit.json["content"]
    assert answered_title(await ask(fake, "what is solar sail propulsion?")) != title


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
