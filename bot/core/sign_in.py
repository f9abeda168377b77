"""Passwordless sign-in to the dashboard: one-time, short-lived links signed for one moderator and guild.

The Discord adapter (``/topic-admin dashboard``) or the CLI makes a link with ``sign_in_link`` after
checking that the person is a moderator of the guild; the dashboard takes it back with ``redeem``. A
token carries the guild, the user's id and name, whether they own the bot, when it expires and a
random nonce, signed with HMAC-SHA256 under the store's sign-in key. ``redeem`` checks the signature
and the expiry, then records the nonce as used (``SignInStore.use``), so a link works once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol
from urllib.parse import urlencode

from bot.core.errors import TopicbotError

#: How long a sign-in link works.
LINK_LIFETIME: Final = timedelta(minutes=10)
#: The dashboard page a link opens (below the dashboard's base URL).
SIGN_IN_PATH: Final = "/sign-in"


class SignInError(TopicbotError):
    """A sign-in link that cannot be used: forged or damaged, expired, or used already."""


class UsedLinks(Protocol):
    """Where a link's use is recorded (``bot.core.storage.sign_ins.SignInStore``)."""

    async def key(self) -> bytes: ...

    async def use(self, nonce: str, expires_at: datetime, *, now: datetime) -> bool: ...


@dataclass(frozen=True)
class SignInGrant:
    """Who a link signs in, for which guild, until when."""

    guild_id: int
    user_id: int
    user_name: str
    owner: bool
    expires_at: datetime
    nonce: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())


def make_token(key: bytes, *, guild_id: int, user_id: int, user_name: str, now: datetime,
               owner: bool = False, lifetime: timedelta = LINK_LIFETIME) -> str:
    """A signed token for one sign-in; ``now`` must be timezone-aware."""
    if now.tzinfo is None:
        raise ValueError("the time of a sign-in link must be timezone-aware")
    body = {"g": guild_id, "u": user_id, "n": user_name, "o": owner,
            "e": int((now + lifetime).timestamp()), "k": secrets.token_urlsafe(18)}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    return f"{payload}.{_signature(key, payload)}"


def read_token(key: bytes, token: str, *, now: datetime) -> SignInGrant:
    """The grant a token carries, if its signature is right and it has not expired; else ``SignInError``."""
    payload, _, signature = token.strip().partition(".")
    try:
        good = payload.isascii() and hmac.compare_digest(signature.encode("ascii"),
                                                         _signature(key, payload).encode("ascii"))
    except UnicodeEncodeError:
        good = False
    if not good:
        raise SignInError("this sign-in link is not valid for this dashboard: it was cut short or changed, or it "
                          "was made for another one. Ask for a new one with /topic-admin dashboard; an operator "
                          "making links with `topicbot dashboard --sign-in-link` must give it the same --config "
                          "(the same topic store, or the same [dashboard] secret) as the running dashboard")
    try:
        body = json.loads(_unb64(payload))
        expires_at = datetime.fromtimestamp(int(body["e"]), now.tzinfo)
        grant = SignInGrant(int(body["g"]), int(body["u"]), str(body["n"]), bool(body["o"]), expires_at,
                            str(body["k"]))
    except (ValueError, KeyError, TypeError, binascii.Error) as error:  # signed by us, so never in practice
        raise SignInError("this sign-in link is not valid; ask for a new one with /topic-admin dashboard") from error
    if now >= grant.expires_at:
        raise SignInError("this sign-in link has expired (links work for 10 minutes); ask for a new one with "
                          "/topic-admin dashboard")
    return grant


async def sign_in_link(links: UsedLinks, base_url: str, *, guild_id: int, user_id: int, user_name: str,
                       now: datetime, owner: bool = False) -> str:
    """The dashboard link that signs this moderator in to this guild once, within ``LINK_LIFETIME``."""
    token = make_token(await links.key(), guild_id=guild_id, user_id=user_id, user_name=user_name, now=now,
                       owner=owner)
    return f"{base_url.rstrip('/')}{SIGN_IN_PATH}?{urlencode({'token': token})}"


async def check(links: UsedLinks, token: str, *, now: datetime) -> SignInGrant:
    """The grant of a valid, unexpired token, without using it up (the page that asks to confirm)."""
    return read_token(await links.key(), token, now=now)


async def redeem(links: UsedLinks, token: str, *, now: datetime) -> SignInGrant:
    """Use a link: its grant, once; a second use, an expired or a forged link raise ``SignInError``."""
    grant = read_token(await links.key(), token, now=now)
    if not await links.use(grant.nonce, grant.expires_at, now=now):
        raise SignInError("this sign-in link was used already (each link works once); ask for a new one with "
                          "/topic-admin dashboard")
    return grant
