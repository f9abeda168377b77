"""Who a message would ping, by Discord's ``allowed_mentions`` rules.

Content is scanned for ``<@id>``/``<@!id>`` (users), ``<@&id>`` (roles) and ``@everyone``/``@here``;
``allowed_mentions`` then filters them. Without ``allowed_mentions`` everything parsed pings, and a
reply pings the replied-to author. Embeds never ping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
EVERYONE_MENTION = re.compile(r"@(everyone|here)\b")


@dataclass(frozen=True)
class Pings:
    users: frozenset[str]
    roles: frozenset[str]
    everyone: bool

    @property
    def anyone(self) -> bool:
        return bool(self.users or self.roles or self.everyone)


def parse_mentions(content: str) -> tuple[list[str], list[str], bool]:
    """User ids, role ids and whether @everyone/@here appear in ``content``."""
    return USER_MENTION.findall(content), ROLE_MENTION.findall(content), bool(EVERYONE_MENTION.search(content))


def pings(payload: dict[str, Any], *, replied_author_id: str | None = None) -> Pings:
    """The users, roles and @everyone that sending ``payload`` would notify."""
    content = str(payload.get("content") or "")
    users, roles, everyone = parse_mentions(content)
    allowed = payload.get("allowed_mentions")
    if allowed is None:
        pinged_users = set(users)
        if replied_author_id is not None:
            pinged_users.add(replied_author_id)
        return Pings(frozenset(pinged_users), frozenset(roles), everyone)
    parse = set(allowed.get("parse") or [])
    allowed_users = {str(u) for u in allowed.get("users") or []}
    allowed_roles = {str(r) for r in allowed.get("roles") or []}
    pinged_users = {u for u in users if "users" in parse or u in allowed_users}
    if replied_author_id is not None and allowed.get("replied_user", False):
        pinged_users.add(replied_author_id)
    pinged_roles = {r for r in roles if "roles" in parse or r in allowed_roles}
    return Pings(frozenset(pinged_users), frozenset(pinged_roles), everyone and "everyone" in parse)
