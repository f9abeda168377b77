"""The push API (``[dashboard] api = true``): a research pipeline writes records over HTTP.

``PUT /api/topics/{title}`` with a record as the body adds or replaces the guild's own topic (the
record's title must be the one in the address; moderator aliases are kept), ``DELETE`` removes it
(a revision: revert brings it back), ``GET`` returns it. Every request carries
``Authorization: Bearer <token>`` with an API token a moderator of the guild made on the dashboard's
API tokens page; an optional ``?guild=ID`` must be that token's guild. Bodies are at most
``[limits] record_bytes`` (413 naming the size and the limit; a record over another limit is 422);
each token may make ``RATE`` requests a minute. Changes go through the one write
path, so running bots, the mod log and followers see them as any other edit.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Final

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from bot.core.changes import Author
from bot.core.errors import RecordFormatError, TopicbotError, TopicNotFoundError
from bot.core.importing import imported_topic, read_upload
from bot.core.record_format import format_record
from bot.core.record_limits import check_record_bytes
from bot.dashboard.context import dashboard_of
from bot.dashboard.moderators import whole_number

#: Requests one token may make per minute.
RATE: Final = 120
_WINDOW: Final = 60.0


class _RateLimit:
    """A sliding window of request times per token."""

    def __init__(self) -> None:
        self.seen: dict[str, deque[float]] = {}

    def allows(self, key: str) -> bool:
        now = time.monotonic()
        times = self.seen.setdefault(key, deque())
        while times and now - times[0] > _WINDOW:
            times.popleft()
        if len(times) >= RATE:
            return False
        times.append(now)
        return True


_RATES: Final = _RateLimit()


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _guild(request: Request) -> tuple[int, str] | JSONResponse:
    dashboard = dashboard_of(request)
    if not dashboard.settings.api or dashboard.api_tokens is None:
        return _error(404, "the push API is off ([dashboard] api = false)")
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _error(401, "send the guild's API token: Authorization: Bearer <token>")
    found = await dashboard.api_tokens.guild_of(token.strip())
    if found is None:
        return _error(401, "this API token is not valid or was revoked; make a new one on the dashboard")
    asked = request.query_params.get("guild")
    if asked is not None and whole_number(asked) != found[0]:
        return _error(403, "this API token belongs to another guild")
    if not _RATES.allows(token.strip()):
        return _error(429, f"too many requests: at most {RATE} a minute per token")
    return found


async def topic_api(request: Request) -> Response:
    found = await _guild(request)
    if isinstance(found, Response):
        return found
    guild_id, label = found
    dashboard = dashboard_of(request)
    editor = dashboard.editor
    title = request.path_params["title"]
    author = Author(f"api: {label}", "dashboard")
    try:
        if request.method == "GET":
            stored = await editor.open(title, guild_id=guild_id)
            if stored.guild_id != guild_id:
                raise TopicNotFoundError(title)
            return PlainTextResponse(format_record(stored.topic, editor.tz))
        if request.method == "DELETE":
            await editor.remove(title, author=author, guild_id=guild_id)
            return Response(status_code=204)
        limits = editor.repository.limits
        declared = request.headers.get("content-length")
        too_big = check_record_bytes(whole_number(declared) or 0, limits) if declared is not None else None
        if too_big is None:
            body = await request.body()
            too_big = check_record_bytes(len(body), limits)
        if too_big is not None:
            return _error(413, f"{title}.txt: {too_big}")
        record = read_upload(f"{title}.txt", body, editor.tz, limits)
        if record.topic.title != title:
            return _error(400, f"the record's title is {record.topic.title!r}, not {title!r} as in the address")
        try:
            stored = await editor.open(title, guild_id=guild_id)
            own = stored.guild_id == guild_id
        except TopicNotFoundError:
            own = False
        if own:
            result = await editor.edit(title, imported_topic(stored.topic, record.topic), author=author,
                                       guild_id=guild_id)
            return JSONResponse({"title": title, "version": result.version, "changed": result.changed})
        added = await editor.add(record.topic, author=author, guild_id=guild_id)
        return JSONResponse({"title": title, "version": added.version, "changed": True}, status_code=201)
    except TopicNotFoundError:
        return _error(404, f"this guild has no topic titled {title!r}")
    except RecordFormatError as error:
        return _error(400, str(error))
    except TopicbotError as error:
        return _error(422, str(error))
