"""``/topic`` subcommands end to end: attribute, timeline, sources, list, why, and the error path."""

from __future__ import annotations

import pytest
from harness import SEED_TITLE, RunningTopicBot, assert_every_message_is_safe, buttons, embed_of, embed_text

from bot.core.engine.reading import parse_date_range

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

EPHEMERAL = 1 << 6


async def test_attribute_chosen_through_autocomplete_is_answered(topicbot: RunningTopicBot) -> None:
    fake, services = topicbot.fake, topicbot.services
    mark = fake.mark()
    channel = fake.new_channel()
    typing = await fake.autocomplete(
        "topic", {"topic": SEED_TITLE, "attribute": ""}, focused="attribute", subcommand="attribute", channel_id=channel
    )
    choice = (await fake.wait_for_callback(typing)).json["data"]["choices"][0]

    record = await fake.slash(
        "topic", {"topic": SEED_TITLE, "attribute": choice["value"]}, subcommand="attribute", channel_id=channel
    )
    callback = await fake.wait_for_callback(record)

    embed = embed_of(callback.json["data"])
    assert embed["title"] == SEED_TITLE
    expected = services.renderer.render(
        services.answerer.answer_topic(SEED_TITLE, "attribute", attribute=choice["value"])
    )
    assert embed["description"] == expected.pages[0]
    topic = services.index.get(SEED_TITLE)
    value = next(a.value for a in topic.attributes if a.name == choice["value"])
    assert value.split()[0] in embed["description"]
    assert assert_every_message_is_safe(fake, after=mark) == 1


async def test_timeline_for_a_year_shows_that_years_events(topicbot: RunningTopicBot) -> None:
    fake, services = topicbot.fake, topicbot.services
    topic = services.index.get(SEED_TITLE)
    assert topic.timeline, "the seed record has a timeline"
    year = topic.timeline[0].date.year
    record = await fake.slash(
        "topic", {"topic": SEED_TITLE, "year": year}, subcommand="timeline", channel_id=fake.new_channel()
    )
    callback = await fake.wait_for_callback(record)

    embed = embed_of(callback.json["data"])
    expected = services.renderer.render(
        services.answerer.answer_topic(SEED_TITLE, "timeline", date_range=parse_date_range(str(year)))
    )
    assert embed["description"] == expected.pages[0]
    assert str(year) in embed_text(embed)


async def test_timeline_with_an_unreadable_since_date_says_so_privately(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    record = await fake.slash(
        "topic",
        {"topic": SEED_TITLE, "since": "the day after never"},
        subcommand="timeline",
        channel_id=fake.new_channel(),
    )
    data = (await fake.wait_for_callback(record)).json["data"]
    assert int(data["flags"]) & EPHEMERAL
    assert "date" in data["content"]


async def test_sources_come_with_link_buttons(topicbot: RunningTopicBot) -> None:
    fake, services = topicbot.fake, topicbot.services
    with_links = [t for t in services.index.titles() if services.index.get(t).links]
    assert with_links, "precondition: some test record has source URLs"
    title = with_links[0]
    record = await fake.slash("topic", {"topic": title}, subcommand="sources", channel_id=fake.new_channel())
    callback = await fake.wait_for_callback(record)
    assert embed_of(callback.json["data"])["title"] == title
    links = [b for b in buttons(callback.json["data"]) if b.get("style") == 5]
    assert 1 <= len(links) <= 5
    assert {b["url"] for b in links} <= set(services.index.get(title).links)


async def test_list_shows_the_catalogue_and_filters_it(topicbot: RunningTopicBot) -> None:
    fake, services = topicbot.fake, topicbot.services
    channel = fake.new_channel()
    everything = await fake.slash("topic", subcommand="list", channel_id=channel)
    listing = embed_text(embed_of((await fake.wait_for_callback(everything)).json["data"]))
    assert SEED_TITLE in listing

    kept = services.index.filter_titles("crypto", fake.guild_id)
    assert kept, "precondition: the test records have crypto topics"
    filtered = await fake.slash("topic", {"filter": "crypto"}, subcommand="list", channel_id=channel)
    shown = embed_text(embed_of((await fake.wait_for_callback(filtered)).json["data"]))
    assert all(title in shown for title in kept)
    assert SEED_TITLE not in shown


async def test_why_explains_privately_which_topic_won(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    record = await fake.slash(
        "topic", {"question": "what is AI training data?"}, subcommand="why", channel_id=fake.new_channel()
    )
    data = (await fake.wait_for_callback(record)).json["data"]
    assert int(data["flags"]) & EPHEMERAL
    assert SEED_TITLE in embed_text(embed_of(data))


async def test_an_untracked_topic_gets_a_private_error_naming_closest_titles(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    mark = fake.mark()
    record = await fake.slash("topic", {"topic": "AI Trainig Dta"}, subcommand="show", channel_id=fake.new_channel())
    callback = await fake.wait_for_callback(record)
    data = callback.json["data"]
    assert callback.json["type"] == 4
    assert int(data["flags"]) & EPHEMERAL
    text = (data.get("content") or "") + "".join(embed_text(e) for e in data.get("embeds") or [])
    assert SEED_TITLE in text
    assert len(fake.callbacks(record)) == 1
    assert assert_every_message_is_safe(fake, after=mark) == 1
