"""What the client sent: every REST request the fake received, and a way to wait for one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class RecordedFile:
    field_name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class RecordedRequest:
    """One REST request as the fake saw it and what it answered.

    ``route`` is the route template (``"POST /channels/{channel_id}/messages"``), ``params`` the
    values matched in it, ``json`` the JSON body (for multipart, the decoded ``payload_json``).
    """

    index: int
    method: str
    path: str
    route: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: tuple[RecordedFile, ...]
    authorization: str | None
    status: int
    response: Any = field(default=None, compare=False)

    def is_route(self, route: str, **params: object) -> bool:
        """True when this request hit ``route`` with the given path parameter values."""
        return self.route == route and all(self.params.get(k) == str(v) for k, v in params.items())


Predicate = Callable[[RecordedRequest], bool]


class RequestLog:
    """Append-only log of requests with ``wait_for`` that also sees requests already recorded."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._changed = asyncio.Condition()

    def mark(self) -> int:
        """A position to pass as ``after=`` so that only later requests count."""
        return len(self.requests)

    async def add(self, request: RecordedRequest) -> None:
        async with self._changed:
            self.requests.append(replace(request, index=len(self.requests)))
            self._changed.notify_all()

    def next_index(self) -> int:
        return len(self.requests)

    def matching(self, predicate: Predicate, *, after: int = 0) -> list[RecordedRequest]:
        return [r for r in self.requests[after:] if predicate(r)]

    async def wait_for(self, predicate: Predicate, *, timeout: float = 10.0, after: int = 0) -> RecordedRequest:
        """The first request (from position ``after``) matching ``predicate``; waits up to ``timeout`` s."""

        def first() -> RecordedRequest | None:
            found = self.matching(predicate, after=after)
            return found[0] if found else None

        async def wait() -> RecordedRequest:
            async with self._changed:
                await self._changed.wait_for(lambda: first() is not None)
            result = first()
            assert result is not None
            return result

        try:
            return await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            seen = "\n  ".join(f"{r.method} {r.path} -> {r.status}" for r in self.requests[after:]) or "(none)"
            raise AssertionError(f"no matching request within {timeout} s; requests seen:\n  {seen}") from None
