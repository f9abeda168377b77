"""Signing in with Discord: the authorize redirect, Discord's callback, and the server picker.

``GET /sign-in/discord`` sends the browser to Discord's authorize page with a fresh ``state`` and PKCE
challenge; Discord sends it back to ``/sign-in/discord/callback`` with a code, which is exchanged (with
the verifier and the client secret) for a token that reads the user and their servers. The picker then
lists the servers where the bot is present and the user may moderate (Manage Server, or the server's
moderator role), both as the bot sees the member now; choosing one starts a session like a one-time
link's. The role is checked again while the session is used (``Dashboard.signed_in_by``).
"""

from __future__ import annotations

import secrets
from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.storage.dashboard_sessions import DashboardSession
from bot.dashboard.context import Dashboard, dashboard_of
from bot.dashboard.discord_oauth import DiscordOAuth, DiscordUser, OAuthError, UserGuild
from bot.dashboard.discord_sign_ins import BROWSER_COOKIE, PENDING_SECONDS, GuildChoice, Picker
from bot.dashboard.moderators import PageError, read_form

START_PATH: Final = "/sign-in/discord"
CHOOSE_PATH: Final = "/sign-in/discord/choose"
NOT_SET_UP: Final = ("Sign in with Discord is not set up on this dashboard: its operator sets [dashboard] "
                     "discord_client_id and TOPICBOT_DISCORD_CLIENT_SECRET. Until then, use /topic-admin dashboard "
                     "in your server for a one-time link.")
NO_BOT_HERE: Final = ("Sign in with Discord needs the bot running beside this dashboard (topicbot run with "
                      "[dashboard] enabled) to see who moderates which server. Use /topic-admin dashboard in your "
                      "server for a one-time link instead.")
START_AGAIN: Final = ("This sign-in was not started from this browser, was already used, or took longer than "
                      f"{PENDING_SECONDS // 60} minutes. Start again with Sign in with Discord.")
NO_SERVER: Final = ("None of your Discord servers has Topicbot where you may moderate: you need Manage Server, "
                    "or the role set with /topic-admin config moderator-role:, in a server Topicbot is in.")


def _oauth(dashboard: Dashboard) -> DiscordOAuth:
    if dashboard.oauth is None:
        raise PageError(404, NOT_SET_UP)
    if not dashboard.moderators_known():
        raise PageError(503, NO_BOT_HERE)
    return dashboard.oauth


def _keep_browser(dashboard: Dashboard, response: Response, browser: str) -> None:
    response.set_cookie(BROWSER_COOKIE, browser, max_age=PENDING_SECONDS, path=dashboard.base or "/",
                        httponly=True, samesite="lax", secure=dashboard.secure_cookies)


async def start(request: Request) -> Response:
    dashboard = dashboard_of(request)
    oauth = _oauth(dashboard)
    browser = request.cookies.get(BROWSER_COOKIE) or secrets.token_urlsafe(24)
    state, pkce = dashboard.discord_sign_ins.start(browser, dashboard.clock())
    response = RedirectResponse(oauth.authorize_url(state, pkce.challenge), status_code=303)
    _keep_browser(dashboard, response, browser)
    return response


async def _moderated(dashboard: Dashboard, user: DiscordUser, guilds: list[UserGuild]) -> tuple[GuildChoice, ...]:
    """The user's servers where the bot is present and sees them as a moderator now."""
    if dashboard.still_moderator is None:
        return ()
    found = []
    for guild in guilds:
        if await dashboard.still_moderator(guild.id, user.id) is True:
            found.append(GuildChoice(guild.id, guild.name))
    return tuple(found)


async def callback(request: Request) -> Response:
    dashboard = dashboard_of(request)
    oauth = _oauth(dashboard)
    params = request.query_params
    browser = request.cookies.get(BROWSER_COOKIE)
    pkce = dashboard.discord_sign_ins.finish(params.get("state", ""), browser, dashboard.clock())
    if pkce is None or browser is None:
        raise PageError(403, START_AGAIN)
    if params.get("error") or not params.get("code"):
        raise PageError(403, "Discord did not sign you in (the request was declined or refused). Start again "
                             "with Sign in with Discord.")
    try:
        user, guilds = await oauth.sign_in(params["code"], pkce.verifier)
    except OAuthError as error:
        raise PageError(403, str(error)) from error
    choices = await _moderated(dashboard, user, guilds)
    if not choices:
        raise PageError(403, NO_SERVER)
    owner = await dashboard.is_owner(user.id)
    picker = dashboard.discord_sign_ins.offer(Picker(user, choices, owner, browser, dashboard.clock()))
    return dashboard.render(request, "choose_server.html", {"picker": picker, "guilds": choices, "user": user})


async def choose(request: Request) -> Response:
    dashboard = dashboard_of(request)
    form = await read_form(request)
    key = form.get("picker")
    picker = dashboard.discord_sign_ins.take(key if isinstance(key, str) else "",
                                             request.cookies.get(BROWSER_COOKIE), dashboard.clock())
    if picker is None:
        raise PageError(403, START_AGAIN)
    guild = next((g for g in picker.guilds if str(g.id) == form.get("guild")), None)
    if guild is None:
        raise PageError(403, "That server was not offered to you; start again with Sign in with Discord.")
    response = RedirectResponse(dashboard.link("/topics"), status_code=303)
    await dashboard.start_session(response, DashboardSession(guild.id, picker.user.id, picker.user.name,
                                                             picker.owner, secrets.token_urlsafe(24)))
    response.delete_cookie(BROWSER_COOKIE, path=dashboard.base or "/", httponly=True, samesite="lax",
                           secure=dashboard.secure_cookies)
    return response
