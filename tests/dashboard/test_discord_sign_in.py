"""Sign in with Discord, the parts that need no Discord: endpoints, PKCE, and the refusals before Discord
is asked (the whole flow runs against the fake Discord in tests/e2e/test_dashboard_discord_sign_in.py)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.config import DashboardSettings
from bot.dashboard.discord_oauth import CALLBACK_PATH, Endpoints, Pkce
from bot.dashboard.discord_sign_ins import BROWSER_COOKIE
from tests.conftest import StoreBackend
from tests.dashboard.conftest import Site, make_site

CLIENT_ID = 123456789012345678
SET_UP = DashboardSettings(base_url="https://mods.example.org/tb", discord_client_id=CLIENT_ID,
                           discord_client_secret="s3cret")


@pytest.fixture
async def discord_site(sqlite_backend: StoreBackend) -> AsyncIterator[Site]:
    async for built in make_site(sqlite_backend, SET_UP):
        yield built


def test_the_endpoints_come_from_the_api_base_url() -> None:
    assert Endpoints.of(None) == Endpoints("https://discord.com/oauth2/authorize", "https://discord.com/api/oauth2/token",
                                           "https://discord.com/api/v10")
    fake = Endpoints.of("http://127.0.0.1:5000/api/v10/")
    assert fake == Endpoints("http://127.0.0.1:5000/oauth2/authorize", "http://127.0.0.1:5000/api/oauth2/token",
                             "http://127.0.0.1:5000/api/v10")


def test_the_pkce_challenge_is_the_s256_of_the_verifier() -> None:
    first, second = Pkce.new(), Pkce.new()
    assert first.verifier != second.verifier and 43 <= len(first.verifier) <= 128
    digest = hashlib.sha256(first.verifier.encode()).digest()
    assert first.challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_the_client_secret_can_come_from_the_environment() -> None:
    from bot.config import load_settings

    settings = load_settings(None, {"TOPICBOT_DISCORD_CLIENT_SECRET": "from-env"})
    assert settings.dashboard.discord_client_secret == "from-env" and not settings.dashboard.discord_sign_in


async def test_without_a_client_id_there_is_no_discord_sign_in(site: Site) -> None:
    assert "Sign in with Discord" not in (await site.client.get("/")).text
    page = await site.client.get("/sign-in/discord")
    assert page.status_code == 404 and "discord_client_id" in page.text


async def test_the_authorize_request_carries_state_pkce_and_the_scopes(discord_site: Site) -> None:
    home = await discord_site.client.get("https://mods.example.org/tb/")
    assert 'href="/tb/sign-in/discord">Sign in with Discord' in home.text
    start = await discord_site.client.get("https://mods.example.org/tb/sign-in/discord")
    assert start.status_code == 303
    where = urlsplit(start.headers["location"])
    query = {k: v[0] for k, v in parse_qs(where.query).items()}
    assert f"{where.scheme}://{where.netloc}{where.path}" == "https://discord.com/oauth2/authorize"
    assert query["client_id"] == str(CLIENT_ID) and query["scope"] == "identify guilds"
    assert query["redirect_uri"] == "https://mods.example.org/tb" + CALLBACK_PATH
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 32 and "s3cret" not in start.headers["location"]
    cookie = start.headers["set-cookie"]
    assert cookie.startswith(f"{BROWSER_COOKIE}=") and "HttpOnly" in cookie and "Secure" in cookie
    assert "Path=/tb" in cookie


async def test_without_the_bot_beside_it_discord_sign_in_says_so(discord_site: Site) -> None:
    app = discord_site.client._transport.app  # type: ignore[attr-defined]
    app.state.dashboard.moderators_known = lambda: False
    page = await discord_site.client.get("https://mods.example.org/tb/sign-in/discord")
    assert page.status_code == 503 and "/topic-admin dashboard" in page.text


async def test_a_made_up_state_or_picker_is_refused(discord_site: Site) -> None:
    callback = await discord_site.client.get(f"https://mods.example.org/tb{CALLBACK_PATH}?code=abc&state=made-up")
    assert callback.status_code == 403 and "Start again with Sign in with Discord" in callback.text
    chosen = await discord_site.client.post("https://mods.example.org/tb/sign-in/discord/choose",
                                            data={"picker": "made-up", "guild": "1"})
    assert chosen.status_code == 403
    assert (await discord_site.client.get("https://mods.example.org/tb/topics")).status_code == 401
