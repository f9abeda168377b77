"""Signing in with Discord to a dashboard served on its own (``topicbot dashboard``, no bot in the process):
who moderates which server is asked of the fake Discord's REST API with the bot's token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from discord_sign_in_steps import PUBLIC, Clock, Dashboard, picker, sign_in, to_discord_and_back
from fake_gateway import FakeDiscord
from fake_gateway.oauth import CLIENT_SECRET
from harness import e2e_settings

from bot.config import DashboardSettings
from bot.core.storage import GuildSettings
from bot.dashboard.context import ROLE_CHECK_SECONDS
from bot.dashboard.discord_oauth import MANAGE_GUILD
from bot.dashboard.server import dashboard_app
from bot.services import build_services

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(60)]


@pytest.fixture
async def alone(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Dashboard]:
    settings = e2e_settings(fake, tmp_path / "topics.db").model_copy(update={"dashboard": DashboardSettings(
        base_url=PUBLIC, discord_client_id=fake.world.application_id, discord_client_secret=CLIENT_SECRET)})
    services = await build_services(settings)
    try:
        assert services.moderator_check is None  # no bot here
        await services.repository.save_guild_settings(GuildSettings(fake.guild_id, fake.world.mod_role_id))
        clock = Clock()
        app = await dashboard_app(services, settings, clock=clock)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC) as client:
            yield Dashboard(client, clock)
    finally:
        await services.close()


async def test_a_moderator_signs_in_and_loses_access_when_the_role_goes(fake: FakeDiscord, alone: Dashboard) -> None:
    moderator = fake.world.add_user("gale", role_ids=[fake.world.mod_role_id])
    fake.oauth.add_other_guild(moderator, "Bot-free server", permissions=MANAGE_GUILD)
    page = await alone.client.get(await to_discord_and_back(fake, alone, moderator))
    assert page.status_code == 200, page.text
    assert picker(page.text)[1] == {"Topicbot test guild": str(fake.guild_id)}
    asked = {r.route for r in fake.requests if r.authorization == f"Bot {fake.token}"}
    assert {"GET /users/@me/guilds", "GET /guilds/{guild_id}", "GET /guilds/{guild_id}/members/{user_id}"} <= asked

    await sign_in(fake, alone, moderator)
    topics = await alone.client.get("/topics")
    assert topics.status_code == 200 and "Gale" in topics.text and "bot owner" not in topics.text
    fake.world.set_roles(moderator, [])
    alone.clock.now += timedelta(seconds=ROLE_CHECK_SECONDS)
    refused = await alone.client.get("/topics")
    assert refused.status_code == 401 and "no longer a moderator" in refused.text


async def test_the_servers_owner_is_offered_it_and_a_plain_member_is_refused(
        fake: FakeDiscord, alone: Dashboard) -> None:
    await sign_in(fake, alone, fake.world.owner_user)
    topics = await alone.client.get("/topics")
    assert topics.status_code == 200 and "bot owner" in topics.text  # the fake's application owner
    member = fake.world.add_user("hollis")
    async with httpx.AsyncClient(transport=alone.client._transport, base_url=PUBLIC) as other_browser:
        stranger = Dashboard(other_browser, alone.clock)
        page = await stranger.client.get(await to_discord_and_back(fake, stranger, member))
    assert page.status_code == 403 and "None of your Discord servers" in page.text


async def test_manage_server_through_a_role_is_enough(fake: FakeDiscord, alone: Dashboard) -> None:
    manager = fake.world.add_user("ira", role_ids=[fake.world.manager_role_id])
    page = await alone.client.get(await to_discord_and_back(fake, alone, manager))
    assert page.status_code == 200 and picker(page.text)[1] == {"Topicbot test guild": str(fake.guild_id)}
