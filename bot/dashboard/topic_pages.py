"""The topic list, a topic's page, the full editor, adding, removing, hiding and showing topics.

Every change goes through ``TopicEditor`` with the moderator as its author; an edit carries the
version the form was opened at, so a change made meanwhile (anywhere) refuses it and the editor
shows what changed, keeping what the moderator typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.core import editing
from bot.core.errors import StaleVersionError, TopicbotError, TopicNotFoundError
from bot.core.moderation import TopicEditor
from bot.core.storage import StoredTopic
from bot.core.storage.listing import SHOW_CHOICES, ListedTopic, Show, TopicFilter
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
from bot.dashboard.moderators import (
    Moderator,
    Scope,
    checked_form,
    moderator,
    number_of,
    scope_of,
    text_of,
    whole_number,
)

#: A topic whose research is older than this is "stale" in the list's filter.
STALE_AFTER: Final = timedelta(days=90)
#: "Recently changed" in the list's filter.
RECENT: Final = timedelta(days=7)
#: Topics on one page of the list.
PAGE_SIZE: Final = 50


@dataclass(frozen=True)
class ListRow:
    topic: ListedTopic
    scope: Scope
    stale: bool
    recent: bool


async def topic_list(request: Request) -> Response:
    """The topic list: one page of ``PAGE_SIZE`` rows, filtered, counted and cut in SQL (``list_page``), so a
    request reads one page of rows whatever the number of topics."""
    who = moderator(request)
    dashboard = dashboard_of(request)
    params = request.query_params
    query = params.get("q", "").strip()
    show: Show = next((choice for choice in SHOW_CHOICES if choice == params.get("show")), "all")
    only_stale, only_recent = bool(params.get("stale")), bool(params.get("recent"))
    now = dashboard.clock()
    wanted = TopicFilter(query, show, researched_before=now - STALE_AFTER if only_stale else None,
                         changed_since=now - RECENT if only_recent else None)
    asked = max(1, whole_number(params.get("page")) or 1)
    page = await dashboard.repository.list_page(who.guild_id, wanted, offset=(asked - 1) * PAGE_SIZE,
                                                limit=PAGE_SIZE)
    pages = max(1, -(-page.matching // PAGE_SIZE))
    if asked > pages:  # past the end (the list shrank, or a hand-typed number): the last page
        asked = pages
        page = await dashboard.repository.list_page(who.guild_id, wanted, offset=(asked - 1) * PAGE_SIZE,
                                                    limit=PAGE_SIZE)
    rows = [ListRow(row, "guild" if row.guild_id is not None else "shared",
                    now - row.last_updated > STALE_AFTER, now - row.updated_at <= RECENT) for row in page.rows]
    filters = {"q": query or None, "show": show if show != "all" else None, "stale": "1" if only_stale else None,
               "recent": "1" if only_recent else None}
    links = [(number, dashboard.link("/topics", **filters, page=number) if number != asked else None)
             for number in _page_numbers(asked, pages)]
    return dashboard.render(request, "topics.html", {
        "rows": rows, "matching": page.matching, "total": page.total, "page": asked, "pages": pages,
        "first_row": (asked - 1) * PAGE_SIZE + 1, "page_links": links,
        "previous": dashboard.link("/topics", **filters, page=asked - 1) if asked > 1 else None,
        "next": dashboard.link("/topics", **filters, page=asked + 1) if asked < pages else None,
        "query": query, "show": show, "show_choices": SHOW_CHOICES, "only_stale": only_stale,
        "only_recent": only_recent, "stale_days": STALE_AFTER.days, "recent_days": RECENT.days})


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """The page numbers to link: the first, the last and the two either side of ``page``; ``None`` for a gap."""
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[int | None] = []
    for number in shown:
        if out and out[-1] is not None and number > out[-1] + 1:
            out.append(None)
        out.append(number)
    return out


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
