"""Buttons end to end: disambiguation picks (also after a restart) and page buttons."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from fake_gateway import FakeDiscord
from harness import (
    RECORDS_DIR,
    RunningTopicBot,
    assert_every_message_is_safe,
    buttons,
    e2e_settings,
    embed_of,
    find_ambiguous_question,
    pick_buttons,
    topicbot_on,
)

from bot.core.model import TimelineEvent
from bot.core.record_format import format_record, parse_record

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

SEED_FILE = "000_d2cd8480304b6b42.txt"


def ambiguous(running: RunningTopicBot) -> tuple[str, tuple[str, ...]]:
    return find_ambiguous_question(lambda q: running.services.answerer.answer(q, guild_id=running.fake.guild_id))


async def test_a_disambiguation_offers_buttons_and_a_click_edits_in_the_answer(topicbot: RunningTopicBot) -> None:
    fake = topicbot.fake
    mark = fake.mark()
    question, candidates = ambiguous(topicbot)
    record = await fake.slash("ask", {"question": question}, channel_id=fake.new_channel())
    callback = await fake.wait_for_callback(record)
    assert callback.json["type"] == 4
    sent = fake.message_of(callback)
    picks = pick_buttons(sent)
    assert [b["label"] for b in picks] == list(candidates)
    assert all(len(b["custom_id"]) <= 100 for b in picks)

    chosen = picks[-1]
    click = await fake.click(sent, chosen["custom_id"])
    update = await fake.wait_for_callback(click)

    assert update.status == 200, update.response
    assert update.json["type"] == 7
    edited = fake.message(sent["id"])
    assert embed_of(edited)["title"] == chosen["label"]
    assert pick_buttons(edited) == []
    assert assert_every_message_is_safe(fake, after=mark) == 2


async def test_pick_buttons_still_work_after_a_restart(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        settings = e2e_settings(fake, tmp_path / "topics.db")
        async with topicbot_on(fake, settings) as first:
            question, candidates = ambiguous(first)
            record = await fake.slash("ask", {"question": question}, channel_id=fake.new_channel())
            sent = fake.message_of(await fake.wait_for_callback(record))
        async with topicbot_on(fake, settings):
            click = await fake.click(sent, pick_buttons(sent)[0]["custom_id"])
            update = await fake.wait_for_callback(click)
            assert update.json["type"] == 7
            assert embed_of(fake.message(sent["id"]))["title"] == candidates[0]


def write_long_timeline_record(directory: Path, events: int = 120) -> str:
    """The seed record with ``events`` dated events added, written with the project's own formatter."""
    seed = parse_record((RECORDS_DIR / SEED_FILE).read_text(encoding="utf-8"))
    start = date(2024, 1, 1)
    extra = tuple(
        TimelineEvent(
            f"Milestone {n}: the consortium published progress report number {n} on data licensing.",
            start + timedelta(days=n),
        )
        for n in range(events)
    )
    topic = replace(seed, timeline=seed.timeline + extra)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / SEED_FILE).write_text(format_record(topic), encoding="utf-8")
    return topic.title


async def test_a_long_timeline_pages_with_buttons(tmp_path: Path) -> None:
    title = write_long_timeline_record(tmp_path / "knowledge")
    async with FakeDiscord() as fake:
        settings = e2e_settings(fake, tmp_path / "topics.db").model_copy(
            update={"knowledge_dir": tmp_path / "knowledge"})
        async with topicbot_on(fake, settings):
            record = await fake.slash("topic", {"topic": title}, subcommand="timeline", channel_id=fake.new_channel())
            callback = await fake.wait_for_callback(record)
            assert callback.status == 200, callback.response
            sent = fake.message_of(callback)
            first_page = embed_of(sent)
            assert first_page["footer"]["text"].startswith("Page 1 of")
            assert len(first_page["description"]) <= 4096
            next_button = next(b for b in buttons(sent) if b.get("label") == "Next")

            click = await fake.click(sent, next_button["custom_id"])
            update = await fake.wait_for_callback(click)
            assert update.json["type"] == 7
            second_page = embed_of(fake.message(sent["id"]))
            assert second_page["footer"]["text"].startswith("Page 2 of")
            assert second_page["description"] != first_page["description"]


async def test_a_see_also_button_answers_the_related_topic_privately_even_after_a_restart(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        settings = e2e_settings(fake, tmp_path / "topics.db")
        async with topicbot_on(fake, settings):
            record = await fake.slash("ask", {"question": "tell me about waymo"}, channel_id=fake.new_channel())
            sent = fake.message_of(await fake.wait_for_callback(record))
        see_also = [b for b in buttons(sent) if str(b.get("custom_id", "")).startswith("topicbot:see:")]
        assert "See also: Robotaxis" in [b["label"] for b in see_also]
        assert len(see_also) <= 3
        async with topicbot_on(fake, settings):
            mark = fake.mark()
            chosen = next(b for b in see_also if b["label"] == "See also: Robotaxis")
            update = await fake.wait_for_callback(await fake.click(sent, chosen["custom_id"]))
            assert update.status == 200, update.response
            assert update.json["type"] == 4
            assert int(update.json["data"].get("flags") or 0) & 64  # ephemeral: only the member who clicked
            assert embed_of(fake.message_of(update))["title"] == "Robotaxis"
            assert embed_of(fake.message(sent["id"]))["title"] == "Waymo"  # the channel's answer is unchanged
            assert assert_every_message_is_safe(fake, after=mark) == 1
