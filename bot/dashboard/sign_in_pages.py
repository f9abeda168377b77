"""Signing in with a one-time link, and out again.

Opening a link shows a page with a "Sign in" button instead of signing in at once, so a link
preview or a mail scanner that fetches the address cannot use the link up.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core import sign_in
from bot.core.sign_in import SignInError
from bot.dashboard.context import dashboard_of
from bot.dashboard.moderators import PageError, checked_form, new_session, read_form, signed_in


async def home(request: Request) -> Response:
    dashboard = dashboard_of(request)
    if signed_in(request) is not None:
        return RedirectResponse(dashboard.link("/topics"), status_code=303)
    return dashboard.render(request, "home.html")


async def sign_in_page(request: Request) -> Response:
    dashboard = dashboard_of(request)
    token = request.query_params.get("token", "")
    try:
        grant = await sign_in.check(dashboard.links, token, now=dashboard.clock())
    except SignInError as error:
        raise PageError(403, str(error)) from error
    return dashboard.render(request, "sign_in.html", {"grant": grant, "token": token})


async def sign_in_post(request: Request) -> Response:
    dashboard = dashboard_of(request)
    form = await read_form(request)
    token = form.get("token")
    try:
        grant = await sign_in.redeem(dashboard.links, token if isinstance(token, str) else "", now=dashboard.clock())
    except SignInError as error:
        raise PageError(403, str(error)) from error
    response = RedirectResponse(dashboard.link("/topics"), status_code=303)
    await dashboard.start_session(response, new_session(grant))
    return response


async def sign_out(request: Request) -> Response:
    await checked_form(request)
    dashboard = dashboard_of(request)
    request.state.moderator = None
    response = dashboard.render(request, "message.html", {
        "heading": "Signed out", "message": "You are signed out. Use /topic-admin dashboard to sign in again."})
    await dashboard.end_session(request, response)
    return response
