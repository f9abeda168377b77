"""Running the project's own ``TopicBot`` against the fake, and checks shared by its e2e tests."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest
from fake_gateway import CALLBACK_ROUTE, FakeDiscord, RecordedRequest
from fake_gateway.client_patch import running

from bot.config import DiscordSettings, Settings
from bot.core.answers import Answer

RECORDS_DIR = Path(__file__).resolve().parent.parent / "data" / "records"
SEED_TITLE = "AI Training Data"
FRESHNESS = re.compile(r"<t:(\d+):R>")
GUILD_COMMANDS_ROUTE = "PUT /applications/{application_id}/guilds/{guild_id}/commands"

# Requests that put a message on screen, and where their message body sits.
MESSAGE_ROUTES = {
    "POST /channels/{channel_id}/messages",
    "PATCH /channels/{channel_id}/messages/{message_id}",
    "POST /webhooks/{application_id}/{token}",
    "PATCH /webhooks/{application_id}/{token}/messages/{message_id}",
}


def e2e_settings(fake: FakeDiscord, database: Path, **discord_overrides: Any) -> Settings:
    """Settings for a bot on the fake: its own SQLite file, the project's test records, the test guild.

    The per-member mention limit is lifted unless a test sets it: a module's tests share one asker.
    """
    discord_overrides.setdefault("mention_limit", 10_000)
    return Settings(
        database_url=f"sqlite+aiosqlite:///{database}",
        knowledge_dir=RECORDS_DIR,
        discord=DiscordSettings(
            token=fake.token,
            api_base_url=fake.api_base_url,
            gateway_url=fake.gateway_url,
            test_guild_id=fake.guild_id,
            **discord_overrides,
        ),
    )


@dataclass
class RunningTopicBot:
    fake: FakeDiscord
    bot: Any  # bot.discord_adapter.TopicBot
    services: Any  # bot.services.Services


@contextlib.asynccontextmanager
async def topicbot_on(
    fake: FakeDiscord, settings: Settings, *, intents: discord.Intents | None = None
) -> AsyncIterator[RunningTopicBot]:
    """Build the real Services and TopicBot, connect them to ``fake``, and wait until the bot is ready."""
    require_services()
    from bot.discord_adapter import TopicBot
    from bot.services import build_services

    services = await build_services(settings)
    try:
        bot = TopicBot(services=services, settings=settings, intents=intents)
        async with running(bot, fake, token=settings.discord.token):
            await fake.wait_for_route(GUILD_COMMANDS_ROUTE, guild_id=fake.guild_id)
            yield RunningTopicBot(fake, bot, services)
    finally:
        await services.close()


def require_services() -> None:
    """Skip (not fail) while ``bot/services.py`` — the wiring these tests run through — has not landed."""
    pytest.importorskip("bot.services", reason="bot/services.py (build_services) has not landed yet")


def message_body(request: RecordedRequest) -> dict[str, Any] | None:
    """The message a request sends or edits, or ``None`` when it sends no message (autocomplete, modal, defer)."""
    body = request.json or {}
    if request.route == CALLBACK_ROUTE:
        return body.get("data") if body.get("type") in (4, 7) else None
    return body if request.route in MESSAGE_ROUTES else None


def assert_every_message_is_safe(fake: FakeDiscord, *, after: int = 0, may_ping: frozenset[str] = frozenset()) -> int:
    """Every message sent since ``after`` carries ``allowed_mentions`` and pings nobody but ``may_ping``.

    Returns how many messages were checked (so a test can tell it checked something).
    """
    checked = 0
    for request in fake.requests[after:]:
        body = message_body(request)
        if body is None:
            continue
        checked += 1
        assert "allowed_mentions" in body, f"{request.method} {request.path} sent no allowed_mentions"
        pinged = fake.pings_of(request)
        assert not pinged.everyone, f"{request.path} would ping @everyone/@here"
        assert not pinged.roles, f"{request.path} would ping roles {sorted(pinged.roles)}"
        assert pinged.users <= may_ping, f"{request.path} would ping {sorted(pinged.users - may_ping)}"
    return checked


def embed_of(body: dict[str, Any]) -> dict[str, Any]:
    embeds = body.get("embeds") or []
    assert embeds, f"no embed in {body}"
    return embeds[0]


def embed_text(embed: dict[str, Any]) -> str:
    parts = [embed.get("title") or "", embed.get("description") or ""]
    parts += [f"{f.get('name')}\n{f.get('value')}" for f in embed.get("fields") or []]
    return "\n".join(parts)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components") or [] for c in row.get("components") or []]


def pick_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The disambiguation buttons (``topicbot:pick:`` custom ids) on a message."""
    return [b for b in buttons(message) if str(b.get("custom_id", "")).startswith("topicbot:pick:")]


def assert_no_implicit_pings(fake: FakeDiscord, *, after: int = 0) -> None:
    """The invariant for every message the bot sends: ``allowed_mentions`` is set, nobody is pinged through
    @everyone/@here, a role or a reply, and a user only when ``allowed_mentions.users`` names them explicitly."""
    for request in fake.requests[after:]:
        body = message_body(request)
        if body is None or request.status >= 400:
            continue
        allowed = body.get("allowed_mentions")
        assert allowed is not None, f"{request.method} {request.path} sent no allowed_mentions"
        explicit = frozenset(str(u) for u in allowed.get("users") or [])
        pinged = fake.pings_of(request)
        assert not pinged.everyone and not pinged.roles, f"{request.path} pings @everyone/@here or roles"
        assert pinged.users <= explicit, f"{request.path} pings {sorted(pinged.users - explicit)} implicitly"


def find_ambiguous_question(answer: Callable[[str], Answer]) -> tuple[str, tuple[str, ...]]:
    """A question ``answer`` (the core's answer path) meets with a disambiguation, and its candidates.

    Tries "tell me about <word>" for words that several test records share in their title or
    description, so the tests do not hang on one phrasing the matcher may later resolve on its own.
    """
    counts: Counter[str] = Counter()
    for path in sorted(RECORDS_DIR.glob("*.txt")):
        title, _, rest = path.read_text(encoding="utf-8").partition("\n")
        head = (title + " " + rest[:2000]).lower()
        counts.update(set(re.findall(r"[a-z][a-z-]{3,}", head)))
    shared = sorted((w for w, n in counts.items() if n >= 2), key=lambda w: (-counts[w], w))
    for word in shared:
        question = f"tell me about {word}"
        result = answer(question)
        if result.is_disambiguation:
            return question, result.candidates[:5]
    raise AssertionError("no question over the test records gets a disambiguation; the e2e pick tests need one")
