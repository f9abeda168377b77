"""Learning from use end to end: misses and the alias button, alias suggestions, stats, feedback, follow, metrics."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from fake_gateway import CHANNEL_MESSAGE_ROUTE, FakeDiscord, InteractionRecord
from fake_gateway.server import free_port
from harness import RECORDS_DIR, RunningTopicBot, buttons, embed_of

from bot.core.changes import Author
from bot.core.editing import new_topic
from bot.core.usage.metrics import PrometheusMetrics
from bot.core.usage.recorder import UsageRecorder
from bot.core.usage.records import AskContext
from bot.discord_adapter.feedback import THANKS
from tests.png_reading import read_png

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

EPHEMERAL = 1 << 6
TITLE = "Lunar Regolith Mining"
MISSED = "moon dirt harvesting"
FOLLOWUP_ROUTE = "POST /webhooks/{application_id}/{token}"
REPO_ROOT = Path(__file__).resolve().parents[2]


async def callback_data(fake: FakeDiscord, record: InteractionRecord) -> dict[str, Any]:
    callback = await fake.wait_for_callback(record)
    assert callback.status == 200, callback.response
    assert callback.json["type"] == 4, callback.json
    return dict(callback.json["data"])


async def admin(running: RunningTopicBot, subcommand: str, options: dict[str, Any] | None = None) -> InteractionRecord:
    fake = running.fake
    return await fake.slash("topic-admin", options or {}, subcommand=subcommand, user=fake.world.owner_user,
                            channel_id=fake.new_channel())


async def ask(fake: FakeDiscord, question: str, channel: int | None = None) -> InteractionRecord:
    return await fake.slash("ask", {"question": question}, channel_id=channel or fake.new_channel())


async def test_a_miss_appears_in_misses_and_its_alias_button_makes_it_answer(topicbot: RunningTopicBot) -> None:
    fake, services = topicbot.fake, topicbot.services
    topic = new_topic(TITLE, "Digging up moon soil for water and oxygen.", "Robots that mine lunar regolith.",
                      datetime(2026, 1, 1, tzinfo=UTC))
    await services.editor.add(topic, author=Author("mod", "test"), guild_id=fake.guild_id)
    missed = await callback_data(fake, await ask(fake, MISSED))
    assert int(missed.get("flags") or 0) & EPHEMERAL  # a miss is answered privately
    await services.recorder.flush()
    [group] = [g for g in await services.usage.misses(fake.guild_id) if g.question == MISSED]
    assert group.candidates, "the miss records the closest topics"

    record = await admin(topicbot, "misses", {"days": 7})
    reply = await callback_data(fake, record)
    assert MISSED in reply["content"]
    message = fake.message_of(await fake.wait_for_callback(record))
    alias = next(b for b in buttons(message) if "alias of" in b.get("label", ""))
    target = alias["label"].rsplit("alias of ", 1)[1]
    click = await fake.click(message, alias["custom_id"], user=fake.world.owner_user)
    done = await callback_data(fake, click)
    assert "now answers as" in done["content"]
    answered = await callback_data(fake, await ask(fake, MISSED))
    assert embed_of(answered)["title"] == target


async def test_stats_reply_with_the_chart_as_a_png_with_the_figures_the_text_shows(
        topicbot: RunningTopicBot) -> None:
    pytest.importorskip("matplotlib")
    fake = topicbot.fake
    await callback_data(fake, await ask(fake, "who is the ceo of openai"))
    await topicbot.services.recorder.flush()
    record = await admin(topicbot, "stats", {"days": 7})
    deferred = await fake.wait_for_callback(record)
    assert deferred.json["type"] == 5 and int(deferred.json["data"]["flags"]) & EPHEMERAL
    followup = await fake.wait_for_route(FOLLOWUP_ROUTE, token=record.token)
    assert followup.status == 200, followup.response
    reply = followup.json
    assert int(reply.get("flags") or 0) & EPHEMERAL
    embed = embed_of(reply)
    assert embed["title"] == "Usage over the last 7 days"
    assert [field["name"] for field in embed["fields"]] == ["Top topics", "Intents", "Misses per day"]
    top = dict(line.rsplit(" \u2014 ", 1) for line in embed["fields"][0]["value"].splitlines())
    assert "OpenAI" in top
    [attachment] = reply["attachments"]
    [upload] = followup.files
    assert upload.filename == attachment["filename"] == "usage.png"
    assert embed["image"]["url"] == "attachment://usage.png"
    png = read_png(upload.data)
    assert png.text["Description"] == attachment["description"]
    figures = re.match(r"(\d+) questions \u00b7 answer rate (\d+%) \((\d+) answered, (\d+) missed\)",
                       embed["description"])
    assert figures, embed["description"]
    asks, rate, answered, missed = figures.groups()
    assert f"{asks} questions, answer rate {rate} ({answered} answered, {missed} missed)." in attachment["description"]
    assert "Top topics: " + "; ".join(f"{title} {count}" for title, count in top.items()) + "." \
        in attachment["description"]


async def test_the_feedback_button_records_a_miss_and_thanks_privately(topicbot: RunningTopicBot) -> None:
    fake, services = topicbot.fake, topicbot.services
    record = await ask(fake, "what is waymo")
    message = fake.message_of(await fake.wait_for_callback(record))
    [feedback] = [b for b in buttons(message) if str(b.get("custom_id", "")).startswith("topicbot:nwia:")]
    click = await fake.click(message, feedback["custom_id"])
    thanks = await callback_data(fake, click)
    assert thanks["content"] == THANKS and int(thanks.get("flags") or 0) & EPHEMERAL
    await services.recorder.flush()
    groups = {g.question: g for g in await services.usage.misses(fake.guild_id)}
    assert groups["what is waymo"].outcomes == ("feedback",)
    assert groups["what is waymo"].candidates[0].title == "Waymo"


async def test_a_followed_topic_edited_from_the_cli_posts_one_change_message(topicbot: RunningTopicBot,
                                                                               tmp_path: Path) -> None:
    fake, services = topicbot.fake, topicbot.services
    channel = fake.new_channel()
    followed = await fake.slash("topic", {"topic": "Waymo"}, subcommand="follow", channel_id=channel)
    assert "now follows **Waymo**" in (await callback_data(fake, followed))["content"]
    mark = fake.mark()
    config = tmp_path / "cli.toml"
    config.write_text(f'[topicbot]\nknowledge_dir = "{RECORDS_DIR.as_posix()}"\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), "--database-url", services.settings.database_url,
        "edit", "Waymo", "--add-event", "2026-11-27||Waymo starts driverless service in a new city.",
        "--set-attribute", "Fleet Size=3000 cars", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(process.communicate(), 45)
    assert process.returncode == 0, err.decode()
    posted = await fake.wait_for_route(CHANNEL_MESSAGE_ROUTE, channel_id=channel, after=mark, timeout=20)
    text = posted.json["content"]
    assert text.startswith("**Waymo** changed:")
    assert "new event 2026-11-27: Waymo starts driverless service in a new city." in text
    assert "Fleet Size: 3000 cars" in text
    await asyncio.sleep(1.5)  # no second message for the same change
    assert [r for r in fake.requests[mark:] if r.is_route(CHANNEL_MESSAGE_ROUTE, channel_id=channel)] == [posted]


async def test_the_metrics_endpoint_exposes_the_counters(topicbot: RunningTopicBot) -> None:
    services = topicbot.services
    metrics = PrometheusMetrics()
    recorder = UsageRecorder(services.usage_store, metrics=metrics)
    answer = services.answerer.answer("who is the ceo of openai")
    recorder.record(answer, AskContext(1, 2), latency_s=0.004)
    recorder.record(services.answerer.answer("apple pie recipe please"), AskContext(1, 2), latency_s=0.002)
    address = f"127.0.0.1:{free_port()}"
    server = metrics.serve(address)
    try:
        async with aiohttp.ClientSession() as session, session.get(f"http://{address}/metrics") as response:
            body = await response.text()
    finally:
        server.close()
    assert f'topicbot_answers_total{{intent="{answer.intent}",outcome="answered"}} 1.0' in body
    assert "topicbot_misses_total 1.0" in body
    assert "topicbot_answer_latency_seconds_count 2.0" in body
    for name in ("topicbot_store_errors_total", "topicbot_change_events_total", "topicbot_change_propagation_seconds"):
        assert name in body
