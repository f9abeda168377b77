"""Steps of signing in to the dashboard with Discord, shared by the e2e tests of the dashboard beside the
bot and on its own: the browser's trip to the fake's authorize page over loopback HTTP, the picker."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

import httpx
from fake_gateway import FakeDiscord

from bot.dashboard.discord_oauth import CALLBACK_PATH

PUBLIC = "http://dashboard.test"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


class Dashboard:
    """A dashboard app, a browser's cookies for it, and the dashboard's own clock."""

    def __init__(self, client: httpx.AsyncClient, clock: Clock) -> None:
        self.client = client
        self.clock = clock


async def to_discord_and_back(fake: FakeDiscord, dashboard: Dashboard, user: dict[str, Any]) -> str:
    """Start signing in, let "the browser" (signed in to Discord as ``user``) approve; the callback address."""
    fake.oauth.browser_user = user
    start = await dashboard.client.get("/sign-in/discord")
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    assert authorize.startswith(f"{fake.state.base_url}/oauth2/authorize?")
    async with httpx.AsyncClient() as browser:
        at_discord = await browser.get(authorize)
    assert at_discord.status_code == 302, at_discord.text
    back = at_discord.headers["location"]
    assert back.startswith(f"{PUBLIC}{CALLBACK_PATH}?")
    return back


def picker(page: str) -> tuple[str, dict[str, str]]:
    """The picker's key and the servers offered (name -> id)."""
    [key] = set(re.findall(r'name="picker" value="([^"]+)"', page))
    offered = {name: guild for guild, name in re.findall(
        r'name="guild" value="(\d+)">\s*<button type="submit">([^<]+)</button>', page)}
    return key, offered


def editor_form(page: str) -> dict[str, str]:
    form = {name: html.unescape(value) for name, value in re.findall(
        r'<input (?:type="hidden" )?(?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"', page)}
    form.update({name: html.unescape(value) for name, value in re.findall(
        r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S)})
    return form


async def sign_in(fake: FakeDiscord, dashboard: Dashboard, user: dict[str, Any]) -> None:
    page = await dashboard.client.get(await to_discord_and_back(fake, dashboard, user))
    assert page.status_code == 200, page.text
    key, offered = picker(page.text)
    chosen = await dashboard.client.post("/sign-in/discord/choose",
                                         data={"picker": key, "guild": offered["Topicbot test guild"]})
    assert chosen.status_code == 303 and chosen.headers["location"] == "/topics"
