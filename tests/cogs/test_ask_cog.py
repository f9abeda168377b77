"""``AskCog``: /ask, mentions (and replies to other messages) and the "Ask Topicbot" menu."""

from __future__ import annotations

from unittest.mock import create_autospec

import discord
import pytest

from bot.discord_adapter.cogs.ask import EMPTY_MENTION, NO_TEXT, UNREADABLE_REFERENCE, AskCog
from bot.discord_adapter.responder import CHATTER_REPLY

QUESTION = "what is the environmental impact of AI training data"


@pytest.fixture
def cog(bot) -> AskCog:
    return AskCog(bot)


def _embed(kwargs) -> discord.Embed:
    [embed] = kwargs["embeds"]
    return embed


def _assert_pings_nobody(allowed: discord.AllowedMentions) -> None:
    assert allowed.everyone is False
    assert allowed.roles is False
    assert allowed.users is False
    assert allowed.replied_user is False


def _sent_message(jump_url: str) -> object:
    response = create_autospec(discord.InteractionCallbackResponse, instance=True)
    message = create_autospec(discord.InteractionMessage, instance=True)
    message.jump_url = jump_url
    response.resource = message
    return response


async def test_ask_answers_with_an_embed_for_the_topic(cog, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    await cog.ask.callback(cog, interaction, question=QUESTION)
    kwargs = sent_kwargs(interaction.response.send_message)
    embed = _embed(kwargs)
    assert embed.title is not None and "AI Training Data" in embed.title
    assert "water" in (embed.description or "").lower()
    assert "<t:" in embed.fields[0].value and ":R>" in embed.fields[0].value
    assert kwargs["ephemeral"] is False
    assert kwargs["content"] is None
    _assert_pings_nobody(kwargs["allowed_mentions"])


async def test_ask_ephemeral_is_honoured(cog, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    await cog.ask.callback(cog, interaction, question=QUESTION, ephemeral=True)
    assert sent_kwargs(interaction.response.send_message)["ephemeral"] is True


async def test_ask_target_is_the_only_user_mentioned(cog, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    target = create_autospec(discord.Member, instance=True)
    target.id = 777
    await cog.ask.callback(cog, interaction, question=QUESTION, target=target)
    kwargs = sent_kwargs(interaction.response.send_message)
    assert kwargs["content"] == "<@777>"
    allowed = kwargs["allowed_mentions"]
    assert [user.id for user in allowed.users] == [777]
    assert allowed.everyone is False
    assert allowed.roles is False


async def test_ask_off_topic_gets_a_private_miss_not_a_wrong_answer(cog, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    await cog.ask.callback(cog, interaction, question="what's a good apple pie recipe")
    kwargs = sent_kwargs(interaction.response.send_message)
    assert kwargs["ephemeral"] is True
    assert "embeds" not in kwargs


async def test_a_repeat_within_the_cooldown_links_to_the_earlier_answer(cog, clock, make_interaction,
                                                                        sent_kwargs) -> None:
    first = make_interaction()
    first.response.send_message.return_value = _sent_message("https://discord.com/channels/1/10/321")
    await cog.ask.callback(cog, first, question=QUESTION)
    clock.advance(30)
    second = make_interaction()
    await cog.ask.callback(cog, second, question=QUESTION)
    kwargs = sent_kwargs(second.response.send_message)
    assert "https://discord.com/channels/1/10/321" in kwargs["content"]
    assert kwargs["ephemeral"] is True
    clock.advance(31)
    third = make_interaction()
    await cog.ask.callback(cog, third, question=QUESTION)
    assert "embeds" in sent_kwargs(third.response.send_message)


async def test_ephemeral_answers_neither_cool_down_nor_are_cooled(cog, make_interaction, sent_kwargs) -> None:
    for _ in range(2):
        interaction = make_interaction()
        await cog.ask.callback(cog, interaction, question=QUESTION, ephemeral=True)
        assert "embeds" in sent_kwargs(interaction.response.send_message)


async def test_mention_is_answered_as_a_reply(cog, make_message, sent_kwargs) -> None:
    message = make_message(f"<@4242> {QUESTION}")
    await cog.on_message(message)
    kwargs = sent_kwargs(message.reply)
    assert "AI Training Data" in (_embed(kwargs).title or "")
    assert kwargs["mention_author"] is False
    _assert_pings_nobody(kwargs["allowed_mentions"])


async def test_messages_not_mentioning_the_bot_or_from_bots_are_ignored(cog, make_message) -> None:
    quiet = make_message(QUESTION, mentions_bot=False)
    robot = make_message(f"<@4242> {QUESTION}", author_is_bot=True)
    await cog.on_message(quiet)
    await cog.on_message(robot)
    quiet.reply.assert_not_awaited()
    robot.reply.assert_not_awaited()


async def test_chatter_gets_one_short_reply_per_channel_per_cooldown(cog, clock, make_message,
                                                                     sent_kwargs) -> None:
    first = make_message("<@4242> lol nice weather today")
    await cog.on_message(first)
    assert sent_kwargs(first.reply)["content"] == CHATTER_REPLY
    second = make_message("<@4242> haha what's up")
    await cog.on_message(second)
    second.reply.assert_not_awaited()
    clock.advance(61)
    third = make_message("<@4242> good morning")
    await cog.on_message(third)
    third.reply.assert_awaited_once()


async def test_an_empty_mention_gets_a_hint(cog, make_message, sent_kwargs) -> None:
    message = make_message("<@!4242>")
    await cog.on_message(message)
    assert sent_kwargs(message.reply)["content"] == EMPTY_MENTION


def _reference(resolved=None, cached=None, message_id: int = 800) -> discord.MessageReference:
    reference = create_autospec(discord.MessageReference, instance=True)
    reference.message_id = message_id
    reference.resolved = resolved
    reference.cached_message = cached
    return reference


async def test_a_mention_under_a_question_answers_the_referenced_message(cog, make_message, sent_kwargs) -> None:
    question = make_message(QUESTION, message_id=800, mentions_bot=False)
    message = make_message("<@4242> what's this?", reference=_reference(resolved=question))
    await cog.on_message(message)
    kwargs = sent_kwargs(message.reply)
    assert "AI Training Data" in (_embed(kwargs).title or "")


async def test_an_uncached_referenced_message_is_fetched(cog, make_message, sent_kwargs) -> None:
    question = make_message(QUESTION, message_id=800, mentions_bot=False)
    message = make_message("<@4242> ^", reference=_reference())
    message.channel.fetch_message.return_value = question
    await cog.on_message(message)
    message.channel.fetch_message.assert_awaited_once_with(800)
    assert "AI Training Data" in (_embed(sent_kwargs(message.reply)).title or "")


async def test_a_referenced_message_without_visible_text_gets_a_clear_reply(cog, make_message,
                                                                           sent_kwargs) -> None:
    hidden = make_message("", message_id=800, mentions_bot=False)  # no message_content intent
    message = make_message("<@4242> what's this?", reference=_reference(resolved=hidden))
    await cog.on_message(message)
    assert sent_kwargs(message.reply)["content"] == UNREADABLE_REFERENCE


async def test_a_failure_while_answering_a_mention_is_reported_and_logged(cog, make_message, sent_kwargs,
                                                                          caplog, monkeypatch) -> None:
    from bot.core.errors import StorageUnavailableError
    from bot.discord_adapter.error_messages import STORAGE_MESSAGE

    def broken(*_args, **_kwargs):
        raise StorageUnavailableError("database is down")

    monkeypatch.setattr(cog.bot.services.answerer, "answer", broken)
    message = make_message(f"<@4242> {QUESTION}")
    await cog.on_message(message)
    assert sent_kwargs(message.reply)["content"] == STORAGE_MESSAGE
    assert any(record.exc_info for record in caplog.records)


async def test_the_message_menu_answers_the_selected_message(cog, make_interaction, make_message,
                                                             sent_kwargs) -> None:
    interaction = make_interaction(kind=discord.InteractionType.application_command)
    selected = make_message(QUESTION, mentions_bot=False)
    await cog.ask_about_message(interaction, selected)
    assert "AI Training Data" in (_embed(sent_kwargs(interaction.response.send_message)).title or "")


async def test_the_message_menu_on_a_message_without_text_says_so(cog, make_interaction, make_message,
                                                                  sent_kwargs) -> None:
    interaction = make_interaction()
    await cog.ask_about_message(interaction, make_message("", mentions_bot=False))
    kwargs = sent_kwargs(interaction.response.send_message)
    assert kwargs["content"] == NO_TEXT
    assert kwargs["ephemeral"] is True


async def test_the_cog_registers_ask_and_the_message_menu(bot) -> None:
    await bot.add_cog(AskCog(bot))
    assert bot.tree.get_command("ask") is not None
    assert bot.tree.get_command("Ask Topicbot", type=discord.AppCommandType.message) is not None


async def test_a_reply_ping_without_a_written_mention_is_not_a_question(cog, make_message) -> None:
    ours = make_message("", message_id=800, mentions_bot=False)
    ours.author.id = 4242
    thanks = make_message("thanks!", reference=_reference(resolved=ours))  # mentions holds us: ping on reply
    await cog.on_message(thanks)
    thanks.reply.assert_not_awaited()


async def test_an_ambiguous_question_gets_one_button_per_candidate(cog, make_interaction, sent_kwargs) -> None:
    interaction = make_interaction()
    await cog.ask.callback(cog, interaction, question="tell me about spacex")
    kwargs = sent_kwargs(interaction.response.send_message)
    labels = [button.item.label for button in kwargs["view"].children]
    assert set(labels) == {"Starship", "Starlink"}
    assert all(button.custom_id.startswith("topicbot:pick:") for button in kwargs["view"].children)
