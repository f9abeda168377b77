"""Fixtures for the end-to-end layer: the loopback fake Discord and clients running against it.

``fake`` is per test. ``topicbot`` (with ``shared_fake``) is one real TopicBot per test module,
so a module pays the connect-and-ready cost (about 2 s: discord.py waits for more GUILD_CREATEs)
once; tests keep apart by taking a fresh channel each (``fake.new_channel()``), which also keeps
per-channel cooldowns apart. Modules using it mark themselves ``asyncio(loop_scope="module")``.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

with warnings.catch_warnings():
    # discord.py 2.7 imports the stdlib ``audioop`` (voice support), deprecated since Python 3.11;
    # import it once here, quietly, so ``filterwarnings = error`` does not fail collection.
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord  # noqa: F401

from fake_gateway import FakeDiscord
from harness import RunningTopicBot, assert_no_implicit_pings, e2e_settings, topicbot_on

DISCORD_CALLBACK_DEADLINE = 3.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_fake() -> AsyncIterator[FakeDiscord]:
    """The fake the module's TopicBot talks to; like Discord, it refuses first callbacks later than 3 s."""
    async with FakeDiscord(callback_deadline=DISCORD_CALLBACK_DEADLINE) as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def topicbot(
    shared_fake: FakeDiscord, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningTopicBot]:
    """The project's TopicBot, with real Services over the test records, connected to ``shared_fake``."""
    settings = e2e_settings(shared_fake, tmp_path_factory.mktemp("e2e-db") / "topics.db")
    async with topicbot_on(shared_fake, settings) as running:
        yield running


@pytest.fixture(autouse=True)
def _no_implicit_pings_from_topicbot(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test that used ``topicbot``: each message it sent passed ``assert_no_implicit_pings``."""
    if "topicbot" not in request.fixturenames:
        yield
        return
    fake: FakeDiscord = request.getfixturevalue("shared_fake")
    mark = fake.mark()
    yield
    assert_no_implicit_pings(fake, after=mark)
