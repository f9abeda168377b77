"""``TopicsCog``: /topic show|attribute|timeline|sources|list|why and the fuzzy autocompletes."""

from __future__ import annotations

import dataclasses

import discord
import pytest

from bot.core.errors import TopicNotFoundError
from bot.discord_adapter.cogs.topics import BAD_DATE, TopicsCog
from bot.discord_adapter.topic_keys import topic_key


@pytest.fixture
def cog(bot) -> TopicsCog:
    return TopicsCog(bot)


def _embed(kwargs) -> discord.Embed:
    [embed] = kwargs["embeds"]
    return embed


async def test_topic_autocomplete_is_fuzzy_and_at_most_25(cog, make_interaction) -> None:
    interaction = make_interaction(kind=discord.InteractionType.autocomplete)
    choices = await cog.topic_autocomplete(interaction, "trainng")
    assert 0 < len(choices) <= 25
    assert choices[0].value == "AI Training Data"
    everything = await cog.topic_autocomplete(interaction, "")
    assert 0 < len(everything) <= 25
    assert all(len(choice.name) <= 100 and len(choice.value) <= 100 for choice in everything)


async def test_topic_autocomplete_reads_the_index_not_the_database(cog, make_interaction, monkeypatch) -> None:
    def no_sql(*_args, **_kwargs):
        raise AssertionError("autocomplete must not open a database session")

    monkeypatch.setattr(cog.bot.services, "session_factory", no_sql)
    choices = await cog.topic_autocomplete(make_interaction(kind=discord.InteractionType.autocomplete), "waym")
    assert "Waymo" in [choice.value for choice in choices]


async def test_long_titles_autocomplete_to_a_key_that_resolves_back(cog, topics, make_interaction) -> None:
    long_title = "Waymo " + "and the history of autonomous ride hailing " * 4
    cog.bot.services.index.upsert(dataclasses.replace(topics["Waymo"], title=long_title.strip()))
    choices = await cog.topic_autocomplete(make_interaction(kind=discord.InteractionType.autocomplete),
                                           "history of autonomous ride hailing")
    keys = [choice.value for choice in choices]
    assert topic_key(long_title.strip()) in keys
    assert all(len(key) <= 100 for key in keys)


async def test_attribute_autocomplete_offers_the_chosen_topics_attributes(cog, make_interaction) -> None:
    interaction = make_interaction(kind=discord.InteractionType.autocomplete,
                                   namespace={"topic": "AI Training Data"})
    every = [choice.value for choice in await cog.attribute_autocomplete(interaction, "")]
    assert "Environmental Impact" in every
    assert len(every) <= 25
    narrowed = [choice.value for choice in await cog.attribute_autocomplete(interaction, "envir")]
    assert narrowed == ["Environmental Impact"]


async def test_attribute_autocomplete_without_a_topic_offers_nothing(cog, make_interaction) -> None:
    interaction = make_interaction(kind=discord.InteractionType.autocomplete)
    assert await cog.attribute_autocomplete(interaction, "ceo") == []


async def test_show_answers_with_the_summary_embed(cog, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    await cog.show.callback(cog, interaction, topic="Waymo")
    embed = _embed(sent_kwargs(interaction.response.send_message))
    assert embed.title is not None and "Waymo" in embed.title
    assert len(embed.description or "") > 100


async def test_attribute_answers_that_attribute(cog, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    await cog.attribute.callback(cog, interaction, topic="AI Training Data", attribute="Environmental Impact")
    embed = _embed(sent_kwargs(interaction.response.send_message))
    assert "water" in (embed.description or "").lower()


async def test_timeline_year_keeps_only_that_years_events(cog, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    await cog.timeline.callback(cog, interaction, topic="AI Training Data", year=2024)
    description = _embed(sent_kwargs(interaction.response.send_message)).description or ""
    assert "Sora" in description
    assert "2020-01-01" not in description


async def test_timeline_since_that_cannot_be_read_is_refused_privately(cog, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    await cog.timeline.callback(cog, interaction, topic="AI Training Data", since="whenever")
    kwargs = sent_kwargs(interaction.response.send_message)
    assert kwargs["content"] == BAD_DATE
    assert kwargs["ephemeral"] is True


async def test_sources_come_with_link_buttons(cog, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    await cog.sources.callback(cog, interaction, topic="Waymo")
    view = sent_kwargs(interaction.response.send_message)["view"]
    links = [item for item in view.children if getattr(item, "url", None)]
    assert 0 < len(links) <= 5


async def test_unknown_topic_raises_with_closest_titles_for_the_error_table(cog, make_interaction) -> None:
    with pytest.raises(TopicNotFoundError) as caught:
        await cog.show.callback(cog, make_interaction(), topic="Waymoo")
    assert "Waymo" in caught.value.suggestions


async def test_list_answers_with_the_catalogue(cog, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    await cog.list_topics.callback(cog, interaction)
    kwargs = sent_kwargs(interaction.response.send_message)
    assert "Waymo" in (_embed(kwargs).description or "")


async def test_why_explains_privately(cog, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    await cog.why.callback(cog, interaction, question="who leads anthropic")
    kwargs = sent_kwargs(interaction.response.send_message)
    assert kwargs["ephemeral"] is True
    assert "Anthropic" in (kwargs["embed"].description or "")
    assert "runner-up" in (kwargs["embed"].description or "")


async def test_topic_text_with_everyone_and_role_mentions_never_pings(cog, topics, make_interaction,
                                                                      sent_kwargs) -> None:
    loud = dataclasses.replace(topics["Waymo"], title="Loud Topic",
                               summary="@everyone @here <@&123456> read this " + topics["Waymo"].summary)
    cog.bot.services.index.upsert(loud)
    interaction = make_interaction()
    await cog.show.callback(cog, interaction, topic="Loud Topic")
    kwargs = sent_kwargs(interaction.response.send_message)
    assert "@everyone" in (_embed(kwargs).description or "")
    allowed = kwargs["allowed_mentions"]
    assert (allowed.everyone, allowed.roles, allowed.users) == (False, False, False)
    assert allowed.to_dict()["parse"] == []
