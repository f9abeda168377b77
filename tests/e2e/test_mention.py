"""Mentions end to end: answered as replies, chatter at most once per cooldown, replies to replies.

The fake applies Discord's message-content rule, so these tests also prove the bot works without
the privileged MESSAGE_CONTENT intent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fake_gateway import CHANNEL_MESSAGE_ROUTE, FakeDiscord
from fake_gateway.recording import Predicate
from harness import (
    SEED_TITLE,
    RunningTopicBot,
    assert_every_message_is_safe,
    e2e_settings,
    embed_of,
    topicbot_on,
)

from bot.discord_adapter import bot_intents

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

SEED_QUESTION = "what is AI training data?"


def reply_to(message: dict[str, Any]) -> Predicate:
    """Matches the bot's reply (a channel message referencing ``message``)."""
    return lambda r: (
        r.route == CHANNEL_MESSAGE_ROUTE
        and str((r.json or {}).get("message_reference", {}).get("message_id")) == message["id"]
    )


async def test_a_mention_is_answered_as_a_reply(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    mark = fake.mark()
    channel = fake.new_channel()
    asked = await fake.send_message(f"<@{fake.bot_id}> {SEED_QUESTION}", channel_id=channel)

    reply = await fake.wait_for(reply_to(asked))

    assert reply.status == 200, reply.response
    assert reply.params["channel_id"] == str(channel)
    assert embed_of(reply.json)["title"] == SEED_TITLE
    assert reply.json["allowed_mentions"].get("replied_user") is False
    assert not fake.pings_of(reply).anyone
    assert assert_every_message_is_safe(fake, after=mark) == 1


async def test_mention_text_with_everyone_and_roles_pings_nobody(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    mark = fake.mark()
    channel = fake.new_channel()
    role = fake.world.mod_role_id
    asked = await fake.send_message(f"@everyone <@&{role}> <@{fake.bot_id}> {SEED_QUESTION}", channel_id=channel)
    await fake.wait_for(reply_to(asked))
    assert assert_every_message_is_safe(fake, after=mark) == 1


async def test_chatter_gets_the_short_reply_once_per_cooldown(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    chatter = ("lol nice weather today eh", "anyone up for lunch?")
    for text in chatter:
        assert topicbot.services.answerer.answer(text).is_miss, f"precondition: {text!r} is chatter to the core"
    channel = fake.new_channel()
    first = await fake.send_message(f"<@{fake.bot_id}> {chatter[0]}", channel_id=channel)
    reply = await fake.wait_for(reply_to(first))
    assert "don't know" in reply.json["content"]
    assert not reply.json.get("embeds")

    second = await fake.send_message(f"<@{fake.bot_id}> {chatter[1]}", channel_id=channel)
    # A real question after it: once that is answered, the chatter before it has been handled too.
    question = await fake.send_message(f"<@{fake.bot_id}> {SEED_QUESTION}", channel_id=channel)
    await fake.wait_for(reply_to(question))
    assert fake.state.log.matching(reply_to(second)) == []


async def test_an_unmentioned_message_is_ignored(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    channel = fake.new_channel()
    quiet = await fake.send_message(SEED_QUESTION, channel_id=channel)
    question = await fake.send_message(f"<@{fake.bot_id}> {SEED_QUESTION}", channel_id=channel)
    await fake.wait_for(reply_to(question))
    assert fake.state.log.matching(reply_to(quiet)) == []


async def test_a_mention_replying_to_an_unreadable_message_says_why(topicbot: RunningTopicBot) -> None:
    """Without the message-content intent the replied-to text is blank: the bot must not guess."""
    fake = topicbot.fake
    channel = fake.new_channel()
    original = await fake.send_message(SEED_QUESTION, channel_id=channel, author=fake.world.owner_user)
    asking = await fake.send_message(
        f"<@{fake.bot_id}> what's this?", channel_id=channel, reply_to=original, ping_reply=False
    )
    reply = await fake.wait_for(reply_to(asking))
    assert "Ask Topicbot" in reply.json["content"]
    assert not reply.json.get("embeds")


async def test_the_message_menu_answers_the_selected_message(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    mark = fake.mark()
    channel = fake.new_channel()
    original = await fake.send_message(SEED_QUESTION, channel_id=channel, author=fake.world.owner_user)
    record = await fake.message_command("Ask Topicbot", original)
    callback = await fake.wait_for_callback(record)
    assert callback.json["type"] == 4
    assert embed_of(callback.json["data"])["title"] == SEED_TITLE
    assert assert_every_message_is_safe(fake, after=mark) == 1


async def test_with_the_content_intent_a_mention_under_a_question_answers_that_question(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        intents = bot_intents()
        intents.message_content = True
        settings = e2e_settings(fake, tmp_path / "topics.db")
        async with topicbot_on(fake, settings, intents=intents):
            channel = fake.new_channel()
            original = await fake.send_message(SEED_QUESTION, channel_id=channel, author=fake.world.owner_user)
            asking = await fake.send_message(
                f"<@{fake.bot_id}> what's this?", channel_id=channel, reply_to=original, ping_reply=False
            )
            reply = await fake.wait_for(reply_to(asking))
            assert embed_of(reply.json)["title"] == SEED_TITLE
            assert not fake.pings_of(reply).anyone


async def test_a_member_flooding_mentions_is_rate_limited_while_another_is_answered(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        # No answer cooldown: the other member's same question must get a full answer, not a link.
        settings = e2e_settings(fake, tmp_path / "flood.db", mention_limit=3, mention_window_seconds=60.0,
                                cooldown_seconds=0)
        async with topicbot_on(fake, settings):
            mark = fake.mark()
            channel = fake.new_channel()
            flooder = fake.world.add_user("flooder")
            flood = [await fake.send_message(f"<@{fake.bot_id}> {SEED_QUESTION}", channel_id=channel,
                                             author=flooder) for _ in range(1000)]
            other = await fake.send_message(f"<@{fake.bot_id}> {SEED_QUESTION}", channel_id=channel)

            reply = await fake.wait_for(reply_to(other), after=mark)

            assert reply.status == 200
            assert embed_of(reply.json)["title"] == SEED_TITLE
            flood_ids = {message["id"] for message in flood}
            answered = [r for r in fake.requests[mark:] if r.route == CHANNEL_MESSAGE_ROUTE
                        and str((r.json or {}).get("message_reference", {}).get("message_id")) in flood_ids]
            assert len(answered) == 3


async def test_a_429_with_retry_after_does_not_lose_the_reply(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    mark = fake.mark()
    channel = fake.new_channel()
    fake.state.rate_limit_once[CHANNEL_MESSAGE_ROUTE] = 0.3
    asked = await fake.send_message(f"<@{fake.bot_id}> {SEED_QUESTION}", channel_id=channel)

    refused = await fake.wait_for(lambda r: r.route == CHANNEL_MESSAGE_ROUTE and r.status == 429, after=mark)
    reply = await fake.wait_for(lambda r: reply_to(asked)(r) and r.status == 200, after=mark)

    assert refused.index < reply.index
    assert embed_of(reply.json)["title"] == SEED_TITLE
