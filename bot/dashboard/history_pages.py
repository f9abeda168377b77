"""A topic's revision history, two versions side by side, and reverting to an earlier version."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core.errors import StaleVersionError
from bot.core.storage import Revision
from bot.core.topic_diff import diff_lines
from bot.dashboard.context import dashboard_of
from bot.dashboard.moderators import PageError, checked_form, moderator, number_of, scope_of, text_of
from bot.dashboard.side_by_side import side_by_side


def revision_text(revision: Revision) -> str:
    """What a version holds, as the side-by-side view compares it: the record, then its moderator aliases."""
    if revision.action == "remove":
        return ""
    aliases = f"\n\nModerator aliases: {', '.join(revision.aliases)}" if revision.aliases else ""
    return revision.text + aliases


async def history_page(request: Request) -> Response:
    who = moderator(request)
    dashboard = dashboard_of(request)
    scope = scope_of(request.query_params.get("scope"))
    title = text_of(request.query_params.get("title"), "title")
    revisions = await dashboard.editor.history(title, guild_id=who.guild_of(scope))
    return dashboard.render(request, "history.html", {
        "revisions": list(reversed(revisions)), "current": revisions[-1], "scope": scope,
        "title": revisions[-1].title, "may_change": who.may_change(scope)})


async def diff_page(request: Request) -> Response:
    who = moderator(request)
    dashboard = dashboard_of(request)
    params = request.query_params
    scope = scope_of(params.get("scope"))
    title = text_of(params.get("title"), "title")
    old, new = number_of(params.get("from"), "'from' version"), number_of(params.get("to"), "'to' version")
    guild_id = who.guild_of(scope)
    summary = await dashboard.editor.diff(title, old, new, guild_id=guild_id)
    revisions = {r.version: r for r in await dashboard.editor.history(title, guild_id=guild_id)}
    before, after = revisions[old], revisions[new]
    return dashboard.render(request, "diff.html", {
        "scope": scope, "title": after.title, "before": before, "after": after,
        "rows": side_by_side(revision_text(before), revision_text(after)), "summary": diff_lines(summary)[1:],
        "current": max(revisions.values(), key=lambda r: r.version), "may_change": who.may_change(scope)})


async def revert_post(request: Request) -> Response:
    who, form = await checked_form(request)
    dashboard = dashboard_of(request)
    scope = scope_of(form.get("scope"))
    who.check_may_change(scope)
    title = text_of(form.get("title"), "title")
    try:
        result = await dashboard.editor.revert(title, number_of(form.get("to"), "version to go back to"),
                                               author=who.author, guild_id=who.guild_of(scope),
                                               expected_version=number_of(form.get("version"), "version"))
    except StaleVersionError as stale:
        raise PageError(409, f"{stale}. Nothing was reverted; look at the history again and choose.") from stale
    return RedirectResponse(dashboard.link("/topic/history", scope=scope, title=result.title), status_code=303)
