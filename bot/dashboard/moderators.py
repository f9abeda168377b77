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
from bot.core.storage.dashboard_sessions import DashboardSession

Scope = Literal["guild", "shared"]
SCOPES: Final[tuple[Scope, ...]] = ("guild", "shared")
CSRF_FIELD: Final = "csrf"
#: Largest request body the dashboard reads (forms and uploads); a reverse proxy in front should allow
#: the same (nginx: ``client_max_body_size 16m;``).
MAX_BODY: Final = 16 * 1024 * 1024
#: Form fields read at most: the editor sends four per row of up to 2,000 rows of each part.
MAX_FORM_FIELDS: Final = 40_000


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


def new_session(grant: SignInGrant) -> DashboardSession:
    """What a sign-in link grants, as a session to keep in the store (with a fresh form token)."""
    return DashboardSession(grant.guild_id, grant.user_id, grant.user_name, grant.owner, secrets.token_urlsafe(24))


def moderator_of(session: DashboardSession) -> Moderator:
    return Moderator(session.guild_id, session.user_id, session.user_name, session.owner, session.csrf)


def signed_in(request: Request) -> Moderator | None:
    """The moderator whose session the request's cookie names (looked up by ``SessionCookies``)."""
    found: Moderator | None = getattr(request.state, "moderator", None)
    return found


def moderator(request: Request) -> Moderator:
    """The signed-in moderator, or a 401 page saying how to sign in."""
    found = signed_in(request)
    if found is None:
        ended = getattr(request.state, "ended", None)
        raise PageError(401, ended or (
            "Sign in first: with Discord on the dashboard's first page (when its operator has set it up), or, in "
            "your Discord server, use /topic-admin dashboard and open the link it sends you (an operator can "
            "also make one: topicbot dashboard --sign-in-link --guild ID)."))
    return found


async def checked_form(request: Request) -> tuple[Moderator, FormData]:
    """The signed-in moderator and the posted form, if it carries their form token; else 401/403."""
    who = moderator(request)
    form = await read_form(request)
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), who.csrf.encode()):
        raise PageError(403, "This form is missing its security token or is from an older sign-in; reload the "
                             "page and submit it again.")
    return who, form


async def read_form(request: Request) -> FormData:
    """The posted form, with room for every row the editor holds and for fields up to the body cap
    (a field over its record limit is then refused by name, the form refilled)."""
    return await request.form(max_fields=MAX_FORM_FIELDS, max_files=MAX_FORM_FIELDS, max_part_size=MAX_BODY)


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


def whole_number(value: object) -> int | None:
    """``value`` as a whole number written in ASCII digits (not "²" or "٣", which ``str.isdigit`` accepts
    and ``int`` does not all read), or ``None``. Every number of a form or an address is read here."""
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= 18:
            return int(text)
    return None


def number_of(value: object, name: str) -> int:
    found = whole_number(value)
    if found is None:
        raise PageError(400, f"The {name} must be a whole number.")
    return found
