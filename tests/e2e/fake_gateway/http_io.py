"""Request and response plumbing shared by the fake's REST handlers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from fake_gateway.payloads import Json
from fake_gateway.recording import RecordedFile

API_PREFIX = "/api/v10"


@dataclass(frozen=True)
class Call:
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: tuple[RecordedFile, ...]
    authorization: str | None


Result = tuple[int, Any]
Handler = Callable[[Call], Awaitable[Result]]


def error(status: int, code: int, text: str, problems: list[str] | None = None) -> Result:
    """An error body shaped like Discord's; ``problems`` ("path: message") become ``errors`` keyed by path."""
    body: Json = {"code": code, "message": text}
    if problems:
        errors: Json = {}
        for problem in problems:
            path, _, message = problem.partition(": ")
            if not message:
                path, message = "_form", problem
            errors.setdefault(path, {"_errors": []})["_errors"].append({"code": "INVALID", "message": message})
        body["errors"] = errors
    return status, body


class Rejected(Exception):  # noqa: N818 - not an error of the fake: the answer it gives
    """Raised by a handler's helper to answer with a Discord error (``result``) right away."""

    def __init__(self, result: Result) -> None:
        super().__init__(result)
        self.result = result


def reject(status: int, code: int, text: str, problems: list[str] | None = None) -> Rejected:
    return Rejected(error(status, code, text, problems))


def json_response(status: int, body: Any) -> web.Response:
    if status == 204 or body is None:
        return web.Response(status=204)
    headers = {"Content-Type": "application/json"}
    if status == 429:
        # As Discord sends it: Retry-After, the bucket's headers, and Via (a 429 without Via is a
        # Cloudflare ban to discord.py, which then gives up instead of waiting).
        retry_after = float(body["retry_after"])
        headers |= {"Retry-After": f"{retry_after:g}", "Via": "1.1 google", "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": f"{retry_after:g}",
                    "X-RateLimit-Bucket": "fake-bucket", "X-RateLimit-Scope": "user"}
    return web.Response(status=status, body=json.dumps(body).encode(), headers=headers)


def rate_limited(retry_after: float) -> Result:
    """A 429 body shaped like Discord's."""
    return 429, {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}


async def read_body(request: web.Request) -> tuple[Any, tuple[RecordedFile, ...]]:
    if not request.can_read_body:
        return None, ()
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[RecordedFile] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            data = await part.read()
            if part.name == "payload_json":
                payload = json.loads(data.decode())
            else:
                files.append(
                    RecordedFile(part.name or "", part.filename, part.headers.get("Content-Type"), bytes(data))
                )
        return payload, tuple(files)
    text = await request.text()
    return (json.loads(text) if text else None), ()
