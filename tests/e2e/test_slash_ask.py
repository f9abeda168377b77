"""``/ask`` and ``/topic`` end to end: the real TopicBot and core, over the fake Discord."""

from __future__ import annotations

import pytest
from fake_gateway import MESSAGE_CONTENT_INTENT
from harness import FRESHNESS, SEED_TITLE, RunningTopicBot, assert_every_message_is_safe, buttons, embed_of

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

EPHEMERAL = 1 << 6
SEED_QUESTION = "what is AI training data?"


async def test_commands_are_registered_to_the_test_guild_with_minimal_intents(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    commands = fake.commands()
    assert {"ask", "topic", "Ask Topicbot"} <= set(commands)
    assert fake.commands(guild=False) == {}

    ask = {o["name"]: o for o in commands["ask"]["options"]}
    assert ask["question"]["type"] == 3 and ask["question"]["required"] is True
    assert ask["question"]["max_length"] == 500
    assert ask["ephemeral"]["type"] == 5 and ask["target"]["type"] == 6
    subcommands = {o["name"]: o for o in commands["topic"]["options"]}
    assert {"show", "attribute", "timeline", "sources", "list", "why"} <= set(subcommands)
    assert all(o["type"] == 1 for o in subcommands.values())
    topic_option = next(o for o in subcommands["show"]["options"] if o["name"] == "topic")
    assert topic_option["autocomplete"] is True
    assert commands["Ask Topicbot"]["type"] == 3

    intents = fake.intents
    assert intents & 1 and intents & (1 << 9), "needs GUILDS and GUILD_MESSAGES"
    assert not intents & MESSAGE_CONTENT_INTENT, "must not ask for the privileged message content intent"


async def test_ask_replies_with_the_topic_embed_and_freshness(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    mark = fake.mark()
    channel = fake.new_channel()

    record = await fake.slash("ask", {"question": SEED_QUESTION}, channel_id=channel)
    callback = await fake.wait_for_callback(record)

    assert callback.status == 200, callback.response
    assert callback.json["type"] == 4
    data = callback.json["data"]
    assert not int(data.get("flags") or 0) & EPHEMERAL
    embed = embed_of(data)
    assert embed["title"] == SEED_TITLE
    topic = topicbot.services.index.get(SEED_TITLE)
    assert topic is not None
    # The body is the core renderer's answer, delivered unchanged (it fits in one page).
    expected = topicbot.services.renderer.render(
        topicbot.services.answerer.answer(SEED_QUESTION, guild_id=fake.guild_id)
    )
    assert embed["description"] == expected.pages[0]
    stamps = {int(s) for field in embed.get("fields", []) for s in FRESHNESS.findall(field["value"])}
    assert int(topic.last_updated.timestamp()) in stamps
    assert int(topic.research_retrieved.timestamp()) in stamps
    for button in buttons(data):
        if button["style"] == 5:
            assert button["url"].startswith(("http://", "https://"))
    # Besides its links, an answer carries the "not what I asked" button and its "see also" buttons.
    answerer = topicbot.services.answerer
    answer = answerer.with_related(answerer.answer(SEED_QUESTION, guild_id=fake.guild_id), fake.guild_id)
    assert [b["label"] for b in buttons(data) if b["style"] != 5] == [
        "Not what I asked", *(f"See also: {title}" for title in answer.related)]
    assert assert_every_message_is_safe(fake, after=mark) == 1


async def test_the_same_question_again_in_the_channel_links_to_the_earlier_answer(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    mark = fake.mark()
    channel = fake.new_channel()
    first = await fake.slash("ask", {"question": SEED_QUESTION}, channel_id=channel)
    first_message = fake.message_of(await fake.wait_for_callback(first))

    second = await fake.slash("ask", {"question": SEED_QUESTION.upper()}, channel_id=channel)
    repeat = await fake.wait_for_callback(second)

    data = repeat.json["data"]
    assert int(data.get("flags") or 0) & EPHEMERAL
    assert not data.get("embeds")
    jump = f"https://discord.com/channels/{fake.guild_id}/{channel}/{first_message['id']}"
    assert jump in data["content"]

    other_channel = fake.new_channel()
    elsewhere = await fake.slash("ask", {"question": SEED_QUESTION}, channel_id=other_channel)
    fresh = await fake.wait_for_callback(elsewhere)
    assert embed_of(fresh.json["data"])["title"] == SEED_TITLE
    assert assert_every_message_is_safe(fake, after=mark) == 3


async def test_ask_with_a_target_pings_only_that_user(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    mark = fake.mark()
    target = fake.world.owner_user
    record = await fake.slash("ask", {"question": SEED_QUESTION, "target": target}, channel_id=fake.new_channel())
    callback = await fake.wait_for_callback(record)

    assert f"<@{target['id']}>" in callback.json["data"]["content"]
    assert fake.pings_of(callback).users == {target["id"]}
    assert assert_every_message_is_safe(fake, after=mark, may_ping=frozenset({target["id"]})) == 1


async def test_ephemeral_ask_is_private(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    record = await fake.slash("ask", {"question": SEED_QUESTION, "ephemeral": True}, channel_id=fake.new_channel())
    callback = await fake.wait_for_callback(record)
    assert int(callback.json["data"]["flags"]) & EPHEMERAL
    assert embed_of(callback.json["data"])["title"] == SEED_TITLE


async def test_an_unknown_question_gets_a_private_short_answer(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    record = await fake.slash("ask", {"question": "zxqv wibble frobnicate"}, channel_id=fake.new_channel())
    callback = await fake.wait_for_callback(record)
    data = callback.json["data"]
    assert callback.json["type"] == 4
    assert int(data["flags"]) & EPHEMERAL
    assert data["content"] and not data.get("embeds")
    assert "allowed_mentions" in data


async def test_topic_autocomplete_is_fuzzy_and_at_most_25(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    channel = fake.new_channel()
    record = await fake.autocomplete(
        "topic", {"topic": "trainng"}, focused="topic", subcommand="show", channel_id=channel
    )
    callback = await fake.wait_for_callback(record)

    assert callback.status == 200, callback.response
    assert callback.json["type"] == 8
    choices = callback.json["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert any(c["name"].startswith(SEED_TITLE) for c in choices)

    empty = await fake.autocomplete("topic", {"topic": ""}, focused="topic", subcommand="show", channel_id=channel)
    listing = (await fake.wait_for_callback(empty)).json["data"]["choices"]
    assert 1 <= len(listing) <= 25


async def test_an_autocompleted_choice_shows_that_topic(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    channel = fake.new_channel()
    typing = await fake.autocomplete(
        "topic", {"topic": "trainng"}, focused="topic", subcommand="show", channel_id=channel
    )
    choices = (await fake.wait_for_callback(typing)).json["data"]["choices"]
    chosen = next(c for c in choices if c["name"].startswith(SEED_TITLE))

    record = await fake.slash("topic", {"topic": chosen["value"]}, subcommand="show", channel_id=channel)
    callback = await fake.wait_for_callback(record)
    assert callback.json["type"] == 4
    assert embed_of(callback.json["data"])["title"] == SEED_TITLE


async def test_attribute_autocomplete_offers_the_chosen_topics_attributes(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    channel = fake.new_channel()
    names = topicbot.services.index.attribute_names(SEED_TITLE)
    assert names, "the seed record has attributes"
    record = await fake.autocomplete(
        "topic", {"topic": SEED_TITLE, "attribute": ""}, focused="attribute", subcommand="attribute", channel_id=channel
    )
    choices = (await fake.wait_for_callback(record)).json["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert {c["value"] for c in choices} <= {n[:100] for n in names}
