"""The API tokens page: a moderator makes (shown once) and revokes their guild's push API tokens."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.core.storage.api_tokens import ApiTokenStore
from bot.dashboard.context import Dashboard, dashboard_of
from bot.dashboard.moderators import Moderator, PageError, checked_form, moderator, text_of


def _tokens_on(dashboard: Dashboard) -> ApiTokenStore:
    if not dashboard.settings.api or dashboard.api_tokens is None:
        raise PageError(404, "The push API is off: set [dashboard] api = true to use API tokens.")
    return dashboard.api_tokens


async def _page(request: Request, who: Moderator, new_token: str | None = None) -> Response:
    dashboard = dashboard_of(request)
    tokens = await _tokens_on(dashboard).tokens(who.guild_id)
    api_url = f"{dashboard.settings.public_url}/api/topics"
    return dashboard.render(request, "api_tokens.html", {"tokens": tokens, "new_token": new_token,
                                                         "api_url": api_url})


async def tokens_page(request: Request) -> Response:
    who = moderator(request)
    _tokens_on(dashboard_of(request))
    return await _page(request, who)


async def tokens_post(request: Request) -> Response:
    who, form = await checked_form(request)
    dashboard = dashboard_of(request)
    label = text_of(form.get("label"), "label (what the token is for)").strip()
    token = await _tokens_on(dashboard).create(who.guild_id, label, who.author.label, now=dashboard.clock())
    return await _page(request, who, new_token=token)


async def revoke_post(request: Request) -> Response:
    who, form = await checked_form(request)
    dashboard = dashboard_of(request)
    if not await _tokens_on(dashboard).revoke(who.guild_id, text_of(form.get("token"), "token"),
                                             now=dashboard.clock()):
        raise PageError(404, "This server has no such live token.")
    return await _page(request, who)
