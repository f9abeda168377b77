"""Who is signed in, what they may see and change, and the form token every form carries.

A session belongs to one moderator of one guild (from the sign-in link). They see their guild's own
topics and the shared ones (which their guild may hide); they change their guild's own topics, and
the shared ones only if they own the bot.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Final, Literal

from starlette.datastructures import FormData
from starlette.requests import Request

from bot.core.changes import Author
from bot.core.sign_in import SignInGrant

Scope = Literal["guild", "shared"]
SCOPES: Final[tuple[Scope, ...]] = ("guild", "shared")
CSRF_FIELD: Final = "csrf"


class PageError(Exception):
    """A request the dashboard refuses: an HTTP status and one sentence saying why and what to do."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Moderator:
    """The signed-in moderator."""

    guild_id: int
    user_id: int
    name: str
    owner: bool
    csrf: str

    @property
    def author(self) -> Author:
        return Author(self.name, "dashboard", self.user_id)

    def guild_of(self, scope: Scope) -> int | None:
        """The store scope of ``scope``: the guild's id for its own topics, ``None`` for shared ones."""
        return self.guild_id if scope == "guild" else None

    def may_change(self, scope: Scope) -> bool:
        return scope == "guild" or self.owner

    def check_may_change(self, scope: Scope) -> None:
        if not self.may_change(scope):
            raise PageError(403, "Shared topics can only be changed by the bot's owner; this server can hide "
                                 "a shared topic or add its own topic with the same title.")


def start_session(request: Request, grant: SignInGrant) -> None:
    request.session.clear()
    request.session.update({"g": grant.guild_id, "u": grant.user_id, "n": grant.user_name, "o": grant.owner,
                            CSRF_FIELD: secrets.token_urlsafe(24)})


def signed_in(request: Request) -> Moderator | None:
    session = request.session
    try:
        return Moderator(int(session["g"]), int(session["u"]), str(session["n"]), bool(session["o"]),
                         str(session[CSRF_FIELD]))
    except (KeyError, TypeError, ValueError):
        return None


def moderator(request: Request) -> Moderator:
    """The signed-in moderator, or a 401 page saying how to sign in."""
    found = signed_in(request)
    if found is None:
        raise PageError(401, "Sign in first: in your Discord server, use /topic-admin dashboard and open the "
                             "link it sends you.")
    return found


async def checked_form(request: Request) -> tuple[Moderator, FormData]:
    """The signed-in moderator and the posted form, if it carries their form token; else 401/403."""
    who = moderator(request)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), who.csrf.encode()):
        raise PageError(403, "This form is missing its security token or is from an older sign-in; reload the "
                             "page and submit it again.")
    return who, form


def scope_of(value: object) -> Scope:
    if value == "guild":
        return "guild"
    if value == "shared":
        return "shared"
    raise PageError(400, "Say which topics: scope must be 'guild' (this server's own) or 'shared'.")


def text_of(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PageError(400, f"The request is missing its {name}.")
    return value


def number_of(value: object, name: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise PageError(400, f"The {name} must be a whole number.")
