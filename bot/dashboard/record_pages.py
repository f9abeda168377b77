"""Records in and out: one topic's record file, a scope's topics as a .zip, and uploads (preview, then confirm)."""

from __future__ import annotations

import time
from urllib.parse import quote

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from bot.core.errors import TopicbotError
from bot.core.moderation import MAX_UPLOAD_BYTES
from bot.dashboard.context import PendingImport, dashboard_of
from bot.dashboard.moderators import PageError, checked_form, moderator, scope_of, text_of


def _attachment(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


async def record_download(request: Request) -> Response:
    who = moderator(request)
    dashboard = dashboard_of(request)
    scope = scope_of(request.query_params.get("scope"))
    title = text_of(request.query_params.get("title"), "title")
    await dashboard.editor.open(title, guild_id=who.guild_of(scope))  # in this scope, or 404
    name, data = await dashboard.editor.export_record(title, guild_id=who.guild_of(scope))
    return Response(data, media_type="text/plain; charset=utf-8", headers={"Content-Disposition": _attachment(name)})


async def archive_download(request: Request) -> Response:
    who = moderator(request)
    dashboard = dashboard_of(request)
    scope = scope_of(request.query_params.get("scope", "guild"))
    data = await dashboard.editor.export_archive(guild_id=who.guild_of(scope))
    name = f"topics-{who.guild_id}.zip" if scope == "guild" else "topics-shared.zip"
    return Response(data, media_type="application/zip", headers={"Content-Disposition": _attachment(name)})


async def upload_page(request: Request) -> Response:
    who = moderator(request)
    scope = scope_of(request.query_params.get("scope", "guild"))
    who.check_may_change(scope)
    return dashboard_of(request).render(request, "upload.html", {"scope": scope})


async def upload_post(request: Request) -> Response:
    who, form = await checked_form(request)
    try:
        files = await _uploaded(form)
    finally:
        await form.close()
    dashboard = dashboard_of(request)
    scope = scope_of(form.get("scope"))
    who.check_may_change(scope)
    if not files:
        return dashboard.render(request, "upload.html", {"scope": scope, "error": "Choose a record file (.txt) or a "
                                                         ".zip of them."}, status=422)
    try:
        preview = await dashboard.editor.preview_import(files, guild_id=who.guild_of(scope))
    except TopicbotError as error:
        return dashboard.render(request, "upload.html", {"scope": scope, "error": str(error)}, status=422)
    key = None
    if not preview.summary.is_noop:
        key = dashboard.pending.add(PendingImport(who.guild_id, who.user_id, preview, time.monotonic()))
    return dashboard.render(request, "upload_preview.html", {"scope": scope, "preview": preview, "key": key})


async def _uploaded(form: FormData) -> list[tuple[str, bytes]]:
    """``(file name, bytes)`` of each uploaded file, refusing one too large to be a set of records."""
    files: list[tuple[str, bytes]] = []
    for item in form.getlist("files"):
        if isinstance(item, UploadFile) and item.filename:
            data = await item.read(MAX_UPLOAD_BYTES + 1)
            if len(data) > MAX_UPLOAD_BYTES:
                raise PageError(413, f"{item.filename} is larger than {MAX_UPLOAD_BYTES} bytes.")
            files.append((item.filename, data))
    return files


async def upload_confirm(request: Request) -> Response:
    who, form = await checked_form(request)
    dashboard = dashboard_of(request)
    scope = scope_of(form.get("scope"))
    who.check_may_change(scope)
    preview = dashboard.pending.take(text_of(form.get("key"), "upload"), who)
    if preview is None:
        raise PageError(410, "This upload was already imported, cancelled or waited too long; upload it again.")
    outcome = await dashboard.editor.apply_import(preview, author=who.author)
    added = sum(1 for change in outcome.changes if change.action == "add")
    return dashboard.render(request, "message.html", {
        "heading": "Imported",
        "message": f"{added} added, {len(outcome.changes) - added} changed, "
                   f"{len(preview.summary.unchanged)} unchanged.",
        "back": dashboard.link("/topics", show=scope)})
