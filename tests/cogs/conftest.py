"""Cog tests: the real core, a fake only of Discord.

``make_interaction()`` specs the interaction *and* its response and follow-up webhook, so a
misspelt call (``send_mesage``) fails instead of passing silently.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any
from unittest.mock import DEFAULT, create_autospec

import pytest

with warnings.catch_warnings():
    # discord.py imports the standard library's deprecated ``audioop`` (voice support, unused here);
    # pytest turns warnings into errors, so import it once with that one warning silenced.
    warnings.filterwarnings("ignore", message="'audioop' is deprecated", category=DeprecationWarning)
    import discord

RECORDS_DIR = Path(__file__).resolve().parent.parent / "data" / "records"


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_interaction(*, guild_id: int | None = 1, channel_id: int | None = 10, user_id: int = 100,
                     kind: discord.InteractionType = discord.InteractionType.application_command,
                     namespace: dict[str, Any] | None = None, responded: bool = False) -> Any:
    """An ``Interaction`` mock with spec'd ``response`` and ``followup``; ``response.is_done()`` tracks replies."""
    interaction = create_autospec(discord.Interaction, instance=True)
    response = create_autospec(discord.InteractionResponse, instance=True)
    state = {"done": responded}

    def mark_done(*_args: Any, **_kwargs: Any) -> Any:
        if state["done"]:
            raise AssertionError("the interaction was answered twice")
        state["done"] = True
        return DEFAULT  # so a test's ``return_value`` is still returned

    for method in (response.send_message, response.edit_message, response.defer, response.autocomplete):
        method.side_effect = mark_done
    response.is_done.side_effect = lambda: state["done"]
    interaction.response = response
    interaction.followup = create_autospec(discord.Webhook, instance=True)
    interaction.guild_id = guild_id
    interaction.channel_id = channel_id
    interaction.type = kind
    interaction.id = 555
    interaction.command = None
    interaction.data = {}
    user = create_autospec(discord.Member, instance=True)
    user.id = user_id
    user.bot = False
    interaction.user = user
    interaction.namespace = discord.app_commands.Namespace.__new__(discord.app_commands.Namespace)
    for key, value in (namespace or {}).items():
        setattr(interaction.namespace, key, value)
    return interaction


def sent_kwargs(mock: Any) -> dict[str, Any]:
    """The keyword arguments of the one awaited call of ``mock`` (plus ``content`` when given positionally)."""
    mock.assert_awaited_once()
    args, kwargs = mock.await_args
    kwargs = dict(kwargs)
    if args:
        kwargs.setdefault("content", args[0])
    return kwargs


@pytest.fixture(scope="session")
def topics() -> dict[str, Any]:
    """The project's test records, parsed, by title."""
    from bot.core.record_format import parse_record

    parsed = [parse_record(path.read_text(encoding="utf-8")) for path in sorted(RECORDS_DIR.glob("*.txt"))]
    return {topic.title: topic for topic in parsed}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(name="make_interaction")
def make_interaction_fixture() -> Any:
    return make_interaction


@pytest.fixture(name="sent_kwargs")
def sent_kwargs_fixture() -> Any:
    return sent_kwargs


@pytest.fixture
async def services(tmp_path: Path) -> Any:
    """Real ``Services``: the core over a fresh SQLite file, loaded from the project's test records."""
    from bot.config import Settings
    from bot.services import build_services

    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'cogs.db'}", knowledge_dir=RECORDS_DIR)
    built = await build_services(settings)
    try:
        yield built
    finally:
        await built.close()


BOT_USER_ID = 4242


@pytest.fixture
async def bot(services: Any, clock: FakeClock) -> Any:
    """A ``TopicBot`` that is never connected; its responder uses the fake clock; ``bot.user`` is set."""
    from bot.discord_adapter.client import TopicBot
    from bot.discord_adapter.responder import Responder

    topic_bot = TopicBot(services=services, settings=services.settings)
    topic_bot.responder = Responder(services, services.settings.discord, clock)
    me = create_autospec(discord.ClientUser, instance=True)
    me.id = BOT_USER_ID
    topic_bot._connection.user = me
    yield topic_bot
    topic_bot._connection.user = None


def make_message(content: str, *, channel_id: int = 10, guild_id: int = 1, message_id: int = 900,
                 reference: Any = None, mentions_bot: bool = True, author_is_bot: bool = False) -> Any:
    """A spec'd ``Message``; ``reply`` and ``channel.fetch_message`` are spec'd coroutines."""
    message = create_autospec(discord.Message, instance=True)
    message.id = message_id
    message.content = content
    author = create_autospec(discord.Member, instance=True)
    author.bot = author_is_bot
    author.id = 100
    message.author = author
    me = create_autospec(discord.ClientUser, instance=True)
    me.id = BOT_USER_ID
    message.mentions = [me] if mentions_bot else []
    channel = create_autospec(discord.TextChannel, instance=True)
    channel.id = channel_id
    message.channel = channel
    guild = create_autospec(discord.Guild, instance=True)
    guild.id = guild_id
    message.guild = guild
    message.reference = reference
    message.jump_url = f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
    return message


@pytest.fixture(name="make_message")
def make_message_fixture() -> Any:
    return make_message
