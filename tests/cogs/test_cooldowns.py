"""Per-channel cooldowns: repeats within the window point at the earlier answer; chatter once per window."""

from __future__ import annotations

from bot.core.answers import Answer, DateRange
from bot.discord_adapter.cooldowns import AnswerCooldowns, ChatterCooldown


def _answer(topic, intent="summary", **fields) -> Answer:
    return Answer(question="q", intent=intent, topic=topic, **fields)


def test_a_repeat_within_the_cooldown_returns_the_earlier_jump_url(topics, clock) -> None:
    cooldowns = AnswerCooldowns(60, clock)
    waymo = topics["Waymo"]
    cooldowns.remember(10, _answer(waymo), "https://discord.com/channels/1/10/99")
    clock.advance(59)
    earlier = cooldowns.earlier(10, _answer(waymo))
    assert earlier is not None
    assert earlier.jump_url == "https://discord.com/channels/1/10/99"


def test_the_cooldown_ends_after_its_seconds(topics, clock) -> None:
    cooldowns = AnswerCooldowns(60, clock)
    cooldowns.remember(10, _answer(topics["Waymo"]), "url")
    clock.advance(60)
    assert cooldowns.earlier(10, _answer(topics["Waymo"])) is None


def test_the_cooldown_is_per_channel_and_per_answer(topics, clock) -> None:
    cooldowns = AnswerCooldowns(60, clock)
    waymo = topics["Waymo"]
    cooldowns.remember(10, _answer(waymo), "url")
    assert cooldowns.earlier(11, _answer(waymo)) is None
    assert cooldowns.earlier(10, _answer(topics["AI Training Data"])) is None
    assert cooldowns.earlier(10, _answer(waymo, "timeline")) is None
    year = DateRange(None, None, "2024")
    cooldowns.remember(10, _answer(waymo, "timeline", date_range=year), "url2")
    assert cooldowns.earlier(10, _answer(waymo, "timeline", date_range=year)) is not None


def test_answers_without_a_topic_never_cool_down(clock) -> None:
    cooldowns = AnswerCooldowns(60, clock)
    miss = Answer(question="apple pie recipe", intent="none")
    cooldowns.remember(10, miss, "url")
    assert cooldowns.earlier(10, miss) is None


def test_zero_seconds_disables_the_cooldown(topics, clock) -> None:
    cooldowns = AnswerCooldowns(0, clock)
    cooldowns.remember(10, _answer(topics["Waymo"]), "url")
    assert cooldowns.earlier(10, _answer(topics["Waymo"])) is None


def test_chatter_is_allowed_once_per_channel_per_cooldown(clock) -> None:
    chatter = ChatterCooldown(60, clock)
    assert chatter.allow(10) is True
    assert chatter.allow(10) is False
    assert chatter.allow(11) is True
    clock.advance(60)
    assert chatter.allow(10) is True
