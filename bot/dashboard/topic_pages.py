"""The topic list, a topic's page, the full editor, adding, removing, hiding and showing topics.

Every change goes through ``TopicEditor`` with the moderator as its author; an edit carries the
version the form was opened at, so a change made meanwhile (anywhere) refuses it and the editor
shows what changed, keeping what the moderator typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core import editing
from bot.core.errors import StaleVersionError, TopicbotError, TopicNotFoundError
from bot.core.moderation import TopicEditor
from bot.core.storage import StoredTopic
from bot.core.topic_diff import diff_lines
from bot.dashboard.context import Dashboard, dashboard_of
from bot.dashboard.editor_form import (
    Conflict,
    EditorValues,
    blank_values,
    fields_of,
    merged_values,
    submitted_values,
    values_of,
)
from bot.dashboard.moderators import Moderator, Scope, checked_form, moderator, number_of, scope_of, text_of

#: A topic whose research is older than this is "stale" in the list's filter.
STALE_AFTER: Final = timedelta(days=90)
#: "Recently changed" in the list's filter.
RECENT: Final = timedelta(days=7)
SHOW_CHOICES: Final = ("all", "guild", "shared", "hidden")


@dataclass(frozen=True)
class ListedTopic:
    stored: StoredTopic
    scope: Scope
    hidden: bool
    stale: bool
    recent: bool


async def topic_list(request: Request) -> Response:
    who = moderator(request)
    dashboard = dashboard_of(request)
    params = request.query_params
    query = params.get("q", "").strip()
    show = params.get("show", "all")
    show = show if show in SHOW_CHOICES else "all"
    only_stale, only_recent = bool(params.get("stale")), bool(params.get("recent"))
    repository = dashboard.repository
    own = await repository.list(guild_id=who.guild_id, include_global=False)
    shared = await repository.list()
    hidden = {title.casefold() for guild_id, title in await repository.hidden_pairs() if guild_id == who.guild_id}
    now = dashboard.clock()
    rows = [_listed(s, "guild", False, now) for s in own]
    rows += [_listed(s, "shared", s.title.casefold() in hidden, now) for s in shared]
    wanted = query.casefold()
    shown = [
        row for row in rows
        if (show == "all" or (show == "hidden" and row.hidden) or (show != "hidden" and row.scope == show))
        and (not only_stale or row.stale) and (not only_recent or row.recent)
        and (not wanted or any(wanted in name.casefold() for name in (row.stored.title, *row.stored.topic.all_aliases)))
    ]
    shown.sort(key=lambda row: (row.stored.title.casefold(), row.scope))
    return dashboard.render(request, "topics.html", {
        "rows": shown, "total": len(rows), "query": query, "show": show, "show_choices": SHOW_CHOICES,
        "only_stale": only_stale, "only_recent": only_recent, "stale_days": STALE_AFTER.days,
        "recent_days": RECENT.days})


def _listed(stored: StoredTopic, scope: Scope, hidden: bool, now: datetime) -> ListedTopic:
    return ListedTopic(stored, scope, hidden, now - stored.topic.last_updated > STALE_AFTER,
                       now - stored.updated_at <= RECENT)


async def _open(editor: TopicEditor, who: Moderator, scope: Scope, title: str) -> StoredTopic:
    return await editor.open(title, guild_id=who.guild_of(scope))


async def topic_page(request: Request) -> Response:
    who = moderator(request)
    dashboard = dashboard_of(request)
    scope = scope_of(request.query_params.get("scope"))
    stored = await _open(dashboard.editor, who, scope, text_of(request.query_params.get("title"), "title"))
    hidden = scope == "shared" and any(
        guild_id == who.guild_id and title.casefold() == stored.title.casefold()
        for guild_id, title in await dashboard.repository.hidden_pairs())
    return dashboard.render(request, "topic.html", {
        "stored": stored, "topic": stored.topic, "scope": scope, "hidden": hidden,
        "may_change": who.may_change(scope), "saved": request.query_params.get("saved")})


def _editor_page(dashboard: Dashboard, request: Request, *, scope: Scope, values: EditorValues,
                 opened_title: str | None, version: int | None, status: int = 200, error: str | None = None,
                 stale: StaleVersionError | None = None, stale_lines: list[str] | None = None,
                 conflicts: list[Conflict] | None = None) -> Response:
    return dashboard.render(request, "edit.html", {
        "scope": scope, "values": values, "opened_title": opened_title, "version": version, "error": error,
        "stale": stale, "stale_lines": stale_lines or [], "conflicts": conflicts or []}, status=status)


def plain_line(line: str) -> str:
    """A diff line for a web page: the Markdown emphasis the Discord and CLI texts use taken out."""
    return line.replace("**", "")


async def edit_page(request: Request) -> Response:
    who = moderator(request)
    dashboard = dashboard_of(request)
    scope = scope_of(request.query_params.get("scope"))
    who.check_may_change(scope)
    stored = await _open(dashboard.editor, who, scope, text_of(request.query_params.get("title"), "title"))
    return _editor_page(dashboard, request, scope=scope, values=values_of(stored.topic), opened_title=stored.title,
                        version=stored.version)


async def edit_post(request: Request) -> Response:
    who, form = await checked_form(request)
    dashboard = dashboard_of(request)
    scope = scope_of(form.get("scope"))
    who.check_may_change(scope)
    title = text_of(form.get("opened_title"), "topic title")
    version = number_of(form.get("version"), "version")
    editor = dashboard.editor
    try:
        fields = fields_of(form)
        result = await editor.edit(title, lambda topic: editing.set_fields(topic, fields), author=who.author,
                                   guild_id=who.guild_of(scope), expected_version=version)
    except StaleVersionError as stale:
        guild_id = who.guild_of(scope)
        changes = await editor.changes_since(stale.title, stale.expected_version, guild_id=guild_id)
        base = await editor.topic_at(stale.title, stale.expected_version, guild_id=guild_id)
        current = (await editor.open(stale.title, guild_id=guild_id)).topic
        # The form now holds the merge (the other moderator's changes kept, this one's on top) and carries
        # the version it is based on: saving it again replaces nobody's change silently.
        merged, conflicts = merged_values(base, current, form)
        return _editor_page(dashboard, request, scope=scope, values=merged, opened_title=stale.title,
                            version=stale.actual_version, status=409, stale=stale,
                            stale_lines=[plain_line(line) for line in diff_lines(changes)], conflicts=conflicts)
    except TopicNotFoundError:
        raise
    except TopicbotError as error:
        return _editor_page(dashboard, request, scope=scope, values=submitted_values(form), opened_title=title,
                            version=version, status=422, error=str(error))
    return RedirectResponse(dashboard.link("/topic", scope=scope, title=result.title, saved=result.version),
                            status_code=303)


async def new_page(request: Request) -> Response:
    who = moderator(request)
    scope = scope_of(request.query_params.get("scope", "guild"))
    who.check_may_change(scope)
    values = blank_values()
    values.title = request.query_params.get("title", "").strip()  # "Create a topic…" from the miss log
    return _editor_page(dashboard_of(request), request, scope=scope, values=values, opened_title=None,
                        version=None)


async def new_post(request: Request) -> Response:
    who, form = await checked_form(request)
    dashboard = dashboard_of(request)
    scope = scope_of(form.get("scope"))
    who.check_may_change(scope)
    try:
        fields = fields_of(form)
        draft = editing.new_topic(fields.title, fields.description, fields.summary, dashboard.clock())
        result = await dashboard.editor.add(editing.set_fields(draft, fields), author=who.author,
                                            guild_id=who.guild_of(scope))
    except TopicbotError as error:
        return _editor_page(dashboard, request, scope=scope, values=submitted_values(form), opened_title=None,
                            version=None, status=422, error=str(error))
    return RedirectResponse(dashboard.link("/topic", scope=scope, title=result.title, saved=result.version),
                            status_code=303)


async def remove_page(request: Request) -> Response:
    who = moderator(request)
    dashboard = dashboard_of(request)
    scope = scope_of(request.query_params.get("scope"))
    who.check_may_change(scope)
    stored = await _open(dashboard.editor, who, scope, text_of(request.query_params.get("title"), "title"))
    return dashboard.render(request, "remove.html", {"stored": stored, "scope": scope})


async def remove_post(request: Request) -> Response:
    who, form = await checked_form(request)
    dashboard = dashboard_of(request)
    scope = scope_of(form.get("scope"))
    who.check_may_change(scope)
    result = await dashboard.editor.remove(text_of(form.get("title"), "title"), author=who.author,
                                           guild_id=who.guild_of(scope),
                                           expected_version=number_of(form.get("version"), "version"))
    return RedirectResponse(dashboard.link("/topic/history", scope=scope, title=result.title), status_code=303)


async def hide_post(request: Request) -> Response:
    return await _visibility(request, hide=True)


async def unhide_post(request: Request) -> Response:
    return await _visibility(request, hide=False)


async def _visibility(request: Request, *, hide: bool) -> Response:
    who, form = await checked_form(request)
    dashboard = dashboard_of(request)
    title = text_of(form.get("title"), "title")
    if hide:
        result = await dashboard.editor.hide(title, guild_id=who.guild_id, author=who.author)
    else:
        result = await dashboard.editor.unhide(title, guild_id=who.guild_id, author=who.author)
    return RedirectResponse(dashboard.link("/topic", scope="shared", title=result.title), status_code=303)
