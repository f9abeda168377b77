"""The usage features in the adapter: misses and their buttons, stats, stale, purge, feedback, follows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest.mock import create_autospec

import discord
import pytest

from bot.config import UsageSettings
from bot.core.changes import Author
from bot.core.editing import add_event, new_topic, set_attribute
from bot.core.usage.follow import FollowBatcher
from bot.core.usage.misses import SuggestedAlias
from bot.core.usage.records import AskContext, AskRecord, Candidate
from bot.discord_adapter.cogs import usage_admin
from bot.discord_adapter.cogs.admin import TopicAdminCog
from bot.discord_adapter.cogs.ask import AskCog
from bot.discord_adapter.cogs.topics import TopicsCog
from bot.discord_adapter.feedback import THANKS, FeedbackButton
from bot.discord_adapter.follow_notifier import FollowNotifier
from bot.discord_adapter.usage_views import MissesView
from bot.discord_adapter.views import compose
from tests.png_reading import read_png

GUILD_ID = 1
MOD = Author("mod", "discord", 100)
TITLE = "Lunar Regolith Mining"


def moderator(make_interaction: Any) -> Any:
    interaction = make_interaction(guild_id=GUILD_ID, user_id=100)
    interaction.permissions = discord.Permissions(manage_guild=True)
    interaction.user.name = "alice"
    interaction.user.roles = []
    return interaction


async def add_guild_topic(services: Any) -> None:
    topic = new_topic(TITLE, "Digging up moon soil for water and oxygen.", "Robots that mine lunar regolith.",
                      datetime(2026, 1, 1, tzinfo=UTC))
    await services.editor.add(topic, author=MOD, guild_id=GUILD_ID)


def miss(question: str, candidate: str, at: datetime | None = None) -> AskRecord:
    return AskRecord(GUILD_ID, 10, question, "miss", "none", None, (Candidate(candidate, 30.0),), 0.7,
                     at or datetime.now(UTC) - timedelta(minutes=1))


def sent(mock: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    mock.assert_awaited_once()
    args, kwargs = mock.await_args
    return args, kwargs


async def test_misses_list_groups_and_the_alias_button_makes_the_question_answer(
        bot: Any, services: Any, make_interaction: Any) -> None:
    await add_guild_topic(services)
    question = "moon dirt harvesting"
    assert services.ask(question, AskContext(GUILD_ID, 10, 7)).topic is None
    await services.usage_store.add_asks([miss(question, TITLE), miss(question, TITLE)])
    cog = TopicAdminCog(bot)
    interaction = moderator(make_interaction)
    await cog.misses.callback(cog, interaction, days=7)
    args, kwargs = sent(interaction.response.send_message)
    assert f"2\u00d7` {question}" in args[0]
    assert kwargs["ephemeral"] is True
    view: MissesView = kwargs["view"]
    alias_button = next(b for b in view.children if isinstance(b, discord.ui.Button) and "alias of" in str(b.label))
    click = moderator(make_interaction)
    await alias_button.callback(click)
    args, _ = sent(click.response.send_message)
    assert "now answers as" in args[0]
    answer = services.ask(question, AskContext(GUILD_ID, 10, 7))
    assert answer.topic is not None and answer.topic.title == TITLE


async def test_a_suggestion_is_accepted_only_by_a_moderator_click(bot: Any, services: Any,
                                                                  make_interaction: Any) -> None:
    await add_guild_topic(services)
    await services.usage_store.suggest([SuggestedAlias(GUILD_ID, "moon soil robots", TITLE)], datetime.now(UTC))
    cog = TopicAdminCog(bot)
    interaction = moderator(make_interaction)
    await cog.misses.callback(cog, interaction, days=7)
    args, kwargs = sent(interaction.response.send_message)
    assert "\u201cmoon soil robots\u201d \u2192 Lunar Regolith Mining (seen 1\u00d7)" in args[0]
    assert services.index.get(TITLE, GUILD_ID).aliases == ()
    accept = next(b for b in kwargs["view"].children if str(getattr(b, "label", "")).startswith("Accept"))
    stranger = make_interaction(guild_id=GUILD_ID, user_id=999)
    assert not await kwargs["view"].interaction_check(stranger)
    await accept.callback(moderator(make_interaction))
    assert services.index.get(TITLE, GUILD_ID).aliases == ("moon soil robots",)
    assert await services.usage_store.suggestions(GUILD_ID) == []


async def _stats_reply(bot: Any, services: Any, make_interaction: Any) -> Any:
    for question in ("who is the ceo of openai", "what is waymo", "apple pie recipe please"):
        services.ask(question, AskContext(GUILD_ID, 10, 7))
    assert await services.recorder.flush() == 3
    cog = TopicAdminCog(bot)
    interaction = moderator(make_interaction)
    await cog.stats.callback(cog, interaction, days=7)
    return interaction


async def test_stats_reply_with_the_chart_as_a_picture_and_its_figures_as_text(
        bot: Any, services: Any, make_interaction: Any) -> None:
    pytest.importorskip("matplotlib")
    interaction = await _stats_reply(bot, services, make_interaction)
    sent(interaction.response.defer)
    _, kwargs = sent(interaction.followup.send)
    embed: discord.Embed = kwargs["embed"]
    assert embed.description.startswith("3 questions \u00b7 answer rate 67%")
    assert [field.name for field in embed.fields] == ["Top topics", "Intents", "Misses per day"]
    assert embed.fields[0].value.startswith("OpenAI \u2014 1") and "\u2588" not in embed.fields[0].value
    picture: discord.File = kwargs["file"]
    assert embed.image.url == f"attachment://{picture.filename}" and kwargs["ephemeral"] is True
    png = read_png(picture.fp.read())
    assert png.text["Description"] == picture.description
    assert picture.description.startswith("Usage from ")
    assert "3 questions, answer rate 67% (2 answered, 1 missed)" in picture.description
    assert "Top topics: OpenAI 1" in picture.description


async def test_without_matplotlib_stats_reply_with_text_charts(
        bot: Any, services: Any, make_interaction: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usage_admin, "charts_available", lambda: False)
    interaction = await _stats_reply(bot, services, make_interaction)
    _, kwargs = sent(interaction.response.send_message)
    embed: discord.Embed = kwargs["embed"]
    assert embed.description.startswith("3 questions \u00b7 answer rate 67%")
    assert [field.name for field in embed.fields] == ["Top topics", "Intents", "Misses per day"]
    assert "OpenAI" in embed.fields[0].value and "\u2588" in embed.fields[0].value
    assert "file" not in kwargs and embed.image.url is None


async def test_stale_lists_old_topics_and_answers_flag_them(bot: Any, services: Any, make_interaction: Any) -> None:
    bot.settings = bot.settings.model_copy(update={"usage": UsageSettings(stale_after_days=180)})
    cog = TopicAdminCog(bot)
    interaction = moderator(make_interaction)
    await cog.stale.callback(cog, interaction)
    args, _ = sent(interaction.response.send_message)
    old = [t for t in services.index.topics(GUILD_ID) if datetime.now(UTC) - t.last_updated > timedelta(days=180)]
    assert old, "the test records are older than the default age"
    assert f"**{len(old)} topics not updated for over 180 days**" in args[0]
    answer = services.answerer.answer_topic(old[0].title, "summary", guild_id=GUILD_ID)
    message = compose(answer, services.renderer.render(answer), stale_after=timedelta(days=180))
    assert "Possibly out of date" in [field.name for field in message.embeds[0].fields][-1]
    fresh = compose(answer, services.renderer.render(answer), stale_after=timedelta(days=100_000))
    assert all("out of date" not in str(field.name) for field in fresh.embeds[0].fields)


async def test_purge_log_asks_to_confirm_then_deletes_the_guilds_log(bot: Any, services: Any,
                                                                     make_interaction: Any) -> None:
    await services.usage_store.add_asks([miss("x", "Waymo"), replace(miss("y", "Waymo"), guild_id=2)])
    cog = TopicAdminCog(bot)
    interaction = moderator(make_interaction)
    await cog.purge_log.callback(cog, interaction)
    _, kwargs = sent(interaction.response.send_message)
    confirm = kwargs["view"]
    text = await confirm.handler(moderator(make_interaction))
    assert text.startswith("Deleted this server's usage log: 1 questions")
    since = datetime.now(UTC) - timedelta(days=1)
    assert await services.usage_store.asks(GUILD_ID, since) == []
    assert len(await services.usage_store.asks(2, since)) == 1


async def test_log_authors_opt_in_keeps_member_ids(bot: Any, services: Any, make_interaction: Any) -> None:
    cog = TopicAdminCog(bot)
    await cog.log_authors.callback(cog, moderator(make_interaction), enabled=True)
    services.ask("what is waymo", AskContext(GUILD_ID, 10, 77))
    services.ask("what is waymo", AskContext(3, 10, 78))
    await services.recorder.flush()
    since = datetime.now(UTC) - timedelta(days=1)
    assert [a.user_id for a in await services.usage_store.asks(GUILD_ID, since)] == [77]
    assert [a.user_id for a in await services.usage_store.asks(3, since)] == [None]


async def test_answers_carry_the_feedback_button_and_a_click_logs_a_miss(bot: Any, services: Any,
                                                                         make_interaction: Any) -> None:
    cog = AskCog(bot)
    interaction = make_interaction(guild_id=GUILD_ID, user_id=7)
    await cog.ask.callback(cog, interaction, question="what is waymo")
    _, kwargs = sent(interaction.response.send_message)
    [button] = [item for item in kwargs["view"].children if isinstance(item, FeedbackButton)]
    assert button.item.custom_id == "topicbot:nwia:Waymo|what is waymo"
    click = make_interaction(guild_id=GUILD_ID, user_id=7, kind=discord.InteractionType.component)
    click.client = bot
    await button.callback(click)
    args, kwargs = sent(click.response.send_message)
    assert args[0] == THANKS and kwargs["ephemeral"] is True
    await services.recorder.flush()
    [group] = await services.usage.misses(GUILD_ID)
    assert (group.question, group.outcomes, group.candidates[0].title) == ("what is waymo", ("feedback",), "Waymo")


async def test_follow_and_unfollow(bot: Any, services: Any, make_interaction: Any) -> None:
    cog = TopicsCog(bot)
    interaction = make_interaction(guild_id=GUILD_ID, channel_id=10)
    await cog.follow.callback(cog, interaction, topic="waymo")
    args, _ = sent(interaction.response.send_message)
    assert args[0].startswith("<#10> now follows **Waymo**")
    assert [f.title for f in await services.usage_store.follows(GUILD_ID)] == ["Waymo"]
    again = make_interaction(guild_id=GUILD_ID, channel_id=10)
    await cog.unfollow.callback(cog, again, topic="Waymo")
    assert sent(again.response.send_message)[0][0] == "<#10> no longer follows **Waymo**."
    assert await services.usage_store.follows(GUILD_ID) == []


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_the_notifier_posts_what_changed_at_most_once_a_minute(services: Any) -> None:
    client = create_autospec(discord.Client, instance=True)
    channel = create_autospec(discord.TextChannel, instance=True)
    client.get_channel.return_value = channel
    clock = Clock()
    notifier = FollowNotifier(client, services, batcher=FollowBatcher(), clock=clock)
    services.feed.subscribe(notifier)
    await services.usage_store.follow(GUILD_ID, 10, "Waymo", by="7", at=clock.now)
    cli = Author("cli")
    await services.editor.edit("Waymo", lambda t: add_event(t, "Waymo opens in a new city.", date(2026, 11, 27)),
                               author=cli)
    channel.send.assert_not_awaited()  # posting is the notifier task's job, never the feed's
    assert await notifier.post_due() == 1
    channel.send.assert_awaited_once()
    text = channel.send.await_args.args[0]
    assert text.startswith("**Waymo** changed:\n\u2022 new event 2026-11-27: Waymo opens in a new city.")
    await services.editor.edit("Waymo", lambda t: set_attribute(t, "Fleet Size", "3000 cars"), author=cli)
    await services.editor.edit("Waymo", lambda t: set_attribute(t, "Fleet Size", "3500 cars"), author=cli)
    assert await notifier.post_due() == 0  # held: within the minute
    assert channel.send.await_count == 1
    clock.now += timedelta(minutes=1)
    assert await notifier.post_due() == 1
    batched = channel.send.await_args.args[0]
    assert "Fleet Size: 3000 cars (new)" in batched and "Fleet Size: 3000 cars \u2192 3500 cars" in batched
    await services.editor.edit("Anthropic", lambda t: set_attribute(t, "Fleet Size", "none"), author=cli)
    clock.now += timedelta(minutes=5)
    assert await notifier.post_due() == 0  # nobody follows Anthropic


async def test_create_topic_opens_the_add_form_with_the_question_as_title(bot: Any, services: Any,
                                                                          make_interaction: Any) -> None:
    await services.usage_store.add_asks([miss("moon dirt harvesting", "Waymo")])
    cog = TopicAdminCog(bot)
    interaction = moderator(make_interaction)
    await cog.misses.callback(cog, interaction, days=7)
    _, kwargs = sent(interaction.response.send_message)
    create = next(b for b in kwargs["view"].children if str(getattr(b, "label", "")).startswith("Create topic"))
    click = moderator(make_interaction)
    await create.callback(click)
    click.response.send_modal.assert_awaited_once()
    modal = click.response.send_modal.await_args.args[0]
    assert modal.title_input.default == "moon dirt harvesting"
    assert modal.handler == cog.submit_add


async def test_alias_buttons_are_offered_for_the_guilds_own_topics_only(bot: Any, services: Any,
                                                                        make_interaction: Any) -> None:
    await services.usage_store.add_asks([miss("robot taxi company", "Waymo")])
    await services.usage_store.suggest([SuggestedAlias(GUILD_ID, "robo cabs", "Waymo")], datetime.now(UTC))
    cog = TopicAdminCog(bot)
    interaction = moderator(make_interaction)
    await cog.misses.callback(cog, interaction, days=7)
    _, kwargs = sent(interaction.response.send_message)
    labels = [str(getattr(item, "label", "")) for item in kwargs["view"].children]
    assert labels == ["Create topic\u2026 (robot taxi company)"]  # Waymo is a shared topic


async def test_the_recorder_task_writes_without_being_asked(services: Any) -> None:
    import asyncio

    services.recorder.flush_interval = 0.05
    task = asyncio.create_task(services.run_recorder())
    try:
        services.ask("what is waymo", AskContext(GUILD_ID, 10, 7))
        for _ in range(100):
            if services.recorder.written:
                break
            await asyncio.sleep(0.02)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert services.recorder.written == 1
    [record] = await services.usage_store.asks(GUILD_ID, datetime.now(UTC) - timedelta(days=1))
    assert (record.outcome, record.topic) == ("answered", "Waymo")
