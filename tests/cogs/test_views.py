"""Disambiguation buttons (persistent ``DynamicItem``s), pages and link buttons, and Discord's size limits."""

from __future__ import annotations

import dataclasses
from datetime import date

import discord
import pytest

from bot.core.answers import Answer
from bot.core.discord_limits import CUSTOM_ID_LIMIT
from bot.core.model import TimelineEvent
from bot.discord_adapter.replies import OutgoingMessage, answer_embed, no_pings
from bot.discord_adapter.topic_keys import title_hash
from bot.discord_adapter.views import PagedView, PickTopicButton, SeeAlsoButton

CANDIDATES = ("Waymo", "Tesla Robotaxi", "Robotaxis")


def _disambiguation() -> Answer:
    return Answer(question="robotaxi", intent="summary", candidates=CANDIDATES)


async def _click(bot, make_interaction, custom_id: str):
    """Dispatch a click the way discord.py does after a restart: template match → ``from_custom_id`` → callback."""
    match = PickTopicButton.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    interaction = make_interaction(kind=discord.InteractionType.component)
    interaction.client = bot
    item = discord.ui.Button(custom_id=custom_id, label="from the message")
    button = await PickTopicButton.from_custom_id(interaction, item, match)
    await button.callback(interaction)
    return interaction


async def test_a_disambiguation_has_one_persistent_button_per_candidate(bot, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    await bot.responder.send(interaction, _disambiguation())
    view = sent_kwargs(interaction.response.send_message)["view"]
    buttons = list(view.children)
    assert [button.item.label for button in buttons] == list(CANDIDATES)
    assert all(isinstance(button, PickTopicButton) for button in buttons)
    assert all(button.custom_id.startswith("topicbot:pick:summary:") for button in buttons)
    assert view.timeout is None
    assert view.is_persistent()


async def test_clicking_a_candidate_edits_the_message_into_that_topics_answer(bot, make_interaction,
                                                                               sent_kwargs) -> None:
    clicked = await _click(bot, make_interaction, "topicbot:pick:summary:Waymo")
    kwargs = sent_kwargs(clicked.response.edit_message)
    [embed] = kwargs["embeds"]
    assert embed.title is not None and "Waymo" in embed.title
    assert kwargs["allowed_mentions"].everyone is False


async def test_a_hashed_key_resolves_to_its_long_title(bot, topics, make_interaction, sent_kwargs) -> None:
    long_title = ("Waymo, " + "the driverless ride hailing service of Alphabet " * 3).strip()
    bot.services.index.upsert(dataclasses.replace(topics["Waymo"], title=long_title))
    button = PickTopicButton.for_title("summary", long_title)
    assert len(button.custom_id) <= CUSTOM_ID_LIMIT
    assert button.custom_id.endswith(title_hash(long_title))
    clicked = await _click(bot, make_interaction, button.custom_id)
    [embed] = sent_kwargs(clicked.response.edit_message)["embeds"]
    assert embed.title is not None and embed.title.startswith("Waymo, the driverless")


async def test_clicking_a_removed_topic_reports_it_privately(bot, make_interaction, sent_kwargs) -> None:
    clicked = await _click(bot, make_interaction, "topicbot:pick:summary:No Such Topic Anymore")
    clicked.response.edit_message.assert_not_awaited()
    kwargs = sent_kwargs(clicked.response.send_message)
    assert kwargs["ephemeral"] is True
    assert "No Such Topic Anymore" in kwargs["content"]


async def test_the_bot_registers_the_pick_button_for_restarts(bot) -> None:
    bot.add_dynamic_items(PickTopicButton)
    assert PickTopicButton in bot._connection._view_store._dynamic_items.values()


async def test_pages_move_with_next_and_previous(make_interaction, sent_kwargs) -> None:
    pages = [discord.Embed(description=f"page {n}") for n in range(3)]
    view = PagedView(pages, ("https://example.org/a",))
    assert view.previous_page.disabled is True
    interaction = make_interaction(kind=discord.InteractionType.component)
    await view.next_page.callback(interaction)
    assert sent_kwargs(interaction.response.edit_message)["embed"].description == "page 1"
    assert view.previous_page.disabled is False
    again = make_interaction(kind=discord.InteractionType.component)
    await view.next_page.callback(again)
    assert view.next_page.disabled is True
    assert len([item for item in view.children if getattr(item, "url", None)]) == 1


async def test_long_timelines_are_paginated_within_discords_limits(bot, topics) -> None:
    events = tuple(TimelineEvent(text=f"Event {n}: " + "a long description of what happened " * 20,
                                 date=date(2000 + n % 25, 1 + n % 12, 1), source="Wikipedia") for n in range(60))
    long_topic = dataclasses.replace(topics["Waymo"], title="Long Timeline", timeline=events)
    bot.services.index.upsert(long_topic)
    answer = bot.services.answerer.answer_topic("Long Timeline", "timeline")
    message = bot.responder.message_for(answer)
    assert isinstance(message.view, PagedView)
    assert len(message.view.pages) > 1
    reply = bot.services.renderer.render(answer)
    for page in range(len(message.view.pages)):
        embed = answer_embed(answer, reply, page)
        assert len(embed.description or "") <= 4096
        assert len(embed) <= 6000
        assert len(embed.fields) <= 25
        assert all(len(field.value or "") <= 1024 for field in embed.fields)
    assert "Event 59" in " ".join(page.description or "" for page in message.view.pages)


def test_outgoing_content_is_cut_to_2000_characters() -> None:
    message = OutgoingMessage(content="word " * 1000)
    assert message.content is not None and len(message.content) <= 2000


@pytest.mark.parametrize("target_id", [None, 31337])
def test_allowed_mentions_ping_only_the_target(target_id: int | None) -> None:
    target = discord.Object(id=target_id) if target_id else None
    payload = no_pings(target).to_dict()
    assert payload["parse"] == []
    assert payload.get("users", []) == ([target_id] if target_id else [])
    assert payload.get("replied_user", False) is False


async def test_a_timeline_pick_keeps_the_questions_date_range(bot, make_interaction, sent_kwargs) -> None:
    from bot.core.engine.reading import parse_date_range

    answer = Answer(question="robotaxi news in 2024", intent="timeline", candidates=CANDIDATES,
                    date_range=parse_date_range("2024"))
    interaction = make_interaction()
    await bot.responder.send(interaction, answer)
    [first, *_rest] = sent_kwargs(interaction.response.send_message)["view"].children
    assert first.custom_id == "topicbot:pick:timeline|2024:Waymo"
    clicked = await _click(bot, make_interaction, first.custom_id)
    [embed] = sent_kwargs(clicked.response.edit_message)["embeds"]
    assert "2024" in (embed.description or "")


async def _click_see_also(bot, make_interaction, custom_id: str):
    match = SeeAlsoButton.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    interaction = make_interaction(kind=discord.InteractionType.component)
    interaction.client = bot
    item = discord.ui.Button(custom_id=custom_id, label="See also: from the message")
    button = await SeeAlsoButton.from_custom_id(interaction, item, match)
    await button.callback(interaction)
    return interaction


async def test_an_answer_offers_its_related_topics_as_persistent_see_also_buttons(bot, make_interaction,
                                                                                    sent_kwargs) -> None:
    answerer = bot.services.answerer
    answer = answerer.with_related(answerer.answer_topic("Waymo", "summary"))
    interaction = make_interaction()
    await bot.responder.send(interaction, answer)
    view = sent_kwargs(interaction.response.send_message)["view"]
    see_also = [item for item in view.children if isinstance(item, SeeAlsoButton)]
    assert [b.item.label for b in see_also] == [f"See also: {t}" for t in answer.related]
    assert {"See also: Robotaxis", "See also: Tesla Robotaxi"} <= {b.item.label for b in see_also}
    assert all(b.custom_id.startswith("topicbot:see:") and len(b.custom_id) <= CUSTOM_ID_LIMIT for b in see_also)
    assert len(view.children) <= 25
    rows: dict[int | None, int] = {}
    for item in view.children:
        rows[item.row] = rows.get(item.row, 0) + 1
    assert all(count <= 5 for count in rows.values())


async def test_at_most_three_see_also_buttons_and_none_without_related(bot, topics) -> None:
    from bot.discord_adapter.views import compose
    renderer = bot.services.renderer
    many = Answer("q", "summary", topic=topics["Waymo"], related=("A", "B", "C", "D", "E"))
    view = compose(many, renderer.render(many)).view
    assert view is not None
    assert len([i for i in view.children if isinstance(i, SeeAlsoButton)]) == 3
    lone = Answer("q", "summary", topic=topics["Waymo"])
    view = compose(lone, renderer.render(lone)).view
    assert view is None or not [i for i in view.children if isinstance(i, SeeAlsoButton)]


async def test_clicking_see_also_answers_that_topic_privately(bot, make_interaction, sent_kwargs) -> None:
    clicked = await _click_see_also(bot, make_interaction, "topicbot:see:Robotaxis")
    clicked.response.edit_message.assert_not_awaited()
    kwargs = sent_kwargs(clicked.response.send_message)
    assert kwargs["ephemeral"] is True
    [embed] = kwargs["embeds"]
    assert embed.title == "Robotaxis"
    assert any(isinstance(i, SeeAlsoButton) and i.item.label == "See also: Waymo" for i in kwargs["view"].children)


async def test_a_see_also_for_a_removed_topic_reports_it_privately(bot, make_interaction, sent_kwargs) -> None:
    clicked = await _click_see_also(bot, make_interaction, "topicbot:see:No Such Topic Anymore")
    kwargs = sent_kwargs(clicked.response.send_message)
    assert kwargs["ephemeral"] is True
    assert "No Such Topic Anymore" in kwargs["content"]

