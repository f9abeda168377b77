"""Signing in to the dashboard with Discord, end to end: the real bot on the fake Discord, the dashboard
in-process, and the browser's trip to Discord's authorize page over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import pytest_asyncio
from discord_sign_in_steps import PUBLIC, Clock, Dashboard, editor_form, picker, sign_in, to_discord_and_back
from fake_gateway.oauth import CLIENT_SECRET
from harness import RunningTopicBot

from bot.config import DashboardSettings
from bot.core.changes import Author
from bot.core.storage import GuildSettings
from bot.dashboard.context import ROLE_CHECK_SECONDS
from bot.dashboard.discord_oauth import CALLBACK_PATH, MANAGE_GUILD
from bot.dashboard.server import dashboard_app
from tests.conftest import build_topic

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]

OWN_TOPIC = "Tidal Kites"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def moderated(topicbot: RunningTopicBot) -> RunningTopicBot:
    """The test guild with a moderator role configured and one topic of its own."""
    services, fake = topicbot.services, topicbot.fake
    await services.repository.save_guild_settings(GuildSettings(fake.guild_id, fake.world.mod_role_id))
    await services.editor.add(build_topic(OWN_TOPIC), author=Author("setup", "cli"), guild_id=fake.guild_id)
    return topicbot


@pytest_asyncio.fixture(loop_scope="module")
async def dashboard(moderated: RunningTopicBot) -> AsyncIterator[Dashboard]:
    fake = moderated.fake
    settings = moderated.services.settings.model_copy(update={"dashboard": DashboardSettings(
        base_url=PUBLIC, discord_client_id=fake.world.application_id, discord_client_secret=CLIENT_SECRET)})
    clock = Clock()
    app = await dashboard_app(moderated.services, settings, clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC) as client:
        yield Dashboard(client, clock)


async def test_a_moderator_signs_in_sees_only_their_servers_and_edits_a_topic(
        moderated: RunningTopicBot, dashboard: Dashboard) -> None:
    fake, services = moderated.fake, moderated.services
    moderator = fake.world.add_user("rowan", role_ids=[fake.world.mod_role_id])
    fake.oauth.add_other_guild(moderator, "Bot-free server", permissions=MANAGE_GUILD, owner=True)
    home = await dashboard.client.get("/")
    assert "Sign in with Discord" in home.text and 'href="/sign-in/discord"' in home.text

    page = await dashboard.client.get(await to_discord_and_back(fake, dashboard, moderator))
    assert page.status_code == 200, page.text
    key, offered = picker(page.text)
    assert offered == {"Topicbot test guild": str(fake.guild_id)}  # not the server without the bot
    assert "Bot-free server" not in page.text
    authorize = next(query for path, query in fake.oauth.seen if path == "/oauth2/authorize")
    token = next(query for path, query in fake.oauth.seen if path.endswith("/oauth2/token"))
    assert authorize["scope"] == "identify guilds" and authorize["code_challenge_method"] == "S256"
    assert authorize["redirect_uri"] == token["redirect_uri"] == PUBLIC + CALLBACK_PATH
    assert len(token["code_verifier"]) >= 43 and "client_secret" not in authorize

    chosen = await dashboard.client.post("/sign-in/discord/choose", data={"picker": key, "guild": fake.guild_id})
    assert chosen.status_code == 303, chosen.text
    topics = await dashboard.client.get("/topics")
    assert topics.status_code == 200 and "Rowan" in topics.text and OWN_TOPIC in topics.text

    editor = await dashboard.client.get("/topic/edit", params={"scope": "guild", "title": OWN_TOPIC})
    assert editor.status_code == 200
    form = editor_form(editor.text)
    form["summary"] = "Kites on tidal currents, edited after signing in with Discord."
    saved = await dashboard.client.post("/topic/edit", data=form)
    assert saved.status_code == 303, saved.text
    stored = await services.repository.get(OWN_TOPIC, guild_id=fake.guild_id)
    assert stored.topic.summary == form["summary"]
    latest = (await services.repository.history(OWN_TOPIC, guild_id=fake.guild_id))[-1]
    assert latest.version == stored.version and "Rowan" in latest.author


async def test_a_member_without_manage_server_or_the_role_is_refused(
        moderated: RunningTopicBot, dashboard: Dashboard) -> None:
    fake = moderated.fake
    member = fake.world.add_user("casey")
    fake.oauth.add_other_guild(member, "Casey's own server", permissions=MANAGE_GUILD, owner=True)
    page = await dashboard.client.get(await to_discord_and_back(fake, dashboard, member))
    assert page.status_code == 403
    assert "None of your Discord servers has Topicbot where you may moderate" in page.text
    assert 'name="picker"' not in page.text
    assert (await dashboard.client.get("/topics")).status_code == 401


async def test_a_forged_state_is_refused_before_the_code_is_used(
        moderated: RunningTopicBot, dashboard: Dashboard) -> None:
    fake = moderated.fake
    moderator = fake.world.add_user("drew", role_ids=[fake.world.mod_role_id])
    back = urlsplit(await to_discord_and_back(fake, dashboard, moderator))
    code = parse_qs(back.query)["code"][0]
    exchanged = len([p for p, _ in fake.oauth.seen if p.endswith("/oauth2/token")])
    forged = await dashboard.client.get(f"{CALLBACK_PATH}?{urlencode({'code': code, 'state': 'made-up'})}")
    assert forged.status_code == 403 and "Start again with Sign in with Discord" in forged.text
    # Another browser (no sign-in cookie) bringing back a real state is refused the same way.
    async with httpx.AsyncClient(transport=dashboard.client._transport, base_url=PUBLIC) as stranger:
        elsewhere = await stranger.get(f"{CALLBACK_PATH}?{back.query}")
    assert elsewhere.status_code == 403
    assert len([p for p, _ in fake.oauth.seen if p.endswith("/oauth2/token")]) == exchanged
    assert (await dashboard.client.get("/topics")).status_code == 401


async def test_a_revoked_token_or_a_reused_code_is_refused(moderated: RunningTopicBot, dashboard: Dashboard) -> None:
    fake = moderated.fake
    moderator = fake.world.add_user("emery", role_ids=[fake.world.mod_role_id])
    fake.oauth.revoke_issued = True
    try:
        back = await to_discord_and_back(fake, dashboard, moderator)
        revoked = await dashboard.client.get(back)
    finally:
        fake.oauth.revoke_issued = False
    assert revoked.status_code == 403 and "access was revoked" in revoked.text
    replayed = await dashboard.client.get(back)  # the same state and code again
    assert replayed.status_code == 403
    assert (await dashboard.client.get("/topics")).status_code == 401


async def test_a_moderator_whose_role_is_removed_is_refused_within_the_cache_time(
        moderated: RunningTopicBot, dashboard: Dashboard) -> None:
    fake = moderated.fake
    moderator = fake.world.add_user("finley", role_ids=[fake.world.mod_role_id])
    await sign_in(fake, dashboard, moderator)
    assert (await dashboard.client.get("/topics")).status_code == 200
    fake.world.set_roles(moderator, [])
    # Within the cache time the last answer stands; once it is over, the bot's view of the member decides.
    dashboard.clock.now += timedelta(seconds=ROLE_CHECK_SECONDS)
    refused = await dashboard.client.get("/topics")
    assert refused.status_code == 401 and "no longer a moderator" in refused.text
    fake.world.set_roles(moderator, [fake.world.mod_role_id])
    assert (await dashboard.client.get("/topics")).status_code == 401  # the session is over, not paused


async def test_manage_server_through_a_role_is_enough(moderated: RunningTopicBot, dashboard: Dashboard) -> None:
    fake = moderated.fake
    manager = fake.world.add_user("jules", role_ids=[fake.world.manager_role_id])
    page = await dashboard.client.get(await to_discord_and_back(fake, dashboard, manager))
    assert page.status_code == 200 and picker(page.text)[1] == {"Topicbot test guild": str(fake.guild_id)}
