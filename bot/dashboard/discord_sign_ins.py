"""Sign-ins with Discord in progress: the ``state`` of each authorize request and the guild picker.

Both live in this process's memory for ``PENDING_SECONDS`` and are used once. Each is bound to the
browser that started it by a random value in a short-lived cookie, so a ``state`` (or a picker)
carried to another browser is refused, as is a ``state`` this dashboard never issued.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from bot.dashboard.discord_oauth import DiscordUser, Pkce

#: How long an authorize request or a guild picker waits for the browser to come back.
PENDING_SECONDS: Final = 10 * 60
#: The cookie that ties a sign-in in progress to the browser that started it.
BROWSER_COOKIE: Final = "topicbot_sign_in"


@dataclass(frozen=True)
class GuildChoice:
    id: int
    name: str


@dataclass(frozen=True)
class _Authorizing:
    pkce: Pkce
    browser: str
    started: datetime


@dataclass(frozen=True)
class Picker:
    """A signed-in Discord user choosing one of the servers they may moderate."""

    user: DiscordUser
    guilds: tuple[GuildChoice, ...]
    owner: bool
    browser: str
    started: datetime


@dataclass
class DiscordSignIns:
    """Authorize requests by ``state``, and guild pickers by a random id."""

    authorizing: dict[str, _Authorizing] = field(default_factory=dict)
    pickers: dict[str, Picker] = field(default_factory=dict)

    def start(self, browser: str, now: datetime) -> tuple[str, Pkce]:
        """A new ``state`` and PKCE pair for the browser holding ``browser``."""
        self._forget_old(now)
        state = secrets.token_urlsafe(24)
        pkce = Pkce.new()
        self.authorizing[state] = _Authorizing(pkce, browser, now)
        return state, pkce

    def finish(self, state: str, browser: str | None, now: datetime) -> Pkce | None:
        """The PKCE pair of ``state`` if this dashboard issued it to this browser, recently (once only)."""
        self._forget_old(now)
        found = self.authorizing.pop(state, None)
        if found is None or browser is None or not hmac.compare_digest(found.browser, browser):
            return None
        return found.pkce

    def offer(self, picker: Picker) -> str:
        self._forget_old(picker.started)
        key = secrets.token_urlsafe(24)
        self.pickers[key] = picker
        return key

    def take(self, key: str, browser: str | None, now: datetime) -> Picker | None:
        """The picker ``key`` of this browser (once only)."""
        self._forget_old(now)
        found = self.pickers.pop(key, None)
        if found is None or browser is None or not hmac.compare_digest(found.browser, browser):
            return None
        return found

    def _forget_old(self, now: datetime) -> None:
        oldest = now - timedelta(seconds=PENDING_SECONDS)
        for state in [s for s, a in self.authorizing.items() if a.started < oldest]:
            del self.authorizing[state]
        for key in [k for k, p in self.pickers.items() if p.started < oldest]:
            del self.pickers[key]
